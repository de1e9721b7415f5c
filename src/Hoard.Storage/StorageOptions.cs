namespace Hoard.Storage;

/// <summary>Settings of a <see cref="Keyspace"/>, named after their redis.conf counterparts.</summary>
public sealed class StorageOptions
{
    /// <summary>Number of databases (redis.conf <c>databases</c>); 1 to 256.</summary>
    public int Databases { get; init; } = 16;

    /// <summary>Memory limit in bytes (redis.conf <c>maxmemory</c>); 0 means no limit.</summary>
    public long MaxMemory { get; set; }

    /// <summary>What to do when <see cref="MaxMemory"/> is reached (redis.conf <c>maxmemory-policy</c>).</summary>
    public EvictionPolicy Policy { get; set; } = EvictionPolicy.S3Fifo;

    /// <summary>Largest number of fields a hash keeps in the compact encoding (<c>hash-max-listpack-entries</c>).</summary>
    public int HashMaxListpackEntries { get; set; } = 128;

    /// <summary>Longest field or value a hash keeps in the compact encoding (<c>hash-max-listpack-value</c>).</summary>
    public int HashMaxListpackValue { get; set; } = 64;

    /// <summary>Largest number of integers a set keeps in the intset encoding (<c>set-max-intset-entries</c>).</summary>
    public int SetMaxIntsetEntries { get; set; } = 512;

    /// <summary>Largest number of members a set keeps in the listpack encoding (<c>set-max-listpack-entries</c>).</summary>
    public int SetMaxListpackEntries { get; set; } = 128;

    /// <summary>Longest member a set keeps in the listpack encoding (<c>set-max-listpack-value</c>).</summary>
    public int SetMaxListpackValue { get; set; } = 64;

    /// <summary>Largest number of members a sorted set keeps in the compact encoding (<c>zset-max-listpack-entries</c>).</summary>
    public int ZSetMaxListpackEntries { get; set; } = 128;

    /// <summary>Longest member a sorted set keeps in the compact encoding (<c>zset-max-listpack-value</c>).</summary>
    public int ZSetMaxListpackValue { get; set; } = 64;

    /// <summary>
    /// Size of a list's packed chunk (<c>list-max-listpack-size</c>): negative, a byte limit (-1 4 KB, -2 8 KB, -3 16 KB,
    /// -4 32 KB, -5 and below 64 KB); positive, an entry count. A list within one chunk reports <c>listpack</c>.
    /// </summary>
    public int ListMaxListpackSize { get; set; } = -2;

    /// <summary>Independent shards per keyspace (a power of two); more shards, less lock contention.</summary>
    public int Shards { get; init; } = 16;

    /// <summary>
    /// Size of one block of entry memory, 1 KiB to 64 KiB (a power of two). Entries larger than a segment get a
    /// block of their own. Small segments suit tiny memory limits; the default suits everything else.
    /// </summary>
    public int SegmentSize { get; init; } = 64 * 1024;

    /// <summary>Share of <see cref="MaxMemory"/> given to S3-FIFO's small (probationary) queue.</summary>
    public double S3FifoSmallRatio { get; init; } = 0.10;

    internal void Validate()
    {
        if (Databases is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Databases), Databases, "databases must be 1 to 256");
        }

        if (Shards < 1 || Shards > 1024 || (Shards & (Shards - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Shards), Shards, "shards must be a power of two up to 1024");
        }

        if (SegmentSize < 1024 || SegmentSize > 65536 || (SegmentSize & (SegmentSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, "segment size must be a power of two from 1 KiB to 64 KiB");
        }

        if (MaxMemory < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMemory), MaxMemory, "maxmemory cannot be negative");
        }
    }
}
