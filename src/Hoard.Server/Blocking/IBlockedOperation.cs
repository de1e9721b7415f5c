using Hoard.Server.Commands;
using Hoard.Storage;

namespace Hoard.Server.Blocking;

/// <summary>
/// What a blocked client waits to do (<see cref="BlockingHub.Block"/>): the command's non-blocking form, tried again
/// when one of its keys is written. Called without the hub's lock, on the thread of the command that wrote the key.
/// </summary>
public interface IBlockedOperation
{
    /// <summary>
    /// Runs the operation on <paramref name="key"/> of <paramref name="database"/>: the reply when it did something
    /// (the pop happened, and replicated as the non-blocking command's), null when the key still has nothing for it.
    /// </summary>
    DeferredReply? TryServe(Database database, ReadOnlySpan<byte> key);

    /// <summary>The reply when the timeout passes (a null of the command's shape).</summary>
    DeferredReply TimedOut { get; }
}
