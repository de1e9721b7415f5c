using System.Globalization;
using System.Text;
using Hoard.Server.Replication;

namespace Hoard.Server.Connections;

/// <summary>The snapshot of a full sync: the keyspace walk, paced, with the stream since its cut interleaved.</summary>
internal sealed partial class ClientConnection
{
    private const int SnapshotKeysPerStep = 1024;

    /// <summary>
    /// Sends how many keys the walk starts with (<c>#keys</c>, the replica's progress in INFO), then the snapshot as
    /// <c>$n</c> frames of records, at most <c>repl-sync-max-rate</c> bytes a second, and after
    /// each one the stream appended meanwhile as an <c>@n</c> frame of whole records; an empty <c>$0</c> frame ends it.
    /// Every stream record a frame carries was appended before the next snapshot step read its keys, so a key's
    /// snapshot record never reaches the replica after a stream record newer than it: applied in this order, the
    /// replica converges as if it had applied the whole snapshot first (docs/replication.md). Sending the stream
    /// along keeps the backlog short however long a paced walk takes.
    /// </summary>
    /// <returns>
    /// The start of a record the last <c>@n</c> frame held back (the raw stream goes on with it), or null when the
    /// sync was aborted (the replica fell behind, or a SWAPDB crossed the walk).
    /// </returns>
    private async Task<ReadOnlyMemory<byte>?> SendSnapshotAsync(ReplicaFeed feed, BacklogReader reader, CancellationToken token)
    {
        var frame = new FrameSink();
        var stream = new StreamFrames(feed.Backlog, reader);
        var pacer = new SyncPacer(() => _server.Options.ReplicationSyncMaxRate);
        var keyspace = _server.Keyspace;
        var keys = Enumerable.Range(0, keyspace.DatabaseCount).Sum(db => keyspace[db].Count);
        await WriteRawAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"#{keys}\r\n")), token).ConfigureAwait(false);
        var walk = keyspace.StartSnapshot();
        do
        {
            frame.Clear();
            walk.Step(SnapshotKeysPerStep, frame);
            if (frame.Length > 0)
            {
                await SendDirectAsync(frame.Framed((byte)'$'), token).ConfigureAwait(false);
                await pacer.PaceAsync(frame.Length, token).ConfigureAwait(false);
            }

            while (stream.Collect() is var collected && collected != 0)
            {
                if (collected < 0)
                {
                    ServerLog.ReplicaFellBehind(_logger, Session.Id, reader.Position);
                    Abort(); // the replica reconnects and gets a full sync
                    return null;
                }

                await SendDirectAsync(stream.Frame.Framed((byte)'@'), token).ConfigureAwait(false);
            }
        }
        while (!walk.IsComplete && feed.Backlog.Swaps == feed.SwapsBefore);

        if (feed.Backlog.Swaps != feed.SwapsBefore)
        {
            // A SWAPDB crossed the walk: the snapshot names databases as they were when it visited each key, and the
            // stream replays the swap after some of them. The replica starts a new full sync.
            Abort();
            return null;
        }

        await WriteRawAsync("$0\r\n\r\n"u8.ToArray(), token).ConfigureAwait(false);
        return stream.Carried;
    }
}
