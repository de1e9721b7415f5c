using Hoard.Protocol;
using Hoard.Server.Commands.Connection;
using Hoard.Server.PubSub;

namespace Hoard.Server.Commands.PubSub;

/// <summary>
/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB
/// (https://redis.io/docs/latest/commands/?group=pubsub), with Redis 7's replies: confirmations are
/// <c>[kind, channel, count]</c> arrays in RESP2 and push frames in RESP3. The count is channels plus patterns for
/// (P)(UN)SUBSCRIBE and shard channels alone for S(UN)SUBSCRIBE, as Redis counts them.
/// </summary>
internal static class PubSubCommands
{
    private static readonly (string Name, int Arity)[] Subcommands =
        [("CHANNELS", -2), ("NUMSUB", -2), ("NUMPAT", 2), ("SHARDCHANNELS", -2), ("SHARDNUMSUB", -2), ("HELP", 2)];

    public static void Register(CommandTable table)
    {
        const CommandFlags subscribe = CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.SubscribedContext;
        table.Add(new("subscribe", -2, subscribe, 0, 0, 0, Subscribe, "Listens for messages published to channels."));
        table.Add(new("unsubscribe", -1, subscribe, 0, 0, 0, Unsubscribe, "Stops listening to messages posted to channels."));
        table.Add(new("psubscribe", -2, subscribe, 0, 0, 0, PatternSubscribe, "Listens for messages published to channels that match one or more patterns."));
        table.Add(new("punsubscribe", -1, subscribe, 0, 0, 0, PatternUnsubscribe, "Stops listening to messages published to channels that match one or more patterns."));
        table.Add(new("publish", 3, CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, 0, 0, 0, Publish, "Posts a message to a channel."));
        table.Add(new("ssubscribe", -2, subscribe, 1, -1, 1, ShardSubscribe, "Listens for messages published to shard channels."));
        table.Add(new("sunsubscribe", -1, subscribe, 1, -1, 1, ShardUnsubscribe, "Stops listening to messages posted to shard channels."));
        table.Add(new("spublish", 3, CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, 1, 1, 1, ShardPublish, "Post a message to a shard channel"));
        table.Add(new("pubsub", -2, CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0, Introspect, "A container for Pub/Sub commands."));
    }

    private static void Subscribe(ref CommandContext c)
    {
        var hub = c.Server.PubSub;
        var subscriber = c.Session.Subscriptions;
        for (var i = 1; i < c.Count; i++)
        {
            hub.Subscribe(subscriber, c[i]);
            WriteConfirmation(ref c.Writer, "subscribe"u8, c[i], subscriber.Count);
        }
    }

    private static void PatternSubscribe(ref CommandContext c)
    {
        var hub = c.Server.PubSub;
        var subscriber = c.Session.Subscriptions;
        for (var i = 1; i < c.Count; i++)
        {
            hub.SubscribePattern(subscriber, c[i]);
            WriteConfirmation(ref c.Writer, "psubscribe"u8, c[i], subscriber.Count);
        }
    }

    private static void ShardSubscribe(ref CommandContext c)
    {
        var hub = c.Server.PubSub;
        var subscriber = c.Session.Subscriptions;
        for (var i = 1; i < c.Count; i++)
        {
            hub.SubscribeShard(subscriber, c[i]);
            WriteConfirmation(ref c.Writer, "ssubscribe"u8, c[i], subscriber.ShardChannelCount);
        }
    }

    /// <summary>SUNSUBSCRIBE: the named shard channels, or all of them; one confirmation each.</summary>
    private static void ShardUnsubscribe(ref CommandContext c)
    {
        var hub = c.Server.PubSub;
        var subscriber = c.Session.Subscriptions;
        if (c.Count > 1)
        {
            for (var i = 1; i < c.Count; i++)
            {
                hub.UnsubscribeShard(subscriber, c[i]);
                WriteConfirmation(ref c.Writer, "sunsubscribe"u8, c[i], subscriber.ShardChannelCount);
            }

            return;
        }

        var all = hub.ShardChannelsOf(subscriber);
        foreach (var name in all)
        {
            hub.UnsubscribeShard(subscriber, name);
            WriteConfirmation(ref c.Writer, "sunsubscribe"u8, name, subscriber.ShardChannelCount);
        }

        if (all.Length == 0)
        {
            WriteNothingConfirmation(ref c.Writer, "sunsubscribe"u8, subscriber.ShardChannelCount);
        }
    }

    private static void ShardPublish(ref CommandContext c)
    {
        var receivers = c.Server.PubSub.PublishShard(c[1], c[2], c.Session.Subscriptions, ref c.Writer);
        c.Writer.WriteInteger(receivers);
    }

    private static void Unsubscribe(ref CommandContext c) => Leave(ref c, patterns: false);

