using System.Globalization;
using System.Text;
using CsCheck;
using Hoard.Storage.SortedSets;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.SortedSets;

/// <summary>Random sorted set commands against the storage API, with the helpers the model and replica tests share.</summary>
public static class SortedSetOps
{
    public const int KeyCount = 4;

    public enum Kind
    {
        Add, Remove, Increment, RemoveByRank, RemoveByScore, RemoveByLex, Pop, Store, Delete, SetString,
        RangeByRank, RangeByScore, Rank, Count, Score,
    }

    public sealed record Op(Kind Kind, int Key, int Key2, int[] Members, int[] Scores, int A, int B, int Option)
    {
        public override string ToString() =>
            $"{Kind}(k{Key} k{Key2} members=[{string.Join(",", Members)}] scores=[{string.Join(",", Scores)}] a={A} b={B} o={Option})";
    }

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (12, Gen.Const(Kind.Add)), (4, Gen.Const(Kind.Remove)), (3, Gen.Const(Kind.Increment)), (2, Gen.Const(Kind.RemoveByRank)),
        (2, Gen.Const(Kind.RemoveByScore)), (1, Gen.Const(Kind.RemoveByLex)), (3, Gen.Const(Kind.Pop)), (1, Gen.Const(Kind.Store)),
        (1, Gen.Const(Kind.Delete)), (1, Gen.Const(Kind.SetString)), (3, Gen.Const(Kind.RangeByRank)), (3, Gen.Const(Kind.RangeByScore)),
        (2, Gen.Const(Kind.Rank)), (2, Gen.Const(Kind.Count)), (2, Gen.Const(Kind.Score)));

    public static readonly Gen<Op> Ops = Gen.Select(GenKind, Gen.Int[0, KeyCount - 1], Gen.Int[0, KeyCount - 1],
            Gen.Int[0, 399].Array[1, 80], Gen.Int[-20, 20].Array[80], Gen.Int[-120, 120], Gen.Int[-120, 120], Gen.Int[0, 31])
        .Select((kind, key, key2, members, scores, a, b, option) => new Op(kind, key, key2, members, scores, a, b, option));

    public static StorageOptions Options(int shards) => new()
    {
        Databases = 1,
        Shards = shards,
        SegmentSize = 1024,
        ZSetMaxListpackEntries = 8,
        ZSetMaxListpackValue = 12,
    };

    /// <summary>Member i: mostly short, every 37th longer than the listpack value limit.</summary>
    public static string Member(int i) => i % 37 == 0 ? "long-member-" + i.ToString("D6", CultureInfo.InvariantCulture) : "m" + i.ToString("D3", CultureInfo.InvariantCulture);

    public static double Score(int s) => s switch
    {
        20 => double.PositiveInfinity,
        -20 => double.NegativeInfinity,
        _ => s / 2.0,
    };

    public readonly struct Members(string[] items) : IElements
    {
        public int Count => items.Length;

        public ReadOnlySpan<byte> this[int index] => Encoding.ASCII.GetBytes(items[index]);
    }

    public sealed class Entries : List<(string Member, double Score)>;

    public struct Collector(Entries into) : IScoredVisitor
    {
        public readonly bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            into.Add((Encoding.ASCII.GetString(member), score));
            return true;
        }
    }

    public static string[] MembersOf(Op op) => [.. op.Members.Select(Member)];

    public static SortedSetAddFlags FlagsOf(Op op) => (op.Option % 6) switch
    {
        0 or 1 => SortedSetAddFlags.None,
        2 => SortedSetAddFlags.OnlyNew,
        3 => SortedSetAddFlags.OnlyExisting,
        4 => SortedSetAddFlags.GreaterThan,
        _ => SortedSetAddFlags.LessThan | (op.Option > 16 ? SortedSetAddFlags.OnlyExisting : 0),
    };

    public static Entries ReadAll(Database db, string key)
    {
        var entries = new Entries();
        var collector = new Collector(entries);
        db.SortedSetRangeByRank(B(key), 0, -1, reverse: false, ref collector);
        return entries;
    }

    /// <summary>Runs one op (writes only matter to the replica test; reads are compared by the model test).</summary>
    public static (StorageStatus Status, object? Result) Run(Op op, Database db)
    {
        var key = B($"z{op.Key}");
        var entries = new Entries();
        var collector = new Collector(entries);
        switch (op.Kind)
        {
            case Kind.Add:
                var members = MembersOf(op);
                var scores = op.Members.Select((_, i) => Score(op.Scores[i])).ToArray();
                var status = db.SortedSetAdd(key, new Members(members), scores, FlagsOf(op), out var added, out var changed);
                return (status, (added, changed));
            case Kind.Remove:
                return (db.SortedSetRemove(key, new Members(MembersOf(op)), out var removed), removed);
            case Kind.Increment:
                double[] delta = [Score(op.Scores[0])];
                var incremented = db.SortedSetAdd(key, new Members([Member(op.Members[0])]), delta, SortedSetAddFlags.Increment, out _, out _);
                return (incremented, incremented == StorageStatus.Ok ? delta[0] : null);
            case Kind.RemoveByRank:
                return (db.SortedSetRemoveRangeByRank(key, op.A, op.B, out var byRank), byRank);
            case Kind.RemoveByScore:
                return (db.SortedSetRemoveRange(key, new ScoreBound(op.A / 8.0, op.Option % 2 == 1), new ScoreBound(op.B / 8.0, op.Option % 4 < 2), out var byScore), byScore);
            case Kind.RemoveByLex:
                var low = Member(Math.Abs(op.A) * 3);
                var high = Member(Math.Abs(op.B) * 3);
                return (db.SortedSetRemoveRange(key, new LexBound(B(low), op.Option % 2 == 1, LexBoundKind.Finite), new LexBound(B(high), true, LexBoundKind.Finite), out var byLex), byLex);
            case Kind.Pop:
                var popStatus = db.SortedSetPop(key, op.Option % 10, op.A > 0, ref collector, out _);
                return (popStatus, entries);
            case Kind.Store:
                var all = new List<(byte[] Member, double Score)>();
                var read = db.SortedSetReadAll(B($"z{op.Key2}"), all);
                if (read is StorageStatus.Ok or StorageStatus.NotFound)
                {
                    return (db.SortedSetStore(key, all), all.Count);
                }

                return (read, null);
            case Kind.Delete:
                return (StorageStatus.Ok, db.Delete(key));
            case Kind.SetString:
                return (db.SetText($"z{op.Key}", "text"), null);
            case Kind.RangeByRank:
                return (db.SortedSetRangeByRank(key, op.A, op.B, op.Option % 2 == 1, ref collector), entries);
            case Kind.RangeByScore:
                var (min, max) = (new ScoreBound(op.A / 8.0, op.Option % 2 == 1), new ScoreBound(op.B / 8.0, op.Option % 4 < 2));
                return (db.SortedSetRangeByBounds(key, min, max, op.Option % 8 >= 4, op.Option % 3, op.Option % 5 - 1, ref collector), entries);
            case Kind.Rank:
                var rankStatus = db.SortedSetRank(key, B(Member(op.Members[0])), op.Option % 2 == 1, out var rank, out var rankScore);
                return (rankStatus, (rank, rank < 0 ? 0 : rankScore));
            case Kind.Count:
                return (db.SortedSetCount(key, new ScoreBound(op.A / 8.0, false), new ScoreBound(op.B / 8.0, true), out var count), count);
            default:
                var scoreStatus = db.SortedSetScore(key, B(Member(op.Members[0])), out var score, out var found);
                return (scoreStatus, found ? score : null);
        }
    }
}
