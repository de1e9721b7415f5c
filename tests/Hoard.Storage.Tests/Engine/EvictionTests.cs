using System.Collections.Concurrent;
using System.Text;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public class EvictionTests
{
    private const long MaxMemory = 4 * 1024 * 1024;
    private const int ValueSize = 1000;
    private const int Writes = 40 * 1024 * 1024 / ValueSize;
    private static readonly byte[] Value = new byte[ValueSize];

    public static TheoryData<EvictionPolicy> AllPolicies => new(Enum.GetValues<EvictionPolicy>());

    public static TheoryData<EvictionPolicy> EvictingPolicies =>
        new(Enum.GetValues<EvictionPolicy>().Where(p => p != EvictionPolicy.NoEviction));

    public static TheoryData<EvictionPolicy> VolatilePolicies => new(
        EvictionPolicy.VolatileLru, EvictionPolicy.VolatileLfu, EvictionPolicy.VolatileRandom, EvictionPolicy.VolatileTtl);

    private static Keyspace Create(EvictionPolicy policy, ManualTimeProvider clock) =>
        new(new StorageOptions { Shards = 4, SegmentSize = 4096, MaxMemory = MaxMemory, Policy = policy }, clock);

    private static bool IsVolatile(EvictionPolicy policy) => policy.ToString().StartsWith("Volatile", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void Writing_ten_times_the_limit_never_holds_more_than_the_limit(EvictionPolicy policy)
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(policy, clock);
        var observer = new CountingObserver();
        keyspace.Observer = observer;
        var db = keyspace[0];
        var expiry = IsVolatile(policy) ? Expiry.AtUnixMs(clock.NowMs + 3_600_000) : Expiry.None;
        int ok = 0, outOfMemory = 0;
        for (var i = 0; i < Writes; i++)
        {
            var status = db.Set(B($"key:{i}"), Value, SetCondition.Always, IsVolatile(policy) ? Expiry.AtUnixMs(expiry.At + (i * 7919 % 100_000)) : expiry);
            if (status == StorageStatus.Ok)
            {
                ok++;
            }
            else
            {
                Assert.Equal(StorageStatus.OutOfMemory, status);
                outOfMemory++;
            }

            if (keyspace.UsedMemory > MaxMemory)
            {
                Assert.Fail($"{keyspace.UsedMemory} bytes used after write {i}");
            }
        }

        var stats = keyspace.Stats;
        Assert.Equal(stats.EvictedKeys, observer.Evicted);
        Assert.Equal(ok, db.Count + stats.EvictedKeys);
        if (policy == EvictionPolicy.NoEviction)
        {
            Assert.Equal(0, stats.EvictedKeys);
            Assert.True(outOfMemory > 0);
        }
        else
        {
            Assert.Equal(0, outOfMemory);
            Assert.True(stats.EvictedKeys > Writes / 2, $"only {stats.EvictedKeys} evicted");
            // Most of the limit holds live values, not fragmentation.
            Assert.True(db.Count * ValueSize > MaxMemory / 2, $"only {db.Count} keys resident");
        }

        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Noeviction_refuses_writes_once_full_and_keeps_every_key()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(EvictionPolicy.NoEviction, clock);
        var db = keyspace[0];
        var written = 0;
        while (db.Set(B($"key:{written}"), Value) == StorageStatus.Ok)
        {
            written++;
            Assert.True(written < Writes, "never ran out of memory");
        }

        // Other shards may still have room at the end of their last segment, but no more than that.
        var more = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (db.Set(B($"more:{i}"), Value) == StorageStatus.Ok)
            {
                more++;
            }
        }

        Assert.InRange(more, 0, 4 * 4096 / ValueSize);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(StorageStatus.OutOfMemory, db.Set(B($"last:{i}"), Value));
        }

        Assert.Equal(written + more, db.Count);
        Assert.Equal(0, keyspace.Stats.EvictedKeys);
        Assert.True(written * (long)ValueSize > MaxMemory * 3 / 4, $"only {written} keys fit");
        for (var i = 0; i < written; i++)
        {
            Assert.True(db.Exists(B($"key:{i}")));
        }

        // Overwriting with a value of the same size needs no room.
        Assert.Equal(StorageStatus.Ok, db.Set(B("key:0"), Value));
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Noeviction_makes_room_for_new_writes_after_keys_are_deleted()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(EvictionPolicy.NoEviction, clock);
        var db = keyspace[0];
        var written = 0;
        while (db.Set(B($"key:{written}"), Value) == StorageStatus.Ok)
        {
            written++;
            Assert.True(written < Writes, "never ran out of memory");
        }

        // Delete a fifth of the data, then write a tenth of it back.
        for (var i = 0; i < written / 5; i++)
        {
            Assert.True(db.Delete(B($"key:{i}")));
        }

        for (var round = 0; round < 100; round++)
        {
            keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < written / 10; i++)
        {
            Assert.Equal(StorageStatus.Ok, db.Set(B($"after-delete:{i}"), Value));
        }

        keyspace.CheckIntegrity();
    }

    [Theory]
    [MemberData(nameof(VolatilePolicies))]
    public void Volatile_policies_evict_only_keys_with_a_ttl(EvictionPolicy policy)
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(policy, clock);
        var evicted = new ConcurrentBag<string>();
        keyspace.Observer = new EvictionRecorder(evicted);
        var db = keyspace[0];
        var persistent = 0;
        for (var i = 0; i < Writes; i++)
        {
            var status = db.Set(B($"t:{i}"), Value, SetCondition.Always, Expiry.AtUnixMs(clock.NowMs + 3_600_000 + (i * 7919 % 100_000)));
            if (status == StorageStatus.Ok)
            {
                status = db.Set(B($"p:{i}"), Value);
            }

            if (status == StorageStatus.OutOfMemory)
            {
                break;
            }

            Assert.Equal(StorageStatus.Ok, status);
            persistent++;
            Assert.True(keyspace.UsedMemory <= MaxMemory);
        }

        Assert.NotEmpty(evicted);
        Assert.All(evicted, k => Assert.StartsWith("t:", k, StringComparison.Ordinal));
        for (var i = 0; i < persistent; i++)
        {
            Assert.True(db.Exists(B($"p:{i}")), $"p:{i} (no TTL) is gone");
        }

        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Volatile_ttl_evicts_cheaply_when_ttls_grow_with_insertion_order()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(EvictionPolicy.VolatileTtl, clock);
        var db = keyspace[0];
        var time = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Writes; i++)
        {
            Assert.Equal(StorageStatus.Ok, db.Set(B($"key:{i}"), Value, SetCondition.Always, Expiry.AtUnixMs(clock.NowMs + 3_600_000 + i)));
        }

        // The other policies take well under a second for this; the pathology (the whole log relocated per eviction,
        // ~10^9 moves here) takes minutes. The bound is loose because the machine may be busy with other tests.
        Assert.True(time.Elapsed < TimeSpan.FromSeconds(15), $"{Writes} writes took {time.Elapsed.TotalSeconds:F1} s");
        // The keys that expire soonest are the oldest ones: they should be the ones gone.
        Assert.False(db.Exists(B("key:0")));
        Assert.True(db.Exists(B($"key:{Writes - 1}")));
        keyspace.CheckIntegrity();
    }

    [Theory]
    [MemberData(nameof(VolatilePolicies))]
    public void Volatile_policies_run_out_of_memory_when_no_key_has_a_ttl(EvictionPolicy policy)
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(policy, clock);
        var db = keyspace[0];
        var status = StorageStatus.Ok;
        var written = 0;
        for (; written < Writes && status == StorageStatus.Ok; written++)
        {
            status = db.Set(B($"key:{written}"), Value);
        }

        Assert.Equal(StorageStatus.OutOfMemory, status);
        Assert.Equal(0, keyspace.Stats.EvictedKeys);
        Assert.Equal(written - 1, db.Count);
        Assert.True(keyspace.UsedMemory <= MaxMemory);
        keyspace.CheckIntegrity();
    }

    [Theory]
    [InlineData(EvictionPolicy.S3Fifo)]
    [InlineData(EvictionPolicy.AllKeysLru)]
    [InlineData(EvictionPolicy.AllKeysLfu)]
    public void A_small_hot_set_stays_resident_while_many_one_hit_keys_pass_through(EvictionPolicy policy)
    {
        const int hot = 200;
        var clock = new ManualTimeProvider();
        using var keyspace = Create(policy, clock);
        var db = keyspace[0];
        for (var h = 0; h < hot; h++)
        {
            db.Set(B($"hot:{h}"), Value);
        }

        int hits = 0, reads = 0;
        var sink = default(BytesSink);
        for (var i = 0; i < Writes; i++)
        {
            Assert.Equal(StorageStatus.Ok, db.Set(B($"scan:{i}"), Value));
            var key = B($"hot:{i % hot}");
            var found = db.Get(key, ref sink) == StorageStatus.Ok;
            if (!found)
            {
                db.Set(key, Value);
            }

            if (i >= 5 * hot)
            {
                reads++;
                hits += found ? 1 : 0;
            }
        }

        var ratio = (double)hits / reads;
        Assert.True(ratio > 0.95, $"hot-set hit ratio {ratio:P1}");
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Allkeys_lru_keeps_recently_read_keys()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(EvictionPolicy.AllKeysLru, clock);
        var db = keyspace[0];
        const int n = 3000; // about 3 MB: fills most of the limit
        for (var i = 0; i < n; i++)
        {
            db.Set(B($"key:{i}"), Value);
        }

        var sink = default(BytesSink);
        var recent = Enumerable.Range(0, n).Where(i => i % 10 == 0).ToList();
        foreach (var i in recent)
        {
            Assert.Equal(StorageStatus.Ok, db.Get(B($"key:{i}"), ref sink));
        }

        // Push out most of the keys: the ones just read should be kept.
        for (var i = 0; i < 5 * n / 6; i++)
        {
            Assert.Equal(StorageStatus.Ok, db.Set(B($"new:{i}"), Value));
        }

        Assert.True(keyspace.Stats.EvictedKeys > n / 3, $"only {keyspace.Stats.EvictedKeys} evicted");
        var kept = recent.Count(i => db.Exists(B($"key:{i}")));
        Assert.True(kept > recent.Count * 9 / 10, $"kept {kept} of {recent.Count} recently read keys");
        var unreadKept = Enumerable.Range(0, n).Where(i => i % 10 != 0).Count(i => db.Exists(B($"key:{i}")));
        Assert.True((double)unreadKept / (n - recent.Count) < (double)kept / recent.Count);
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Eviction_reclaims_large_hashes_too()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = Create(EvictionPolicy.AllKeysRandom, clock);
        var db = keyspace[0];
        var value = new string('v', 100);
        for (var h = 0; h < 400; h++)
        {
            for (var f = 0; f < 150; f++)
            {
                Assert.Equal(StorageStatus.Ok, db.HSetText($"h{h}", $"field:{f}", value));
                Assert.True(keyspace.UsedMemory <= MaxMemory);
            }
        }

        Assert.True(keyspace.Stats.EvictedKeys > 0);
        keyspace.CheckIntegrity();
    }

    private sealed class EvictionRecorder(ConcurrentBag<string> evicted) : IKeyspaceObserver
    {
        public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
        {
            if (kind == KeyEvent.Evicted)
            {
                evicted.Add(Encoding.UTF8.GetString(key));
            }
        }
    }
}
