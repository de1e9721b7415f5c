namespace Hoard.Storage.Internal;

/// <summary>
/// The native memory of one shard: segments of <c>SegmentSize</c> bytes (or one larger segment per huge entry)
/// addressed by a 16-bit id. A location is <c>id &lt;&lt; 16 | offset</c>, so 0 is never a valid location (id 0
/// is not used). Not thread-safe: one writer, the shard lock holder.
/// </summary>
internal sealed unsafe class SegmentStore : IDisposable
{
    public const int MaxSegments = 65536;

    private nint[] _base = new nint[64];
    private int[] _capacity = new int[64];
    private int[] _used = new int[64];
    private int[] _live = new int[64];
    private byte[] _owner = new byte[64];
    private readonly Stack<int> _freeIds = new();
    private int _nextId = 1;

    public SegmentStore(int segmentSize) => SegmentSize = segmentSize;

    public int SegmentSize { get; }

    /// <summary>Bytes of all segments this store holds.</summary>
    public long BytesHeld { get; private set; }

    /// <summary>Bytes of live entries in all segments.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>Bytes written into segments, live or dead (not the free space at their ends).</summary>
    public long WrittenBytes { get; private set; }

    /// <summary>Bytes of entries that are dead (overwritten, deleted, moved) but still in a segment.</summary>
    public long DeadBytes => WrittenBytes - LiveBytes;

    public int Count => _nextId - 1 - _freeIds.Count;

    public bool HasFreeId => _freeIds.Count > 0 || _nextId < MaxSegments;

    /// <summary>Allocates a segment; the caller has already reserved <paramref name="capacity"/> bytes.</summary>
    public int Allocate(int capacity, byte owner)
    {
        var id = _freeIds.Count > 0 ? _freeIds.Pop() : _nextId++;
        if (id >= _base.Length)
        {
            var size = Math.Min(MaxSegments, _base.Length * 2);
            Array.Resize(ref _base, size);
            Array.Resize(ref _capacity, size);
            Array.Resize(ref _used, size);
            Array.Resize(ref _live, size);
            Array.Resize(ref _owner, size);
        }

        _base[id] = (nint)PageMemory.Allocate((nuint)capacity);
        _capacity[id] = capacity;
        _used[id] = 0;
        _live[id] = 0;
        _owner[id] = owner;
        BytesHeld += capacity;
        return id;
    }

    /// <summary>
    /// Frees the memory of a segment that holds no live entry but is still in its log (an oversize entry's own
    /// segment): the id stays taken until the log's head reaches it and <see cref="Free"/> recycles it.
    /// Returns the bytes freed.
    /// </summary>
    public int Hollow(int id)
    {
        var capacity = _capacity[id];
        PageMemory.Free((void*)_base[id], (nuint)capacity);
        _base[id] = 0;
        BytesHeld -= capacity;
        WrittenBytes -= _used[id];
        _capacity[id] = 0;
        _used[id] = 0;
        return capacity;
    }

    public bool IsHollow(int id) => _base[id] == 0;

    /// <summary>Frees a segment; returns its capacity for the caller to release from the budget.</summary>
    public int Free(int id)
    {
        if (_base[id] == 0)
        {
            _freeIds.Push(id); // hollowed earlier: its memory is gone already
            return 0;
        }

        PageMemory.Free((void*)_base[id], (nuint)_capacity[id]);
        _base[id] = 0;
        var capacity = _capacity[id];
        BytesHeld -= capacity;
        LiveBytes -= _live[id];
        WrittenBytes -= _used[id];
        _capacity[id] = 0;
        _live[id] = 0;
        _used[id] = 0;
        _freeIds.Push(id);
        return capacity;
    }

    public byte* Pointer(uint location) => (byte*)_base[location >> 16] + (location & 0xFFFF);

    public byte* SegmentStart(int id) => (byte*)_base[id];

    public int Capacity(int id) => _capacity[id];

    public int Used(int id) => _used[id];

    public int Live(int id) => _live[id];

    public byte Owner(int id) => _owner[id];

    public int Remaining(int id) => _capacity[id] - _used[id];

    /// <summary>Takes <paramref name="size"/> bytes at the end of segment <paramref name="id"/>; returns their location.</summary>
    public uint Bump(int id, int size)
    {
        var offset = _used[id];
        _used[id] = offset + size;
        _live[id] += size;
        LiveBytes += size;
        WrittenBytes += size;
        return (uint)(id << 16) | (uint)offset;
    }

    /// <summary>Counts an entry of <paramref name="size"/> bytes at <paramref name="location"/> as no longer live.</summary>
    public void Kill(uint location, int size)
    {
        _live[location >> 16] -= size;
        LiveBytes -= size;
    }

    /// <summary>Frees every segment and forgets every id; returns the bytes freed.</summary>
    public long Reset()
    {
        var freed = BytesHeld;
        Dispose();
        _freeIds.Clear();
        _nextId = 1;
        return freed;
    }

    public void Dispose()
    {
        for (var id = 1; id < _nextId; id++)
        {
            if (_base[id] != 0)
            {
                PageMemory.Free((void*)_base[id], (nuint)_capacity[id]);
                _base[id] = 0;
            }
        }

        BytesHeld = 0;
        LiveBytes = 0;
        WrittenBytes = 0;
    }
}
