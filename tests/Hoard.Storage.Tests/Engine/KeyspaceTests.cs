using Hoard.Storage.Internal;
using Hoard.Storage.Keys;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class KeyspaceTests : IDisposable
{
    private readonly Keyspace _keyspace = new(new StorageOptions { Shards = 4, SegmentSize = 4096 });

    public void Dispose()
    {
        _keyspace.CheckIntegrity();
        _keyspace.Dispose();
    }

    [Fact]
    public void A_value_larger_than_a_segment_gives_its_memory_back_when_deleted_or_overwritten()
    {
        var db = _keyspace[0];
        var before = _keyspace.UsedMemory;
        var big = new byte[1_000_000];
        Random.Shared.NextBytes(big);

        Assert.Equal(StorageStatus.Ok, db.Set(B("big"), big));
        Assert.True(_keyspace.UsedMemory >= before + big.Length);
        Assert.Equal(StorageStatus.Ok, db.Append(B("big"), "tail"u8, out var length));
        Assert.Equal(big.Length + 4, length);
        Assert.True(_keyspace.UsedMemory < before + (2L * big.Length), "the overwritten version was not freed");
        _keyspace.CheckIntegrity();

        Assert.True(db.Delete(B("big")));
        _keyspace.RunActiveExpireCycle(TimeSpan.FromMilliseconds(50)); // the background cycle frees it
        Assert.True(_keyspace.UsedMemory < before + 64 * 1024, $"{_keyspace.UsedMemory - before} bytes still held after DEL");
    }

    [Fact]
    public void Databases_are_isolated()
    {
        _keyspace[0].SetText("k", "zero");
        _keyspace[1].SetText("k", "one");
        _keyspace[1].HSetText("h", "f", "v");
        Assert.Equal("zero", _keyspace[0].GetText("k"));
        Assert.Equal("one", _keyspace[1].GetText("k"));
        Assert.False(_keyspace[0].Exists(B("h")));
        Assert.Null(_keyspace[2].GetText("k"));
        Assert.Equal(1, _keyspace[0].Count);
        Assert.Equal(2, _keyspace[1].Count);
    }

    [Fact]
    public void Flushdb_empties_one_database_only()
    {
        for (var i = 0; i < 500; i++)
        {
            _keyspace[0].SetText($"k{i}", "v");
            _keyspace[1].SetText($"k{i}", "v");
        }

        _keyspace[0].Flush();
        Assert.Equal(0, _keyspace[0].Count);
        Assert.Null(_keyspace[0].GetText("k1"));
        Assert.Equal(500, _keyspace[1].Count);
        Assert.Equal("v", _keyspace[1].GetText("k1"));
    }

    [Fact]
    public void Flushdb_while_the_index_grows_removes_every_key()
    {
        // Writing keys one by one leaves some shard's index in the middle of a growth most of the time.
        for (var n = 0; n < 3000; n++)
        {
            _keyspace[0].SetText($"k{n}", "v");
            if (n % 250 == 0)
            {
                _keyspace[0].Flush();
                Assert.Equal(0, _keyspace[0].Count);
                Assert.Empty(_keyspace[0].AllKeys());
                _keyspace.CheckIntegrity();
            }
        }
    }

    [Fact]
    public void Flushall_empties_every_database()
    {
        _keyspace[0].SetText("a", "v");
        _keyspace[5].HSetText("b", "f", "v");
        _keyspace.FlushAll();
        for (var db = 0; db < _keyspace.DatabaseCount; db++)
        {
            Assert.Equal(0, _keyspace[db].Count);
        }
    }

    [Fact]
    public void Swapdb_exchanges_the_contents_of_two_databases()
    {
        _keyspace[0].SetText("a", "in zero");
        _keyspace[1].SetText("b", "in one");
        _keyspace[1].SetText("c", "in one");
        _keyspace.SwapDatabases(0, 1);
        Assert.Equal("in one", _keyspace[0].GetText("b"));
        Assert.Equal("in zero", _keyspace[1].GetText("a"));
        Assert.Null(_keyspace[0].GetText("a"));
        Assert.Equal(2, _keyspace[0].Count);
        Assert.Equal(1, _keyspace[1].Count);

        _keyspace[0].SetText("d", "new");
        _keyspace.SwapDatabases(0, 1);
        Assert.Equal("new", _keyspace[1].GetText("d"));
        Assert.Equal("in zero", _keyspace[0].GetText("a"));
    }

    [Fact]
    public void Flushdb_after_swapdb_flushes_the_swapped_contents()
    {
        _keyspace[0].SetText("a", "v");
        _keyspace[1].SetText("b", "v");
        _keyspace.SwapDatabases(0, 1);
        _keyspace[0].Flush();
        Assert.Null(_keyspace[0].GetText("b"));
        Assert.Equal("v", _keyspace[1].GetText("a"));
    }

    [Fact]
    public void Observers_hear_events_with_the_logical_database_after_swapdb()
    {
        var observer = new RecordingObserver();
        _keyspace.Observer = observer;
        _keyspace.SwapDatabases(2, 3);
        _keyspace[2].SetText("k", "v");
        _keyspace[2].Delete(B("k"));
        Assert.Equal([(KeyEvent.Modified, 2, "k"), (KeyEvent.Deleted, 2, "k")], observer.Events);
    }

    [Fact]
    public void Stats_count_hits_and_misses_until_reset()
    {
        _keyspace[0].SetText("k", "v");
        _keyspace[0].GetText("k");
        _keyspace[0].GetText("k");
        _keyspace[0].GetText("x");
        _keyspace[0].HGetText("x", "f");
        Assert.Equal(new StorageStats(2, 2, 0, 0), _keyspace.Stats);
        _keyspace.ResetStats();
        Assert.Equal(default, _keyspace.Stats);
    }

    [Fact]
    public void Countkeysinslot_follows_writes_and_deletes_of_database_zero()
    {
        var slot = HashSlot.Of(B("{tag}a"));
        _keyspace[0].SetText("{tag}a", "v");
        _keyspace[0].SetText("{tag}b", "v");
        _keyspace[1].SetText("{tag}c", "v");
        Assert.Equal(2, _keyspace.CountKeysInSlot(slot));
        _keyspace[0].Delete(B("{tag}a"));
        Assert.Equal(1, _keyspace.CountKeysInSlot(slot));

        var keys = new List<string>();
        var sink = new SlotKeys(keys);
        Assert.Equal(1, _keyspace[0].KeysInSlot(slot, 10, ref sink));
        Assert.Equal(["{tag}b"], keys);
    }

    [Fact]
    public void Used_memory_returns_near_its_start_after_deleting_everything()
    {
        var start = _keyspace.UsedMemory;
        const int n = 20_000;
        for (var i = 0; i < n; i++)
        {
            _keyspace[i % 3].SetText($"key:{i}", new string('v', 100));
        }

        var peak = _keyspace.UsedMemory;
        Assert.True(peak - start > n * 100, $"peak only {peak - start} bytes above start");
        for (var i = 0; i < n; i++)
        {
            Assert.True(_keyspace[i % 3].Delete(B($"key:{i}")));
        }

        for (var round = 0; round < 1000; round++)
        {
            _keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
        }

        // What may stay: the grown index tables (they do not shrink) and a few segments per shard.
        var indexBytes = 4 * 8 * (long)(n / 4 / KeyIndex.GrowAt * 1.3);
        var allowed = indexBytes + (4 * 5 * 4096);
        var left = _keyspace.UsedMemory - start;
        Assert.True(left <= allowed, $"{left} bytes left of {peak - start}, allowed {allowed}");
        Assert.Equal(0, _keyspace.LiveBytes);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Keyspace(new StorageOptions { Shards = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Keyspace(new StorageOptions { SegmentSize = 1000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Keyspace(new StorageOptions { Databases = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Keyspace(new StorageOptions { MaxMemory = -1 }));
    }

    [Fact]
    public void Maxmemory_and_policy_can_change_at_run_time()
    {
        _keyspace.MaxMemory = 10_000_000;
        _keyspace.Policy = EvictionPolicy.AllKeysLru;
        Assert.Equal(10_000_000, _keyspace.MaxMemory);
        Assert.Equal(10_000_000, _keyspace.Options.MaxMemory);
        Assert.Equal(EvictionPolicy.AllKeysLru, _keyspace.Options.Policy);
    }

    private sealed class RecordingObserver : IKeyspaceObserver
    {
        public List<(KeyEvent, int, string)> Events { get; } = new();

        public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key) =>
            Events.Add((kind, database, System.Text.Encoding.UTF8.GetString(key)));
    }

    private readonly struct SlotKeys(List<string> keys) : IValueSink
    {
        public void Write(scoped ReadOnlySpan<byte> value) => keys.Add(System.Text.Encoding.UTF8.GetString(value));
    }
}
