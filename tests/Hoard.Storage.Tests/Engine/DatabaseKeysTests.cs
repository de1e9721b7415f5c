using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseKeysTests() : KeyspaceFixture(new StorageOptions { Shards = 4, SegmentSize = 4096 })
{
    [Fact]
    public void Del_removes_an_existing_key_and_reports_whether_it_existed()
    {
        Db.SetText("k", "v");
        Assert.True(Db.Delete(B("k")));
        Assert.False(Db.Delete(B("k")));
        Assert.Null(Db.GetText("k"));
        Assert.Equal(0, Db.Count);
    }

    [Fact]
    public void Exists_sees_strings_and_hashes()
    {
        Db.SetText("s", "v");
        Db.HSetText("h", "f", "v");
        Assert.True(Db.Exists(B("s")));
        Assert.True(Db.Exists(B("h")));
        Assert.False(Db.Exists(B("x")));
    }

    [Fact]
    public void Type_names_the_kind_of_value()
    {
        Db.SetText("s", "v");
        Db.Increment(B("i"), 1, out _);
        Db.HSetText("h", "f", "v");
        Assert.Equal(ValueKind.String, Db.TypeOf(B("s")));
        Assert.Equal(ValueKind.String, Db.TypeOf(B("i")));
        Assert.Equal(ValueKind.Hash, Db.TypeOf(B("h")));
        Assert.Equal(ValueKind.None, Db.TypeOf(B("x")));
    }

    [Fact]
    public void Rename_moves_the_value_and_its_ttl()
    {
        Db.SetText("a", "v", expiry: Expiry.AtUnixMs(In(5000)));
        Assert.Equal(StorageStatus.Ok, Db.Rename(B("a"), B("b")));
        Assert.False(Db.Exists(B("a")));
        Assert.Equal("v", Db.GetText("b"));
        Assert.Equal(In(5000), Db.GetExpireAt(B("b")));
    }

    [Fact]
    public void Rename_replaces_the_destination_and_drops_its_ttl()
    {
        Db.SetText("a", "1");
        Db.SetText("b", "2", expiry: Expiry.AtUnixMs(In(5000)));
        Assert.Equal(StorageStatus.Ok, Db.Rename(B("a"), B("b")));
        Assert.Equal("1", Db.GetText("b"));
        Assert.Equal(-1, Db.GetExpireAt(B("b")));
        Assert.Equal(1, Db.Count);
    }

    [Fact]
    public void Rename_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, Db.Rename(B("a"), B("b")));

    [Fact]
    public void Rename_of_a_hash_table_moves_every_field()
    {
        for (var i = 0; i < 200; i++)
        {
            Db.HSetText("h", $"f{i}", $"v{i}");
        }

        Assert.Equal("hashtable", Db.EncodingOf(B("h")));
        Db.Rename(B("h"), B("g"));
        Assert.Equal(200, Db.HGetAllText("g").Count);
        Assert.Equal((StorageStatus.Ok, "v150"), Db.HGetText("g", "f150"));
    }

    [Fact]
    public void Rename_to_itself_keeps_the_key()
    {
        Db.SetText("a", "v");
        Assert.Equal(StorageStatus.Ok, Db.Rename(B("a"), B("a")));
        Assert.Equal("v", Db.GetText("a"));
    }

    [Fact]
    public void Renamenx_does_nothing_when_the_destination_exists()
    {
        Db.SetText("a", "1");
        Db.SetText("b", "2");
        Assert.Equal(StorageStatus.NotApplied, Db.Rename(B("a"), B("b"), onlyIfAbsent: true));
        Assert.Equal("1", Db.GetText("a"));
        Assert.Equal("2", Db.GetText("b"));
        Assert.Equal(StorageStatus.Ok, Db.Rename(B("a"), B("c"), onlyIfAbsent: true));
        Assert.Equal("1", Db.GetText("c"));
    }

    [Fact]
    public void Renamenx_to_itself_is_not_applied_as_in_redis()
    {
        Db.SetText("a", "v");
        Assert.Equal(StorageStatus.NotApplied, Db.Rename(B("a"), B("a"), onlyIfAbsent: true));
        Assert.Equal("v", Db.GetText("a"));
    }

    [Fact]
    public void Copy_duplicates_the_value_and_the_ttl()
    {
        Db.SetText("a", "v", expiry: Expiry.AtUnixMs(In(3000)));
        Assert.Equal(StorageStatus.Ok, Db.Copy(B("a"), Db, B("b"), replace: false));
        Assert.Equal("v", Db.GetText("a"));
        Assert.Equal("v", Db.GetText("b"));
        Assert.Equal(In(3000), Db.GetExpireAt(B("b")));
    }

    [Fact]
    public void Copy_replaces_the_destination_only_with_replace()
    {
        Db.SetText("a", "1");
        Db.SetText("b", "2");
        Assert.Equal(StorageStatus.NotApplied, Db.Copy(B("a"), Db, B("b"), replace: false));
        Assert.Equal("2", Db.GetText("b"));
        Assert.Equal(StorageStatus.Ok, Db.Copy(B("a"), Db, B("b"), replace: true));
        Assert.Equal("1", Db.GetText("b"));
    }

    [Fact]
    public void Copy_to_another_database_leaves_the_source_in_place()
    {
        Db.SetText("a", "v");
        Assert.Equal(StorageStatus.Ok, Db.Copy(B("a"), Keyspace[3], B("a"), replace: false));
        Assert.Equal("v", Keyspace[3].GetText("a"));
        Assert.Equal("v", Db.GetText("a"));
        Assert.Equal(1, Keyspace[3].Count);
    }

    [Fact]
    public void Copy_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, Db.Copy(B("a"), Db, B("b"), replace: true));

    [Fact]
    public void A_copied_hash_table_is_independent_of_its_source()
    {
        for (var i = 0; i < 200; i++)
        {
            Db.HSetText("h", $"f{i}", "v");
        }

        Db.Copy(B("h"), Db, B("g"), replace: false);
        Db.HSetText("h", "f0", "changed");
        Db.HashDelete(B("h"), B("f1"), out _);
        Assert.Equal((StorageStatus.Ok, "v"), Db.HGetText("g", "f0"));
        Assert.Equal((StorageStatus.Ok, "v"), Db.HGetText("g", "f1"));
        Db.Delete(B("h"));
        Assert.Equal(200, Db.HGetAllText("g").Count);
    }

    [Fact]
    public void Randomkey_returns_an_existing_key_or_false_when_empty()
    {
        var sink = default(BytesSink);
        Assert.False(Db.RandomKey(ref sink));
        var keys = Enumerable.Range(0, 50).Select(i => $"k{i}").ToHashSet();
        foreach (var k in keys)
        {
            Db.SetText(k, "v");
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.True(Db.RandomKey(ref sink));
            Assert.Contains(sink.Text!, keys);
        }
    }

    [Fact]
    public void Randomkey_ignores_other_databases()
    {
        Keyspace[1].SetText("other", "v");
        var sink = default(BytesSink);
        Assert.False(Db.RandomKey(ref sink));
    }

    [Fact]
    public void Scan_returns_every_key_once_while_theKeyspace_grows_tenfold()
    {
        const int initial = 1000;
        for (var i = 0; i < initial; i++)
        {
            Db.SetText($"old:{i}", "v");
        }

        var seen = new Dictionary<string, int>();
        var added = 0;
        ulong cursor = 0;
        var calls = 0;
        do
        {
            var page = new PairList();
            cursor = Db.Scan(cursor, default, 10, ValueKind.None, ref page);
            foreach (var key in page.Firsts)
            {
                seen[key] = seen.GetValueOrDefault(key) + 1;
            }

            for (var j = 0; j < 100 && added < 9 * initial; j++)
            {
                Db.SetText($"new:{added++}", "v");
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
            Db.SetText($"user:{i}", "v");
            Db.HSetText($"hash:{i}", "f", "v");
        }

        var users = ScanAll(Db, "user:*", ValueKind.None);
        Assert.Equal(30, users.Count);
        Assert.All(users, k => Assert.StartsWith("user:", k, StringComparison.Ordinal));

        var hashes = ScanAll(Db, "", ValueKind.Hash);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"hash:{i}").Order(), hashes.Order());

        Assert.Empty(ScanAll(Db, "user:*", ValueKind.Hash));
        Assert.Equal(["user:7"], ScanAll(Db, "user:7", ValueKind.String));
    }

    [Fact]
    public void Scan_skips_expired_keys_and_other_databases()
    {
        Db.SetText("live", "v");
        Db.SetText("dying", "v", expiry: Expiry.AtUnixMs(In(10)));
        Keyspace[1].SetText("elsewhere", "v");
        Clock.Advance(11);
        Assert.Equal(["live"], ScanAll(Db, "", ValueKind.None));
    }

    [Fact]
    public void Keys_returns_every_matching_key()
    {
        foreach (var k in new[] { "hello", "hallo", "hxllo", "hllo", "heeeello", "other" })
        {
            Db.SetText(k, "v");
        }

        Assert.Equal(["hallo", "hello", "hxllo"], Db.AllKeys("h?llo").Order());
        Assert.Equal(["hallo", "hello"], Db.AllKeys("h[ae]llo").Order());
        Assert.Equal(["heeeello", "hello", "hllo"], Db.AllKeys("h*llo").Where(k => k != "hallo" && k != "hxllo").Order());
        Assert.Equal(6, Db.AllKeys().Count);
    }

    [Fact]
    public void Touch_reports_whether_the_key_exists()
    {
        Db.SetText("k", "v");
        Assert.True(Db.Touch(B("k")));
        Assert.False(Db.Touch(B("x")));
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
            Db.HSetText("a", $"f{i}", "v");
            Db.HSetText("b", $"g{i}", "w");
        }

        Db.Copy(B("a"), Db, B("b"), replace: true);
        Keyspace.CheckIntegrity();
        var used = Keyspace.UsedMemory;
        for (var round = 0; round < 50; round++)
        {
            Assert.Equal(StorageStatus.Ok, Db.Copy(B("a"), Db, B("b"), replace: true));
            Assert.Equal(StorageStatus.Ok, Db.Rename(B("b"), B("c")));
            Assert.Equal(StorageStatus.Ok, Db.Copy(B("a"), Db, B("b"), replace: true));
            Assert.Equal(StorageStatus.Ok, Db.Rename(B("b"), B("c")));
        }

        Keyspace.CheckIntegrity();
        Assert.True(Keyspace.UsedMemory - used < 64 * 1024, $"{Keyspace.UsedMemory - used} bytes more after 100 replacements");
        Assert.Equal((StorageStatus.Ok, "v"), Db.HGetText("c", "f7"));
        Assert.Equal(StorageStatus.NotFound, Db.HGetText("c", "g7").Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Copy_and_rename_over_an_expired_destination_just_before_the_source_in_its_index_run(bool rename)
    {
        // Finding the destination expires it, and removing its slot shifts the source's slot back by one.
        var (destination, source) = TwoKeysWithTheSameHome();
        Db.SetText(destination, "old", expiry: Expiry.AtUnixMs(In(10)));
        Db.SetText(source, "value");
        Clock.Advance(11);

        var status = rename ? Db.Rename(B(source), B(destination)) : Db.Copy(B(source), Db, B(destination), replace: false);

        Assert.Equal(StorageStatus.Ok, status);
        Assert.Equal("value", Db.GetText(destination));
        Assert.Equal(rename ? null : "value", Db.GetText(source));
    }

    /// <summary>Two keys of one shard whose index home is the same slot of a new (smallest) table.</summary>
    private (string First, string Second) TwoKeysWithTheSameHome()
    {
        var seen = new Dictionary<(ulong Shard, int Home), string>();
        for (var i = 0; ; i++)
        {
            var key = $"k{i}";
            var hash = KeyHash.Of(B(key), 0, Keyspace.HashSeed);
            var place = (hash & Keyspace.ShardMask, KeyIndex.Home(KeyHash.Code(hash), 64));
            if (seen.TryGetValue(place, out var first))
            {
                return (first, key);
            }

            seen[place] = key;
        }
    }
}
