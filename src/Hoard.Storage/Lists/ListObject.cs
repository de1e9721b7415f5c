using System.Runtime.CompilerServices;
using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage.Lists;

/// <summary>
/// A list (https://redis.io/docs/latest/develop/data-types/lists/): a chain of packed chunks, each a byte array
/// holding entries <c>varint length, bytes</c> back to back in <c>[Start, End)</c>. While the whole list fits one
/// chunk within <c>list-max-listpack-size</c> it reports the encoding <c>listpack</c>; past that the chunks split at
/// that size and it reports <c>quicklist</c>, as Redis's quicklist of listpacks does. An element costs its bytes plus
/// one length byte (two from 128 bytes on); a chunk costs its array's header.
/// </summary>
/// <remarks>
/// Pushes write into the free space at the chunk's end they go to (a chunk made by a left push fills from the back),
/// so both ends are amortized O(1). A left pop moves <c>Start</c>; a right pop needs the last entry's offset, which the
/// length prefixes cannot give backwards: the tail chunk's entry offsets are cached (built by one walk, kept by
/// right pushes and pops), so a queue fed on the left and drained on the right costs one walk per chunk. Index and
/// range operations walk chunks by their counts from the nearer end, then entries inside one chunk.
/// Not thread-safe: only the holder of the key's shard lock touches it.
/// </remarks>
internal sealed partial class ListObject : StoredObject
{
    /// <summary>Bytes of the object itself: header, fields and the chunk ring's array header.</summary>
    public const int ObjectOverhead = 16 + 64 + 24;

    /// <summary>Bytes a chunk costs besides its array's capacity: its ring slot (24) and its array's header (24).</summary>
    public const int ChunkOverhead = 24 + 24;

    /// <summary>Bytes of a byte or int array's header.</summary>
    private const int ArrayHeader = 24;

    /// <summary>The smallest chunk array.</summary>
    private const int MinCapacity = 32;

    /// <summary>A tail chunk with more entries than this gets its offsets cached for right pops.</summary>
    private const int WalkLimit = 16;

    private Chunk[] _chunks = new Chunk[1];
    private int _head;
    private int _chunkCount;
    private int _count;
    private long _byteSize = ObjectOverhead + 24;
    private bool _quick;

    // Offsets of the tail chunk's last _tailValid entries: _tailOffsets[_tailCached - _tailValid .. _tailCached).
    private int[]? _tailOffsets;
    private int _tailCached;
    private int _tailValid;

    /// <summary>Creates an empty list.</summary>
    /// <param name="fill"><c>list-max-listpack-size</c>: negative, a chunk's bytes (-1 4 KB … -5 64 KB); positive, its entries.</param>
    public ListObject(int fill) => Fill = fill;

    /// <summary><c>list-max-listpack-size</c> as the list's next change reads it.</summary>
    public int Fill { get; set; }

    /// <inheritdoc/>
    public override ValueKind Kind => ValueKind.List;

    /// <inheritdoc/>
    public override RecordValueType RecordType => RecordValueType.List;

    /// <inheritdoc/>
    public override string Encoding => _quick ? "quicklist" : "listpack";

    /// <inheritdoc/>
    public override int Count => _count;

    /// <summary>
    /// <see cref="ObjectOverhead"/>, the ring's slots, and per chunk <see cref="ChunkOverhead"/> plus its array's
    /// capacity, plus the tail offset cache: every array the list holds, kept up to date by each change.
    /// </summary>
    public override long ByteSize => _byteSize;

    /// <summary>Whether the list uses more than one chunk's worth (the quicklist encoding).</summary>
    internal bool IsQuicklist => _quick;

    /// <summary>The number of chunks (tests).</summary>
    internal int ChunkCount => _chunkCount;

    /// <summary>Bytes one element takes in a chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EntrySize(int length) => (length < 0x80 ? 1 : VarInt.SizeOf((uint)length)) + length;

    /// <summary>The most bytes a chunk holds (one larger element gets a chunk of its own).</summary>
    private int LimitBytes => Fill switch
    {
        >= 0 => 8192,
        -1 => 4096,
        -2 => 8192,
        -3 => 16384,
        -4 => 32768,
        _ => 65536,
    };

