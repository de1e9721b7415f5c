using System.Globalization;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;
using static Hoard.Storage.Tests.Support.SetText;

namespace Hoard.Storage.Tests.Engine;

/// <summary>
/// Random sequences of set commands (and string writes and deletes, for WRONGTYPE) against the engine and against a
/// model of <see cref="HashSet{T}"/>s, comparing every reply and checking the engine's consistency after each command.
/// Small encoding limits make sets cross intset → listpack → hashtable often.
/// </summary>
public class SetModelTests
{
    private const int KeyCount = 5;

    public enum Kind { Add, Remove, IsMember, Card, Members, Pop, RandomMembers, Move, Combine, Store, InterCard, Scan, SetString, Delete }

    public sealed record Op(Kind Kind, int Key, int Key2, int Key3, int Number, string[] Members)
    {
        public override string ToString() => $"{Kind}(k{Key} k{Key2} k{Key3} n={Number} [{string.Join(",", Members)}])";
    }

    private static readonly Gen<string> GenMember = Gen.Frequency(
        (4, Gen.Int[-20, 20].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Const("007")),
        (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Int['a', 'f'].Select(Gen.Int[0, 3], (c, n) => new string((char)c, n))),
        (1, Gen.Int['x', 'z'].Select(Gen.Int[9, 30], (c, n) => new string((char)c, n))));

    private static readonly Gen<Kind> GenKind = Gen.Frequency(
        (10, Gen.Const(Kind.Add)), (4, Gen.Const(Kind.Remove)), (2, Gen.Const(Kind.IsMember)), (1, Gen.Const(Kind.Card)),
        (2, Gen.Const(Kind.Members)), (3, Gen.Const(Kind.Pop)), (2, Gen.Const(Kind.RandomMembers)), (3, Gen.Const(Kind.Move)),
        (3, Gen.Const(Kind.Combine)), (3, Gen.Const(Kind.Store)), (1, Gen.Const(Kind.InterCard)), (2, Gen.Const(Kind.Scan)),
        (1, Gen.Const(Kind.SetString)), (1, Gen.Const(Kind.Delete)));

