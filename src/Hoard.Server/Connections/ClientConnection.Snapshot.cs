using System.Globalization;
using System.Text;
using Hoard.Server.Replication;
using Hoard.Storage.Replication;

namespace Hoard.Server.Connections;

/// <summary>The snapshot of a full sync: the keyspace walk, paced, with the stream since its cut interleaved.</summary>
internal sealed partial class ClientConnection
{
    private const int SnapshotKeysPerStep = 1024;
    private const int StreamFrameMax = 1024 * 1024;

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
        long cursor = 0;
        do
        {
            frame.Clear();
            cursor = _server.Keyspace.WriteSnapshot(cursor, SnapshotKeysPerStep, frame);
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
        while (cursor != 0 && feed.Backlog.Swaps == feed.SwapsBefore);

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

    /// <summary>
    /// The stream during a full sync, in frames of whole records: what was read past the last whole record is
    /// carried into the next frame (a record is never split between two frames, so the replica applies each in place).
    /// </summary>
    private sealed class StreamFrames(ReplicationBacklog backlog, BacklogReader reader)
    {
        private byte[] _read = new byte[FeedChunk];
        private int _carried;

        /// <summary>The frame <see cref="Collect"/> filled.</summary>
        public FrameSink Frame { get; } = new();

        /// <summary>The bytes read after the last whole record.</summary>
        public ReadOnlyMemory<byte> Carried => _read.AsMemory(0, _carried);

        /// <summary>
        /// Fills <see cref="Frame"/> with whole records appended since the last call, up to about a megabyte.
        /// </summary>
        /// <returns>The frame's length (0: nothing new), or −1 when the reader's position is no longer held.</returns>
        public int Collect()
        {
            Frame.Clear();
            while (Frame.Length < StreamFrameMax)
            {
                var read = backlog.TryRead(reader, _read.AsSpan(_carried));
                if (read < 0)
                {
                    return -1;
                }

                _carried += read;
                var whole = 0;
                while (ReplicationRecord.TryGetLength(_read.AsSpan(whole, _carried - whole), out var length))
                {
                    whole += length;
                }

                Frame.Write(_read.AsSpan(0, whole));
                _read.AsSpan(whole, _carried - whole).CopyTo(_read);
                _carried -= whole;
                if (_carried == _read.Length)
                {
                    Array.Resize(ref _read, _read.Length * 2); // one record longer than the buffer
                }
                else if (read == 0)
                {
                    break; // at the end of the stream, which ends with a whole record
                }
            }

            return Frame.Length;
        }
    }

    /// <summary>
    /// Collects a frame's records in a buffer kept for the whole snapshot: the records go after room left for the
    /// header, which <see cref="Framed"/> writes in front of them.
    /// </summary>
    private sealed class FrameSink : IRecordSink
    {
        private const int HeaderRoom = 16; // a type byte, up to 10 digits, CRLF
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

        /// <summary>The frame (header <paramref name="type"/> and length, records, CRLF), valid until the next <see cref="Clear"/>.</summary>
        public ReadOnlyMemory<byte> Framed(byte type)
        {
            Span<byte> header = stackalloc byte[HeaderRoom];
            header[0] = type;
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
