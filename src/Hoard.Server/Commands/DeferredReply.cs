using Hoard.Protocol;

namespace Hoard.Server.Commands;

/// <summary>Writes a reply that was computed after the command's handler returned.</summary>
/// <param name="writer">The connection's reply writer, in the session's protocol.</param>
public delegate void DeferredReply(ref RespWriter writer);

/// <summary>Common deferred replies.</summary>
public static class DeferredReplies
{
    /// <summary><c>+OK</c>.</summary>
    public static DeferredReply Ok { get; } = static (ref RespWriter w) => w.WriteOk();

    /// <summary>An error reply, its text given as Redis words it (<c>ERR …</c>).</summary>
    /// <param name="message">The error, without the leading dash.</param>
    /// <returns>The reply.</returns>
    public static DeferredReply Error(string message) => (ref RespWriter w) => w.WriteError(message);

    /// <summary>The reply to a cluster change: <c>+OK</c> once it committed, else its error.</summary>
    /// <param name="change">The change, completing with null on success or the error text.</param>
    /// <returns>The reply.</returns>
    public static async Task<DeferredReply> FromChange(Task<string?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return await change.ConfigureAwait(false) is { } error ? Error(error) : Ok;
    }
}
