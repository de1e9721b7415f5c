using System.Buffers;
using System.Globalization;
using System.Text;
using Hoard.Server.Replication;

namespace Hoard.Server.Connections;

/// <summary>The primary's side of replication: a connection that sent PSYNC streams the feed to its replica.</summary>
internal sealed partial class ClientConnection
{
    private const int FeedChunk = 64 * 1024;

    /// <summary>
    /// <c>+FULLRESYNC id offset</c> and the snapshot as <c>$n</c> frames of records, with the stream from the offset
    /// interleaved as <c>@n</c> frames (an empty <c>$0</c> frame ends it), or <c>+CONTINUE id</c>; then the stream's
    /// raw records, as they are appended. Written under the output lock like replies, so the replica's own commands
    /// (REPLCONF ACK, which has no reply) interleave safely.
    /// </summary>
    private async Task FeedAsync(ReplicaFeed feed, CancellationToken token)
    {
        // Held from before the snapshot: every write since its cut stays in the backlog until it is sent.
        using var reader = feed.Backlog.OpenReader(feed.Offset);
        try
        {
            if (reader is null)
            {
                ServerLog.ReplicaFellBehind(_logger, Session.Id, feed.Offset);
                Abort(); // the replica reconnects and gets a full sync
                return;
            }

            await WriteRawAsync(Encoding.ASCII.GetBytes(feed.FullSync
                ? string.Create(CultureInfo.InvariantCulture, $"+FULLRESYNC {feed.ReplicationId} {feed.Offset}\r\n")
                : $"+CONTINUE {feed.ReplicationId}\r\n"), token).ConfigureAwait(false);
            var carried = ReadOnlyMemory<byte>.Empty;
            if (feed.FullSync)
            {
                var sync = await SendSnapshotAsync(feed, reader, token).ConfigureAwait(false);
                if (sync is not { } tail)
                {
                    return; // aborted: the replica starts a new full sync
                }

                carried = tail;
            }

            feed.Replica.Online = true;
            if (!carried.IsEmpty)
            {
                await WriteRawAsync(carried, token).ConfigureAwait(false); // the start of a record the snapshot's last stream frame held back
            }

            var chunk = new byte[FeedChunk];
            while (true)
            {
                var read = await feed.Backlog.ReadAsync(reader, chunk, token).ConfigureAwait(false);
                if (read < 0)
                {
                    ServerLog.ReplicaFellBehind(_logger, Session.Id, reader.Position);
                    Abort(); // the replica reconnects and gets a full sync
                    return;
                }

                await WriteRawAsync(chunk.AsMemory(0, read), token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The replica went away or the node stops.
        }
    }

    private async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await _outputLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            _output.Write(bytes.Span);
            await SendAsync(token).ConfigureAwait(false);
        }
        finally
        {
            _outputLock.Release();
        }
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> from the caller's buffer, under the output lock like replies but not copied into
    /// the reply buffer: a snapshot frame (about 1 MB) would grow that buffer past its threshold every time, and it
    /// would be reallocated after each frame.
    /// </summary>
    private async Task SendDirectAsync(ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await _outputLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await SendAsync(token).ConfigureAwait(false); // replies written earlier go first (none, normally)
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, System.Net.Sockets.SocketFlags.None, token).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _outputLock.Release();
        }
    }
}
