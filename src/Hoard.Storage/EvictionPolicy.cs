namespace Hoard.Storage;

/// <summary>
/// What the engine does when a write needs memory beyond <see cref="StorageOptions.MaxMemory"/>.
/// Names follow redis.conf's <c>maxmemory-policy</c> (https://redis.io/docs/latest/develop/reference/eviction/),
/// plus <see cref="S3Fifo"/>, Hoard's default for a cache.
/// </summary>
/// <remarks>
/// Entries live in per-shard FIFO logs, so every policy is implemented by processing the log's head: an entry is
/// either evicted or moved to the tail (a second chance). LRU is approximated by CLOCK (one reference bit), LFU by
/// an aged logarithmic counter (GCLOCK with Redis's counter), random by insertion order (which ignores access),
/// and volatile-ttl by comparing an entry's remaining TTL with the running average.
/// </remarks>
public enum EvictionPolicy
{
    /// <summary>S3-FIFO (Yang et al., SOSP 2023): a small probationary FIFO, a main FIFO and a ghost queue.</summary>
    S3Fifo,
    /// <summary>Writes that need memory fail with an out-of-memory status.</summary>
    NoEviction,
    /// <summary>Evict any key, least recently used first (CLOCK approximation).</summary>
    AllKeysLru,
    /// <summary>Evict any key, least frequently used first (aged logarithmic counter).</summary>
    AllKeysLfu,
    /// <summary>Evict any key without regard to access.</summary>
    AllKeysRandom,
    /// <summary>Evict keys that have a TTL, least recently used first.</summary>
    VolatileLru,
    /// <summary>Evict keys that have a TTL, least frequently used first.</summary>
    VolatileLfu,
    /// <summary>Evict keys that have a TTL, without regard to access.</summary>
    VolatileRandom,
    /// <summary>Evict keys that have a TTL, shortest remaining TTL first.</summary>
    VolatileTtl,
}
