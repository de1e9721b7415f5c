namespace Hoard.Server.PubSub;

/// <summary>Where a subscriber's messages go: its connection, which writes them under its output lock.</summary>
public interface IPushTarget
{
    /// <summary>
    /// Queues <paramref name="message"/> for the client without blocking the publisher; a client whose pending
    /// messages exceed <paramref name="limit"/> bytes is disconnected instead.
    /// </summary>
    void Deliver(PubSubMessage message, long limit);

    /// <summary>Whether messages are queued and not yet written (a client's own messages must not overtake them).</summary>
    bool HasPending { get; }
}
