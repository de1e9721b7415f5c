using System.Globalization;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.SortedSets;
using static Hoard.Storage.Tests.SortedSets.SortedSetOps;

namespace Hoard.Storage.Tests.SortedSets;

/// <summary>
/// Random sorted set commands against the engine and against a plain sorted list per key, comparing every reply and
/// status, the whole contents after every step, and the engine's integrity; sets grow past the listpack limits and
/// past several tree leaves, and shrink again.
/// </summary>
public class SortedSetModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Random_sorted_set_commands_agree_with_a_sorted_list_model(int shards)
    {
        SortedSetOps.Ops.Where(o => o.Kind != Kind.RemoveByLex).Array[30, 150].Sample(ops =>
        {
            using var keyspace = new Keyspace(Options(shards));
            var db = keyspace[0];
            var model = new Dictionary<string, List<(string Member, double Score)>?>();
            for (var step = 0; step < ops.Length; step++)
            {
                var op = ops[step];
                var expected = Render(Model(op, model));
                var actual = Render(Run(op, db));
                Assert.True(expected == actual, $"step {step} {op}: expected {expected}, got {actual}");
                for (var k = 0; k < KeyCount; k++)
                {
                    var key = $"z{k}";
                    if (model.TryGetValue(key, out var list) && list != null)
                    {
                        Assert.Equal(Render(list), Render(ReadAll(db, key)));
                    }
                }

                keyspace.CheckIntegrity();
            }
        }, iter: 120, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static string Render(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IEnumerable<(string Member, double Score)> entries => "[" + string.Join(",", entries.Select(e => e.Member + "=" + Render(e.Score))) + "]",
        ValueTuple<StorageStatus, object?> t => t.Item1 is StorageStatus.WrongType or StorageStatus.NotFloat ? t.Item1.ToString() : t.Item1 + ":" + Render(t.Item2),
        (long a, long b) => $"({a},{b})",
        (long a, double b) => $"({a},{Render(b)})",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };

    private static int Compare((string Member, double Score) a, (string Member, double Score) b) =>
        a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Member, b.Member);

    /// <summary>The model's answer; a null list marks a string key.</summary>
    private static (StorageStatus, object?) Model(Op op, Dictionary<string, List<(string Member, double Score)>?> model)
    {
        var key = $"z{op.Key}";
        var exists = model.TryGetValue(key, out var set);
        var wrongType = exists && set == null;
        var ok = (StorageStatus.Ok, (object?)null);
        switch (op.Kind)
        {
            case Kind.Add:
            case Kind.Increment:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, null);
                }

                var incr = op.Kind == Kind.Increment;
                var flags = incr ? SortedSetAddFlags.Increment : FlagsOf(op);
                var members = incr ? [Member(op.Members[0])] : MembersOf(op);
                set ??= [];
                long added = 0, changed = 0;
                double? reply = null;
                for (var i = 0; i < members.Length; i++)
                {
                    var score = Score(op.Scores[i]);
                    var at = set.FindIndex(e => e.Member == members[i]);
                    if (at >= 0)
                    {
                        if ((flags & SortedSetAddFlags.OnlyNew) != 0)
                        {
                            continue;
                        }

                        var current = set[at].Score;
                        var next = incr ? current + score : score;
                        if (double.IsNaN(next))
                        {
                            return (StorageStatus.NotFloat, null);
                        }

                        if (((flags & SortedSetAddFlags.GreaterThan) != 0 && next <= current) || ((flags & SortedSetAddFlags.LessThan) != 0 && next >= current))
                        {
                            continue;
                        }

                        reply = next;
                        if (next != current)
                        {
                            set[at] = (members[i], next);
                            changed++;
                        }

                        continue;
                    }

                    if ((flags & SortedSetAddFlags.OnlyExisting) != 0)
                    {
                        continue;
                    }

                    set.Add((members[i], score));
                    reply = score;
                    added++;
                }

                set.Sort(Compare);
                if (set.Count > 0)
                {
                    model[key] = set;
                }

                return incr ? (StorageStatus.Ok, reply) : (StorageStatus.Ok, (added, changed));
            case Kind.Remove:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, null);
                }

                var names = MembersOf(op).ToHashSet();
                long removed = set?.RemoveAll(e => names.Contains(e.Member)) ?? 0;
                Drop(model, key, set);
                return (StorageStatus.Ok, removed);
            case Kind.RemoveByRank:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, null);
                }

                if (set == null || !Clamp(set.Count, op.A, op.B, out var from, out var to))
                {
                    return (StorageStatus.Ok, 0L);
                }

                set.RemoveRange(from, to - from + 1);
                Drop(model, key, set);
                return (StorageStatus.Ok, (long)(to - from + 1));
            case Kind.RemoveByScore:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, null);
                }

                if (set == null)
                {
                    return (StorageStatus.Ok, 0L);
                }

                var (lo, hi) = ScoreRange(set, op);
                var gone = Math.Max(0, hi - lo);
                if (gone > 0)
                {
                    set.RemoveRange(lo, gone);
                }

                Drop(model, key, set);
                return (StorageStatus.Ok, (long)gone);
            case Kind.Pop:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, new List<(string, double)>());
                }

                if (set == null)
                {
                    return (StorageStatus.NotFound, new List<(string, double)>());
                }

                var n = Math.Min(op.Option % 10, set.Count);
                var popped = op.A > 0 ? Enumerable.Reverse(set).Take(n).ToList() : set.Take(n).ToList();
                set.RemoveRange(op.A > 0 ? set.Count - n : 0, n);
                Drop(model, key, set);
                return (StorageStatus.Ok, popped);
            case Kind.Store:
                var source = $"z{op.Key2}";
                if (model.TryGetValue(source, out var src) && src == null)
                {
                    return (StorageStatus.WrongType, null);
                }

                var copy = src == null ? [] : new List<(string Member, double Score)>(src);
                model.Remove(key);
                if (copy.Count > 0)
                {
                    model[key] = copy;
                }

                return (StorageStatus.Ok, copy.Count);
            case Kind.Delete:
                return (StorageStatus.Ok, model.Remove(key));
            case Kind.SetString:
                model[key] = null;
                return ok;
            case Kind.RangeByRank:
                if (wrongType || set == null)
                {
                    return (wrongType ? StorageStatus.WrongType : StorageStatus.NotFound, new List<(string, double)>());
                }

                if (!Clamp(set.Count, op.A, op.B, out var start, out var stop))
                {
                    return (StorageStatus.Ok, new List<(string, double)>());
                }

                var view = op.Option % 2 == 1 ? Enumerable.Reverse(set).ToList() : set;
                return (StorageStatus.Ok, view.GetRange(start, stop - start + 1));
            case Kind.RangeByScore:
                if (wrongType || set == null)
                {
                    return (wrongType ? StorageStatus.WrongType : StorageStatus.NotFound, new List<(string, double)>());
                }

                var (first, end) = ScoreRange(set, op);
                var inRange = end > first ? set.GetRange(first, end - first) : [];
                if (op.Option % 8 >= 4)
                {
                    inRange.Reverse();
                }

                var limit = op.Option % 5 - 1;
                var skipped = inRange.Skip(op.Option % 3);
                return (StorageStatus.Ok, (limit < 0 ? skipped : skipped.Take(limit)).ToList());
            case Kind.Rank:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, (-1L, 0.0));
                }

                var index = set?.FindIndex(e => e.Member == Member(op.Members[0])) ?? -1;
                if (index < 0)
                {
                    return (StorageStatus.Ok, (-1L, 0.0));
                }

                return (StorageStatus.Ok, ((long)(op.Option % 2 == 1 ? set!.Count - 1 - index : index), set![index].Score));
            case Kind.Count:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, 0L);
                }

                var low = op.A / 8.0;
                var high = op.B / 8.0;
                return (StorageStatus.Ok, (long)(set?.Count(e => e.Score >= low && e.Score <= high) ?? 0));
            default:
                if (wrongType)
                {
                    return (StorageStatus.WrongType, null);
                }

                var found = set?.FindIndex(e => e.Member == Member(op.Members[0])) ?? -1;
                return (StorageStatus.Ok, found < 0 ? null : set![found].Score);
        }
    }

    /// <summary>The [from, to) indexes RemoveByScore / RangeByScore cover (bounds as <see cref="SortedSetOps.Run"/> builds them).</summary>
    private static (int From, int To) ScoreRange(List<(string Member, double Score)> set, Op op)
    {
        var min = op.A / 8.0;
        var minInclusive = op.Option % 2 == 1;
        var max = op.B / 8.0;
        var maxInclusive = op.Option % 4 < 2;
        var from = set.Count(e => minInclusive ? e.Score <= min : e.Score < min);
        var to = set.Count(e => maxInclusive ? e.Score <= max : e.Score < max);
        return (from, to);
    }

    private static bool Clamp(int count, long start, long stop, out int from, out int to)
    {
        start = start < 0 ? start + count : start;
        stop = stop < 0 ? stop + count : stop;
        start = Math.Max(0, start);
        from = (int)start;
        to = (int)Math.Min(stop, count - 1);
        return start <= stop && start < count;
    }

    private static void Drop(Dictionary<string, List<(string Member, double Score)>?> model, string key, List<(string Member, double Score)>? set)
    {
        if (set is { Count: 0 })
        {
            model.Remove(key);
        }
    }
}
