using Hoard.Storage.Replication;

namespace Hoard.Server.Replication;

/// <summary>
/// The primary's replication stream: a ring of records addressed by <i>offset</i> — the count of every byte ever
/// appended. The keyspace appends records under its shard locks (<see cref="Write"/>), in the order the changes
/// were applied; each connected replica reads through its own <see cref="BacklogReader"/> and waits at the end for
/// more. The ring holds the last <see cref="Capacity"/> bytes (<c>repl-backlog-size</c>: what a replica that
/// reconnects can continue from) and grows while a connected reader is further behind than that — during a full
/// sync every write since the snapshot's cut waits here — up to <see cref="RetainLimit"/> bytes behind the end
/// (the replica class's <c>client-output-buffer-limit</c>); it shrinks back once every reader caught up. A reader
/// that falls further behind must resynchronise.
/// </summary>
public sealed class ReplicationBacklog : IRecordSink
{
    private readonly Lock _gate = new();
    private readonly List<BacklogReader> _readers = [];
    private byte[] _ring;
    private long _offset;
    private long _retainLimit;
    private TaskCompletionSource _appended = NewSignal();
    private bool _readerWaiting; // a new signal is made only when a reader waits: no allocation per record
    private long _swaps;

    /// <summary>Creates an empty backlog whose stream starts at <paramref name="startOffset"/>.</summary>
    /// <param name="capacity">Bytes kept for replicas that reconnect (<c>repl-backlog-size</c>).</param>
    /// <param name="startOffset">The offset of the first byte this backlog will hold.</param>
    /// <param name="retainLimit">How far behind a connected reader may fall (0: as far as one array holds).</param>
    public ReplicationBacklog(int capacity, long startOffset = 0, long retainLimit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16 * 1024);
        _ring = new byte[capacity];
        Capacity = capacity;
        _offset = startOffset;
        _retainLimit = retainLimit;
        FirstOffset = startOffset;
    }

    /// <summary>Bytes kept for replicas that reconnect.</summary>
    public int Capacity { get; }

    /// <summary>Bytes the ring holds now: <see cref="Capacity"/>, or more while a connected reader lags.</summary>
    public int Size
    {
        get
        {
            lock (_gate)
            {
                return _ring.Length;
            }
        }
    }

    /// <summary>How many bytes behind the end a connected reader may fall before it must resynchronise (0: no limit but the largest array).</summary>
    public long RetainLimit
    {
        get => Interlocked.Read(ref _retainLimit);
        set => Interlocked.Exchange(ref _retainLimit, value);
    }

    /// <summary>The offset after the last byte appended (a record is appended whole).</summary>
    public long Offset => Interlocked.Read(ref _offset);

    /// <summary>
    /// SWAPDB records appended so far. A full sync during which one was appended must start over: the snapshot
    /// names each key's database as it was when the walk visited it, and the stream replays the swap after it.
    /// </summary>
    public long Swaps => Interlocked.Read(ref _swaps);

    /// <summary>The offset of the oldest byte still held.</summary>
    public long FirstOffset
    {
        get
        {
            lock (_gate)
            {
                return field;
            }
        }

        private set;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> record)
    {
        TaskCompletionSource? appended = null;
        if (!record.IsEmpty && record[0] == (byte)RecordKind.SwapDatabases)
        {
            Interlocked.Increment(ref _swaps);
        }

        lock (_gate)
        {
            FitRing(record.Length);
            var data = record;
            if (data.Length > _ring.Length)
            {
                data = data[^_ring.Length..]; // only the tail can stay; readers behind it resync
            }

            var at = (int)(_offset % _ring.Length);
            var first = Math.Min(data.Length, _ring.Length - at);
            data[..first].CopyTo(_ring.AsSpan(at));
            data[first..].CopyTo(_ring);
            _offset += record.Length;
            FirstOffset = Math.Max(FirstOffset, _offset - _ring.Length);
            if (_readerWaiting)
            {
                appended = _appended;
                _appended = NewSignal();
                _readerWaiting = false;
            }
        }

        appended?.TrySetResult(); // continuations run elsewhere: the caller holds a shard lock
    }

    /// <summary>
    /// A reader of the stream from <paramref name="from"/> on, whose position the ring keeps until it is disposed;
    /// null when <paramref name="from"/> is no longer held.
    /// </summary>
    /// <param name="from">The first offset to read.</param>
    /// <returns>The reader, or null.</returns>
    public BacklogReader? OpenReader(long from)
    {
        lock (_gate)
        {
            if (from < FirstOffset || from > _offset)
            {
                return null;
            }

            var reader = new BacklogReader(this, from);
            _readers.Add(reader);
            return reader;
        }
    }

    /// <summary>
    /// Copies the bytes from <paramref name="reader"/>'s position on into <paramref name="buffer"/> and moves it past
    /// them, waiting until there is at least one. Returns how many were copied, or −1 when its position is no longer
    /// held (it fell behind and must resynchronise).
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="buffer">Where to copy.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Bytes copied, or −1.</returns>
    public async Task<int> ReadAsync(BacklogReader reader, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (true)
        {
            Task appended;
            lock (_gate)
            {
                var read = ReadHeld(reader, buffer.Span);
                if (read != 0)
                {
                    return read;
                }

                appended = _appended.Task;
                _readerWaiting = true;
            }

            await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Like <see cref="ReadAsync"/> but without waiting: 0 when the reader is at the end. Bytes read up to the end
    /// end with a whole record (records are appended whole); a read that fills <paramref name="buffer"/> may not.
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="buffer">Where to copy.</param>
    /// <returns>Bytes copied, 0, or −1 when the reader's position is no longer held.</returns>
    public int TryRead(BacklogReader reader, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        lock (_gate)
        {
            return ReadHeld(reader, buffer);
        }
    }

    /// <summary>Whether a replica may continue from <paramref name="offset"/> (a partial sync).</summary>
    /// <param name="offset">The next offset the replica needs.</param>
    /// <returns><see langword="true"/> when every byte from there on is still held.</returns>
    public bool Holds(long offset)
    {
        lock (_gate)
        {
            return offset >= FirstOffset && offset <= _offset;
        }
    }

    internal void Close(BacklogReader reader)
    {
        lock (_gate)
        {
            _readers.Remove(reader);
        }
    }

    /// <summary>
    /// Before <paramref name="length"/> more bytes are appended: grows the ring when a reader would lose bytes it has
    /// not read (up to the retain limit), or shrinks it back to <see cref="Capacity"/> once no reader is more than
    /// half of that behind. Rare: the ring at least doubles when it grows.
    /// </summary>
    private void FitRing(int length)
    {
        var oldest = _offset;
        foreach (var reader in _readers)
        {
            if (reader.Position >= FirstOffset)
            {
                oldest = Math.Min(oldest, reader.Position); // readers already behind the ring are lost anyway
            }
        }

        var needed = _offset + length - oldest;
        var limit = RetainLimit is > 0 and var l ? Math.Min(l, Array.MaxLength) : Array.MaxLength;
        if (needed > _ring.Length && _ring.Length < limit)
        {
            Resize((int)Math.Min(limit, Math.Max(needed, 2L * _ring.Length)));
        }
        else if (_ring.Length > Capacity && needed <= Capacity / 2)
        {
            Resize(Capacity);
        }
    }

    /// <summary>Under the gate: copies what <paramref name="reader"/> has not read (0 at the end, −1 when lost).</summary>
    private int ReadHeld(BacklogReader reader, Span<byte> buffer)
    {
        var from = reader.Position;
        if (from < FirstOffset || from > _offset)
        {
            return -1;
        }

        var count = (int)Math.Min(buffer.Length, _offset - from);
        CopyOut(_ring, from, buffer[..count]);
        reader.Position = from + count;
        return count;
    }

    private void Resize(int size)
    {
        var ring = new byte[Math.Max(size, Capacity)];
        var from = Math.Max(FirstOffset, _offset - ring.Length);
        var count = (int)(_offset - from);
        var at = (int)(from % ring.Length);
        var first = Math.Min(count, ring.Length - at);
        CopyOut(_ring, from, ring.AsSpan(at, first));
        CopyOut(_ring, from + first, ring.AsSpan(0, count - first));
        _ring = ring;
        FirstOffset = from;
    }

    /// <summary>Copies the held bytes from offset <paramref name="from"/> on out of <paramref name="ring"/>.</summary>
    private static void CopyOut(byte[] ring, long from, Span<byte> destination)
    {
        var at = (int)(from % ring.Length);
        var first = Math.Min(destination.Length, ring.Length - at);
        ring.AsSpan(at, first).CopyTo(destination);
        ring.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