    /// <summary>Whether one more entry of <paramref name="entry"/> bytes fits <paramref name="c"/>'s limits.</summary>
    private bool Fits(in Chunk c, int entry) =>
        c.Used + entry <= LimitBytes && (Fill <= 0 || c.Count < Fill);

    /// <summary>The chunk <paramref name="i"/> positions from the head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Chunk At(int i) => ref _chunks[(_head + i) & (_chunks.Length - 1)];

    /// <summary>Reads the entry at <paramref name="offset"/>: its header's size and element length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Header(byte[] buffer, int offset, out int length)
    {
        var b = buffer[offset];
        if (b < 0x80)
        {
            length = b;
            return 1;
        }

        var size = VarInt.Read(buffer.AsSpan(offset), out var value);
        length = (int)value;
        return size;
    }

    /// <summary>The offset after the entry at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(byte[] buffer, int offset)
    {
        var size = Header(buffer, offset, out var length);
        return offset + size + length;
    }

    /// <summary>The element at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> ElementAt(byte[] buffer, int offset)
    {
        var size = Header(buffer, offset, out var length);
        return buffer.AsSpan(offset + size, length);
    }

    /// <summary>Writes an entry at <paramref name="offset"/>; returns its size.</summary>
    private static int WriteEntry(byte[] buffer, int offset, ReadOnlySpan<byte> element)
    {
        var size = VarInt.Write(buffer.AsSpan(offset), (uint)element.Length);
        element.CopyTo(buffer.AsSpan(offset + size));
        return size + element.Length;
    }

    /// <summary>Adds <paramref name="element"/> at the head (<paramref name="left"/>) or the tail.</summary>
    public void Push(ReadOnlySpan<byte> element, bool left)
    {
        if (left)
        {
            PushLeft(element);
        }
        else
        {
            PushRight(element);
        }
    }

    /// <summary>LPUSH of one element.</summary>
    public void PushLeft(ReadOnlySpan<byte> element)
    {
        var entry = EntrySize(element.Length);
        if (_chunkCount == 0 || !Fits(At(0), entry))
        {
            if (_chunkCount > 0)
            {
                _quick = true;
                Seal(ref At(0));
            }

            InsertChunk(0, NewChunk(entry, fillFromBack: true));
        }

        ref var c = ref At(0);
        if (c.Start < entry)
        {
            MakeRoom(ref c, entry, left: true);
        }

        c.Start -= entry;
        WriteEntry(c.Buffer, c.Start, element);
        c.Count++;
        _count++;
        if (_chunkCount == 1 && c.Used > LimitBytes)
        {
            _quick = true; // one element larger than a chunk: Redis converts to quicklist too
        }
    }

    /// <summary>RPUSH of one element.</summary>
    public void PushRight(ReadOnlySpan<byte> element)
    {
        var entry = EntrySize(element.Length);
        if (_chunkCount == 0 || !Fits(At(_chunkCount - 1), entry))
        {
            if (_chunkCount > 0)
            {
                _quick = true;
                Seal(ref At(_chunkCount - 1));
            }

            InsertChunk(_chunkCount, NewChunk(entry, fillFromBack: false));
            ForgetTail();
        }

        ref var c = ref At(_chunkCount - 1);
        if (c.Buffer.Length - c.End < entry)
        {
            MakeRoom(ref c, entry, left: false);
        }

        var offset = c.End;
        c.End += WriteEntry(c.Buffer, offset, element);
        c.Count++;
        _count++;
        if (_tailValid > 0 || (_tailOffsets is not null && c.Count == 1))
        {
            if (_tailCached < _tailOffsets!.Length)
            {
                _tailOffsets[_tailCached++] = offset;
                _tailValid++;
            }
            else
            {
                ForgetTail();
            }
        }

        if (_chunkCount == 1 && c.Used > LimitBytes)
        {
            _quick = true;
        }
    }

