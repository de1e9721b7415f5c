using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseHashesTests : IDisposable
{
    private readonly Keyspace _keyspace;
    private readonly Database _db;

    public DatabaseHashesTests()
    {
        _keyspace = new Keyspace(new StorageOptions
        {
            Shards = 2,
            SegmentSize = 1024,
            HashMaxListpackEntries = 8,
            HashMaxListpackValue = 16,
        });
        _db = _keyspace[0];
    }

    public void Dispose()
    {
        _keyspace.CheckIntegrity();
        _keyspace.Dispose();
    }

    [Fact]
    public void Hset_adds_and_updates_fields_and_hget_reads_them()
    {
        Assert.Equal(StorageStatus.Ok, _db.HashSet(B("h"), B("f"), B("1"), false, out var added));
        Assert.True(added);
        Assert.Equal(StorageStatus.Ok, _db.HashSet(B("h"), B("f"), B("two"), false, out added));
        Assert.False(added);
        Assert.Equal((StorageStatus.Ok, "two"), _db.HGetText("h", "f"));
        Assert.Equal(StorageStatus.NotFound, _db.HGetText("h", "g").Status);
        Assert.Equal(StorageStatus.NotFound, _db.HGetText("x", "f").Status);
    }

    [Fact]
    public void Hdel_removes_a_field_and_reports_it()
    {
        _db.HSetText("h", "a", "1");
        _db.HSetText("h", "b", "2");
        Assert.Equal(StorageStatus.Ok, _db.HashDelete(B("h"), B("a"), out var removed));
        Assert.True(removed);
        Assert.Equal(StorageStatus.Ok, _db.HashDelete(B("h"), B("a"), out removed));
        Assert.False(removed);
        Assert.Equal(StorageStatus.Ok, _db.HashDelete(B("x"), B("a"), out removed));
        Assert.False(removed);
        Assert.Equal([("b", "2")], _db.HGetAllText("h"));
    }

    [Fact]
    public void Hlen_counts_fields_and_is_zero_for_a_missing_key()
    {
        _db.HSetText("h", "a", "1");
        _db.HSetText("h", "b", "2");
        _db.HSetText("h", "a", "3");
        Assert.Equal(StorageStatus.Ok, _db.HashLength(B("h"), out var n));
        Assert.Equal(2, n);
        _db.HashLength(B("x"), out n);
        Assert.Equal(0, n);
    }

    [Fact]
    public void Hgetall_of_a_packed_hash_lists_fields_in_insertion_order()
    {
        _db.HSetText("h", "z", "1");
        _db.HSetText("h", "a", "2");
        _db.HSetText("h", "m", "3");
        _db.HSetText("h", "a", "22");
        Assert.Equal([("z", "1"), ("a", "22"), ("m", "3")], _db.HGetAllText("h"));
        Assert.Empty(_db.HGetAllText("missing"));
    }

    [Fact]
    public void Hsetnx_sets_only_a_new_field()
    {
        Assert.Equal(StorageStatus.Ok, _db.HSetText("h", "f", "1", onlyIfNew: true));
        Assert.Equal(StorageStatus.NotApplied, _db.HSetText("h", "f", "2", onlyIfNew: true));
        Assert.Equal((StorageStatus.Ok, "1"), _db.HGetText("h", "f"));
    }

    [Fact]
    public void Hsetnx_on_a_hash_table_sets_only_a_new_field()
    {
        for (var i = 0; i < 20; i++)
        {
            _db.HSetText("h", $"f{i}", "v");
        }

        Assert.Equal(StorageStatus.NotApplied, _db.HSetText("h", "f3", "x", onlyIfNew: true));
        Assert.Equal(StorageStatus.Ok, _db.HSetText("h", "new", "x", onlyIfNew: true));
        Assert.Equal((StorageStatus.Ok, "v"), _db.HGetText("h", "f3"));
    }

    [Fact]
    public void Hincrby_adds_to_an_integer_field()
    {
        Assert.Equal(StorageStatus.Ok, _db.HashIncrement(B("h"), B("n"), 5, out var r));
        Assert.Equal(5, r);
        _db.HashIncrement(B("h"), B("n"), -7, out r);
        Assert.Equal(-2, r);
        Assert.Equal((StorageStatus.Ok, "-2"), _db.HGetText("h", "n"));
    }

    [Fact]
    public void Hincrby_rejects_non_integers_and_overflow()
    {
        _db.HSetText("h", "s", "abc");
        _db.HSetText("h", "p", "+5");
        _db.HSetText("h", "big", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(StorageStatus.NotInteger, _db.HashIncrement(B("h"), B("s"), 1, out _));
        Assert.Equal(StorageStatus.NotInteger, _db.HashIncrement(B("h"), B("p"), 1, out _));
        Assert.Equal(StorageStatus.Overflow, _db.HashIncrement(B("h"), B("big"), 1, out _));
    }

    [Fact]
    public void Hincrbyfloat_formats_like_redis()
    {
        _db.HSetText("h", "f", "10.5");
        Assert.Equal(StorageStatus.Ok, _db.HashIncrementFloat(B("h"), B("f"), 0.1, out _));
        Assert.Equal((StorageStatus.Ok, "10.6"), _db.HGetText("h", "f"));
        _db.HSetText("h", "e", "5.0e3");
        _db.HashIncrementFloat(B("h"), B("e"), 0, out _);
        Assert.Equal((StorageStatus.Ok, "5000"), _db.HGetText("h", "e"));
        _db.HSetText("h", "bad", "x");
        Assert.Equal(StorageStatus.NotFloat, _db.HashIncrementFloat(B("h"), B("bad"), 1, out _));
    }

    [Fact]
    public void Hash_commands_on_a_string_are_wrongtype()
    {
        _db.SetText("s", "v");
        Assert.Equal(StorageStatus.WrongType, _db.HSetText("s", "f", "v"));
        Assert.Equal(StorageStatus.WrongType, _db.HGetText("s", "f").Status);
        Assert.Equal(StorageStatus.WrongType, _db.HashDelete(B("s"), B("f"), out _));
        Assert.Equal(StorageStatus.WrongType, _db.HashLength(B("s"), out _));
        Assert.Equal(StorageStatus.WrongType, _db.HashIncrement(B("s"), B("f"), 1, out _));
        var pairs = new PairList();
        Assert.Equal(StorageStatus.WrongType, _db.HashGetAll(B("s"), ref pairs));
        Assert.Equal("v", _db.GetText("s"));
    }

    [Fact]
    public void String_commands_on_a_hash_are_wrongtype()
    {
        _db.HSetText("h", "f", "v");
        Assert.Equal(StorageStatus.WrongType, _db.TryGetText("h").Status);
        Assert.Equal(StorageStatus.WrongType, _db.Append(B("h"), B("x"), out _));
        Assert.Equal(StorageStatus.WrongType, _db.Length(B("h"), out _));
        Assert.Equal(StorageStatus.WrongType, _db.IncrementFloat(B("h"), 1, out _));
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.WrongType, _db.GetRange(B("h"), 0, -1, ref sink));
        Assert.Equal(StorageStatus.WrongType, _db.SetRange(B("h"), 0, B("x"), out _));
    }

    [Fact]
    public void A_hash_becomes_a_hashtable_past_the_entry_limit()
    {
        for (var i = 0; i < 8; i++)
        {
            _db.HSetText("h", $"f{i}", $"v{i}");
        }

        Assert.Equal("listpack", _db.EncodingOf(B("h")));
        _db.HSetText("h", "f8", "v8");
        Assert.Equal("hashtable", _db.EncodingOf(B("h")));
        for (var i = 0; i <= 8; i++)
        {
            Assert.Equal((StorageStatus.Ok, $"v{i}"), _db.HGetText("h", $"f{i}"));
        }

        _db.HashLength(B("h"), out var n);
        Assert.Equal(9, n);
    }

    [Fact]
    public void A_hash_becomes_a_hashtable_past_the_value_length_limit()
    {
        _db.HSetText("h", "a", "short");
        _db.HSetText("h", "b", new string('x', 17));
        Assert.Equal("hashtable", _db.EncodingOf(B("h")));
        Assert.Equal((StorageStatus.Ok, "short"), _db.HGetText("h", "a"));

        _db.HSetText("g", new string('f', 17), "v");
        Assert.Equal("hashtable", _db.EncodingOf(B("g")));
    }

    [Fact]
    public void A_value_at_the_length_limit_stays_packed()
    {
        _db.HSetText("h", new string('f', 16), new string('v', 16));
        Assert.Equal("listpack", _db.EncodingOf(B("h")));
    }

    [Fact]
    public void A_hashtable_keeps_the_ttl_of_the_packed_hash_it_replaces()
    {
        var clock = new ManualTimeProvider();
        using var keyspace = new Keyspace(new StorageOptions { Shards = 1, HashMaxListpackEntries = 2 }, clock);
        var db = keyspace[0];
        db.HSetText("h", "a", "1");
        db.SetExpireAt(B("h"), clock.NowMs + 1000);
        db.HSetText("h", "b", "2");
        db.HSetText("h", "c", "3");
        Assert.Equal("hashtable", db.EncodingOf(B("h")));
        Assert.Equal(clock.NowMs + 1000, db.GetExpireAt(B("h")));
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Deleting_the_last_field_deletes_the_key_in_both_encodings()
    {
        _db.HSetText("p", "f", "v");
        _db.HashDelete(B("p"), B("f"), out _);
        Assert.False(_db.Exists(B("p")));

        for (var i = 0; i < 10; i++)
        {
            _db.HSetText("t", $"f{i}", "v");
        }

        Assert.Equal("hashtable", _db.EncodingOf(B("t")));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(_db.Exists(B("t")));
            _db.HashDelete(B("t"), B($"f{i}"), out var removed);
            Assert.True(removed);
        }

        Assert.False(_db.Exists(B("t")));
        Assert.Equal(0, _db.Count);
    }

    [Fact]
    public void Hgetall_of_a_hashtable_returns_every_pair()
    {
        var expected = Enumerable.Range(0, 100).Select(i => ($"f{i}", $"v{i}")).ToList();
        foreach (var (f, v) in expected)
        {
            _db.HSetText("h", f, v);
        }

        Assert.Equal(expected.Order(), _db.HGetAllText("h").Order());
    }

    [Fact]
    public void Large_hashes_release_their_memory_when_deleted()
    {
        var before = _keyspace.UsedMemory;
        for (var i = 0; i < 1000; i++)
        {
            _db.HSetText("h", $"field-{i}", new string('v', 40));
        }

        Assert.True(_keyspace.UsedMemory > before + 40_000);
        _db.Delete(B("h"));
        Assert.True(_keyspace.UsedMemory < before + 8192, $"{_keyspace.UsedMemory - before} bytes left");
    }

    [Fact]
    public void A_hash_table_write_refused_for_memory_leaves_the_hash_unchanged()
    {
        using var keyspace = new Keyspace(new StorageOptions
        {
            Shards = 1,
            SegmentSize = 4096,
            MaxMemory = 256 * 1024,
            Policy = EvictionPolicy.NoEviction,
            HashMaxListpackEntries = 4,
        });
        var db = keyspace[0];
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(StorageStatus.Ok, db.HSetText("h", $"f{i}", "v"));
        }

        Assert.Equal("hashtable", db.EncodingOf(B("h")));
        for (var i = 0; db.SetText($"filler:{i}", new string('x', 500)) == StorageStatus.Ok; i++)
        {
            Assert.True(i < 10_000, "never ran out of memory");
        }

        // Less than a segment is left, so a field of 8 KB cannot be counted.
        Assert.Equal(StorageStatus.OutOfMemory, db.HSetText("h", "big", new string('b', 8192)));
        Assert.Equal(StorageStatus.NotFound, db.HGetText("h", "big").Status);
        db.HashLength(B("h"), out var n);
        Assert.Equal(10, n);
        Assert.True(keyspace.UsedMemory <= keyspace.MaxMemory);
        keyspace.CheckIntegrity();
    }
}
