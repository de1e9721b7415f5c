using System.Globalization;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;
using static Hoard.Storage.Tests.Support.SetText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// Random set writes (SADD, SREM, SPOP, SMOVE, the STORE forms) mixed with strings, deletes, renames, copies, expiries
/// and flushes on a primary capturing its stream; a replica applying every record must end with the same keys, types,
/// expiries and set members — sequentially, under eviction, and from several threads at once.
/// </summary>
public class SetReplicaModelTests
{
    public enum Kind { Add, Remove, Pop, Move, Store, SetString, Delete, Rename, Copy, ExpireAt, Flush, Advance }

    public sealed record Op(Kind Kind, int Db, int Key, int Key2, int Number, string[] Members)
    {
        public override string ToString() => $"{Kind}(db{Db} k{Key} k{Key2} n={Number} [{string.Join(",", Members)}])";
    }

    private static readonly Gen<string> GenMember = Gen.Frequency(
        (4, Gen.Int[-30, 30].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Int['a', 'f'].Select(Gen.Int[1, 3], (c, n) => new string((char)c, n))),
        (1, Gen.Int['x', 'z'].Select(Gen.Int[9, 200], (c, n) => new string((char)c, n))));

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (10, Gen.Const(Kind.Add)), (4, Gen.Const(Kind.Remove)), (3, Gen.Const(Kind.Pop)), (3, Gen.Const(Kind.Move)),
        (3, Gen.Const(Kind.Store)), (1, Gen.Const(Kind.SetString)), (1, Gen.Const(Kind.Delete)), (1, Gen.Const(Kind.Rename)),
        (1, Gen.Const(Kind.Copy)), (2, Gen.Const(Kind.ExpireAt)), (1, Gen.Const(Kind.Flush)), (2, Gen.Const(Kind.Advance)));

    private static readonly Gen<Op> GenOp = Gen.Select(GenKind, Gen.Int[0, 1], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[-5, 2000],
            GenMember.Array[1, 8])
        .Select((kind, db, key, key2, number, members) => new Op(kind, db, key, key2, number, members));

    private static StorageOptions Options(int shards, long maxMemory = 0) => new()
    {
        Databases = 2,
        Shards = shards,
        SegmentSize = 1024,
        SetMaxIntsetEntries = 6,
        SetMaxListpackEntries = 5,
        SetMaxListpackValue = 16,
        MaxMemory = maxMemory,
        Policy = maxMemory == 0 ? EvictionPolicy.S3Fifo : EvictionPolicy.AllKeysLru,
    };

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(2, 16 * 1024)] // evicts
    public void A_replica_applying_the_stream_holds_the_primarys_sets(int shards, long maxMemory)
    {
        GenOp.Array[30, 200].Sample(ops =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(Options(shards, maxMemory), clock);
            var stream = new RecordCapture();
            primary.Replication = stream;
            using var replica = new Keyspace(Options(shards: 8), clock);
            var applied = 0;
            for (var step = 0; step < ops.Length; step++)
            {
                Run(ops[step], primary, clock);

                // The replica follows at once, on the same clock: an operation record carries no expiry, so a replica
                // applying it after the key's time ran out would recreate the key without one (see docs/data-types.md).
                foreach (var record in stream.Since(applied))
                {
                    Assert.Equal(StorageStatus.Ok, replica.Apply(record));
                    applied++;
                }
            }

            Assert.Equal(State(primary), State(replica));
            primary.CheckIntegrity();
            replica.CheckIntegrity();
        }, iter: 150, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    [Fact]
    public void A_replica_applying_the_stream_of_concurrent_set_writers_holds_the_primarys_sets()
    {
        // No clock moves here: the records are applied after all threads ran (see the sequential test).
        GenOp.Where(op => op.Kind != Kind.Advance).Array[50, 200].Array[3].Sample(threads =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(Options(shards: 2), clock);
            var stream = new RecordCapture();
            primary.Replication = stream;
            Parallel.ForEach(threads, new ParallelOptions { MaxDegreeOfParallelism = threads.Length }, ops =>
            {
                foreach (var op in ops)
                {
                    Run(op, primary, clock);
                }
            });

            AssertReplicaConverges(primary, stream, clock);
        }, iter: 30);
    }

    private static void AssertReplicaConverges(Keyspace primary, RecordCapture stream, ManualTimeProvider clock)
    {
        using var replica = new Keyspace(Options(shards: 8), clock);
        foreach (var record in stream.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }

        Assert.Equal(State(primary), State(replica));
        primary.CheckIntegrity();
        replica.CheckIntegrity();
    }

    private static SortedDictionary<string, string> State(Keyspace keyspace)
    {
        var state = KeyspaceState.Of(keyspace);
        foreach (var (name, description) in state.ToList())
        {
            var db = keyspace[name[0] - '0'];
            var key = name[2..];
            if (db.TypeOf(B(key)) == ValueKind.Set)
            {
                // Members, not encodings: a whole-value upsert (a STORE form, RENAME, COPY) rebuilds a set in the
                // encoding its contents call for, where the writer's may have stayed larger (encodings never shrink).
                state[name] = description + " " + string.Join(",", db.SMembers(key));
            }
        }

        return state;
    }

    private static void Run(Op op, Keyspace keyspace, ManualTimeProvider clock)
    {
        var db = keyspace[op.Db];
        var key = B($"k{op.Key}");
        var key2 = B($"k{op.Key2}");
        switch (op.Kind)
        {
            case Kind.Add:
                db.SetAdd(key, Elements(op.Members), out _);
                break;
            case Kind.Remove:
                db.SetRemove(key, Elements(op.Members), out _);
                break;
            case Kind.Pop:
                var sink = new PairList();
                db.SetPop(key, Math.Abs(op.Number % 7) + 1, ref sink);
                break;
            case Kind.Move:
                db.SetMove(key, key2, B(op.Members[0]), out _);
                break;
            case Kind.Store:
                db.SetCombineStore((SetAlgebra)(Math.Abs(op.Number) % 3), key2, Elements($"k{op.Key}", $"k{op.Number % 6}"), out _);
                break;
            case Kind.SetString:
                db.SetText($"k{op.Key}", "text");
                break;
            case Kind.Delete:
                db.Delete(key);
                break;
            case Kind.Rename:
                db.Rename(key, key2, onlyIfAbsent: false);
                break;
            case Kind.Copy:
                db.Copy(key, keyspace[1 - op.Db], key2, replace: true);
                break;
            case Kind.ExpireAt:
                db.SetExpireAt(key, clock.NowMs + op.Number, ExpireCondition.Always);
                break;
            case Kind.Flush:
                if (op.Number % 5 == 0)
                {
                    db.Flush();
                }

                break;
            case Kind.Advance:
                clock.Advance(Math.Abs(op.Number));
                break;
        }
    }
}
