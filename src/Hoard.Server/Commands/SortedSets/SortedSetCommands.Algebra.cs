using Hoard.Protocol;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Each input is copied out under its own shard lock, one
/// at a time (never two locks at once), then combined here; a store writes its destination whole.
/// </summary>
/// <remarks>As Redis, a plain set is accepted as an input, each member with score 1 (before weights).</remarks>
internal static partial class SortedSetCommands
{
    private enum SetOp
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    private static void RegisterAlgebra(CommandTable table)
    {
        const CommandFlags read = CommandFlags.ReadOnly;
        const CommandFlags store = CommandFlags.Write | CommandFlags.DenyOom;
        table.Add(new("zunion", -3, read, 0, 0, 0, ZUnion, "Returns the union of multiple sorted sets.") { KeyCountAt = 1 });
        table.Add(new("zinter", -3, read, 0, 0, 0, ZInter, "Returns the intersect of multiple sorted sets.") { KeyCountAt = 1 });
        table.Add(new("zdiff", -3, read, 0, 0, 0, ZDiff, "Returns the difference between multiple sorted sets.") { KeyCountAt = 1 });
        table.Add(new("zunionstore", -4, store, 1, 1, 1, ZUnionStore, "Stores the union of multiple sorted sets in a key.") { KeyCountAt = 2 });
        table.Add(new("zinterstore", -4, store, 1, 1, 1, ZInterStore, "Stores the intersect of multiple sorted sets in a key.") { KeyCountAt = 2 });
        table.Add(new("zdiffstore", -4, store, 1, 1, 1, ZDiffStore, "Stores the difference of multiple sorted sets in a key.") { KeyCountAt = 2 });
        table.Add(new("zintercard", -3, read, 0, 0, 0, ZInterCard, "Returns the number of members of the intersect of multiple sorted sets.") { KeyCountAt = 1 });
    }

    private static void ZUnion(ref CommandContext c) => Combine(ref c, SetOp.Union, "zunion", store: false);

    private static void ZInter(ref CommandContext c) => Combine(ref c, SetOp.Inter, "zinter", store: false);

    private static void ZDiff(ref CommandContext c) => Combine(ref c, SetOp.Diff, "zdiff", store: false);

    private static void ZUnionStore(ref CommandContext c) => Combine(ref c, SetOp.Union, "zunionstore", store: true);

    private static void ZInterStore(ref CommandContext c) => Combine(ref c, SetOp.Inter, "zinterstore", store: true);

    private static void ZDiffStore(ref CommandContext c) => Combine(ref c, SetOp.Diff, "zdiffstore", store: true);

    /// <summary>zunionInterDiffGenericCommand: numkeys, the keys (read and type-checked first), then the options.</summary>
    private static void Combine(ref CommandContext c, SetOp op, string name, bool store)
    {
        var at = store ? 2 : 1;
        if (!Arguments.TryParseInt64(c[at], out var numKeys))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (numKeys < 1)
        {
            c.Writer.WriteError($"ERR at least 1 input key is needed for '{name}' command");
            return;
        }

        if (numKeys > c.Count - at - 1)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var count = (int)numKeys;
        var inputs = new List<(byte[] Member, double Score)>[count];
        for (var i = 0; i < count; i++)
        {
            inputs[i] = [];
            var status = c.Database.SortedSetOrSetReadAll(c[at + 1 + i], inputs[i]);
            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }
        }

        var weights = new double[count];
        Array.Fill(weights, 1);
        var aggregate = Aggregate.Sum;
        var withScores = false;
        for (var j = at + 1 + count; j < c.Count; j++)
        {
            var left = c.Count - j - 1;
            if (op != SetOp.Diff && c.Is(j, "WEIGHTS"u8) && left >= count)
            {
                for (var w = 0; w < count; w++)
                {
                    if (!Arguments.TryParseDouble(c[++j], out weights[w]) || double.IsNaN(weights[w]))
                    {
                        c.Writer.WriteError("ERR weight value is not a float"u8);
                        return;
                    }
                }
            }
            else if (op != SetOp.Diff && c.Is(j, "AGGREGATE"u8) && left >= 1)
            {
                j++;
                if (c.Is(j, "SUM"u8))
                {
                    aggregate = Aggregate.Sum;
                }
                else if (c.Is(j, "MIN"u8))
                {
                    aggregate = Aggregate.Min;
                }
                else if (c.Is(j, "MAX"u8))
                {
                    aggregate = Aggregate.Max;
                }
                else
                {
                    c.Writer.WriteError(Errors.Syntax);
                    return;
                }
            }
            else if (!store && c.Is(j, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var result = Compute(op, inputs, weights, aggregate);
        if (store)
        {
            var status = c.Database.SortedSetStore(c[1], result, out var deleted);
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }

            c.Writer.WriteInteger(result.Count);
            ElementEvents.Stored(ref c, NotifyClass.SortedSet, StoreEvent(op), c[1], result.Count, deleted);
            return;
        }

        var shape = !withScores ? ScoredShape.Members : c.Writer.Version == RespVersion.Resp3 ? ScoredShape.Pairs : ScoredShape.Flat;
        var reply = new ScoredReply(c.Writer.Version, shape);
        foreach (var (member, score) in result)
        {
            reply.Visit(member, score);
        }

        reply.WriteArrayTo(ref c.Writer);
    }

    private static void ZInterCard(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[1], out var numKeys))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (numKeys < 1)
        {
            c.Writer.WriteError("ERR at least 1 input key is needed for 'zintercard' command"u8);
            return;
        }