    /// <summary>LPOP of one element: written to <paramref name="sink"/>, then removed. False when empty.</summary>
    public bool PopLeft<TSink>(ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        if (_count == 0)
        {
            return false;
        }

        ref var c = ref At(0);
        var size = Header(c.Buffer, c.Start, out var length);
        sink.Write(c.Buffer.AsSpan(c.Start + size, length));
        c.Start += size + length;
        c.Count--;
        _count--;
        if (_chunkCount == 1 && _tailValid > c.Count)
        {
            _tailValid = c.Count;
        }

        AfterEndRemoval(0);
        return true;
    }

    /// <summary>RPOP of one element: written to <paramref name="sink"/>, then removed. False when empty.</summary>
    public bool PopRight<TSink>(ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        if (_count == 0)
        {
            return false;
        }

        ref var c = ref At(_chunkCount - 1);
        var offset = LastOffset(ref c);
        sink.Write(ElementAt(c.Buffer, offset));
        c.End = offset;
        c.Count--;
        _count--;
        if (_tailValid > 0)
        {
            _tailCached--;
            _tailValid--;
        }

        AfterEndRemoval(_chunkCount - 1);
        return true;
    }

    /// <summary>Pops one element from the head or tail into <paramref name="sink"/>.</summary>
    public bool Pop<TSink>(bool left, ref TSink sink) where TSink : IValueSink, allows ref struct =>
        left ? PopLeft(ref sink) : PopRight(ref sink);

