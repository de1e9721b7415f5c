using System.Collections.Concurrent;
using System.Globalization;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Lists;

/// <summary>
/// A primary runs random list commands (every list write, LMOVE across shards and onto itself) mixed with generic key
/// writes (DEL, RENAME, COPY, SET, EXPIRE, FLUSHDB, a moving clock); a replica applying its stream in order must end
/// holding the same keys and lists — sequentially, under eviction, and with concurrent writers.
/// </summary>
/// <remarks>The replica applies
/// each record as it is written, on the primary's clock, as a connected replica does: an operation record carries no
/// TTL, so a replica applying an old push after the clock passed the key's TTL (and its EXPIRE record removed the
/// key) would start a new list.
/// </remarks>
public class ListReplicaModelTests
{
    private const int Keys = 6;

    public enum Kind { PushLeft, PushRight, PopLeft, PopRight, Set, Insert, Remove, Trim, Move, Generic }

    public sealed record Op(Kind Kind, int Db, int Key, int Key2, int A, int B, string Text, RandomWrites.Op Generic)
    {
        public override string ToString() => Kind == Kind.Generic ? (Generic with { Db = Db }).ToString() : $"{Kind}(db{Db} k{Key} k{Key2} {A} {B} '{Text}')";
    }

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (8, Gen.Const(Kind.PushLeft)), (8, Gen.Const(Kind.PushRight)), (4, Gen.Const(Kind.PopLeft)), (4, Gen.Const(Kind.PopRight)),
        (2, Gen.Const(Kind.Set)), (2, Gen.Const(Kind.Insert)), (2, Gen.Const(Kind.Remove)), (1, Gen.Const(Kind.Trim)),
        (4, Gen.Const(Kind.Move)), (3, Gen.Const(Kind.Generic)));

    private static readonly Gen<string> GenText = Gen.Frequency(
        (4, Gen.Int[0, 5].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Int['x', 'z'].Select(Gen.Int[20, 400], (c, n) => new string((char)c, n))));

    private static readonly Gen<RandomWrites.Op> GenGeneric = RandomWrites.Ops(swaps: false)
        .Where(o => o.Kind is RandomWrites.Kind.Delete or RandomWrites.Kind.Rename or RandomWrites.Kind.Copy or RandomWrites.Kind.Set
            or RandomWrites.Kind.ExpireAt or RandomWrites.Kind.Advance or RandomWrites.Kind.Flush or RandomWrites.Kind.Persist
            or RandomWrites.Kind.ActiveExpire)
        .Select(o => o with { Key = o.Key % Keys, Key2 = o.Key2 % Keys });

    private static readonly Gen<Op> GenOp = Gen.Select(GenKind, Gen.Int[0, RandomWrites.Databases - 1], Gen.Int[0, Keys - 1], Gen.Int[0, Keys - 1],
            Gen.Int[-6, 6], Gen.Int[-6, 6], GenText, GenGeneric)
        .Select(t => new Op(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, t.Item8));

    private static void Run(Op op, Keyspace keyspace, ManualTimeProvider clock)
    {
        var db = keyspace[op.Db];
        var key = B($"k{op.Key}");
        var element = B(op.Text);
        var sink = new Discard();
        switch (op.Kind)
        {
            case Kind.PushLeft or Kind.PushRight:
                db.ListPush(key, new ArrayElements([element, B(op.Text + "!"), B("5")]), op.Kind == Kind.PushLeft, onlyIfExists: op.A == 6, out _);
                break;
            case Kind.PopLeft or Kind.PopRight:
                db.ListPop(key, op.Kind == Kind.PopLeft, Math.Abs(op.A) + 1, ref sink);
                break;
            case Kind.Set:
                db.ListSet(key, op.A, element);
                break;
            case Kind.Insert:
                db.ListInsert(key, op.A >= 0, B((Math.Abs(op.B) % 6).ToString(CultureInfo.InvariantCulture)), element, out _);
                break;
            case Kind.Remove:
                db.ListRemove(key, op.A / 2, element, out _);
                break;
            case Kind.Trim:
                db.ListTrim(key, op.A, op.B);
                break;
            case Kind.Move:
                db.ListMove(key, B($"k{op.Key2}"), op.A >= 0, op.B >= 0, ref sink);
                break;
            default:
                RandomWrites.Run(op.Generic with { Db = op.Db }, keyspace, clock);
                break;
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(2, 16 * 1024)] // evicts
    public void A_replica_applying_the_stream_holds_the_primary_s_lists(int shards, long maxMemory)
    {
        long lists = 0;
        GenOp.Array[50, 300].Sample(ops =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(Options(shards, maxMemory), clock);
            using var replica = new Keyspace(Options(shards: 8), clock);
            var stream = new LiveReplica(replica);
            primary.Replication = stream;
            foreach (var op in ops)
            {
                Run(op, primary, clock);
            }

            AssertReplicaConverges(primary, replica, stream);
            Interlocked.Add(ref lists, KeyspaceState.Of(primary).Values.Count(v => v.StartsWith("list", StringComparison.Ordinal)));
        }, iter: 150, print: ops => string.Join("\n", ops.Select(o => o.ToString())));

        Assert.True(lists > 150, $"the runs ended with {lists} lists in all: too few to compare");
    }

    [Fact]
    public void A_replica_applying_the_stream_of_concurrent_list_writers_holds_the_primary_s_lists()
    {
        GenOp.Array[100, 300].Array[3].Sample(threads =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(Options(shards: 2), clock);
            using var replica = new Keyspace(Options(shards: 8), clock);
            var stream = new LiveReplica(replica);
            primary.Replication = stream;
            using var start = new Barrier(threads.Length);
            var failures = new ConcurrentQueue<Exception>();
            var workers = threads.Select(ops => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    foreach (var op in ops)
                    {
                        Run(op, primary, clock);
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.Empty(failures);
            AssertReplicaConverges(primary, replica, stream);
        }, iter: 40);
    }

    private static StorageOptions Options(int shards, long maxMemory = 0)
    {
        var options = RandomWrites.Options(shards, maxMemory);
        options.ListMaxListpackSize = 3; // chunks of 3 elements: lists change encoding and split often
        return options;
    }

    private static void AssertReplicaConverges(Keyspace primary, Keyspace replica, LiveReplica stream)
    {
        Assert.Empty(stream.Failures);

        var expected = KeyspaceState.Of(primary);
        var actual = KeyspaceState.Of(replica);
        var differences = expected.Keys.Union(actual.Keys)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => $"{k}: primary {expected.GetValueOrDefault(k)} / replica {actual.GetValueOrDefault(k)}").ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        primary.CheckIntegrity();
        replica.CheckIntegrity();
    }

    /// <summary>Applies each record to the replica as the primary writes it (records of several shards one at a time).</summary>
    private sealed class LiveReplica(Keyspace replica) : Hoard.Storage.Replication.IRecordSink
    {
        private readonly Lock _gate = new();

        public ConcurrentQueue<string> Failures { get; } = new();

        public void Write(ReadOnlySpan<byte> record)
        {
            lock (_gate)
            {
                var status = replica.Apply(record);
                if (status != StorageStatus.Ok)
                {
                    Failures.Enqueue(status.ToString());
                }
            }
        }
    }

    private struct Discard : ICountedSink
    {
        public readonly void Start(int count)
        {
        }

        public readonly void Write(scoped ReadOnlySpan<byte> value)
        {
        }
    }
}
