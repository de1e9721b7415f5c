namespace Hoard.Storage.Internal;

/// <summary>
/// A FIFO of segments in which entries are appended at the tail and examined at the head, the order every
/// eviction policy works on. A shard has a main log and, for S3-FIFO, a small (probationary) one.
/// Not thread-safe: the shard lock holder only.
/// </summary>
internal sealed class EntryLog
{
    private int[] _ring = new int[16];
    private int _first;

    public EntryLog(byte id) => Id = id;

    /// <summary>0 for main, 1 for small; stored as each segment's owner.</summary>
    public byte Id { get; }

    public int SegmentCount { get; private set; }

    /// <summary>Read position of the next entry to examine in the head segment.</summary>
    public int HeadOffset { get; set; }

    /// <summary>Bytes of the live entries in this log.</summary>
    public long LiveBytes { get; set; }

    /// <summary>Number of live entries in this log.</summary>
    public long LiveEntries { get; set; }

    public int Head => _ring[_first];

    public int Tail => _ring[(_first + SegmentCount - 1) & (_ring.Length - 1)];

    /// <summary>The i-th segment from the head.</summary>
    public int At(int i) => _ring[(_first + i) & (_ring.Length - 1)];

    public void PushTail(int segment)
    {
        if (SegmentCount == _ring.Length)
        {
            var bigger = new int[_ring.Length * 2];
            for (var i = 0; i < SegmentCount; i++)
            {
                bigger[i] = At(i);
            }

            _ring = bigger;
            _first = 0;
        }

        _ring[(_first + SegmentCount) & (_ring.Length - 1)] = segment;
        SegmentCount++;
    }

    public int PopHead()
    {
        var id = _ring[_first];
        _first = (_first + 1) & (_ring.Length - 1);
        SegmentCount--;
        HeadOffset = 0;
        return id;
    }

    public void Clear()
    {
        SegmentCount = 0;
        _first = 0;
        HeadOffset = 0;
        LiveBytes = 0;
        LiveEntries = 0;
    }
}
