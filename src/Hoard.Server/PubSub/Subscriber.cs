namespace Hoard.Server.PubSub;

/// <summary>
/// The Pub/Sub side of one client: the channels and patterns it listens to and where its messages go. Changed only
/// through <see cref="PubSubHub"/> (under its lock); the counts may be read from any thread (CLIENT LIST).
/// </summary>
public sealed class Subscriber
{
    private int _channelCount;
    private int _patternCount;
    private int _shardChannelCount;

    /// <summary>Creates the subscriber of client <paramref name="clientId"/>.</summary>
    public Subscriber(long clientId) => ClientId = clientId;

    /// <summary>The client's id.</summary>
    public long ClientId { get; }

    /// <summary>Where messages go; null (messages dropped) until the connection attaches itself.</summary>
    public IPushTarget? Target { get; set; }

    /// <summary>Channels subscribed to (Redis's <c>sub</c>).</summary>
    public int ChannelCount => Volatile.Read(ref _channelCount);

    /// <summary>Patterns subscribed to (Redis's <c>psub</c>).</summary>
    public int PatternCount => Volatile.Read(ref _patternCount);

    /// <summary>Shard channels subscribed to (Redis's <c>ssub</c>).</summary>
    public int ShardChannelCount => Volatile.Read(ref _shardChannelCount);

    /// <summary>
    /// Channels plus patterns: the count subscribe and unsubscribe confirmations report (shard channels are counted
    /// apart, by <see cref="ShardChannelCount"/>, as Redis does).
    /// </summary>
    public int Count => ChannelCount + PatternCount;

    /// <summary>Whether the client is in Pub/Sub mode (Redis's <c>CLIENT_PUBSUB</c> flag): any subscription, sharded too.</summary>
    public bool IsSubscribed => Count + ShardChannelCount > 0;

    // Insertion-ordered sets; guarded by the hub's lock.
    internal HashSet<byte[]> Channels { get; } = new(ByteKeyComparer.Instance);

    internal HashSet<byte[]> Patterns { get; } = new(ByteKeyComparer.Instance);

    internal HashSet<byte[]> ShardChannels { get; } = new(ByteKeyComparer.Instance);

    internal void UpdateCounts()
    {
        Volatile.Write(ref _channelCount, Channels.Count);
        Volatile.Write(ref _patternCount, Patterns.Count);
        Volatile.Write(ref _shardChannelCount, ShardChannels.Count);
    }
}
