using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Lists;

/// <summary>A list with a TTL keeps it on a replica through each kind of list write and RENAME/COPY.</summary>
public class ListReplicationTests
{
    private sealed class Live(Keyspace replica) : Hoard.Storage.Replication.IRecordSink
    {
        public void Write(ReadOnlySpan<byte> record) => Assert.Equal(StorageStatus.Ok, replica.Apply(record));
    }

    [Theory]
    [InlineData("rename")]
    [InlineData("copy")]
    [InlineData("push")]
    [InlineData("move")]
    [InlineData("pop")]
    public void A_list_s_ttl_reaches_the_replica_through_its_writes(string how)
    {
        var clock = new ManualTimeProvider();
        using var primary = new Keyspace(new StorageOptions { Databases = 3, Shards = 2, ListMaxListpackSize = 3 }, clock);
        using var replica = new Keyspace(new StorageOptions { Databases = 3, Shards = 8, ListMaxListpackSize = 3 }, clock);
        primary.Replication = new Live(replica);
        var db = primary[1];
        db.ListPush(B("k"), new ArrayElements([B("a"), B("b"), B("c"), B("d")]), false, false, out _);
        db.SetExpireAt(B("k"), clock.NowMs + 1000, ExpireCondition.Always);
        switch (how)
        {
            case "rename": db.Rename(B("k"), B("k2")); break;
            case "copy": db.Copy(B("k"), primary[2], B("k2"), true); break;
            case "push": db.ListPush(B("k"), new ArrayElements([B("x")]), true, false, out _); break;
            case "move": { var s = new ListObjectModelTests.Collect(); db.ListMove(B("k"), B("k2"), true, true, ref s); break; }
            default: { var s = new D(); db.ListPop(B("k"), true, 2, ref s); break; }
        }

        Assert.Equal(KeyspaceState.Of(primary), KeyspaceState.Of(replica));
    }

    private struct D : ICountedSink
    {
        public readonly void Start(int count) { }
        public readonly void Write(scoped ReadOnlySpan<byte> value) { }
    }
}
