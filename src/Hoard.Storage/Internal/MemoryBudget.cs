namespace Hoard.Storage.Internal;

/// <summary>
/// The keyspace-wide count of bytes the engine holds (segments, index tables, large values, ghost filters), and
/// the gate that keeps it under <c>maxmemory</c>. Growth reserves bytes before allocating, with a compare-and-swap,
/// so two shards growing at once cannot overshoot the limit together.
/// </summary>
internal sealed class MemoryBudget
{
    private long _used;

    /// <summary>The limit in bytes; 0 means none.</summary>
    public long Limit { get; set; }

    /// <summary>
    /// Bytes kept back from ordinary writes so that eviction can still move entries it keeps (one segment per
    /// shard). Only relocations may use them.
    /// </summary>
    public long Headroom { get; set; }

    public long Used => Volatile.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/> if the limit allows; a relocation may use the headroom.</summary>
    public bool TryReserve(long bytes, bool relocation)
    {
        var limit = Limit;
        if (limit == 0)
        {
            Interlocked.Add(ref _used, bytes);
            return true;
        }

        var ceiling = relocation ? limit : limit - Headroom;
        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used + bytes > ceiling)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                return true;
            }
        }
    }

    /// <summary>Counts bytes that must be held whatever the limit (bookkeeping that cannot be refused).</summary>
    public void Force(long bytes) => Interlocked.Add(ref _used, bytes);

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
