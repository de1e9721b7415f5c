using Hoard.Protocol;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>ZRANGE and its older forms, ZRANGESTORE, ZREMRANGEBY*.</summary>
internal static partial class SortedSetCommands
{
    private enum RangeKind
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private static void RegisterRanges(CommandTable table)
    {
        const CommandFlags read = CommandFlags.ReadOnly;
        const CommandFlags remove = CommandFlags.Write;
        table.Add(new("zrange", -4, read, 1, 1, 1, ZRange, "Returns members in a sorted set within a range of indexes, scores or members."));
        table.Add(new("zrangestore", -5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, ZRangeStore, "Stores a range of members from sorted set in a key."));
        table.Add(new("zrevrange", -4, read, 1, 1, 1, ZRevRange, "Returns members in a sorted set within a range of indexes in reverse order."));
        table.Add(new("zrangebyscore", -4, read, 1, 1, 1, ZRangeByScore, "Returns members in a sorted set within a range of scores."));
        table.Add(new("zrevrangebyscore", -4, read, 1, 1, 1, ZRevRangeByScore, "Returns members in a sorted set within a range of scores in reverse order."));
        table.Add(new("zrangebylex", -4, read, 1, 1, 1, ZRangeByLex, "Returns members in a sorted set within a lexicographical range."));
        table.Add(new("zrevrangebylex", -4, read, 1, 1, 1, ZRevRangeByLex, "Returns members in a sorted set within a lexicographical range in reverse order."));
        table.Add(new("zremrangebyrank", 4, remove, 1, 1, 1, ZRemRangeByRank, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."));
        table.Add(new("zremrangebyscore", 4, remove, 1, 1, 1, ZRemRangeByScore, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."));
        table.Add(new("zremrangebylex", 4, remove, 1, 1, 1, ZRemRangeByLex, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."));
    }

    private static void ZRange(ref CommandContext c) => Range(ref c, RangeKind.Auto, reverse: null, store: false);

    private static void ZRangeStore(ref CommandContext c) => Range(ref c, RangeKind.Auto, reverse: null, store: true);

    private static void ZRevRange(ref CommandContext c) => Range(ref c, RangeKind.Rank, reverse: true, store: false);

    private static void ZRangeByScore(ref CommandContext c) => Range(ref c, RangeKind.Score, reverse: false, store: false);

    private static void ZRevRangeByScore(ref CommandContext c) => Range(ref c, RangeKind.Score, reverse: true, store: false);

    private static void ZRangeByLex(ref CommandContext c) => Range(ref c, RangeKind.Lex, reverse: false, store: false);

    private static void ZRevRangeByLex(ref CommandContext c) => Range(ref c, RangeKind.Lex, reverse: true, store: false);

    /// <summary>zrangeGenericCommand's argument rules, then the range into the reply or the destination.</summary>
    private static void Range(ref CommandContext c, RangeKind kind, bool? reverse, bool store)
    {
        var at = store ? 2 : 1;
        var withScores = false;
        long offset = 0;
        long limit = -1;
        for (var j = at + 3; j < c.Count; j++)
        {
            var left = c.Count - j - 1;
            if (!store && c.Is(j, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (c.Is(j, "LIMIT"u8) && left >= 2)
            {
                if (!Arguments.TryParseInt64(c[j + 1], out offset) || !Arguments.TryParseInt64(c[j + 2], out limit))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                j += 2;
            }
            else if (reverse == null && c.Is(j, "REV"u8))
            {
                reverse = true;
            }
            else if (kind == RangeKind.Auto && c.Is(j, "BYLEX"u8))
            {
                kind = RangeKind.Lex;
            }
            else if (kind == RangeKind.Auto && c.Is(j, "BYSCORE"u8))
            {
                kind = RangeKind.Score;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var rev = reverse ?? false;
        kind = kind == RangeKind.Auto ? RangeKind.Rank : kind;
        if (limit != -1 && kind == RangeKind.Rank)
        {
            c.Writer.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"u8);
            return;
        }

        if (withScores && kind == RangeKind.Lex)
        {
            c.Writer.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX"u8);
            return;
        }

        if (store)
        {
            var entries = new List<(byte[] Member, double Score)>();
            var collector = new Database.Collector(entries);
            var status = ReadRange(ref c, kind, rev, at, offset, limit, ref collector);
            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                WriteRangeError(ref c.Writer, status);
                return;
            }

            if (rev)
            {
                entries.Reverse();
            }

            var stored = c.Database.SortedSetStore(c[1], entries, out var deleted);
            if (stored != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(stored));
                return;
            }

            c.Writer.WriteInteger(entries.Count);
            ElementEvents.Stored(ref c, NotifyClass.SortedSet, "zrangestore"u8, c[1], entries.Count, deleted);
            return;
        }

        var shape = !withScores ? ScoredShape.Members : c.Writer.Version == RespVersion.Resp3 ? ScoredShape.Pairs : ScoredShape.Flat;
        var reply = new ScoredReply(c.Writer.Version, shape);
        var result = ReadRange(ref c, kind, rev, at, offset, limit, ref reply);
        if (result is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            reply.Release();
            WriteRangeError(ref c.Writer, result);
            return;
        }

        reply.WriteArrayTo(ref c.Writer);
    }

    /// <summary>Parse failures come back as statuses the storage never returns (NotInteger, NotFloat, NotApplied for lex).</summary>
    private static void WriteRangeError(ref RespWriter writer, StorageStatus status) => writer.WriteError(status switch
    {
        StorageStatus.NotFloat => RangeArguments.NotFloatRange,
        StorageStatus.NotApplied => RangeArguments.NotLexRange,
        _ => Errors.For(status),
    });

    private static StorageStatus ReadRange<TVisitor>(ref CommandContext c, RangeKind kind, bool reverse, int at, long offset, long limit, ref TVisitor visitor)
        where TVisitor : Storage.SortedSets.IScoredVisitor, allows ref struct
    {
        var key = c[at];
        var low = reverse ? c[at + 2] : c[at + 1];
        var high = reverse ? c[at + 1] : c[at + 2];
        switch (kind)
        {
            case RangeKind.Rank:
                if (!Arguments.TryParseInt64(c[at + 1], out var start) || !Arguments.TryParseInt64(c[at + 2], out var stop))
                {
                    return StorageStatus.NotInteger;
                }

                return c.Database.SortedSetRangeByRank(key, start, stop, reverse, ref visitor);
            case RangeKind.Score:
                if (!RangeArguments.TryParseScore(low, isMax: false, out var min) || !RangeArguments.TryParseScore(high, isMax: true, out var max))
                {
                    return StorageStatus.NotFloat;
                }

                return c.Database.SortedSetRangeByBounds(key, min, max, reverse, offset, limit, ref visitor);
            default:
                if (!RangeArguments.TryParseLex(low, isMax: false, out var lexMin) || !RangeArguments.TryParseLex(high, isMax: true, out var lexMax))
                {
                    return StorageStatus.NotApplied;
                }

                return c.Database.SortedSetRangeByBounds(key, lexMin, lexMax, reverse, offset, limit, ref visitor);
        }
    }

    private static void ZRemRangeByRank(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var start) || !Arguments.TryParseInt64(c[3], out var stop))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var status = c.Database.SortedSetRemoveRangeByRank(c[1], start, stop, out var removed);
        WriteRemoved(ref c, status, removed, "zremrangebyrank"u8);
    }

    private static void ZRemRangeByScore(ref CommandContext c)
    {
        if (!RangeArguments.TryParseScore(c[2], isMax: false, out var min) || !RangeArguments.TryParseScore(c[3], isMax: true, out var max))
        {
            c.Writer.WriteError(RangeArguments.NotFloatRange);
            return;
        }

        var status = c.Database.SortedSetRemoveRange(c[1], min, max, out var removed);
        WriteRemoved(ref c, status, removed, "zremrangebyscore"u8);
    }

    private static void ZRemRangeByLex(ref CommandContext c)
    {
        if (!RangeArguments.TryParseLex(c[2], isMax: false, out var min) || !RangeArguments.TryParseLex(c[3], isMax: true, out var max))
        {
            c.Writer.WriteError(RangeArguments.NotLexRange);
            return;
        }

        var status = c.Database.SortedSetRemoveRange(c[1], min, max, out var removed);
        WriteRemoved(ref c, status, removed, "zremrangebylex"u8);
    }

    /// <summary>A removal's reply (the count removed, or the error) and, when members went, its events.</summary>
    private static void WriteRemoved(ref CommandContext c, StorageStatus status, long removed, ReadOnlySpan<byte> eventName)
    {
        WriteCount(ref c.Writer, status, removed);
        if (status == StorageStatus.Ok && removed > 0)
        {
            ElementEvents.Removed(ref c, NotifyClass.SortedSet, eventName, c[1]);
        }
    }
}