        if (numKeys > c.Count - 2)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var inputs = new List<(byte[] Member, double Score)>[(int)numKeys];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = [];
            var status = c.Database.SortedSetOrSetReadAll(c[2 + i], inputs[i]);
            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }
        }

        long limit = 0;
        for (var j = 2 + (int)numKeys; j < c.Count; j++)
        {
            if (c.Is(j, "LIMIT"u8) && j + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++j], out limit) || limit < 0)
                {
                    c.Writer.WriteError("ERR LIMIT can't be negative"u8);
                    return;
                }
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var weights = new double[inputs.Length];
        Array.Fill(weights, 1);
        var cardinality = (long)Compute(SetOp.Inter, inputs, weights, Aggregate.Sum).Count;
        c.Writer.WriteInteger(limit > 0 ? Math.Min(limit, cardinality) : cardinality);
    }

    /// <summary>The result in (score, member) order. Weighted scores that are NaN (0 × inf) count as 0, and so do NaN sums.</summary>
    private static List<(byte[] Member, double Score)> Compute(SetOp op, List<(byte[] Member, double Score)>[] inputs, double[] weights, Aggregate aggregate)
    {
        var scores = new Dictionary<byte[], double>(MemberComparer.Instance);
        switch (op)
        {
            case SetOp.Union:
                for (var i = 0; i < inputs.Length; i++)
                {
                    foreach (var (member, score) in inputs[i])
                    {
                        var weighted = Weigh(score, weights[i]);
                        scores[member] = scores.TryGetValue(member, out var current) ? Combine(current, weighted, aggregate) : weighted;
                    }
                }

                break;
            case SetOp.Inter:
                // Start from the smallest input; a member stays only if every other input has it.
                var smallest = 0;
                for (var i = 1; i < inputs.Length; i++)
                {
                    smallest = inputs[i].Count < inputs[smallest].Count ? i : smallest;
                }

                var lookups = new Dictionary<byte[], double>[inputs.Length];
                for (var i = 0; i < inputs.Length; i++)
                {
                    lookups[i] = new Dictionary<byte[], double>(MemberComparer.Instance);
                    foreach (var (member, score) in inputs[i])
                    {
                        lookups[i][member] = score;
                    }
                }

                foreach (var (member, _) in inputs[smallest])
                {
                    double total = 0;
                    var everywhere = true;
                    for (var i = 0; i < inputs.Length && everywhere; i++)
                    {
                        if (!lookups[i].TryGetValue(member, out var score))
                        {
                            everywhere = false;
                            continue;
                        }

                        var weighted = Weigh(score, weights[i]);
                        total = i == 0 ? weighted : Combine(total, weighted, aggregate);
                    }

                    if (everywhere)
                    {
                        scores[member] = total;
                    }
                }

                break;
            default:
                var others = new HashSet<byte[]>(MemberComparer.Instance);
                for (var i = 1; i < inputs.Length; i++)
                {
                    foreach (var (member, _) in inputs[i])
                    {
                        others.Add(member);
                    }
                }

                foreach (var (member, score) in inputs[0])
                {
                    if (!others.Contains(member))
                    {
                        scores[member] = score;
                    }
                }

                break;
        }

        var result = new List<(byte[] Member, double Score)>(scores.Count);
        foreach (var (member, score) in scores)
        {
            result.Add((member, score));
        }

        result.Sort(static (a, b) => a.Score < b.Score ? -1 : a.Score > b.Score ? 1 : a.Member.AsSpan().SequenceCompareTo(b.Member));
        return result;
    }

    private static ReadOnlySpan<byte> StoreEvent(SetOp op) => op switch
    {
        SetOp.Union => "zunionstore"u8,
        SetOp.Inter => "zinterstore"u8,
        _ => "zdiffstore"u8,
    };

    private static double Weigh(double score, double weight)
    {
        var weighted = score * weight;
        return double.IsNaN(weighted) ? 0 : weighted;
    }

    private static double Combine(double current, double next, Aggregate aggregate) => aggregate switch
    {
        Aggregate.Sum => double.IsNaN(current + next) ? 0 : current + next,
        Aggregate.Min => Math.Min(current, next),
        _ => Math.Max(current, next),
    };
}
