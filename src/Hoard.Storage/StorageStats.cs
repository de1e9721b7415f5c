namespace Hoard.Storage;

/// <summary>Counters of a <see cref="Keyspace"/> since it started or since <see cref="Keyspace.ResetStats"/>.</summary>
/// <param name="Hits">Reads that found their key (INFO <c>keyspace_hits</c>).</param>
/// <param name="Misses">Reads that did not (INFO <c>keyspace_misses</c>).</param>
/// <param name="ExpiredKeys">Keys removed because their TTL ran out (INFO <c>expired_keys</c>).</param>
/// <param name="EvictedKeys">Keys removed to stay under the memory limit (INFO <c>evicted_keys</c>).</param>
public readonly record struct StorageStats(long Hits, long Misses, long ExpiredKeys, long EvictedKeys);