    /// <summary>The offset of the last entry of the tail chunk <paramref name="c"/>, from the cache when it holds it.</summary>
    private int LastOffset(ref Chunk c)
    {
        if (_tailValid > 0)
        {
            return _tailOffsets![_tailCached - 1];
        }

        if (c.Count <= WalkLimit)
        {
            return OffsetOf(in c, c.Count - 1);
        }

        // Cache every entry's offset: the next right pops (and pushes) keep it.
        var capacity = Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)c.Count * 2));
        if (_tailOffsets is null || _tailOffsets.Length < c.Count)
        {
            _byteSize -= _tailOffsets is null ? 0 : ArrayHeader + (4L * _tailOffsets.Length);
            _tailOffsets = new int[capacity];
            _byteSize += ArrayHeader + (4L * capacity);
        }

        var offset = c.Start;
        for (var i = 0; i < c.Count; i++)
        {
            _tailOffsets[i] = offset;
            offset = Next(c.Buffer, offset);
        }

        _tailCached = _tailValid = c.Count;
        return _tailOffsets[c.Count - 1];
    }

    /// <summary>The offset of entry <paramref name="index"/> of <paramref name="c"/> (walked from its start).</summary>
    private static int OffsetOf(in Chunk c, int index)
    {
        var offset = c.Start;
        var buffer = c.Buffer;
        for (var i = 0; i < index; i++)
        {
            offset = Next(buffer, offset);
        }

        return offset;
    }

    /// <summary>The tail cache no longer describes the tail chunk.</summary>
    private void ForgetTail() => _tailCached = _tailValid = 0;

    /// <summary>After a pop at chunk <paramref name="index"/> (the head or the tail): drops it if empty, shrinks it, converts back.</summary>
    private void AfterEndRemoval(int index)
    {
        ref var c = ref At(index);
        if (c.Count == 0)
        {
            RemoveChunk(index);
        }
        else if (c.Buffer.Length > 4 * MinCapacity && c.Used < c.Buffer.Length / 4)
        {
            Reallocate(ref c, c.Buffer.Length / 2, left: index == 0 && _chunkCount > 1);
        }

        MaybeListpack();
    }

    /// <summary>Redis converts a quicklist back when one chunk is left at half the limit or less.</summary>
    private void MaybeListpack()
    {
        if (_quick && _chunkCount <= 1 && (_chunkCount == 0 || (At(0).Used <= LimitBytes / 2 && (Fill <= 0 || At(0).Count <= Fill / 2))))
        {
            _quick = false;
        }
    }

    /// <summary>A new empty chunk sized for an entry of <paramref name="entry"/> bytes.</summary>
    private Chunk NewChunk(int entry, bool fillFromBack)
    {
        var capacity = entry > LimitBytes / 2 ? entry : Math.Max(MinCapacity, entry * 2);
        var start = fillFromBack ? capacity : 0;
        return new Chunk { Buffer = new byte[capacity], Start = start, End = start };
    }

    /// <summary>Makes room for an entry of <paramref name="entry"/> bytes at one end of <paramref name="c"/>: moves or grows it.</summary>
    private void MakeRoom(ref Chunk c, int entry, bool left)
    {
        var needed = c.Used + entry;
        var capacity = c.Buffer.Length;
        if (needed > capacity * 3 / 4 && capacity < LimitBytes)
        {
            capacity = Math.Max(needed, Math.Min(LimitBytes, capacity * 2));
        }
        else if (needed > capacity)
        {
            capacity = needed;
        }

        Reallocate(ref c, capacity, left, entry);
    }

    /// <summary>
    /// Moves <paramref name="c"/>'s entries into an array of <paramref name="capacity"/> bytes (the same one when the
    /// size does not change), leaving <paramref name="room"/> free bytes at least on the side of the next push: the
    /// free space is split when the list is one chunk (both ends grow), else all of it goes to that side.
    /// </summary>
    private void Reallocate(ref Chunk c, int capacity, bool left, int room = 0)
    {
        var used = c.Used;
        var free = capacity - used;
        int start;
        if (_chunkCount == 1)
        {
            start = left ? ((free - room) / 2) + room : (free - room) / 2;
        }
        else
        {
            start = left ? free : 0;
        }

        var target = capacity == c.Buffer.Length ? c.Buffer : new byte[capacity];
        Buffer.BlockCopy(c.Buffer, c.Start, target, start, used);
        _byteSize += target.Length - c.Buffer.Length;
        c.Buffer = target;
        c.Start = start;
        c.End = start + used;
        ForgetTail();
    }

    /// <summary>A chunk no more pushes go to: its array is cut to its entries when more than an eighth is free.</summary>
    private void Seal(ref Chunk c)
    {
        if (c.Buffer.Length - c.Used > c.Buffer.Length / 8)
        {
            Reallocate(ref c, c.Used, left: false);
        }
    }

    /// <summary>Inserts <paramref name="chunk"/> at position <paramref name="index"/> of the ring.</summary>
    private void InsertChunk(int index, Chunk chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            var bigger = new Chunk[_chunks.Length * 2];
            for (var i = 0; i < _chunkCount; i++)
            {
                bigger[i] = At(i);
            }

            _byteSize += 24L * (bigger.Length - _chunks.Length);
            _chunks = bigger;
            _head = 0;
        }

        if (index == 0)
        {
            _head = (_head - 1) & (_chunks.Length - 1);
        }
        else
        {
            for (var i = _chunkCount; i > index; i--)
            {
                At(i) = At(i - 1);
            }
        }

        _chunkCount++;
        At(index) = chunk;
        _byteSize += ChunkOverhead - 24 + chunk.Buffer.Length;
        if (index == _chunkCount - 1 || _chunkCount == 1)
        {
            ForgetTail();
        }
    }

    /// <summary>Removes chunk <paramref name="index"/> (its entries are gone or counted out by the caller).</summary>
    private void RemoveChunk(int index)
    {
        _byteSize -= ChunkOverhead - 24 + At(index).Buffer.Length;
        if (index == _chunkCount - 1)
        {
            ForgetTail();
        }

        if (index == 0)
        {
            At(0) = default;
            _head = (_head + 1) & (_chunks.Length - 1);
        }
        else
        {
            for (var i = index; i < _chunkCount - 1; i++)
            {
                At(i) = At(i + 1);
            }

            At(_chunkCount - 1) = default;
        }

        _chunkCount--;
        if (_chunkCount == 0)
        {
            _head = 0;
        }
    }

    /// <summary>One packed chunk: entries in <see cref="Buffer"/>[<see cref="Start"/>, <see cref="End"/>).</summary>
    private struct Chunk
    {
        public byte[] Buffer;
        public int Start;
        public int End;
        public int Count;

        public readonly int Used => End - Start;
    }
}
