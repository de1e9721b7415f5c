using Hoard.Protocol;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN.</summary>
internal static partial class SortedSetCommands
{
    private static void RegisterPops(CommandTable table)
    {
        const CommandFlags pop = CommandFlags.Write | CommandFlags.Fast;
        table.Add(new("zpopmin", -2, pop, 1, 1, 1, ZPopMin, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."));
        table.Add(new("zpopmax", -2, pop, 1, 1, 1, ZPopMax, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."));
        table.Add(new("zmpop", -4, CommandFlags.Write, 0, 0, 0, ZMPop, "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.") { KeyCountAt = 1 });
        table.Add(new("zrandmember", -2, CommandFlags.ReadOnly, 1, 1, 1, ZRandMember, "Returns one or more random members from a sorted set."));
        table.Add(new("zscan", -3, CommandFlags.ReadOnly, 1, 1, 1, ZScan, "Iterates over members and scores of a sorted set."));
    }

    private static void ZPopMin(ref CommandContext c) => Pop(ref c, max: false);

    private static void ZPopMax(ref CommandContext c) => Pop(ref c, max: true);

    private static void Pop(ref CommandContext c, bool max)
    {
        if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        long count = 1;
        if (c.Count == 3)
        {
            if (!Arguments.TryParseInt64(c[2], out count))
            {
                c.Writer.WriteError(Errors.NotInteger);
                return;
            }

            if (count < 0)
            {
                c.Writer.WriteError("ERR value is out of range, must be positive"u8);
                return;
            }
        }

        // RESP3 nests [member, score] pairs when a count is given; without one, and in RESP2, the reply is flat.
        var shape = c.Count == 3 && c.Writer.Version == RespVersion.Resp3 ? ScoredShape.Pairs : ScoredShape.Flat;
        var reply = new ScoredReply(c.Writer.Version, shape);
        var status = c.Database.SortedSetPop(c[1], count, max, ref reply, out var popped);
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            reply.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        reply.WriteArrayTo(ref c.Writer);
        if (status == StorageStatus.Ok && popped > 0)
        {
            ElementEvents.Removed(ref c, NotifyClass.SortedSet, max ? "zpopmax"u8 : "zpopmin"u8, c[1]);
        }
    }

    private static void ZMPop(ref CommandContext c)
    {
        if (!TryParseMultiPop(ref c, 1, out var keys, out var max, out var count))
        {
            return;
        }

        var where = 2 + keys;
        for (var i = 2; i < where; i++)
        {
            var reply = new ScoredReply(c.Writer.Version, ScoredShape.Pairs);
            var status = c.Database.SortedSetPop(c[i], count, max, ref reply, out var popped);
            if (status == StorageStatus.NotFound || (status == StorageStatus.Ok && popped == 0))
            {
                reply.Release();
                continue;
            }

            if (status != StorageStatus.Ok)
            {
                reply.Release();
                c.Writer.WriteError(Errors.For(status));
                return;
            }

            c.Writer.WriteArrayHeader(2);
            c.Writer.WriteBulkString(c[i]);
            reply.WriteArrayTo(ref c.Writer);
            ElementEvents.Removed(ref c, NotifyClass.SortedSet, max ? "zpopmax"u8 : "zpopmin"u8, c[i]);
            return;
        }

        c.Writer.WriteNullArray();
    }

    /// <summary>
    /// ZMPOP's and BZMPOP's <c>numkeys key … MIN|MAX [COUNT count]</c> from argument <paramref name="numKeysAt"/> on;
    /// false after writing Redis's error.
    /// </summary>
    private static bool TryParseMultiPop(ref CommandContext c, int numKeysAt, out int keys, out bool max, out long count)
    {
        keys = 0;
        max = false;
        count = 1;
        if (!Arguments.TryParseInt64(c[numKeysAt], out var numKeys) || numKeys <= 0)
        {
            c.Writer.WriteError("ERR numkeys should be greater than 0"u8);
            return false;
        }

        if (numKeys > c.Count - numKeysAt - 2)
        {
            c.Writer.WriteError(Errors.Syntax);
            return false;
        }

        keys = (int)numKeys;
        var where = numKeysAt + 1 + keys;
        if (c.Is(where, "MIN"u8))
        {
            max = false;
        }
        else if (c.Is(where, "MAX"u8))
        {
            max = true;
        }
        else
        {
            c.Writer.WriteError(Errors.Syntax);
            return false;
        }

        var j = where + 1;
        if (j < c.Count)
        {
            if (c.Count - j != 2 || !c.Is(j, "COUNT"u8))
            {
                c.Writer.WriteError(Errors.Syntax);
                return false;
            }

            if (!Arguments.TryParseInt64(c[j + 1], out count) || count <= 0)
            {
                c.Writer.WriteError("ERR count should be greater than 0"u8);
                return false;
            }
        }

        return true;
    }

    private static void ZRandMember(ref CommandContext c)
    {
        if (c.Count == 2)
        {
            var one = new ScoredReply(c.Writer.Version, ScoredShape.Members);
            var status = c.Database.SortedSetRandom(c[1], 1, ref one);
            if (status == StorageStatus.Ok && one.Count == 1)
            {
                one.CopyTo(ref c.Writer);
                return;
            }

            one.Release();
            if (status is StorageStatus.Ok or StorageStatus.NotFound)
            {
                c.Writer.WriteNull();
            }
            else
            {
                c.Writer.WriteError(Errors.For(status));
            }

            return;
        }

        var withScores = false;
        if (c.Count == 4 && c.Is(3, "WITHSCORES"u8))
        {
            withScores = true;
        }
        else if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var count))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (withScores && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
        {
            c.Writer.WriteError("ERR value is out of range"u8);
            return;
        }

        var shape = !withScores ? ScoredShape.Members : c.Writer.Version == RespVersion.Resp3 ? ScoredShape.Pairs : ScoredShape.Flat;
        var reply = new ScoredReply(c.Writer.Version, shape);
        var result = c.Database.SortedSetRandom(c[1], count, ref reply);
        if (result is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            reply.Release();
            c.Writer.WriteError(Errors.For(result));
            return;
        }

        reply.WriteArrayTo(ref c.Writer);
    }

    private static void ZScan(ref CommandContext c)
    {
        if (!ScanArguments.TryParseCursor(ref c, out var cursor))
        {
            return;
        }

        if (!ScanArguments.TryParseOptions(ref c, out var patternAt, out var count))
        {
            return;
        }

        var pattern = patternAt > 0 ? c[patternAt] : default;

        var reply = new ScoredReply(c.Writer.Version, ScoredShape.FlatText);
        var status = c.Database.SortedSetScan(c[1], cursor, pattern, count, ref reply, out var next);
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            reply.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        ScanArguments.WriteCursor(ref c.Writer, next);
        reply.WriteArrayTo(ref c.Writer);
    }
}
