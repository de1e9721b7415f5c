using Hoard.Storage.Replication;

namespace Hoard.Server.Replication;

/// <summary>
/// The primary's replication stream: a ring of the last <see cref="Capacity"/> bytes of records, addressed by
/// <i>offset</i> — the count of every byte ever appended. The keyspace appends records under its shard locks
/// (<see cref="Write"/>), in the order the changes were applied; each replica's feed reads from its own offset and
/// waits at the end for more. A feed that falls more than <see cref="Capacity"/> behind must resynchronise.
/// </summary>
public sealed class ReplicationBacklog : IRecordSink
{
    private readonly byte[] _ring;
    private readonly Lock _gate = new();
    private long _offset;
    private TaskCompletionSource _appended = NewSignal();
    private bool _readerWaiting; // a new signal is made only when a reader waits: no allocation per record
    private long _swaps;

    /// <summary>Creates an empty backlog whose stream starts at <paramref name="startOffset"/>.</summary>
    /// <param name="capacity">Bytes kept (<c>repl-backlog-size</c>).</param>
    /// <param name="startOffset">The offset of the first byte this backlog will hold.</param>
    public ReplicationBacklog(int capacity, long startOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16 * 1024);
        _ring = new byte[capacity];
        _offset = startOffset;
        FirstOffset = startOffset;
    }

    /// <summary>Bytes kept.</summary>
    public int Capacity => _ring.Length;

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
            var data = record;
            if (data.Length > _ring.Length)
            {
                data = data[^_ring.Length..]; // only the tail can stay; feeds behind it resync
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
    /// Copies the bytes from <paramref name="from"/> on into <paramref name="buffer"/>, waiting until there is at
    /// least one. Returns how many were copied, or −1 when <paramref name="from"/> is no longer held (the reader
    /// fell behind and must resynchronise).
    /// </summary>
    /// <param name="from">The offset to read from.</param>
    /// <param name="buffer">Where to copy.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Bytes copied, or −1.</returns>
    public async Task<int> ReadAsync(long from, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task appended;
            lock (_gate)
            {
                if (from < FirstOffset || from > _offset)
                {
                    return -1;
                }

                if (from < _offset)
                {
                    var count = (int)Math.Min(buffer.Length, _offset - from);
                    var at = (int)(from % _ring.Length);
                    var first = Math.Min(count, _ring.Length - at);
                    _ring.AsSpan(at, first).CopyTo(buffer.Span);
                    _ring.AsSpan(0, count - first).CopyTo(buffer.Span[first..]);
                    return count;
                }

                appended = _appended.Task;
                _readerWaiting = true;
            }

            await appended.WaitAsync(cancellationToken).ConfigureAwait(false);
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
