using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>Applying records on a replica: exact states whatever the key held, encodings, expiry and the memory limit.</summary>
public sealed class ApplyTests() : KeyspaceFixture(new StorageOptions { Databases = 2, Shards = 2, SegmentSize = 1024, HashMaxListpackEntries = 2 })
{
    private const string Long = "a value longer than sixty-four bytes, which is the default packed limit for one";

    public static TheoryData<string> Previous => new() { "none", "string", "int", "packed", "table" };

    [Theory]
    [MemberData(nameof(Previous))]
    public void An_upsert_replaces_whatever_the_key_held(string previous)
    {
        foreach (var (type, value, expected) in new (RecordValueType, byte[], string)[]
        {
            (RecordValueType.String, B("text"), "string expireAt=0 text"),
            (RecordValueType.Integer, BitConverter.GetBytes(77L), "int expireAt=0 77"),
            (RecordValueType.Hash, Packed(("a", "1")), "hash expireAt=0 a=1"),
            (RecordValueType.Hash, Packed(("a", "1"), ("b", "2"), ("c", "3")), "hash expireAt=0 a=1,b=2,c=3"),
        })
        {
            Hold(previous);
            Assert.Equal(StorageStatus.Ok, Keyspace.Apply(Upsert("k", type, 0, value)));
            Assert.Equal(expected, KeyspaceState.Describe(Db, "k"));
        }
    }

    [Fact]
    public void A_hash_takes_the_encoding_the_replica_chooses()
    {
        Keyspace.Apply(Upsert("small", RecordValueType.Hash, 0, Packed(("a", "1"), ("b", "2"))));
        Keyspace.Apply(Upsert("many", RecordValueType.Hash, 0, Packed(("a", "1"), ("b", "2"), ("c", "3"))));
        Keyspace.Apply(Upsert("long", RecordValueType.Hash, 0, Packed(("a", Long))));
        Assert.Equal("listpack", Db.EncodingOf(B("small")));
        Assert.Equal("hashtable", Db.EncodingOf(B("many")));
        Assert.Equal("hashtable", Db.EncodingOf(B("long")));
        Assert.Equal("hash expireAt=0 a=1,b=2,c=3", KeyspaceState.Describe(Db, "many"));
    }

    [Fact]
    public void An_upsert_carries_the_expiry_and_one_already_past_deletes_the_key()
    {
        Keyspace.Apply(Upsert("k", RecordValueType.String, In(100), B("v")));
        Assert.Equal(In(100), Db.GetExpireAt(B("k")));
        Keyspace.Apply(Upsert("k", RecordValueType.String, 0, B("v")));
        Assert.Equal(-1, Db.GetExpireAt(B("k")));

        Keyspace.Apply(Upsert("k", RecordValueType.String, Clock.NowMs, B("v")));
        Assert.False(Db.Exists(B("k")));
        Keyspace.Apply(Upsert("k", RecordValueType.Hash, Clock.NowMs - 1, Packed(("a", "1"))));
        Assert.False(Db.Exists(B("k")));
    }

    [Fact]
    public void A_delete_of_a_missing_key_changes_nothing()
    {
        Db.SetText("other", "v");
        Assert.Equal(StorageStatus.Ok, Keyspace.Apply([2, 0, 1, (byte)'k']));
        Assert.Equal(["other"], Db.AllKeys());
    }

    [Fact]
    public void Flushes_and_swaps_apply_to_logical_databases()
    {
        Keyspace[0].SetText("a", "0");
        Keyspace[1].SetText("b", "1");
        Keyspace.Apply([5, 0, 1]);
        Assert.Equal(["b"], Keyspace[0].AllKeys());
        Keyspace.Apply([3, 1]);
        Assert.Empty(Keyspace[1].AllKeys());
        Assert.Equal(["b"], Keyspace[0].AllKeys());
        Keyspace.Apply([4]);
        Assert.Empty(Keyspace[0].AllKeys());
    }

