using System.Diagnostics;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>
/// Hoard's storage engine: every database of a node, kept in native memory outside the garbage-collected heap.
/// Thread-safe: the keyspace is split into shards by key hash, each with its own lock, so callers on different
/// cores rarely wait for each other.
/// </summary>
/// <remarks>
/// Each shard keeps entries in FIFO logs of segments and finds them through an open-addressing index; see
/// ARCHITECTURE.md ("Storage engine"). Databases share the shards: an entry records its database, so SWAPDB
/// swaps two numbers and one memory limit covers all databases, as in Redis.
/// </remarks>
public sealed partial class Keyspace : IDisposable
{
    /// <summary>Largest key or value, as in Redis (<c>proto-max-bulk-len</c>).</summary>
    public const int MaxValueLength = 512 * 1024 * 1024;

    internal const int MaxEntrySize = (2 * MaxValueLength) + 32;

    private readonly Database[] _databases;
    private readonly int[] _logicalToPhysical;
    private readonly int[] _physicalToLogical;
    private readonly int[] _slotCounts = new int[Keys.HashSlot.Count];
    private readonly TimeProvider _time;
    private EvictionPolicy _policy;
    private int _evictionCursor;

    /// <summary>Creates an empty keyspace.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="time">The clock for TTLs (tests pass a controllable one); the system clock by default.</param>
    public Keyspace(StorageOptions? options = null, TimeProvider? time = null)
    {
        Options = options ?? new StorageOptions();
        Options.Validate();
        _time = time ?? TimeProvider.System;
        _policy = Options.Policy;
        DatabaseCount = Options.Databases;
        ShardCount = Options.Shards;
        ShardMask = (ulong)(ShardCount - 1);
        _logicalToPhysical = Enumerable.Range(0, DatabaseCount).ToArray();
        _physicalToLogical = Enumerable.Range(0, DatabaseCount).ToArray();
        Shards = new Shard[ShardCount];
        for (var i = 0; i < ShardCount; i++)
        {
            Shards[i] = new Shard(this, i, Options.SegmentSize);
        }

        SetMaxMemory(Options.MaxMemory);
        _databases = Enumerable.Range(0, DatabaseCount).Select(i => new Database(this, i)).ToArray();
    }

    /// <summary>
    /// The seed of this keyspace's key hashes, random per keyspace. A walk (SCAN, a replica's full sync) visits keys
    /// in the order of their hash codes; a keyspace that hashed them the same way and was filled in that order (a
    /// replica applying its primary's snapshot) would crowd them into one run of linear probes that every insert
    /// walks to its end. With seeds of their own, one keyspace's order is random to another.
    /// </summary>
    internal ulong HashSeed { get; } = unchecked((ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue));

    /// <summary>The settings this keyspace was made with (memory limit and policy follow later changes).</summary>
    public StorageOptions Options { get; }

    /// <summary>Number of databases.</summary>
    public int DatabaseCount { get; }

    /// <summary>Receives key events; null (the default) costs nothing.</summary>
    public IKeyspaceObserver? Observer { get; set; }

    /// <summary>
    /// Whether the observer hears <see cref="KeyEvent.Created"/> when a write adds a key (off by default: only keyspace
    /// notifications' <c>n</c> class wants it, and every other listener would have to skip it).
    /// </summary>
    public bool ReportsCreations
    {
        get => Volatile.Read(ref _reportsCreations);
        set => Volatile.Write(ref _reportsCreations, value);
    }

    /// <summary>
    /// Whether the observer hears <see cref="KeyEvent.Missed"/> when a read does not find its key (off by default:
    /// only keyspace notifications' <c>m</c> class wants it).
    /// </summary>
    public bool ReportsMisses
    {
        get => Volatile.Read(ref _reportsMisses);
        set => Volatile.Write(ref _reportsMisses, value);
    }

    private bool _reportsCreations;
    private bool _reportsMisses;

    /// <summary>The eviction policy; may change at run time (CONFIG SET maxmemory-policy).</summary>
    public EvictionPolicy Policy
    {
        get => _policy;
        set
        {
            _policy = value;
            Options.Policy = value;
        }
    }

    /// <summary>The memory limit in bytes, 0 for none; may change at run time (CONFIG SET maxmemory).</summary>
    public long MaxMemory
    {
        get => Budget.Limit;
        set => SetMaxMemory(value);
    }

    /// <summary>Bytes the engine holds: entry segments, index tables, large values, bookkeeping (INFO <c>used_memory</c>).</summary>
    public long UsedMemory => Budget.Used;

    internal MemoryBudget Budget { get; } = new();

    internal Shard[] Shards { get; }

    internal int ShardCount { get; }

    internal ulong ShardMask { get; }

    /// <summary>Database <paramref name="index"/> (0-based, as SELECT numbers them).</summary>
    public Database this[int index] => _databases[index];

    /// <summary>Hits, misses, expired and evicted keys since start or <see cref="ResetStats"/>.</summary>
    public StorageStats Stats
    {
        get
        {
            long hits = 0, misses = 0, expired = 0, evicted = 0;
            foreach (var shard in Shards)
            {
                lock (shard.Gate)
                {
                    hits += shard.Hits;
                    misses += shard.Misses;
                    expired += shard.Expired;
                    evicted += shard.Evicted;
                }
            }

            return new StorageStats(hits, misses, expired, evicted);
        }
    }

    /// <summary>Sets the counters of <see cref="Stats"/> to zero (CONFIG RESETSTAT).</summary>
    public void ResetStats()
    {
        foreach (var shard in Shards)
        {
            lock (shard.Gate)
            {
                shard.Hits = shard.Misses = shard.Expired = shard.Evicted = 0;
            }
        }
    }

