using System.Text;
using Hoard.Storage.Internal;

namespace Hoard.Storage.Tests.Engine;

/// <summary>The index on its own, over a segment store holding real entries (lookups compare keys).</summary>
public sealed unsafe class KeyIndexTests : IDisposable
{
    private readonly SegmentStore _store = new(65536);
    private readonly KeyIndex _index = new();
    private int _segment = -1;

    public void Dispose()
    {
        _index.Dispose();
        _store.Dispose();
    }

    private static byte[] Key(int i) => Encoding.ASCII.GetBytes($"key:{i}");

    /// <summary>Writes an entry for key <paramref name="i"/> and indexes it the way the shard does.</summary>
    private ulong* Add(int i)
    {
        var key = Key(i);
        var size = Entry.SizeOf(0, key.Length, 0, false);
        if (_segment < 0 || _store.Remaining(_segment) < size)
        {
            _segment = _store.Allocate(_store.SegmentSize, 0);
        }

        var location = _store.Bump(_segment, size);
        Entry.Write(_store.Pointer(location), EntryType.StringRaw, 0, key, 0, 0);
        if (_index.WantsGrowth)
        {
            _index.BeginGrowth();
        }

        _index.Migrate(KeyIndex.MigrationStep);
        return _index.Insert(KeyIndex.Make(location, KeyHash.Code(KeyHash.Of(key, 0, seed: 0)), false, 0));
    }

    private ulong* Find(int i)
    {
        var key = Key(i);
        return _index.Find(_store, key, 0, KeyHash.Code(KeyHash.Of(key, 0, seed: 0)));
    }

    private bool Remove(int i)
    {
        var slot = Find(i);
        if (slot == null)
        {
            return false;
        }

        _index.Remove(slot);
        return true;
    }

    [Fact]
    public void A_new_index_is_empty_and_finds_nothing()
    {
        Assert.Equal(0, _index.Count);
        Assert.True(Find(1) == null);
    }

    [Fact]
    public void Every_key_stays_findable_during_and_after_incremental_growth()
    {
        const int n = 100_000;
        var growths = 0;
        for (var i = 0; i < n; i++)
        {
            var wasMigrating = _index.IsMigrating;
            Add(i);
            if (!wasMigrating && _index.IsMigrating)
            {
                growths++;
            }

            if (i % 9973 == 0 || (_index.IsMigrating && i % 97 == 0))
            {
                for (var j = 0; j <= i; j += 1 + (i / 2000))
                {
                    Assert.True(Find(j) != null, $"key {j} lost after {i + 1} inserts");
                }
            }
        }

        Assert.True(growths > 10, $"only {growths} growths");
        Assert.Equal(n, _index.Count);
        for (var i = 0; i < n; i++)
        {
            var slot = Find(i);
            Assert.True(slot != null, $"key {i} lost");
            Assert.True(new Entry(_store.Pointer((uint)*slot)).Key.SequenceEqual(Key(i)));
        }

        Assert.True(Find(n) == null);
    }

    [Fact]
    public void Removal_with_backward_shift_keeps_the_other_keys_findable()
    {
        const int n = 20_000;
        for (var i = 0; i < n; i++)
        {
            Add(i);
        }

        _index.Migrate(int.MaxValue);
        for (var i = 0; i < n; i += 2)
        {
            Assert.True(Remove(i));
        }

        Assert.Equal(n / 2, _index.Count);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(i % 2 == 1, Find(i) != null);
        }
    }

    [Fact]
    public void A_key_removed_while_the_index_grows_stays_removed()
    {
        var i = 0;
        while (!_index.IsMigrating)
        {
            Add(i++);
        }

        // Some old slots have moved to the new table by now; remove every key and none may come back.
        var added = i;
        for (var j = 0; j < added; j++)
        {
            Assert.True(Remove(j), $"key {j} not found before removal");
            Assert.True(Find(j) == null, $"key {j} still found after removal");
        }

        Assert.Equal(0, _index.Count);
        _index.Migrate(int.MaxValue);
        Assert.Equal(0, _index.Count);
        for (var j = 0; j < added; j++)
        {
            Assert.True(Find(j) == null, $"key {j} came back after growth");
        }
    }

    [Fact]
    public void Removing_keys_while_the_index_grows_keeps_counts_and_lookups_right()
    {
        var live = new HashSet<int>();
        for (var i = 0; i < 30_000; i++)
        {
            Add(i);
            live.Add(i);
            if (i % 3 == 0)
            {
                var victim = i / 2;
                if (live.Remove(victim))
                {
                    Assert.True(Remove(victim));
                }
            }
        }

        Assert.Equal(live.Count, _index.Count);
        for (var i = 0; i < 30_000; i++)
        {
            Assert.Equal(live.Contains(i), Find(i) != null);
        }
    }

    [Fact]
    public void Growth_frees_the_old_table_once_every_slot_has_moved()
    {
        var i = 0;
        while (!_index.IsMigrating)
        {
            Add(i++);
        }

        var bytesDuring = _index.Bytes;
        var freed = _index.Migrate(int.MaxValue);
        Assert.False(_index.IsMigrating);
        Assert.Equal(bytesDuring - freed, _index.Bytes);
        Assert.Equal((long)_index.Capacity * sizeof(ulong), _index.Bytes);
    }

    [Fact]
    public void Find_by_location_finds_the_slot_of_an_entry()
    {
        for (var i = 0; i < 1000; i++)
        {
            Add(i);
        }

        var slot = Find(500);
        var s = *slot;
        Assert.True(_index.FindByLocation(KeyIndex.CodeOf(s), (uint)s) == slot);
    }

    [Fact]
    public void A_slot_packs_location_ttl_bit_code_and_eviction_bits()
    {
        var s = KeyIndex.Make(0x0003_0040, 0x7A_BCDE, true, 0xC3);
        Assert.Equal(0x0003_0040u, (uint)s);
        Assert.NotEqual(0UL, s & KeyIndex.VolatileBit);
        Assert.Equal(0x7A_BCDEu, KeyIndex.CodeOf(s));
        Assert.Equal(0xC3, KeyIndex.AccessOf(s));
        Assert.Equal(0x11, KeyIndex.AccessOf(KeyIndex.WithAccess(s, 0x11)));
        Assert.Equal(0x0009_0000u, (uint)KeyIndex.WithLocation(s, 0x0009_0000));
        Assert.Equal(0x7A_BCDEu, KeyIndex.CodeOf(KeyIndex.WithLocation(s, 0x0009_0000)));
    }
}
