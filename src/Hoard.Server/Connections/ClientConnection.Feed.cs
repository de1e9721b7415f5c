using System.Buffers;
using System.Globalization;
using System.Text;
using Hoard.Server.Replication;
using Hoard.Storage.Replication;

namespace Hoard.Server.Connections;

/// <summary>The primary's side of replication: a connection that sent PSYNC streams the feed to its replica.</summary>
internal sealed partial class ClientConnection
{
    private const int SnapshotKeysPerStep = 1024;
    private const int FeedChunk = 64 * 1024;

    /// <summary>
    /// <c>+FULLRESYNC id offset</c> and the snapshot as <c>$n</c> frames of records (an empty frame ends it), or
    /// <c>+CONTINUE id</c>; then the stream's raw records from the offset, as they are appended. Written under the
    /// output lock like replies, so the replica's own commands (REPLCONF ACK, which has no reply) interleave safely.
    /// </summary>
    private async Task FeedAsync(ReplicaFeed feed, CancellationToken token)
    {
        try
        {
            await WriteRawAsync(Encoding.ASCII.GetBytes(feed.FullSync
                ? string.Create(CultureInfo.InvariantCulture, $"+FULLRESYNC {feed.ReplicationId} {feed.Offset}\r\n")
                : $"+CONTINUE {feed.ReplicationId}\r\n"), token).ConfigureAwait(false);
            if (feed.FullSync)
            {
                await SendSnapshotAsync(token).ConfigureAwait(false);
                if (feed.Backlog.Swaps != feed.SwapsBefore)
                {
                    Abort(); // a SWAPDB crossed the walk: the replica starts a new full sync
                    return;
                }
            }

            feed.Replica.Online = true;
            var offset = feed.Offset;
            var chunk = new byte[FeedChunk];
            while (true)
            {
                var read = await feed.Backlog.ReadAsync(offset, chunk, token).ConfigureAwait(false);
                if (read < 0)
                {
                    ServerLog.ReplicaFellBehind(_logger, Session.Id, offset);
                    Abort(); // the replica reconnects and gets a full sync
                    return;
                }

                await WriteRawAsync(chunk.AsMemory(0, read), token).ConfigureAwait(false);
                offset += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The replica went away or the node stops.
        }
    }

    private async Task SendSnapshotAsync(CancellationToken token)
    {
        var frame = new FrameSink();
        long cursor = 0;
        do
        {
            frame.Clear();
            cursor = _server.Keyspace.WriteSnapshot(cursor, SnapshotKeysPerStep, frame);
            if (frame.Length > 0)
            {
                await WriteRawAsync(frame.Framed(), token).ConfigureAwait(false);
            }
        }
        while (cursor != 0);

        await WriteRawAsync("$0\r\n\r\n"u8.ToArray(), token).ConfigureAwait(false);
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

    /// <summary>Collects a snapshot step's records into one <c>$n</c> frame.</summary>
    private sealed class FrameSink : IRecordSink
    {
        private readonly ArrayBufferWriter<byte> _records = new(64 * 1024);

        public int Length => _records.WrittenCount;

        public void Write(ReadOnlySpan<byte> record) => _records.Write(record);

        public void Clear() => _records.ResetWrittenCount();

        public byte[] Framed()
        {
            var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"${_records.WrittenCount}\r\n"));
            var framed = new byte[header.Length + _records.WrittenCount + 2];
            header.CopyTo(framed, 0);
            _records.WrittenSpan.CopyTo(framed.AsSpan(header.Length));
            "\r\n"u8.CopyTo(framed.AsSpan(header.Length + _records.WrittenCount));
            return framed;
        }
    }
}
