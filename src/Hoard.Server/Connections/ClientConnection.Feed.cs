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
        // Held from before the snapshot: every write since its cut waits in the backlog until the replica reads it.
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
                await SendDirectAsync(frame.Framed(), token).ConfigureAwait(false);
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

    /// <summary>
    /// Collects a snapshot step's records into one <c>$n</c> frame, in a buffer kept for the whole snapshot: the records
    /// go after room left for the header, which <see cref="Framed"/> writes in front of them.
    /// </summary>
    private sealed class FrameSink : IRecordSink
    {
        private const int HeaderRoom = 16; // "$" + up to 10 digits + CRLF
        private byte[] _buffer = new byte[1024 * 1024];
        private int _end = HeaderRoom;

        public int Length => _end - HeaderRoom;

        public void Write(ReadOnlySpan<byte> record)
        {
            Reserve(record.Length);
            record.CopyTo(_buffer.AsSpan(_end));
            _end += record.Length;
        }

        public void Clear() => _end = HeaderRoom;

        /// <summary>The frame: header, records and CRLF, a view of the buffer valid until the next <see cref="Clear"/>.</summary>
        public ReadOnlyMemory<byte> Framed()
        {
            Span<byte> header = stackalloc byte[HeaderRoom];
            header[0] = (byte)'$';
            Length.TryFormat(header[1..], out var digits, provider: CultureInfo.InvariantCulture);
            "\r\n"u8.CopyTo(header[(1 + digits)..]);
            var headerLength = digits + 3;
            header[..headerLength].CopyTo(_buffer.AsSpan(HeaderRoom - headerLength));
            Reserve(2);
            "\r\n"u8.CopyTo(_buffer.AsSpan(_end));
            return _buffer.AsMemory(HeaderRoom - headerLength, headerLength + Length + 2);
        }

        private void Reserve(int bytes)
        {
            if (_end + bytes > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_end + bytes)));
            }
        }
    }
}
