using System.Buffers.Text;
using Hoard.Protocol;

namespace Hoard.Server.Commands;

/// <summary>
/// HSCAN's, SSCAN's and ZSCAN's cursor and <c>MATCH pattern</c> / <c>COUNT count</c> options with Redis's errors, and
/// the cursor that starts their reply (https://redis.io/docs/latest/commands/scan/).
/// </summary>
internal static class ScanArguments
{
    /// <summary>The cursor at argument 2; false after writing <c>ERR invalid cursor</c>.</summary>
    public static bool TryParseCursor(ref CommandContext c, out ulong cursor)
    {
        if (Utf8Parser.TryParse(c[2], out cursor, out var consumed) && consumed == c[2].Length)
        {
            return true;
        }

        c.Writer.WriteError("ERR invalid cursor"u8);
        return false;
    }

    /// <summary>
    /// The options from argument 3 on: the position of MATCH's pattern (0 when absent) and COUNT (10 when absent); false
    /// after writing Redis's error.
    /// </summary>
    public static bool TryParseOptions(ref CommandContext c, out int patternAt, out int count)
    {
        patternAt = 0;
        count = 10;
        for (var i = 3; i < c.Count; i++)
        {
            if (c.Is(i, "MATCH"u8) && i + 1 < c.Count)
            {
                patternAt = ++i;
            }
            else if (c.Is(i, "COUNT"u8) && i + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++i], out var asked))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return false;
                }

                if (asked < 1)
                {
                    c.Writer.WriteError(Errors.Syntax);
                    return false;
                }

                count = (int)Math.Min(asked, int.MaxValue);
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts the reply: its two-element array and the next cursor.</summary>
    public static void WriteCursor(ref RespWriter writer, ulong next)
    {
        writer.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(next, digits, out var written);
        writer.WriteBulkString(digits[..written]);
    }
}
