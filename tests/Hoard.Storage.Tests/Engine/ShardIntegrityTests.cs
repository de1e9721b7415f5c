using Hoard.Storage.Internal;
using Hoard.Storage.Keys;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class ShardIntegrityTests : IDisposable
{
    private readonly Keyspace _keyspace = new(new StorageOptions { Shards = 2, SegmentSize = 1024, HashMaxListpackEntries = 2 });

    public ShardIntegrityTests()
    {
        for (var i = 0; i < 300; i++)
        {
            _keyspace[i % 2].SetText($"k{i}", new string('v', i % 50));
        }

        _keyspace[0].HSetText("h", "a", "1");
        _keyspace[0].HSetText("h", "b", "2");
        _keyspace[0].HSetText("h", "c", "3");
        for (var i = 0; i < 300; i += 3)
        {
            _keyspace[i % 2].Delete(B($"k{i}"));
        }
    }

    public void Dispose() => _keyspace.Dispose();

    [Fact]
    public void A_consistent_keyspace_passes()
    {
        _keyspace.CheckIntegrity();
        _keyspace.FlushAll();
        _keyspace.CheckIntegrity();
    }

    [Fact]
    public void A_wrong_key_count_is_reported()
    {
        _keyspace.Shards[1].KeysPerDatabase[0]++;
        var e = Assert.Throws<InvalidOperationException>(_keyspace.CheckIntegrity);
        Assert.Contains("database 0 counts", e.Message, StringComparison.Ordinal);
        _keyspace.Shards[1].KeysPerDatabase[0]--;
    }

    [Fact]
    public void A_wrong_slot_count_is_reported()
    {
        _keyspace.CountSlot(HashSlot.Of(B("k0")), 1);
        var e = Assert.Throws<InvalidOperationException>(_keyspace.CheckIntegrity);
        Assert.Contains("hash slot", e.Message, StringComparison.Ordinal);
        _keyspace.CountSlot(HashSlot.Of(B("k0")), -1);
    }

    [Fact]
    public void A_budget_that_does_not_match_the_shards_is_reported()
    {
        _keyspace.Budget.Force(8);
        var e = Assert.Throws<InvalidOperationException>(_keyspace.CheckIntegrity);
        Assert.Contains("memory budget", e.Message, StringComparison.Ordinal);
        _keyspace.Budget.Release(8);
    }

    [Fact]
    public unsafe void An_index_slot_pointing_at_a_dead_entry_is_reported()
    {
        var db = _keyspace[0];
        var key = B("k2");
        var hash = KeyHash.Of(key, 0, _keyspace.HashSeed);
        var shard = _keyspace.Shards[(int)(hash & _keyspace.ShardMask)];
        lock (shard.Gate)
        {
            var slot = shard.Find(key, 0, hash);
            var entry = shard.EntryAt(slot);
            var flags = *entry.Start;
            entry.MarkDead();
            try
            {
                var e = Assert.Throws<InvalidOperationException>(_keyspace.CheckIntegrity);
                Assert.Contains("dead entry 'k2'", e.Message, StringComparison.Ordinal);
            }
            finally
            {
                *entry.Start = flags;
            }
        }

        Assert.Equal(new string('v', 2), db.GetText("k2"));
    }
}
