using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;
using static Hoard.Storage.Tests.Support.SetText;

namespace Hoard.Storage.Tests.Engine;

/// <summary>Sets in the engine: memory accounting, eviction, records, key events.</summary>
public class DatabaseSetsTests
{
    [Fact]
    public void A_sets_bytes_count_in_used_memory_and_go_when_it_goes()
    {
        using var keyspace = new Keyspace(new StorageOptions { Shards = 1 });
        var db = keyspace[0];
        db.SetText("first", "x"); // the shard's first segment
        var before = keyspace.UsedMemory;
        db.SAdd("s", [.. Enumerable.Range(0, 1000).Select(i => $"member:{i}")]);
        var grown = keyspace.UsedMemory - before;
        Assert.InRange(grown, 1000 * 60, 1000 * 100);
        Assert.Equal(db.MemoryUsage(B("s")), grown, tolerance: 64);
        Assert.Equal(StorageStatus.Ok, db.SetRemove(B("s"), Elements([.. Enumerable.Range(0, 500).Select(i => $"member:{i}")]), out var removed));
        Assert.Equal(500, removed);
        Assert.InRange(keyspace.UsedMemory - before, grown / 2 - 1000, grown / 2 + 1000);
        Assert.True(db.Delete(B("s")));
        Assert.Equal(before, keyspace.UsedMemory);
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Sets_are_evicted_under_a_memory_limit_and_refused_under_noeviction()
    {
        using (var keyspace = new Keyspace(new StorageOptions { Shards = 2, SegmentSize = 1024, MaxMemory = 64 * 1024, Policy = EvictionPolicy.AllKeysLru }))
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal(StorageStatus.Ok, keyspace[0].SAdd($"s{i}", [.. Enumerable.Range(0, 20).Select(j => $"m{j}")]));
            }

            Assert.True(keyspace.Stats.EvictedKeys > 0);
            Assert.True(keyspace.UsedMemory <= 64 * 1024);
            keyspace.CheckIntegrity();
        }

        using var full = new Keyspace(new StorageOptions { Shards = 1, SegmentSize = 1024, MaxMemory = 64 * 1024, Policy = EvictionPolicy.NoEviction });
        var status = StorageStatus.Ok;
        for (var i = 0; i < 1000 && status == StorageStatus.Ok; i++)
        {
            status = full[0].SAdd("s", [.. Enumerable.Range(0, 10).Select(j => $"m{i}:{j}")]);
        }

        Assert.Equal(StorageStatus.OutOfMemory, status);
        Assert.True(full.UsedMemory <= 64 * 1024);
        full.CheckIntegrity();
    }

    [Fact]
    public void Writes_tell_the_observer_and_the_stream_and_no_ops_tell_nobody()
    {
        using var keyspace = new Keyspace(new StorageOptions { Shards = 1 });
        var observer = new CountingObserver();
        keyspace.Observer = observer;
        var stream = new RecordCapture();
        keyspace.Replication = stream;
        var db = keyspace[0];
        db.SAdd("s", "a", "b");
        db.SAdd("s", "a");
        db.SetRemove(B("s"), Elements("zz"), out _);
        db.SetRemove(B("nokey"), Elements("zz"), out _);
        Assert.Equal(1, stream.Count);
        Assert.Equal(1, observer.Modified);
        var sink = new PairList();
        db.SetPop(B("s"), 5, ref sink);
        Assert.False(db.Exists(B("s")));
        Assert.Equal(2, stream.Count); // the removal of the last members is the key's delete
        Assert.Equal(1, observer.Deleted);
        db.SAdd("a", "1");
        db.SetCombineStore(SetAlgebra.Union, B("d"), Elements("a"), out var stored);
        Assert.Equal(1, stored);
        Assert.Equal(4, stream.Count);
        db.SetCombineStore(SetAlgebra.Intersection, B("d"), Elements("a", "nokey"), out stored);
        Assert.Equal(0, stored);
        Assert.False(db.Exists(B("d")));
        Assert.Equal(5, stream.Count);
    }
}
