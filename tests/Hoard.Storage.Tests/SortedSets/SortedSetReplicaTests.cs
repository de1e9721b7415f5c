using System.Globalization;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.SortedSets;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.SortedSets.SortedSetOps;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.SortedSets;

/// <summary>
/// A primary runs random sorted set commands (ZADD with every condition, ZINCRBY, ZREM, the range removals, pops,
/// store forms, deletes, type changes) with its stream captured; a replica applying every record must end with the
/// same keys, types and members with the same scores, in both encodings.
/// </summary>
public class SortedSetReplicaTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_replica_applying_the_stream_holds_the_same_sorted_sets(int shards)
    {
        long members = 0;
        SortedSetOps.Ops.Array[30, 150].Sample(ops =>
        {
            using var primary = new Keyspace(Options(shards));
            var stream = new RecordCapture();
            primary.Replication = stream;
            foreach (var op in ops)
            {
                Run(op, primary[0]);
            }

            using var replica = new Keyspace(Options(8));
            foreach (var record in stream.All)
            {
                Assert.Equal(StorageStatus.Ok, replica.Apply(record));
            }

            Assert.Equal(State(primary), State(replica));
            primary.CheckIntegrity();
            replica.CheckIntegrity();
            Interlocked.Add(ref members, primary[0].AllKeys().Sum(k => primary[0].SortedSetLength(B(k), out var n) == StorageStatus.Ok ? n : 0));
        }, iter: 100, print: ops => string.Join("\n", ops.Select(o => o.ToString())));

        Assert.True(members > 1000, $"the runs ended with {members} members in all: too few to compare");
    }

    [Fact]
    public void A_snapshot_carries_sorted_sets_of_both_encodings()
    {
        using var primary = new Keyspace(Options(2));
        var db = primary[0];
        for (var k = 0; k < 6; k++)
        {
            var count = k * 100 + 3;
            var members = Enumerable.Range(1, count).Select(Member).ToArray();
            var scores = Enumerable.Range(0, count).Select(i => (double)((i * 7919) % 1000)).ToArray();
            Assert.Equal(StorageStatus.Ok, db.SortedSetAdd(B($"s{k}"), new Members(members), scores, SortedSetAddFlags.None, out var added, out _));
            Assert.Equal(count, added);
        }

        var snapshot = new RecordCapture();
        var walk = primary.StartSnapshot();
        while (!walk.IsComplete)
        {
            walk.Step(2, snapshot);
        }

        using var replica = new Keyspace(Options(4));
        foreach (var record in snapshot.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }

        Assert.Equal(State(primary), State(replica));
        Assert.Equal("listpack", replica[0].EncodingOf(B("s0")));
        Assert.Equal("skiplist", replica[0].EncodingOf(B("s5")));
        replica.CheckIntegrity();
    }

    private static SortedDictionary<string, string> State(Keyspace keyspace)
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var db = keyspace[0];
        foreach (var key in db.AllKeys())
        {
            state[key] = db.TypeOf(B(key)) == ValueKind.SortedSet
                ? string.Join(",", ReadAll(db, key).Select(e => e.Member + "=" + e.Score.ToString("R", CultureInfo.InvariantCulture)))
                : KeyspaceState.Describe(db, key) ?? "missing";
        }

        return state;
    }
}