    /// <summary>Bytes of live entries, without fragmentation and bookkeeping.</summary>
    public long LiveBytes => Shards.Sum(s =>
    {
        lock (s.Gate)
        {
            return s.LiveBytes;
        }
    });

    /// <summary>Removes every key of every database (FLUSHALL).</summary>
    public void FlushAll() => FlushAll(replicate: true);

    /// <summary>Exchanges the contents of two databases in O(1) (SWAPDB).</summary>
    public void SwapDatabases(int first, int second) => SwapDatabases(first, second, replicate: true);

    /// <summary>
    /// Active expiry, Redis's way: sample keys that have a TTL in every shard, free the expired ones, and repeat
    /// while more than 10 % of a sample had expired, within <paramref name="budget"/>. Also does a bounded share
    /// of background cleaning. Call it about ten times a second. Returns the number of keys expired.
    /// </summary>
    public int RunActiveExpireCycle(TimeSpan budget)
    {
        const int sample = 20;
        var clock = Stopwatch.StartNew();
        var expired = 0;
        foreach (var shard in Shards)
        {
            while (true)
            {
                int checkedKeys, expiredNow;
                lock (shard.Gate)
                {
                    (checkedKeys, expiredNow) = shard.ExpireSample(sample, NowMs());
                    shard.Clean(256);
                }

                expired += expiredNow;
                if (checkedKeys == 0 || expiredNow * 10 <= checkedKeys || clock.Elapsed > budget)
                {
                    break;
                }
            }

            if (clock.Elapsed > budget)
            {
                break;
            }
        }

        return expired;
    }

    /// <summary>Number of keys of database 0 in a hash slot (CLUSTER COUNTKEYSINSLOT).</summary>
    public int CountKeysInSlot(int slot) => Volatile.Read(ref _slotCounts[slot]);

    /// <summary>Frees every block of native memory.</summary>
    public void Dispose()
    {
        foreach (var shard in Shards)
        {
            lock (shard.Gate)
            {
                shard.Dispose();
            }
        }
    }

    internal long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal int PhysicalDatabase(int logical) => _logicalToPhysical[logical];

    internal int LogicalDatabase(int physical) => _physicalToLogical[physical];

    internal void CountSlot(int slot, int delta) => Interlocked.Add(ref _slotCounts[slot], delta);

    /// <summary>
    /// Takes every shard's lock, in ascending order: until <see cref="ExitExclusive"/>, no other thread reads or writes
    /// any key, while this thread may run any operation (the locks are re-entrant). For MULTI/EXEC, whose commands no
    /// other client may see half done. Nothing run inside may wait for another thread that needs a shard lock.
    /// </summary>
    public void EnterExclusive() => EnterAll();

    /// <summary>Lets go of the locks <see cref="EnterExclusive"/> took.</summary>
    public void ExitExclusive() => ExitAll();

    /// <summary>Takes every shard's lock, in ascending order, for an operation on all databases at once.</summary>
    internal void EnterAll()
    {
        foreach (var shard in Shards)
        {
            shard.Gate.Enter();
        }
    }

    internal void ExitAll()
    {
        foreach (var shard in Shards)
        {
            shard.Gate.Exit();
        }
    }

    /// <summary>FLUSHALL; the record goes to the stream (unless applying one) while every lock is held.</summary>
    internal void FlushAll(bool replicate)
    {
        EnterAll();
        try
        {
            foreach (var shard in Shards)
            {
                shard.Reset();
            }

            Array.Clear(_slotCounts);
            Observer?.OnFlush();
            if (replicate && Replication is { } stream)
            {
                Span<byte> record = stackalloc byte[ReplicationRecord.MaxShortLength];
                stream.Write(record[..ReplicationRecord.WriteFlushAll(record)]);
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>SWAPDB; the record goes to the stream (unless applying one) while every lock is held.</summary>
    internal void SwapDatabases(int first, int second, bool replicate)
    {
        EnterAll();
        try
        {
            (_logicalToPhysical[first], _logicalToPhysical[second]) = (_logicalToPhysical[second], _logicalToPhysical[first]);
            _physicalToLogical[_logicalToPhysical[first]] = first;
            _physicalToLogical[_logicalToPhysical[second]] = second;
            Observer?.OnFlush();
            if (replicate && Replication is { } stream)
            {
                Span<byte> record = stackalloc byte[ReplicationRecord.MaxShortLength];
                stream.Write(record[..ReplicationRecord.WriteSwapDatabases(record, first, second)]);
            }
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>
    /// Lets other shards evict for <paramref name="requester"/>, whose lock is held: only shards whose lock is free
    /// right now are asked, so two shards evicting for each other cannot deadlock.
    /// </summary>
    internal bool EvictElsewhere(Shard requester, long bytes)
    {
        for (var i = 0; i < ShardCount; i++)
        {
            var shard = Shards[(Interlocked.Increment(ref _evictionCursor) & int.MaxValue) % ShardCount];
            if (shard == requester || !shard.Gate.TryEnter())
            {
                continue;
            }

            try
            {
                if (shard.EvictFor(bytes))
                {
                    return true;
                }
            }
            finally
            {
                shard.Gate.Exit();
            }
        }

        return false;
    }

    private void SetMaxMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Options.MaxMemory = bytes;
        Budget.Headroom = Math.Min((long)ShardCount * Options.SegmentSize, bytes / 4);
        Budget.Limit = bytes;
    }
}
