using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseKeysTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly Keyspace _keyspace;
    private readonly Database _db;

    public DatabaseKeysTests()
    {
        _keyspace = new Keyspace(new StorageOptions { Shards = 4, SegmentSize = 4096 }, _clock);
        _db = _keyspace[0];
    }

    public void Dispose()
    {
        _keyspace.CheckIntegrity();
        _keyspace.Dispose();
    }

    private long In(long ms) => _clock.NowMs + ms;

    [Fact]
    public void Del_removes_an_existing_key_and_reports_whether_it_existed()
    {
        _db.SetText("k", "v");
        Assert.True(_db.Delete(B("k")));
        Assert.False(_db.Delete(B("k")));
        Assert.Null(_db.GetText("k"));
        Assert.Equal(0, _db.Count);
    }

    [Fact]
    public void Exists_sees_strings_and_hashes()
    {
        _db.SetText("s", "v");
        _db.HSetText("h", "f", "v");
        Assert.True(_db.Exists(B("s")));
        Assert.True(_db.Exists(B("h")));
        Assert.False(_db.Exists(B("x")));
    }

    [Fact]
    public void Type_names_the_kind_of_value()
    {
        _db.SetText("s", "v");
        _db.Increment(B("i"), 1, out _);
        _db.HSetText("h", "f", "v");
        Assert.Equal(ValueKind.String, _db.TypeOf(B("s")));
        Assert.Equal(ValueKind.String, _db.TypeOf(B("i")));
        Assert.Equal(ValueKind.Hash, _db.TypeOf(B("h")));
        Assert.Equal(ValueKind.None, _db.TypeOf(B("x")));
    }

    [Fact]
    public void Rename_moves_the_value_and_its_ttl()
    {
        _db.SetText("a", "v", expiry: Expiry.AtUnixMs(In(5000)));
        Assert.Equal(StorageStatus.Ok, _db.Rename(B("a"), B("b")));
        Assert.False(_db.Exists(B("a")));
        Assert.Equal("v", _db.GetText("b"));
        Assert.Equal(In(5000), _db.GetExpireAt(B("b")));
    }

    [Fact]
    public void Rename_replaces_the_destination_and_drops_its_ttl()
    {
        _db.SetText("a", "1");
        _db.SetText("b", "2", expiry: Expiry.AtUnixMs(In(5000)));
        Assert.Equal(StorageStatus.Ok, _db.Rename(B("a"), B("b")));
        Assert.Equal("1", _db.GetText("b"));
        Assert.Equal(-1, _db.GetExpireAt(B("b")));
        Assert.Equal(1, _db.Count);
    }

    [Fact]
    public void Rename_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, _db.Rename(B("a"), B("b")));

    [Fact]
    public void Rename_of_a_hash_table_moves_every_field()
    {
        for (var i = 0; i < 200; i++)
        {
            _db.HSetText("h", $"f{i}", $"v{i}");
        }

        Assert.Equal("hashtable", _db.EncodingOf(B("h")));
        _db.Rename(B("h"), B("g"));
        Assert.Equal(200, _db.HGetAllText("g").Count);
        Assert.Equal((StorageStatus.Ok, "v150"), _db.HGetText("g", "f150"));
    }

    [Fact]
    public void Rename_to_itself_keeps_the_key()
    {
        _db.SetText("a", "v");
        Assert.Equal(StorageStatus.Ok, _db.Rename(B("a"), B("a")));
        Assert.Equal("v", _db.GetText("a"));
    }

    [Fact]
    public void Renamenx_does_nothing_when_the_destination_exists()
    {
        _db.SetText("a", "1");
        _db.SetText("b", "2");
        Assert.Equal(StorageStatus.NotApplied, _db.Rename(B("a"), B("b"), onlyIfAbsent: true));
        Assert.Equal("1", _db.GetText("a"));
        Assert.Equal("2", _db.GetText("b"));
        Assert.Equal(StorageStatus.Ok, _db.Rename(B("a"), B("c"), onlyIfAbsent: true));
        Assert.Equal("1", _db.GetText("c"));
    }

    [Fact]
    public void Renamenx_to_itself_is_not_applied_as_in_redis()
    {
        _db.SetText("a", "v");
        Assert.Equal(StorageStatus.NotApplied, _db.Rename(B("a"), B("a"), onlyIfAbsent: true));
        Assert.Equal("v", _db.GetText("a"));
    }

    [Fact]
    public void Copy_duplicates_the_value_and_the_ttl()
    {
        _db.SetText("a", "v", expiry: Expiry.AtUnixMs(In(3000)));
        Assert.Equal(StorageStatus.Ok, _db.Copy(B("a"), _db, B("b"), replace: false));
        Assert.Equal("v", _db.GetText("a"));
        Assert.Equal("v", _db.GetText("b"));
        Assert.Equal(In(3000), _db.GetExpireAt(B("b")));
    }

    [Fact]
    public void Copy_replaces_the_destination_only_with_replace()
    {
        _db.SetText("a", "1");
        _db.SetText("b", "2");
        Assert.Equal(StorageStatus.NotApplied, _db.Copy(B("a"), _db, B("b"), replace: false));
        Assert.Equal("2", _db.GetText("b"));
        Assert.Equal(StorageStatus.Ok, _db.Copy(B("a"), _db, B("b"), replace: true));
        Assert.Equal("1", _db.GetText("b"));
    }

    [Fact]
    public void Copy_to_another_database_leaves_the_source_in_place()
    {
        _db.SetText("a", "v");
        Assert.Equal(StorageStatus.Ok, _db.Copy(B("a"), _keyspace[3], B("a"), replace: false));
        Assert.Equal("v", _keyspace[3].GetText("a"));
        Assert.Equal("v", _db.GetText("a"));
        Assert.Equal(1, _keyspace[3].Count);
    }

    [Fact]
    public void Copy_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, _db.Copy(B("a"), _db, B("b"), replace: true));

    [Fact]
    public void A_copied_hash_table_is_independent_of_its_source()
    {
        for (var i = 0; i < 200; i++)
        {
            _db.HSetText("h", $"f{i}", "v");
        }

        _db.Copy(B("h"), _db, B("g"), replace: false);
        _db.HSetText("h", "f0", "changed");
        _db.HashDelete(B("h"), B("f1"), out _);
        Assert.Equal((StorageStatus.Ok, "v"), _db.HGetText("g", "f0"));
        Assert.Equal((StorageStatus.Ok, "v"), _db.HGetText("g", "f1"));
        _db.Delete(B("h"));
        Assert.Equal(200, _db.HGetAllText("g").Count);
    }

    [Fact]
    public void Randomkey_returns_an_existing_key_or_false_when_empty()
    {
        var sink = default(BytesSink);
        Assert.False(_db.RandomKey(ref sink));
        var keys = Enumerable.Range(0, 50).Select(i => $"k{i}").ToHashSet();
        foreach (var k in keys)
        {
            _db.SetText(k, "v");
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.True(_db.RandomKey(ref sink));
            Assert.Contains(sink.Text!, keys);
        }
    }

    [Fact]
    public void Randomkey_ignores_other_databases()
    {
        _keyspace[1].SetText("other", "v");
        var sink = default(BytesSink);
        Assert.False(_db.RandomKey(ref sink));
    }

    [Fact]
    public void Scan_returns_every_key_once_while_the_keyspace_grows_tenfold()
    {
        const int initial = 1000;
        for (var i = 0; i < initial; i++)
        {
            _db.SetText($"old:{i}", "v");
        }

        var seen = new Dictionary<string, int>();
        var added = 0;
        ulong cursor = 0;
        var calls = 0;
        do
        {
            var page = new PairList();
            cursor = _db.Scan(cursor, default, 10, ValueKind.None, ref page);
            foreach (var key in page.Firsts)
            {
                seen[key] = seen.GetValueOrDefault(key) + 1;
            }

            for (var j = 0; j < 100 && added < 9 * initial; j++)
            {
                _db.SetText($"new:{added++}", "v");
            }

            Assert.True(++calls < 100_000, "SCAN does not terminate");
        }
        while (cursor != 0);

        Assert.Equal(9 * initial, added);
        Assert.All(seen, kv => Assert.Equal(1, kv.Value));
        for (var i = 0; i < initial; i++)
        {
            Assert.True(seen.ContainsKey($"old:{i}"), $"old:{i} was not returned");
        }
    }

    [Fact]
    public void Scan_filters_by_pattern_and_by_type()
    {
        for (var i = 0; i < 30; i++)
        {
            _db.SetText($"user:{i}", "v");
            _db.HSetText($"hash:{i}", "f", "v");
        }

        var users = ScanAll(_db, "user:*", ValueKind.None);
        Assert.Equal(30, users.Count);
        Assert.All(users, k => Assert.StartsWith("user:", k, StringComparison.Ordinal));

        var hashes = ScanAll(_db, "", ValueKind.Hash);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"hash:{i}").Order(), hashes.Order());

        Assert.Empty(ScanAll(_db, "user:*", ValueKind.Hash));
        Assert.Equal(["user:7"], ScanAll(_db, "user:7", ValueKind.String));
    }

    [Fact]
    public void Scan_skips_expired_keys_and_other_databases()
    {
        _db.SetText("live", "v");
        _db.SetText("dying", "v", expiry: Expiry.AtUnixMs(In(10)));
        _keyspace[1].SetText("elsewhere", "v");
        _clock.Advance(11);
        Assert.Equal(["live"], ScanAll(_db, "", ValueKind.None));
    }

    [Fact]
    public void Keys_returns_every_matching_key()
    {
        foreach (var k in new[] { "hello", "hallo", "hxllo", "hllo", "heeeello", "other" })
        {
            _db.SetText(k, "v");
        }

        Assert.Equal(["hallo", "hello", "hxllo"], _db.AllKeys("h?llo").Order());
        Assert.Equal(["hallo", "hello"], _db.AllKeys("h[ae]llo").Order());
        Assert.Equal(["heeeello", "hello", "hllo"], _db.AllKeys("h*llo").Where(k => k != "hallo" && k != "hxllo").Order());
        Assert.Equal(6, _db.AllKeys().Count);
    }

    [Fact]
    public void Touch_reports_whether_the_key_exists()
    {
        _db.SetText("k", "v");
        Assert.True(_db.Touch(B("k")));
        Assert.False(_db.Touch(B("x")));
    }

    private static List<string> ScanAll(Database db, string pattern, ValueKind type)
    {
        var all = new PairList();
        ulong cursor = 0;
        var calls = 0;
        do
        {
            cursor = db.Scan(cursor, B(pattern), 7, type, ref all);
            Assert.True(++calls < 1_000_000, "SCAN does not terminate");
        }
        while (cursor != 0);

        return all.Firsts.ToList();
    }

    [Fact]
    public void Copying_a_hash_table_over_another_releases_the_replaced_one()
    {
        for (var i = 0; i < 200; i++)
        {
            _db.HSetText("a", $"f{i}", "v");
            _db.HSetText("b", $"g{i}", "w");
        }

        _db.Copy(B("a"), _db, B("b"), replace: true);
        _keyspace.CheckIntegrity();
        var used = _keyspace.UsedMemory;
        for (var round = 0; round < 50; round++)
        {
            Assert.Equal(StorageStatus.Ok, _db.Copy(B("a"), _db, B("b"), replace: true));
            Assert.Equal(StorageStatus.Ok, _db.Rename(B("b"), B("c")));
            Assert.Equal(StorageStatus.Ok, _db.Copy(B("a"), _db, B("b"), replace: true));
            Assert.Equal(StorageStatus.Ok, _db.Rename(B("b"), B("c")));
        }

        _keyspace.CheckIntegrity();
        Assert.True(_keyspace.UsedMemory - used < 64 * 1024, $"{_keyspace.UsedMemory - used} bytes more after 100 replacements");
        Assert.Equal((StorageStatus.Ok, "v"), _db.HGetText("c", "f7"));
        Assert.Equal(StorageStatus.NotFound, _db.HGetText("c", "g7").Status);
    }
}