    private static void PatternUnsubscribe(ref CommandContext c) => Leave(ref c, patterns: true);

    /// <summary>(P)UNSUBSCRIBE: the named channels (patterns), or all of them; one confirmation each.</summary>
    private static void Leave(ref CommandContext c, bool patterns)
    {
        var hub = c.Server.PubSub;
        var subscriber = c.Session.Subscriptions;
        var kind = patterns ? "punsubscribe"u8 : "unsubscribe"u8;
        if (c.Count > 1)
        {
            for (var i = 1; i < c.Count; i++)
            {
                Leave(hub, subscriber, c[i], patterns);
                WriteConfirmation(ref c.Writer, kind, c[i], subscriber.Count);
            }

            return;
        }

        var all = patterns ? hub.PatternsOf(subscriber) : hub.ChannelsOf(subscriber);
        foreach (var name in all)
        {
            Leave(hub, subscriber, name, patterns);
            WriteConfirmation(ref c.Writer, kind, name, subscriber.Count);
        }

        if (all.Length == 0)
        {
            WriteNothingConfirmation(ref c.Writer, kind, subscriber.Count);
        }
    }

    private static void Leave(PubSubHub hub, Subscriber subscriber, ReadOnlySpan<byte> name, bool patterns)
    {
        if (patterns)
        {
            hub.UnsubscribePattern(subscriber, name);
        }
        else
        {
            hub.Unsubscribe(subscriber, name);
        }
    }

    private static void Publish(ref CommandContext c)
    {
        var receivers = c.Server.PubSub.Publish(c[1], c[2], c.Session.Subscriptions, ref c.Writer);
        c.Writer.WriteInteger(receivers);
    }

    private static void Introspect(ref CommandContext c)
    {
        var hub = c.Server.PubSub;
        if (c.Is(1, "CHANNELS"u8) && c.Count <= 3)
        {
            c.Session.RecordSubcommand("pubsub|channels");
            var channels = hub.ActiveChannels(c.Count == 3 ? c[2] : default, all: c.Count == 2);
            c.Writer.WriteArrayHeader(channels.Count);
            foreach (var channel in channels)
            {
                c.Writer.WriteBulkString(channel);
            }
        }
        else if (c.Is(1, "NUMSUB"u8))
        {
            c.Session.RecordSubcommand("pubsub|numsub");
            c.Writer.WriteArrayHeader((c.Count - 2) * 2);
            for (var i = 2; i < c.Count; i++)
            {
                c.Writer.WriteBulkString(c[i]);
                c.Writer.WriteInteger(hub.SubscriberCount(c[i]));
            }
        }
        else if (c.Is(1, "NUMPAT"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("pubsub|numpat");
            c.Writer.WriteInteger(hub.PatternCount);
        }
        else if (c.Is(1, "SHARDCHANNELS"u8) && c.Count <= 3)
        {
            c.Session.RecordSubcommand("pubsub|shardchannels");
            var channels = hub.ActiveShardChannels(c.Count == 3 ? c[2] : default, all: c.Count == 2);
            c.Writer.WriteArrayHeader(channels.Count);
            foreach (var channel in channels)
            {
                c.Writer.WriteBulkString(channel);
            }
        }
        else if (c.Is(1, "SHARDNUMSUB"u8))
        {
            c.Session.RecordSubcommand("pubsub|shardnumsub");
            c.Writer.WriteArrayHeader((c.Count - 2) * 2);
            for (var i = 2; i < c.Count; i++)
            {
                c.Writer.WriteBulkString(c[i]);
                c.Writer.WriteInteger(hub.ShardSubscriberCount(c[i]));
            }
        }
        else if (c.Is(1, "HELP"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("pubsub|help");
            SubcommandHelp.Write(ref c.Writer, "PUBSUB",
            [
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)",
            ]);
        }
        else
        {
            SubcommandHelp.WriteError(ref c, "PUBSUB", Subcommands);
        }
    }

    /// <summary><c>[kind, name, count]</c>: an array in RESP2, a push in RESP3.</summary>
    private static void WriteConfirmation(ref RespWriter writer, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> name, int count)
    {
        writer.WritePushHeader(3);
        writer.WriteBulkString(kind);
        writer.WriteBulkString(name);
        writer.WriteInteger(count);
    }

    /// <summary>The reply to UNSUBSCRIBE / PUNSUBSCRIBE without arguments when nothing was subscribed: a null name.</summary>
    private static void WriteNothingConfirmation(ref RespWriter writer, ReadOnlySpan<byte> kind, int count)
    {
        writer.WritePushHeader(3);
        writer.WriteBulkString(kind);
        writer.WriteNull();
        writer.WriteInteger(count);
    }
}
