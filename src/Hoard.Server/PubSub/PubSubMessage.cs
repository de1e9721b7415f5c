namespace Hoard.Server.PubSub;

/// <summary>What a pushed message is.</summary>
public enum PushKind
{
    /// <summary><c>message channel payload</c>: a channel subscription's.</summary>
    Message,

    /// <summary><c>pmessage pattern channel payload</c>: a pattern subscription's.</summary>
    PatternMessage,

    /// <summary>
    /// Client tracking's <c>invalidate [key]</c> (or a null for "everything", after a flush): a RESP3 push, or in RESP2
    /// a <c>message</c> on <c>__redis__:invalidate</c> to the client tracking redirects to.
    /// </summary>
    Invalidate,

    /// <summary><c>smessage shardchannel payload</c>: a shard channel subscription's (SPUBLISH).</summary>
    ShardMessage,

    /// <summary>
    /// <c>sunsubscribe shardchannel count</c> sent unasked: the node stopped serving the channel's slot, so its
    /// subscribers were unsubscribed (as Redis does when a slot leaves a node).
    /// </summary>
    ShardUnsubscribed,

    /// <summary>Client tracking's <c>tracking-redir-broken id</c>: the client it redirected to is gone (RESP3 only).</summary>
    RedirectBroken,
}

/// <summary>
/// One message on its way to a client's connection, pushed there rather than asked for: a published message or a
/// client-tracking notice. Immutable and shared by every recipient.
/// </summary>
public sealed class PubSubMessage
{
    // Bytes of a RESP frame around the three or four bulk strings, counted against the output buffer limit.
    private const int FrameOverhead = 64;

    internal PubSubMessage(byte[]? pattern, byte[] channel, byte[] payload)
        : this(pattern is null ? PushKind.Message : PushKind.PatternMessage, pattern, channel, payload, 0)
    {
    }

    private PubSubMessage(PushKind kind, byte[]? pattern, byte[] channel, byte[]? payload, long redirect)
    {
        Kind = kind;
        Pattern = pattern;
        Channel = channel;
        Payload = payload;
        RedirectId = redirect;
        Size = FrameOverhead + (pattern?.Length ?? 0) + channel.Length + (payload?.Length ?? 0);
    }

    /// <summary>The channel client tracking's RESP2 notices are published on.</summary>
    public static ReadOnlySpan<byte> InvalidateChannel => "__redis__:invalidate"u8;

    /// <summary>What the message is.</summary>
    public PushKind Kind { get; }

    /// <summary>The matching pattern of a <c>pmessage</c>, null otherwise.</summary>
    public byte[]? Pattern { get; }

    /// <summary>The channel the message was published to (<see cref="InvalidateChannel"/> for a tracking notice).</summary>
    public byte[] Channel { get; }

    /// <summary>The message; for an invalidation the key, null for "every key" (a flush).</summary>
    public byte[]? Payload { get; }

    /// <summary>The client a <see cref="PushKind.RedirectBroken"/> notice names; the count of a <see cref="PushKind.ShardUnsubscribed"/>.</summary>
    public long RedirectId { get; }

    /// <summary>Approximate bytes the message occupies in a subscriber's output (client-output-buffer-limit).</summary>
    public int Size { get; }

    /// <summary>An invalidation of <paramref name="key"/>, or of every key when null.</summary>
    public static PubSubMessage Invalidation(byte[]? key) => new(PushKind.Invalidate, null, InvalidateChannel.ToArray(), key, 0);

    /// <summary>An SPUBLISH message on <paramref name="channel"/>.</summary>
    internal static PubSubMessage Sharded(byte[] channel, byte[] payload) => new(PushKind.ShardMessage, null, channel, payload, 0);

    /// <summary>The notice that the subscription to <paramref name="channel"/> ended, <paramref name="count"/> shard channels left.</summary>
    internal static PubSubMessage ShardUnsubscribe(byte[] channel, int count) => new(PushKind.ShardUnsubscribed, null, channel, null, count);

    /// <summary>The notice that the client tracking redirected to, <paramref name="redirect"/>, is gone.</summary>
    public static PubSubMessage BrokenRedirect(long redirect) => new(PushKind.RedirectBroken, null, [], null, redirect);
}
