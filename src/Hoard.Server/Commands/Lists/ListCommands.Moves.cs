using Hoard.Storage;

namespace Hoard.Server.Commands.Lists;

/// <summary>LPOS, LMOVE, RPOPLPUSH and LMPOP.</summary>
internal static partial class ListCommands
{
    private static void LPos(ref CommandContext c)
    {
        long rank = 1, count = 0, maxLength = 0;
        var hasCount = false;
        for (var i = 3; i < c.Count; i += 2)
        {
            if (i + 1 >= c.Count)
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }

            if (c.Is(i, "RANK"u8))
            {
                if (!Arguments.TryParseInt64(c[i + 1], out rank))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (rank == long.MinValue)
                {
                    c.Writer.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8);
                    return;
                }

                if (rank == 0)
                {
                    c.Writer.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"u8);
                    return;
                }
            }
            else if (c.Is(i, "COUNT"u8))
            {
                if (!Arguments.TryParseInt64(c[i + 1], out count))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (count < 0)
                {
                    c.Writer.WriteError("ERR COUNT can't be negative"u8);
                    return;
                }

                hasCount = true;
            }
            else if (c.Is(i, "MAXLEN"u8))
            {
                if (!Arguments.TryParseInt64(c[i + 1], out maxLength))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (maxLength < 0)
                {
                    c.Writer.WriteError("ERR MAXLEN can't be negative"u8);
                    return;
                }
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var positions = new List<long>();
        var status = c.Database.ListPositions(c[1], c[2], rank, hasCount ? count : 1, maxLength, positions);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
        else if (hasCount)
        {
            c.Writer.WriteArrayHeader(positions.Count);
            foreach (var position in positions)
            {
                c.Writer.WriteInteger(position);
            }
        }
        else if (positions.Count > 0)
        {
            c.Writer.WriteInteger(positions[0]);
        }
        else
        {
            c.Writer.WriteNull();
        }
    }

    private static void LMove(ref CommandContext c)
    {
        if (!TryParseSide(c[3], out var fromLeft) || !TryParseSide(c[4], out var toLeft))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        Move(ref c, fromLeft, toLeft);
    }

    private static void RPopLPush(ref CommandContext c) => Move(ref c, fromLeft: false, toLeft: true);

    private static void Move(ref CommandContext c, bool fromLeft, bool toLeft)
    {
        var reply = new BulkReply(c.Writer);
        var status = c.Database.ListMove(c[1], c[2], fromLeft, toLeft, ref reply);
        c.Writer = reply.Writer;
        Errors.WriteMissingOrError(ref c.Writer, status);
        if (status == StorageStatus.Ok)
        {
            NotifyMoved(ref c, c[1], c[2], fromLeft, toLeft);
        }
    }

    /// <summary>LEFT or RIGHT.</summary>
    private static bool TryParseSide(ReadOnlySpan<byte> word, out bool left)
    {
        left = Arguments.EqualsIgnoreCase(word, "LEFT"u8);
        return left || Arguments.EqualsIgnoreCase(word, "RIGHT"u8);
    }

    private static void LMPop(ref CommandContext c)
    {
        if (!TryParseMultiPop(ref c, 1, out var keys, out var left, out var count))
        {
            return;
        }

        for (var i = 0; i < keys; i++)
        {
            var reply = new ListReply(c.Writer, key: c[2 + i], keyed: true);
            var status = c.Database.ListPop(c[2 + i], left, count, ref reply);
            c.Writer = reply.Writer;
            if (status == StorageStatus.Ok)
            {
                NotifyPopped(ref c, c[2 + i], left); // an existing list has at least one element for a count of 1 or more
                return;
            }

            if (status != StorageStatus.NotFound)
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }
        }

        c.Writer.WriteNullArray();
    }

    /// <summary>
    /// Parses <c>numkeys key… LEFT|RIGHT [COUNT count]</c> from <paramref name="numKeysAt"/> on (LMPOP, BLMPOP); false
    /// after writing Redis's error.
    /// </summary>
    private static bool TryParseMultiPop(ref CommandContext c, int numKeysAt, out int keys, out bool left, out long count)
    {
        keys = 0;
        left = false;
        count = 1;
        if (!Arguments.TryParseInt64(c[numKeysAt], out var numKeys) || numKeys < 1)
        {
            c.Writer.WriteError("ERR numkeys should be greater than 0"u8);
            return false;
        }

        var side = numKeysAt + 1 + numKeys;
        if (side >= c.Count || !TryParseSide(c[(int)side], out left))
        {
            c.Writer.WriteError(Errors.Syntax);
            return false;
        }

        keys = (int)numKeys;
        var hasCount = false;
        for (var i = (int)side + 1; i < c.Count; i += 2)
        {
            if (!c.Is(i, "COUNT"u8) || hasCount || i + 1 >= c.Count)
            {
                c.Writer.WriteError(Errors.Syntax);
                return false;
            }

            if (!Arguments.TryParseInt64(c[i + 1], out count) || count < 1)
            {
                c.Writer.WriteError("ERR count should be greater than 0"u8);
                return false;
            }

            hasCount = true;
        }

        return true;
    }
}
