using System.Text;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>Every write makes one record, and that record states what the key now holds.</summary>
public sealed class RecordEmissionTests : KeyspaceFixture
{
    private readonly RecordCapture _stream = new();

    public RecordEmissionTests()
        : base(new StorageOptions { Databases = 3, Shards = 2, SegmentSize = 1024, HashMaxListpackEntries = 3, HashMaxListpackValue = 16 })
    {
        Keyspace.Replication = _stream;
    }

    private const string Long = "a value longer than sixteen bytes";

    /// <summary>(name, setup, write): after the setup, the write makes exactly one upsert record of key "k" in database 0.</summary>
    public static TheoryData<string, Action<Database, long>, Action<Database, long>> Writes => new()
    {
        { "SET new", (_, _) => { }, (db, now) => db.SetText("k", "v") },
        { "SET in place", (db, now) => db.SetText("k", "aaa"), (db, now) => db.SetText("k", "bbb") },
        { "SET in place, new TTL", (db, now) => db.SetText("k", "aaa", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.SetText("k", "bbb", expiry: Expiry.AtUnixMs(now + 20)) },
        { "SET drops the TTL", (db, now) => db.SetText("k", "aaa", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.SetText("k", "bbb") },
        { "SET KEEPTTL", (db, now) => db.SetText("k", "aaa", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.SetText("k", "longer", expiry: Expiry.KeepTtl) },
        { "SET over a hash", (db, now) => db.HSetText("k", "f", "v"), (db, now) => db.SetText("k", "v") },
        { "SET over a table hash", (db, now) => db.HSetText("k", "f", Long), (db, now) => db.SetText("k", "v") },
        { "SET GET", (db, now) => db.SetText("k", "old"), (db, now) => { var old = default(BytesSink); db.Set(B("k"), B("new!"), SetCondition.Always, default, true, ref old, out _); } },
        { "SET XX", (db, now) => db.SetText("k", "old"), (db, now) => db.SetText("k", "new!", SetCondition.IfExists) },
        { "INCR new", (_, _) => { }, (db, now) => db.Increment(B("k"), 1, out _) },
        { "INCR in place", (db, now) => db.Increment(B("k"), 1, out _), (db, now) => db.Increment(B("k"), 41, out _) },
        { "INCR of a text number", (db, now) => db.SetText("k", "10", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.Increment(B("k"), -20, out _) },
        { "INCRBYFLOAT", (db, now) => db.Increment(B("k"), 1, out _), (db, now) => db.IncrementFloat(B("k"), 0.5, out _) },
        { "APPEND new", (_, _) => { }, (db, now) => db.Append(B("k"), B("abc"), out _) },
        { "APPEND", (db, now) => db.SetText("k", "abc", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.Append(B("k"), B("def"), out _) },
        { "APPEND to an integer", (db, now) => db.Increment(B("k"), 12, out _), (db, now) => db.Append(B("k"), B("3"), out _) },
        { "SETRANGE new", (_, _) => { }, (db, now) => db.SetRange(B("k"), 3, B("x"), out _) },
        { "SETRANGE", (db, now) => db.SetText("k", "abcdef"), (db, now) => db.SetRange(B("k"), 2, B("XY"), out _) },
        { "SETRANGE past the end", (db, now) => db.SetText("k", "ab"), (db, now) => db.SetRange(B("k"), 4, B("XY"), out _) },
        { "GETEX new TTL in place", (db, now) => db.SetText("k", "v", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => { var s = default(BytesSink); db.GetAndExpire(B("k"), Expiry.AtUnixMs(now + 50), ref s); } },
        { "GETEX adds a TTL", (db, now) => db.SetText("k", "v"), (db, now) => { var s = default(BytesSink); db.GetAndExpire(B("k"), Expiry.AtUnixMs(now + 50), ref s); } },
        { "GETEX PERSIST", (db, now) => db.SetText("k", "v", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => { var s = default(BytesSink); db.GetAndExpire(B("k"), Expiry.None, ref s); } },
        { "EXPIRE in place", (db, now) => db.SetText("k", "v", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.SetExpireAt(B("k"), now + 99) },
        { "EXPIRE adds a TTL", (db, now) => db.SetText("k", "v"), (db, now) => db.SetExpireAt(B("k"), now + 99) },
        { "EXPIRE of an integer", (db, now) => db.Increment(B("k"), 7, out _), (db, now) => db.SetExpireAt(B("k"), now + 99) },
        { "EXPIRE of a table hash", (db, now) => db.HSetText("k", "f", Long), (db, now) => db.SetExpireAt(B("k"), now + 99) },
        { "PERSIST", (db, now) => db.SetText("k", "v", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.Persist(B("k")) },
        { "PERSIST of a table hash", (db, now) => { db.HSetText("k", "f", Long); db.SetExpireAt(B("k"), now + 10); }, (db, now) => db.Persist(B("k")) },
        { "COPY", (db, now) => db.SetText("src", "v", expiry: Expiry.AtUnixMs(now + 10)), (db, now) => db.Copy(B("src"), db, B("k"), replace: false) },
        { "COPY over a table hash", (db, now) => { db.HSetText("src", "a", Long); db.HSetText("k", "b", Long); }, (db, now) => db.Copy(B("src"), db, B("k"), replace: true) },
    };

    /// <summary>(name, setup, write, field): after the setup, the write changes exactly that field of hash "k" in database 0.</summary>
    public static TheoryData<string, Action<Database, long>, Action<Database, long>, string> FieldWrites => new()
    {
        { "HSET new key", (_, _) => { }, (db, now) => db.HSetText("k", "f", "v"), "f" },
        { "HSET new key, long value", (_, _) => { }, (db, now) => db.HSetText("k", "f", Long), "f" },
        { "HSET in place", (db, now) => { db.HSetText("k", "f", "v1"); db.HSetText("k", "g", "w"); }, (db, now) => db.HSetText("k", "f", "v2"), "f" },
        { "HSET new field", (db, now) => { db.HSetText("k", "f", "v"); db.SetExpireAt(B("k"), now + 10); }, (db, now) => db.HSetText("k", "g", "longer"), "g" },
        { "HSET past the entry limit", (db, now) => { db.HSetText("k", "a", "1"); db.HSetText("k", "b", "2"); db.HSetText("k", "c", "3"); }, (db, now) => db.HSetText("k", "d", "4"), "d" },
        { "HSET past the value limit", (db, now) => db.HSetText("k", "a", "1"), (db, now) => db.HSetText("k", "b", Long), "b" },
        { "HSET in a table", (db, now) => db.HSetText("k", "a", Long), (db, now) => db.HSetText("k", "a", "short"), "a" },
        { "HSET new field in a table", (db, now) => db.HSetText("k", "a", Long), (db, now) => db.HSetText("k", "b", "2"), "b" },
        { "HSETNX", (db, now) => db.HSetText("k", "a", "1"), (db, now) => db.HSetText("k", "b", "2", onlyIfNew: true), "b" },
        { "HDEL", (db, now) => { db.HSetText("k", "a", "1"); db.HSetText("k", "b", "2"); }, (db, now) => db.HashDelete(B("k"), B("a"), out _), "a" },
        { "HDEL in a table", (db, now) => { db.HSetText("k", "a", Long); db.HSetText("k", "b", "2"); }, (db, now) => db.HashDelete(B("k"), B("a"), out _), "a" },
        { "HINCRBY", (db, now) => db.HSetText("k", "a", "1"), (db, now) => db.HashIncrement(B("k"), B("a"), 5, out _), "a" },
        { "HINCRBY new field", (db, now) => db.HSetText("k", "a", "1"), (db, now) => db.HashIncrement(B("k"), B("n"), 5, out _), "n" },
        { "HINCRBYFLOAT", (db, now) => db.HSetText("k", "a", "1"), (db, now) => db.HashIncrementFloat(B("k"), B("a"), 0.25, out _), "a" },
    };

    [Theory]
    [MemberData(nameof(FieldWrites))]
    public void A_hash_field_write_makes_one_record_of_that_field_alone(string name, Action<Database, long> setup, Action<Database, long> write, string field)
    {
        setup(Db, Clock.NowMs);
        var before = _stream.Count;
        write(Db, Clock.NowMs);

        var records = _stream.Since(before);
        Assert.True(records.Count == 1, $"{name}: {records.Count} records");
        var record = new RecordReader(records[0]);
        Assert.Equal((0, "k"), (record.Database, Encoding.UTF8.GetString(record.Key)));
        var fields = Db.HGetAllText("k").ToDictionary(f => f.Field, f => f.Value);
        if (fields.TryGetValue(field, out var value))
        {
            Assert.Equal(RecordKind.HashFieldsSet, record.Kind);
            Assert.Equal(Math.Max(0, Db.GetExpireAt(B("k"))), record.ExpireAt);
            var sent = new List<(string, string)>();
            foreach (var (f, v) in PackedHash.Enumerate(record.Value))
            {
                sent.Add((Encoding.UTF8.GetString(f), Encoding.UTF8.GetString(v)));
            }

            Assert.Equal((field, value), Assert.Single(sent));
        }
        else
        {
            Assert.Equal((RecordKind.HashFieldDelete, field), (record.Kind, Encoding.UTF8.GetString(record.Field)));
        }

        using var replica = new Keyspace(Keyspace.Options, Clock); // the same encodings, so the same field order
        foreach (var r in _stream.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(r));
        }

        Assert.Equal(KeyspaceState.Of(Keyspace), KeyspaceState.Of(replica));
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_write_makes_one_upsert_of_the_state_it_left(string name, Action<Database, long> setup, Action<Database, long> write)
    {
        setup(Db, Clock.NowMs);
        var before = _stream.Count;
        write(Db, Clock.NowMs);

        var records = _stream.Since(before);
        Assert.True(records.Count == 1, $"{name}: {records.Count} records");
        AssertUpsertOfState(records[0], 0, "k");
    }

    [Fact]
    public void A_refused_or_failed_write_makes_no_record()
    {
        Db.SetText("k", "v");
        Db.HSetText("h", "f", "v");
        var before = _stream.Count;
        Db.SetText("k", "w", SetCondition.IfAbsent);
        Db.HSetText("k", "f", "v");
        Db.Increment(B("h"), 1, out _);
        Db.HSetText("h", "f", "w", onlyIfNew: true);
        Db.SetExpireAt(B("k"), Clock.NowMs + 10, ExpireCondition.IfHasTtl);
        Db.Persist(B("k"));
        Db.Delete(B("missing"));
        Db.Rename(B("missing"), B("x"));
        Assert.Equal(before, _stream.Count);
    }

    [Fact]
    public void Rename_makes_an_upsert_of_the_target_then_a_delete_of_the_source()
    {
        Db.SetText("src", "v", expiry: Expiry.AtUnixMs(In(100)));
        Db.HSetText("k", "f", Long);
        var before = _stream.Count;
        Db.Rename(B("src"), B("k"));

        var records = _stream.Since(before);
        Assert.Equal(2, records.Count);
        AssertUpsertOfState(records[0], 0, "k");
        AssertDelete(records[1], 0, "src");
    }

    [Fact]
    public void Copy_to_another_database_names_that_database()
    {
        Db.HSetText("src", "f", Long);
        Db.Copy(B("src"), Keyspace[2], B("k"), replace: false);
        AssertUpsertOfState(_stream.Last, 2, "k");
    }

    public static TheoryData<string, Action<Database, long>> Deletes => new()
    {
        { "DEL", (db, now) => db.Delete(B("k")) },
        { "GETDEL", (db, now) => { var s = default(BytesSink); db.GetDelete(B("k"), ref s); } },
        { "EXPIRE in the past", (db, now) => db.SetExpireAt(B("k"), now - 1) },
        { "GETEX in the past", (db, now) => { var s = default(BytesSink); db.GetAndExpire(B("k"), Expiry.AtUnixMs(now - 1), ref s); } },
    };

    [Theory]
    [MemberData(nameof(Deletes))]
    public void A_delete_makes_one_delete_record(string name, Action<Database, long> delete)
    {
        Db.SetText("k", "v");
        var before = _stream.Count;
        delete(Db, Clock.NowMs);

        var records = _stream.Since(before);
        Assert.True(records.Count == 1, $"{name}: {records.Count} records");
        AssertDelete(records[0], 0, "k");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Removing_the_last_field_of_a_hash_deletes_it(bool table)
    {
        Db.HSetText("k", "f", table ? Long : "v");
        var before = _stream.Count;
        Db.HashDelete(B("k"), B("f"), out _);

        AssertDelete(Assert.Single(_stream.Since(before)), 0, "k");
    }

    [Fact]
    public void Lazy_and_active_expiry_make_delete_records()
    {
        Keyspace[1].SetText("lazy", "v", expiry: Expiry.AtUnixMs(In(10)));
        Keyspace[1].SetText("active", "v", expiry: Expiry.AtUnixMs(In(10)));
        Clock.Advance(10);
        var before = _stream.Count;

        Assert.Null(Keyspace[1].GetText("lazy"));
        AssertDelete(Assert.Single(_stream.Since(before)), 1, "lazy");
        Assert.Equal(1, Keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1)));
        AssertDelete(_stream.Last, 1, "active");
        Assert.Equal(before + 2, _stream.Count);
    }

    [Fact]
    public void Flushes_and_swaps_make_their_records_with_logical_database_numbers()
    {
        Keyspace.SwapDatabases(0, 2);
        Assert.Equal(new byte[] { 5, 0, 2 }, _stream.Last);

        Keyspace[2].SetText("k", "v"); // physically in database 0 now
        AssertUpsertOfState(_stream.Last, 2, "k");
        Keyspace[2].Delete(B("k"));
        AssertDelete(_stream.Last, 2, "k");

        Keyspace[2].Flush();
        Assert.Equal(new byte[] { 3, 2 }, _stream.Last);
        Keyspace.FlushAll();
        Assert.Equal(new byte[] { 4 }, _stream.Last);
    }

    [Fact]
    public void Every_key_event_has_its_record()
    {
        var observer = new CountingObserver();
        Keyspace.Observer = observer;
        Db.SetText("a", "1");
        Db.SetText("a", "2");
        Db.Increment(B("n"), 1, out _);
        Db.Increment(B("n"), 1, out _);
        Db.HSetText("h", "f", Long);
        Db.HSetText("h", "g", "v");
        Db.SetExpireAt(B("a"), In(5));
        Db.Rename(B("a"), B("b"));
        Db.Delete(B("n"));
        Clock.Advance(5);
        Db.GetText("b");

        var kinds = _stream.All.Select(r => new RecordReader(r).Kind).ToList();
        Assert.Equal(observer.Modified, kinds.Count(k => k is RecordKind.Upsert or RecordKind.HashFieldsSet));
        Assert.Equal(observer.Deleted + observer.Expired, kinds.Count(k => k == RecordKind.Delete));
        Assert.Equal(8, observer.Modified);
        Assert.Equal(3, observer.Deleted + observer.Expired);
    }

    [Fact]
    public void Without_a_sink_nothing_is_recorded_and_the_observer_still_hears()
    {
        Keyspace.Replication = null;
        var observer = new CountingObserver();
        Keyspace.Observer = observer;
        Db.SetText("a", "1");
        Db.HSetText("h", "f", Long);
        Db.Delete(B("a"));
        Assert.Equal(0, _stream.Count);
        Assert.Equal((2, 1), (observer.Modified, observer.Deleted));
    }

    [Fact]
    public void Evictions_make_delete_records()
    {
        using var keyspace = new Keyspace(new StorageOptions { Shards = 2, SegmentSize = 1024, MaxMemory = 16 * 1024, Policy = EvictionPolicy.AllKeysRandom });
        var stream = new RecordCapture();
        keyspace.Replication = stream;
        for (var i = 0; i < 400; i++)
        {
            Assert.Equal(StorageStatus.Ok, keyspace[0].SetText($"key:{i}", new string('x', 100)));
        }

        var evicted = keyspace.Stats.EvictedKeys;
        Assert.True(evicted > 0);
        Assert.Equal(evicted, stream.All.Count(r => new RecordReader(r).Kind == RecordKind.Delete));
        keyspace.CheckIntegrity();
    }

    [Fact]
    public void Applied_records_reach_the_observer_but_not_the_stream()
    {
        using var replica = new Keyspace(new StorageOptions { Databases = 3, Shards = 2 }, Clock);
        var forwarded = new RecordCapture();
        var observer = new CountingObserver();
        replica.Replication = forwarded;
        replica.Observer = observer;

        Db.SetText("a", "1");
        Db.HSetText("h", "f", Long);
        Db.Delete(B("a"));
        Keyspace[1].Flush();
        Keyspace.SwapDatabases(0, 1);
        foreach (var record in _stream.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }

        Assert.Equal(0, forwarded.Count);
        Assert.Equal((2, 1), (observer.Modified, observer.Deleted));
        Assert.Equal(KeyspaceState.Of(Keyspace), KeyspaceState.Of(replica));
        replica.CheckIntegrity();
    }

    private void AssertUpsertOfState(byte[] bytes, int db, string key)
    {
        var record = new RecordReader(bytes);
        Assert.Equal(RecordKind.Upsert, record.Kind);
        Assert.Equal(bytes.Length, record.Length);
        Assert.Equal(db, record.Database);
        Assert.Equal(key, Encoding.UTF8.GetString(record.Key));
        Assert.Equal(KeyspaceState.Describe(Keyspace[db], key), KeyspaceState.Describe(record));
    }

    private void AssertDelete(byte[] bytes, int db, string key)
    {
        var record = new RecordReader(bytes);
        Assert.Equal((RecordKind.Delete, db, key), (record.Kind, record.Database, Encoding.UTF8.GetString(record.Key)));
        Assert.Null(KeyspaceState.Describe(Keyspace[db], key));
    }
}