    [Fact]
    public void An_upsert_that_does_not_fit_under_noeviction_is_refused_and_changes_nothing()
    {
        using var replica = new Keyspace(new StorageOptions { Shards = 1, SegmentSize = 1024, MaxMemory = 8 * 1024, Policy = EvictionPolicy.NoEviction }, Clock);
        replica[0].SetText("k", "old");
        var big = new byte[600];
        var statuses = Enumerable.Range(0, 40).Select(i => replica.Apply(Upsert($"key:{i}", RecordValueType.String, 0, big))).ToList();
        Assert.Contains(StorageStatus.OutOfMemory, statuses);
        Assert.Equal(StorageStatus.OutOfMemory, replica.Apply(Upsert("k", RecordValueType.String, 0, big)));
        Assert.Equal(StorageStatus.OutOfMemory, replica.Apply(Upsert("k", RecordValueType.Hash, 0, Packed(("a", Long), ("b", Long), ("c", new string('x', 3000))))));
        Assert.Equal("old", replica[0].GetText("k"));
        Assert.True(replica.UsedMemory <= 8 * 1024);
        replica.CheckIntegrity();
    }

    [Fact]
    public void A_record_with_bytes_after_it_an_incomplete_one_or_one_for_a_missing_database_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => Keyspace.Apply([4, 4]));
        Assert.Throws<InvalidDataException>(() => Keyspace.Apply([2, 0, 1]));
        Assert.Throws<InvalidDataException>(() => Keyspace.Apply([3, 2]));
        Assert.Throws<InvalidDataException>(() => Keyspace.Apply([5, 0, 2]));
    }

    [Theory]
    [InlineData(RecordValueType.Integer, new byte[] { 1, 2, 3 })] // not 8 bytes
    [InlineData(RecordValueType.Hash, new byte[] { 0 })] // a hash without fields
    [InlineData(RecordValueType.Hash, new byte[] { 2, 1, (byte)'a', 0 })] // says 2 fields, holds 1
    [InlineData(RecordValueType.Hash, new byte[] { 2, 1, (byte)'a', 0, 1, (byte)'a', 0 })] // a field twice, past the packed limits
    public void A_malformed_value_is_refused(RecordValueType type, byte[] value)
    {
        using var keyspace = new Keyspace(new StorageOptions { Databases = 1, Shards = 1, HashMaxListpackEntries = 1 });
        var record = new byte[ReplicationRecord.UpsertLength(0, 1, value.Length)];
        value.CopyTo(ReplicationRecord.WriteUpsert(record, 0, "k"u8, type, 0, value.Length));
        Assert.Throws<InvalidDataException>(() => keyspace.Apply(record));
        Assert.False(keyspace[0].Exists("k"u8));
    }

    private void Hold(string previous)
    {
        Db.Delete(B("k"));
        switch (previous)
        {
            case "string":
                Db.SetText("k", "old", expiry: Expiry.AtUnixMs(In(1000)));
                break;
            case "int":
                Db.Increment(B("k"), 5, out _);
                break;
            case "packed":
                Db.HSetText("k", "old", "v");
                break;
            case "table":
                Db.HSetText("k", "old", Long);
                Db.HSetText("k", "x", "1");
                Db.HSetText("k", "y", "2");
                break;
        }
    }

    private static byte[] Upsert(string key, RecordValueType type, long expireAt, byte[] value)
    {
        var record = new byte[ReplicationRecord.UpsertLength(0, key.Length, value.Length)];
        value.CopyTo(ReplicationRecord.WriteUpsert(record, 0, B(key), type, expireAt, value.Length));
        return record;
    }

    private static byte[] Packed(params (string Field, string Value)[] fields)
    {
        var size = PackedHash.HeaderSize(fields.Length) + fields.Sum(f => PackedHash.EntrySize(f.Field.Length, f.Value.Length));
        var blob = new byte[size];
        var builder = new PackedHash.Builder(blob, fields.Length);
        foreach (var (field, value) in fields)
        {
            builder.Add(B(field), B(value));
        }

        builder.Finish();
        return blob;
    }
}
