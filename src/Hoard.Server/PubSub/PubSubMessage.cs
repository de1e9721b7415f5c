namespace Hoard.Server.PubSub;

/// <summary>
/// One published message on its way to a subscriber: <c>message</c> (channel subscription) or <c>pmessage</c>
/// (pattern subscription, <see cref="Pattern"/> set). Immutable and shared by every recipient.
/// </summary>
public sealed class PubSubMessage
{
    // Bytes of a RESP frame around the three or four bulk strings, counted against the output buffer limit.
    private const int FrameOverhead = 64;

    internal PubSubMessage(byte[]? pattern, byte[] channel, byte[] payload)
    {
        Pattern = pattern;
        Channel = channel;
        Payload = payload;
        Size = FrameOverhead + (pattern?.Length ?? 0) + channel.Length + payload.Length;
    }

    /// <summary>The matching pattern of a <c>pmessage</c>, null for a <c>message</c>.</summary>
    public byte[]? Pattern { get; }

    /// <summary>The channel the message was published to.</summary>
    public byte[] Channel { get; }

    /// <summary>The message.</summary>
    public byte[] Payload { get; }

    /// <summary>Approximate bytes the message occupies in a subscriber's output (client-output-buffer-limit).</summary>
    public int Size { get; }
}