    private static readonly Gen<Op> GenOp = Gen.Select(GenKind, Gen.Int[0, KeyCount - 1], Gen.Int[0, KeyCount - 1],
            Gen.Int[0, KeyCount - 1], Gen.Int[-6, 6], GenMember.Array[1, 6])
        .Select((kind, key, key2, key3, number, members) => new Op(kind, key, key2, key3, number, members));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Random_set_command_sequences_agree_with_a_hash_set_model(int shards)
    {
        GenOp.Array[30, 150].Sample(ops => Run(ops, shards), iter: 200, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static void Run(Op[] ops, int shards)
    {
        using var keyspace = new Keyspace(new StorageOptions
        {
            Databases = 1,
            Shards = shards,
            SegmentSize = 1024,
            SetMaxIntsetEntries = 5,
            SetMaxListpackEntries = 4,
            SetMaxListpackValue = 8,
        });
        var db = keyspace[0];
        var model = new Dictionary<string, object>();
        for (var step = 0; step < ops.Length; step++)
        {
            try
            {
                Apply(ops[step], db, model);
                keyspace.CheckIntegrity();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"step {step}: {ops[step]}: {e.Message}", e);
            }
        }

        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), db.AllKeys().Order(StringComparer.Ordinal));
        foreach (var (key, value) in model)
        {
            if (value is HashSet<string> set)
            {
                Assert.Equal(set.Order(StringComparer.Ordinal), db.SMembers(key));
            }
        }
    }

    private static void Apply(Op op, Database db, Dictionary<string, object> model)
    {
        var key = $"k{op.Key}";
        var key2 = $"k{op.Key2}";
        var keys = new[] { key, key2, $"k{op.Key3}" }.Take(1 + (Math.Abs(op.Number) % 3)).ToArray();
        var isSet = Kinds(model, key, out var set);
        var status = isSet ? StorageStatus.Ok : StorageStatus.WrongType;
        switch (op.Kind)
        {
            case Kind.Add:
                Assert.Equal(status, db.SetAdd(B(key), Elements(op.Members), out var added));
                if (isSet)
                {
                    set ??= new HashSet<string>();
                    Assert.Equal(op.Members.Count(set.Add), added);
                    model[key] = set;
                }

                break;
            case Kind.Remove:
                Assert.Equal(status, db.SetRemove(B(key), Elements(op.Members), out var removed));
                if (isSet && set != null)
                {
                    Assert.Equal(op.Members.Count(set.Remove), removed);
                    Forget(model, key, set);
                }

                break;
            case Kind.IsMember:
                Assert.Equal(status, db.SetContains(B(key), B(op.Members[0]), out var contains));
                Assert.Equal(set?.Contains(op.Members[0]) ?? false, contains);
                break;
            case Kind.Card:
                Assert.Equal(status, db.SetCardinality(B(key), out var count));
                Assert.Equal(set?.Count ?? 0, count);
                break;
            case Kind.Members:
            {
                var sink = new PairList();
                Assert.Equal(!isSet ? StorageStatus.WrongType : set == null ? StorageStatus.NotFound : StorageStatus.Ok, db.SetMembers(B(key), ref sink));
                Assert.Equal((set ?? []).Order(StringComparer.Ordinal), sink.Firsts.Order(StringComparer.Ordinal));
                break;
            }

            case Kind.Pop:
            {
                var sink = new PairList();
                var n = Math.Abs(op.Number) + 1;
                Assert.Equal(!isSet ? StorageStatus.WrongType : set == null ? StorageStatus.NotFound : StorageStatus.Ok, db.SetPop(B(key), n, ref sink));
                var popped = sink.Firsts.ToList();
                Assert.Equal(Math.Min(n, set?.Count ?? 0), popped.Count);
                Assert.Equal(popped.Count, popped.Distinct().Count());
                foreach (var member in popped)
                {
                    Assert.True(set!.Remove(member));
                }

                Forget(model, key, set);
                break;
            }

            case Kind.RandomMembers:
            {
                var sink = new PairList();
                Assert.Equal(!isSet ? StorageStatus.WrongType : set == null ? StorageStatus.NotFound : StorageStatus.Ok,
                    db.SetRandomMembers(B(key), op.Number == 0 ? 1 : op.Number, ref sink));
                var picked = sink.Firsts.ToList();
                Assert.All(picked, m => Assert.Contains(m, set!));
                var expected = set == null ? 0 : op.Number < 0 ? -op.Number : Math.Min(Math.Max(op.Number, 1), set.Count);
                Assert.Equal(expected, picked.Count);
                if (op.Number > 0)
                {
                    Assert.Equal(picked.Count, picked.Distinct().Count());
                }

                break;
            }

            case Kind.Move:
            {
                var isSet2 = Kinds(model, key2, out var set2);
                var member = op.Members[0];
                var expected = set == null && isSet ? StorageStatus.Ok : !isSet || !isSet2 ? StorageStatus.WrongType : StorageStatus.Ok;
                Assert.Equal(expected, db.SetMove(B(key), B(key2), B(member), out var moved));
                var shouldMove = expected == StorageStatus.Ok && set != null && set.Contains(member);
                Assert.Equal(shouldMove, moved);
                if (shouldMove && key != key2)
                {
                    set!.Remove(member);
                    set2 ??= new HashSet<string>();
                    set2.Add(member);
                    model[key2] = set2;
                    Forget(model, key, set);
                }

                break;
            }

            case Kind.Combine or Kind.Store or Kind.InterCard:
            {
                var algebra = op.Kind == Kind.InterCard ? SetAlgebra.Intersection : (SetAlgebra)(Math.Abs(op.Number) % 3);
                var expected = Combine(model, algebra, keys, out var wrong);
                var elements = Elements(keys);
                if (op.Kind == Kind.Combine)
                {
                    var sink = new PairList();
                    Assert.Equal(wrong ? StorageStatus.WrongType : StorageStatus.Ok, db.SetCombine(algebra, elements, ref sink));
                    Assert.Equal(wrong ? [] : expected.Order(StringComparer.Ordinal), sink.Firsts.Order(StringComparer.Ordinal));
                }
                else if (op.Kind == Kind.InterCard)
                {
                    var limit = Math.Abs(op.Number) % 4;
                    Assert.Equal(wrong ? StorageStatus.WrongType : StorageStatus.Ok, db.SetIntersectionCount(elements, limit, out var cardinality));
                    Assert.Equal(wrong ? 0 : limit == 0 ? expected.Count : Math.Min(limit, expected.Count), cardinality);
                }
                else
                {
                    Assert.Equal(wrong ? StorageStatus.WrongType : StorageStatus.Ok, db.SetCombineStore(algebra, B(key2), elements, out var stored));
                    if (!wrong)
                    {
                        Assert.Equal(expected.Count, stored);
                        model.Remove(key2);
                        if (expected.Count > 0)
                        {
                            model[key2] = expected;
                        }
                    }
                }

                break;
            }

            case Kind.Scan:
            {
                var sink = new PairList();
                ulong cursor = 0;
                var steps = 0;
                do
                {
                    Assert.Equal(!isSet ? StorageStatus.WrongType : set == null ? StorageStatus.NotFound : StorageStatus.Ok,
                        db.SetScan(B(key), cursor, default, 2, ref sink, out cursor));
                    Assert.True(++steps < 100);
                }
                while (cursor != 0);
                Assert.Equal((set ?? []).Order(StringComparer.Ordinal), sink.Firsts.Order(StringComparer.Ordinal));
                break;
            }

            case Kind.SetString:
                db.SetText(key, "text");
                model[key] = "text";
                break;
            case Kind.Delete:
                Assert.Equal(model.Remove(key), db.Delete(B(key)));
                break;
        }
    }

    /// <summary>Whether the key is a set or missing (<paramref name="set"/> null when missing).</summary>
    private static bool Kinds(Dictionary<string, object> model, string key, out HashSet<string>? set)
    {
        set = model.GetValueOrDefault(key) as HashSet<string>;
        return set != null || !model.ContainsKey(key);
    }

    private static void Forget(Dictionary<string, object> model, string key, HashSet<string>? set)
    {
        if (set is { Count: 0 })
        {
            model.Remove(key);
        }
    }

    private static HashSet<string> Combine(Dictionary<string, object> model, SetAlgebra algebra, string[] keys, out bool wrong)
    {
        wrong = keys.Any(k => !Kinds(model, k, out _));
        var sets = keys.Select(k => model.GetValueOrDefault(k) as HashSet<string> ?? []).ToList();
        var result = new HashSet<string>(sets[0]);
        foreach (var other in sets.Skip(1))
        {
            switch (algebra)
            {
                case SetAlgebra.Intersection:
                    result.IntersectWith(other);
                    break;
                case SetAlgebra.Union:
                    result.UnionWith(other);
                    break;
                default:
                    result.ExceptWith(other);
                    break;
            }
        }

        return result;
    }
}
