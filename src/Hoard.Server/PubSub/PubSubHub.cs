using Hoard.Protocol;
using Hoard.Storage.Keys;

namespace Hoard.Server.PubSub;

/// <summary>
/// The node's Pub/Sub registry (https://redis.io/docs/latest/develop/interact/pubsub/): channel → subscribers and
/// pattern → subscribers, in subscription order. Every change and every PUBLISH runs under one lock; delivery only
/// queues each message on the subscriber's connection (<see cref="IPushTarget.Deliver"/>), so a publisher never waits
/// for a slow subscriber.
/// </summary>
public sealed partial class PubSubHub
{
    /// <summary>Redis's default <c>client-output-buffer-limit pubsub</c> hard limit: 32 MB.</summary>
    public const long DefaultOutputLimit = 32L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], List<Subscriber>> _channels = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], List<Subscriber>> _patterns = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], List<Subscriber>>.AlternateLookup<ReadOnlySpan<byte>> _channelLookup;
    private long _outputLimit = DefaultOutputLimit;

    /// <summary>Creates an empty registry.</summary>
    public PubSubHub()
    {
        _channelLookup = _channels.GetAlternateLookup<ReadOnlySpan<byte>>();
        _shardLookup = _shardChannels.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>
    /// Bytes of messages a subscriber may have pending before it is disconnected (the hard limit of
    /// <c>client-output-buffer-limit pubsub</c>); 0 means no limit.
    /// </summary>
    public long OutputLimit
    {
        get => Interlocked.Read(ref _outputLimit);
        set => Interlocked.Exchange(ref _outputLimit, value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value);
    }

    /// <summary>Subscribes to a channel; false when already subscribed.</summary>
    public bool Subscribe(Subscriber subscriber, ReadOnlySpan<byte> channel) => Add(_channels, subscriber, subscriber.Channels, channel);

    /// <summary>Unsubscribes from a channel; false when not subscribed.</summary>
    public bool Unsubscribe(Subscriber subscriber, ReadOnlySpan<byte> channel) => Remove(_channels, subscriber, subscriber.Channels, channel);

    /// <summary>Subscribes to a glob pattern; false when already subscribed.</summary>
    public bool SubscribePattern(Subscriber subscriber, ReadOnlySpan<byte> pattern) => Add(_patterns, subscriber, subscriber.Patterns, pattern);

    /// <summary>Unsubscribes from a pattern; false when not subscribed.</summary>
    public bool UnsubscribePattern(Subscriber subscriber, ReadOnlySpan<byte> pattern) => Remove(_patterns, subscriber, subscriber.Patterns, pattern);

    /// <summary>The channels <paramref name="subscriber"/> listens to, in subscription order.</summary>
    public byte[][] ChannelsOf(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            return [.. subscriber.Channels];
        }
    }

    /// <summary>The patterns <paramref name="subscriber"/> listens to, in subscription order.</summary>
    public byte[][] PatternsOf(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            return [.. subscriber.Patterns];
        }
    }

    /// <summary>Drops every subscription of a client (closing connection, RESET).</summary>
    public void UnsubscribeAll(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            foreach (var channel in subscriber.Channels)
            {
                Detach(_channels, subscriber, channel);
            }

            foreach (var pattern in subscriber.Patterns)
            {
                Detach(_patterns, subscriber, pattern);
            }

            foreach (var channel in subscriber.ShardChannels)
            {
                Detach(_shardChannels, subscriber, channel);
            }

            subscriber.Channels.Clear();
            subscriber.Patterns.Clear();
            subscriber.ShardChannels.Clear();
            subscriber.UpdateCounts();
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> to the subscribers of <paramref name="channel"/> and of every matching pattern;
    /// returns how many deliveries were made (Redis's PUBLISH reply). Messages for <paramref name="self"/> (the
    /// publishing client, in RESP3) are written straight into <paramref name="selfWriter"/> ahead of the reply, as
    /// Redis does, unless earlier messages for it are still queued.
    /// </summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, Subscriber? self, ref RespWriter selfWriter)
    {
        var receivers = 0;
        byte[]? channelBytes = null;
        byte[]? payload = null;
        var limit = OutputLimit;
        lock (_lock)
        {
            if (_channelLookup.TryGetValue(channel, out var subscribers))
            {
                channelBytes = channel.ToArray();
                payload = message.ToArray();
                var shared = new PubSubMessage(null, channelBytes, payload);
                foreach (var subscriber in subscribers)
                {
                    Send(subscriber, shared, self, ref selfWriter, limit);
                    receivers++;
                }
            }

            foreach (var (pattern, subscribers2) in _patterns)
            {
                if (!GlobPattern.IsMatch(pattern, channel))
                {
                    continue;
                }

                channelBytes ??= channel.ToArray();
                payload ??= message.ToArray();
                var shared = new PubSubMessage(pattern, channelBytes, payload);
                foreach (var subscriber in subscribers2)
                {
                    Send(subscriber, shared, self, ref selfWriter, limit);
                    receivers++;
                }
            }
        }

        return receivers;
    }

    /// <summary>
    /// Sends <paramref name="message"/> to the subscribers of <paramref name="channel"/> and of every matching pattern,
    /// all through their connections' queues (a message no client's command is waiting for: keyspace notifications).
    /// </summary>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        var none = default(RespWriter);
        return Publish(channel, message, null, ref none);
    }

    /// <summary>Channels with at least one subscriber, matching <paramref name="pattern"/> when given (PUBSUB CHANNELS).</summary>
    public List<byte[]> ActiveChannels(ReadOnlySpan<byte> pattern, bool all)
    {
        lock (_lock)
        {
            var found = new List<byte[]>();
            foreach (var channel in _channels.Keys)
            {
                if (all || GlobPattern.IsMatch(pattern, channel))
                {
                    found.Add(channel);
                }
            }

            return found;
        }
    }

    /// <summary>Subscribers of a channel, pattern subscriptions excluded (PUBSUB NUMSUB).</summary>
    public int SubscriberCount(ReadOnlySpan<byte> channel)
    {
        lock (_lock)
        {
            return _channelLookup.TryGetValue(channel, out var subscribers) ? subscribers.Count : 0;
        }
    }

    /// <summary>Distinct patterns subscribed to by any client (PUBSUB NUMPAT).</summary>
    public int PatternCount
    {
        get
        {
            lock (_lock)
            {
                return _patterns.Count;
            }
        }
    }

    /// <summary>Writes a message to the publishing client itself, or queues it on the subscriber's connection.</summary>
    private static void Send(Subscriber subscriber, PubSubMessage message, Subscriber? self, ref RespWriter selfWriter, long limit)
    {
        var target = subscriber.Target;
        if (target is null)
        {
            return;
        }

        if (ReferenceEquals(subscriber, self) && !target.HasPending)
        {
            WriteMessage(ref selfWriter, message);
            return;
        }

        target.Deliver(message, limit);
    }

    /// <summary>
    /// Writes a message as Redis does: <c>message channel payload</c>, <c>pmessage pattern channel payload</c> or
    /// <c>smessage shardchannel payload</c> (and an unasked <c>sunsubscribe shardchannel count</c>), an array
    /// in RESP2 and a push frame in RESP3; client tracking's <c>invalidate keys</c> as a push in RESP3 and as a
    /// <c>message</c> on <c>__redis__:invalidate</c> whose payload is the array of keys in RESP2; and
    /// <c>tracking-redir-broken id</c>.
    /// </summary>
    public static void WriteMessage(ref RespWriter writer, PubSubMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case PushKind.Invalidate:
                if (writer.Version == RespVersion.Resp3)
                {
                    writer.WritePushHeader(2);
                    writer.WriteBulkString("invalidate"u8);
                }
                else
                {
                    writer.WritePushHeader(3);
                    writer.WriteBulkString("message"u8);
                    writer.WriteBulkString(message.Channel);
                }

                if (message.Payload is { } key)
                {
                    writer.WriteArrayHeader(1);
                    writer.WriteBulkString(key);
                }
                else
                {
                    writer.WriteNullArray();
                }

                return;
            case PushKind.RedirectBroken:
                writer.WritePushHeader(2);
                writer.WriteBulkString("tracking-redir-broken"u8);
                writer.WriteInteger(message.RedirectId);
                return;
            case PushKind.ShardUnsubscribed:
                writer.WritePushHeader(3);
                writer.WriteBulkString("sunsubscribe"u8);
                writer.WriteBulkString(message.Channel);
                writer.WriteInteger(message.RedirectId);
                return;
            case PushKind.ShardMessage:
                writer.WritePushHeader(3);
                writer.WriteBulkString("smessage"u8);
                break;
            case PushKind.PatternMessage:
                writer.WritePushHeader(4);
                writer.WriteBulkString("pmessage"u8);
                writer.WriteBulkString(message.Pattern!);
                break;
            default:
                writer.WritePushHeader(3);
                writer.WriteBulkString("message"u8);
                break;
        }

        writer.WriteBulkString(message.Channel);
        writer.WriteBulkString(message.Payload!);
    }

    private bool Add(Dictionary<byte[], List<Subscriber>> registry, Subscriber subscriber, HashSet<byte[]> own, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            var key = name.ToArray();
            if (!own.Add(key))
            {
                return false;
            }

            if (!registry.TryGetValue(key, out var subscribers))
            {
                subscribers = [];
                registry.Add(key, subscribers);
            }

            subscribers.Add(subscriber);
            subscriber.UpdateCounts();
            return true;
        }
    }

    private bool Remove(Dictionary<byte[], List<Subscriber>> registry, Subscriber subscriber, HashSet<byte[]> own, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            var lookup = own.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(name, out var key))
            {
                return false;
            }

            own.Remove(key);

            Detach(registry, subscriber, key);
            subscriber.UpdateCounts();
            return true;
        }
    }

    /// <summary>Removes a subscriber from one registry entry, dropping the entry when it was the last one.</summary>
    private static void Detach(Dictionary<byte[], List<Subscriber>> registry, Subscriber subscriber, byte[] key)
    {
        if (registry.TryGetValue(key, out var subscribers))
        {
            subscribers.Remove(subscriber);
            if (subscribers.Count == 0)
            {
                registry.Remove(key);
            }
        }
    }
}
