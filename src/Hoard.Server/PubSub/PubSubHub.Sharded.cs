using Hoard.Protocol;
using Hoard.Storage.Keys;

namespace Hoard.Server.PubSub;

/// <summary>
/// Sharded Pub/Sub (https://redis.io/docs/latest/develop/interact/pubsub/#sharded-pubsub): shard channels live apart
/// from ordinary channels, take no pattern subscriptions, and are routed as keys (their slot), so in cluster mode a
/// message stays on the node that serves the channel's slot.
/// </summary>
public sealed partial class PubSubHub
{
    private readonly Dictionary<byte[], List<Subscriber>> _shardChannels = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], List<Subscriber>>.AlternateLookup<ReadOnlySpan<byte>> _shardLookup;

    /// <summary>Subscribes to a shard channel; false when already subscribed.</summary>
    public bool SubscribeShard(Subscriber subscriber, ReadOnlySpan<byte> channel) =>
        Add(_shardChannels, subscriber, subscriber.ShardChannels, channel);

    /// <summary>Unsubscribes from a shard channel; false when not subscribed.</summary>
    public bool UnsubscribeShard(Subscriber subscriber, ReadOnlySpan<byte> channel) =>
        Remove(_shardChannels, subscriber, subscriber.ShardChannels, channel);

    /// <summary>The shard channels <paramref name="subscriber"/> listens to, in subscription order.</summary>
    public byte[][] ShardChannelsOf(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            return [.. subscriber.ShardChannels];
        }
    }

    /// <summary>
    /// SPUBLISH: sends <paramref name="message"/> as <c>smessage</c> to the subscribers of shard channel
    /// <paramref name="channel"/> (patterns never match it); returns how many received it. The publishing client's
    /// own message goes ahead of the reply as in <see cref="Publish(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Subscriber?, ref RespWriter)"/>.
    /// </summary>
    public int PublishShard(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, Subscriber? self, ref RespWriter selfWriter)
    {
        var limit = OutputLimit;
        lock (_lock)
        {
            if (!_shardLookup.TryGetValue(channel, out var subscribers))
            {
                return 0;
            }

            var shared = PubSubMessage.Sharded(channel.ToArray(), message.ToArray());
            foreach (var subscriber in subscribers)
            {
                Send(subscriber, shared, self, ref selfWriter, limit);
            }

            return subscribers.Count;
        }
    }

    /// <summary>Shard channels with at least one subscriber, matching <paramref name="pattern"/> unless <paramref name="all"/> (PUBSUB SHARDCHANNELS).</summary>
    public List<byte[]> ActiveShardChannels(ReadOnlySpan<byte> pattern, bool all)
    {
        lock (_lock)
        {
            var found = new List<byte[]>();
            foreach (var channel in _shardChannels.Keys)
            {
                if (all || GlobPattern.IsMatch(pattern, channel))
                {
                    found.Add(channel);
                }
            }

            return found;
        }
    }

    /// <summary>Subscribers of a shard channel (PUBSUB SHARDNUMSUB).</summary>
    public int ShardSubscriberCount(ReadOnlySpan<byte> channel)
    {
        lock (_lock)
        {
            return _shardLookup.TryGetValue(channel, out var subscribers) ? subscribers.Count : 0;
        }
    }

    /// <summary>
    /// Unsubscribes every subscriber of the shard channels <paramref name="leaves"/> picks (the node no longer serves
    /// their slot), telling each with an unasked <c>sunsubscribe channel count</c>, as Redis does; returns how many
    /// channels went.
    /// </summary>
    public int DropShardChannels(Func<byte[], bool> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var limit = OutputLimit;
        lock (_lock)
        {
            var gone = _shardChannels.Keys.Where(leaves).ToList();
            foreach (var channel in gone)
            {
                var subscribers = _shardChannels[channel];
                _shardChannels.Remove(channel);
                foreach (var subscriber in subscribers)
                {
                    subscriber.ShardChannels.Remove(channel);
                    subscriber.UpdateCounts();
                    subscriber.Target?.Deliver(PubSubMessage.ShardUnsubscribe(channel, subscriber.ShardChannelCount), limit);
                }
            }

            return gone.Count;
        }
    }
}
