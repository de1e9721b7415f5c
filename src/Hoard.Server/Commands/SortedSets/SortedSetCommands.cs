using Hoard.Protocol;
using Hoard.Server.Notifications;
using Hoard.Storage;
using Hoard.Storage.SortedSets;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>The sorted set commands (https://redis.io/docs/latest/commands/?group=sorted-set), with Redis 7.2's replies.</summary>
internal static partial class SortedSetCommands
{
    private static ReadOnlySpan<byte> NaNScore => "ERR resulting score is not a number (NaN)"u8;

    public static void Register(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags read = CommandFlags.ReadOnly | CommandFlags.Fast;
        const CommandFlags remove = CommandFlags.Write | CommandFlags.Fast;
        table.Add(new("zadd", -4, write, 1, 1, 1, ZAdd, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."));
        table.Add(new("zincrby", 4, write, 1, 1, 1, ZIncrBy, "Increments the score of a member in a sorted set."));
        table.Add(new("zrem", -3, remove, 1, 1, 1, ZRem, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."));
        table.Add(new("zscore", 3, read, 1, 1, 1, ZScore, "Returns the score of a member in a sorted set."));
        table.Add(new("zmscore", -3, read, 1, 1, 1, ZMScore, "Returns the score of one or more members in a sorted set."));
        table.Add(new("zcard", 2, read, 1, 1, 1, ZCard, "Returns the number of members in a sorted set."));
        table.Add(new("zcount", 4, read, 1, 1, 1, ZCount, "Returns the count of members in a sorted set that have scores within a range."));
        table.Add(new("zlexcount", 4, read, 1, 1, 1, ZLexCount, "Returns the number of members in a sorted set within a lexicographical range."));
        table.Add(new("zrank", -3, read, 1, 1, 1, ZRank, "Returns the index of a member in a sorted set ordered by ascending scores."));
        table.Add(new("zrevrank", -3, read, 1, 1, 1, ZRevRank, "Returns the index of a member in a sorted set ordered by descending scores."));
        RegisterRanges(table);
        RegisterPops(table);
        RegisterBlocking(table);
        RegisterAlgebra(table);
    }

    private static void ZAdd(ref CommandContext c)
    {
        var flags = SortedSetAddFlags.None;
        var ch = false;
        var i = 2;
        for (; i < c.Count; i++)
        {
            if (c.Is(i, "NX"u8))
            {
                flags |= SortedSetAddFlags.OnlyNew;
            }
            else if (c.Is(i, "XX"u8))
            {
                flags |= SortedSetAddFlags.OnlyExisting;
            }
            else if (c.Is(i, "GT"u8))
            {
                flags |= SortedSetAddFlags.GreaterThan;
            }
            else if (c.Is(i, "LT"u8))
            {
                flags |= SortedSetAddFlags.LessThan;
            }
            else if (c.Is(i, "CH"u8))
            {
                ch = true;
            }
            else if (c.Is(i, "INCR"u8))
            {
                flags |= SortedSetAddFlags.Increment;
            }
            else
            {
                break;
            }
        }

        var elements = c.Count - i;
        if (elements == 0 || elements % 2 != 0)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var nx = (flags & SortedSetAddFlags.OnlyNew) != 0;
        if (nx && (flags & SortedSetAddFlags.OnlyExisting) != 0)
        {
            c.Writer.WriteError("ERR XX and NX options at the same time are not compatible"u8);
            return;
        }

        var gt = (flags & SortedSetAddFlags.GreaterThan) != 0;
        var lt = (flags & SortedSetAddFlags.LessThan) != 0;
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            c.Writer.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible"u8);
            return;
        }

        var pairs = elements / 2;
        var incr = (flags & SortedSetAddFlags.Increment) != 0;
        if (incr && pairs > 1)
        {
            c.Writer.WriteError("ERR INCR option supports a single increment-element pair"u8);
            return;
        }

        Span<double> scores = pairs <= 32 ? stackalloc double[pairs] : new double[pairs];
        for (var p = 0; p < pairs; p++)
        {
            if (!Arguments.TryParseDouble(c[i + (2 * p)], out scores[p]) || double.IsNaN(scores[p]))
            {
                c.Writer.WriteError(Errors.NotFloat);
                return;
            }
        }

        var status = c.Database.SortedSetAdd(c[1], new ArgumentElements(c.Args, i + 1, pairs, 2), scores, flags, out var added, out var changed);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(status == StorageStatus.NotFloat ? NaNScore : Errors.For(status));
            return;
        }

        if (added + changed > 0)
        {
            c.Notify(NotifyClass.SortedSet, incr ? "zincr"u8 : "zadd"u8, c[1]);
        }

        if (!incr)
        {
            c.Writer.WriteInteger(ch ? added + changed : added);
        }
        else if (double.IsNaN(scores[0]))
        {
            c.Writer.WriteNull();
        }
        else
        {
            c.Writer.WriteDouble(scores[0]);
        }
    }

    private static void ZIncrBy(ref CommandContext c)
    {
        if (!Arguments.TryParseDouble(c[2], out var delta) || double.IsNaN(delta))
        {
            c.Writer.WriteError(Errors.NotFloat);
            return;
        }

        Span<double> scores = [delta];
        var status = c.Database.SortedSetAdd(c[1], new ArgumentElements(c.Args, 3, 1), scores, SortedSetAddFlags.Increment, out var added, out var changed);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(status == StorageStatus.NotFloat ? NaNScore : Errors.For(status));
            return;
        }

        if (added + changed > 0)
        {
            c.Notify(NotifyClass.SortedSet, "zincr"u8, c[1]);
        }

        c.Writer.WriteDouble(scores[0]);
    }

    private static void ZRem(ref CommandContext c)
    {
        var status = c.Database.SortedSetRemove(c[1], new ArgumentElements(c.Args, 2), out var removed);
        WriteRemoved(ref c, status, removed, "zrem"u8);
    }

    private static void ZScore(ref CommandContext c)
    {
        var status = c.Database.SortedSetScore(c[1], c[2], out var score, out var found);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
        else if (found)
        {
            c.Writer.WriteDouble(score);
        }
        else
        {
            c.Writer.WriteNull();
        }
    }

    private static void ZMScore(ref CommandContext c)
    {
        var db = c.Database;
        var first = db.SortedSetLength(c[1], out _);
        if (first != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(first));
            return;
        }

        c.Writer.WriteArrayHeader(c.Count - 2);
        for (var i = 2; i < c.Count; i++)
        {
            // A key replaced by another type meanwhile reads as missing members here.
            if (db.SortedSetScore(c[1], c[i], out var score, out var found) == StorageStatus.Ok && found)
            {
                c.Writer.WriteDouble(score);
            }
            else
            {
                c.Writer.WriteNull();
            }
        }
    }

    private static void ZCard(ref CommandContext c)
    {
        var status = c.Database.SortedSetLength(c[1], out var length);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteInteger(length);
    }

    private static void ZCount(ref CommandContext c)
    {
        if (!RangeArguments.TryParseScore(c[2], isMax: false, out var min) || !RangeArguments.TryParseScore(c[3], isMax: true, out var max))
        {
            c.Writer.WriteError(RangeArguments.NotFloatRange);
            return;
        }

        WriteCount(ref c.Writer, c.Database.SortedSetCount(c[1], min, max, out var count), count);
    }

    private static void ZLexCount(ref CommandContext c)
    {
        if (!RangeArguments.TryParseLex(c[2], isMax: false, out var min) || !RangeArguments.TryParseLex(c[3], isMax: true, out var max))
        {
            c.Writer.WriteError(RangeArguments.NotLexRange);
            return;
        }

        WriteCount(ref c.Writer, c.Database.SortedSetCount(c[1], min, max, out var count), count);
    }

    private static void WriteCount(ref RespWriter writer, StorageStatus status, long count)
    {
        if (status != StorageStatus.Ok)
        {
            writer.WriteError(Errors.For(status));
            return;
        }

        writer.WriteInteger(count);
    }

    private static void ZRank(ref CommandContext c) => Rank(ref c, reverse: false);

    private static void ZRevRank(ref CommandContext c) => Rank(ref c, reverse: true);

    private static void Rank(ref CommandContext c, bool reverse)
    {
        var withScore = false;
        if (c.Count == 4 && c.Is(3, "WITHSCORE"u8))
        {
            withScore = true;
        }
        else if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var status = c.Database.SortedSetRank(c[1], c[2], reverse, out var rank, out var score);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
        else if (rank < 0)
        {
            if (withScore)
            {
                c.Writer.WriteNullArray();
            }
            else
            {
                c.Writer.WriteNull();
            }
        }
        else if (withScore)
        {
            c.Writer.WriteArrayHeader(2);
            c.Writer.WriteInteger(rank);
            c.Writer.WriteDouble(score);
        }
        else
        {
            c.Writer.WriteInteger(rank);
        }
    }
}
