using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>DUMP / RESTORE / MIGRATE's storage side: a key's record, a replicated restore, a delete only if unchanged.</summary>
public sealed class DumpRestoreTests : KeyspaceFixture
{
    private readonly RecordCapture _stream = new();

    public DumpRestoreTests()
        : base(new StorageOptions { Databases = 1, Shards = 2, SegmentSize = 1024 })
    {
        Keyspace.Replication = _stream;
    }

    [Fact]
    public void A_restored_key_is_a_write_the_stream_carries_and_replace_decides_over_an_existing_key()
    {
        Db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(5000)));
        var record = new RecordCapture();
        Assert.True(Db.WriteRecord(B("k"), record));
        Assert.False(Db.WriteRecord(B("missing"), record));
        var dumped = new RecordReader(record.Last);
        Assert.Equal(In(5000), dumped.ExpireAt);

        var before = _stream.Count;
        Assert.Equal(StorageStatus.Ok, Db.Restore(B("copy"), dumped.Type, 0, dumped.Value, replace: false));
        Assert.Equal("string expireAt=0 v", KeyspaceState.Describe(Db, "copy"));
        Assert.Equal(before + 1, _stream.Count);
        Assert.Equal(B("copy"), new RecordReader(_stream.Last).Key.ToArray());

        Assert.Equal(StorageStatus.NotApplied, Db.Restore(B("copy"), RecordValueType.String, 0, B("other"), replace: false));
        Assert.Equal(StorageStatus.Ok, Db.Restore(B("copy"), RecordValueType.String, 0, B("other"), replace: true));
        Assert.Equal("string expireAt=0 other", KeyspaceState.Describe(Db, "copy"));
        Assert.Throws<InvalidDataException>(() => Db.Restore(B("bad"), RecordValueType.Integer, 0, B("three"), replace: true));
    }

    [Fact]
    public void A_key_is_deleted_only_while_it_holds_what_its_record_says()
    {
        Db.SetText("k", "v");
        var record = new RecordCapture();
        Db.WriteRecord(B("k"), record);

        Db.SetText("k", "written meanwhile");
        Assert.False(Db.DeleteIfUnchanged(B("k"), record.Last));
        Assert.Equal("string expireAt=0 written meanwhile", KeyspaceState.Describe(Db, "k"));

        Db.SetText("k", "v");
        Assert.True(Db.DeleteIfUnchanged(B("k"), record.Last));
        Assert.False(Db.Exists(B("k")));
        Assert.False(Db.DeleteIfUnchanged(B("k"), record.Last));
    }
}
