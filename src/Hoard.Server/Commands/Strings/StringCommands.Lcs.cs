using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (https://redis.io/docs/latest/commands/lcs/).</summary>
internal static partial class StringCommands
{
    /// <summary>
    /// The classic O(N×M) dynamic programme, as Redis runs it: the table of LCS lengths of every pair of prefixes,
    /// then a walk back from the end that yields the subsequence and, for IDX, the matching ranges (last first).
    /// It allocates (two value copies and the table), as Redis's does.
    /// </summary>
    private static void LongestCommonSubsequence(ref CommandContext c)
    {
        var db = c.Database;
        var first = new CopySink();
        var second = new CopySink();
        var statusA = db.Get(c[1], ref first);
        var statusB = db.Get(c[2], ref second);
        if (statusA == StorageStatus.WrongType || statusB == StorageStatus.WrongType)
        {
            c.Writer.WriteError("ERR The specified keys must contain string values"u8);
            return;
        }

        bool wantLength = false, wantIndexes = false, withMatchLength = false;
        long minMatchLength = 0;
        for (var i = 3; i < c.Count; i++)
        {
            var word = c[i];
            if (Arguments.EqualsIgnoreCase(word, "IDX"u8))
            {
                wantIndexes = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "LEN"u8))
            {
                wantLength = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "WITHMATCHLEN"u8))
            {
                withMatchLength = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "MINMATCHLEN"u8) && i + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++i], out minMatchLength))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                minMatchLength = Math.Max(0, minMatchLength);
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        if (wantLength && wantIndexes)
        {
            c.Writer.WriteError("ERR If you want both the length and indexes, please just use IDX."u8);
            return;
        }

        var a = first.Value;
        var b = second.Value;
        var cells = (a.Length + 1L) * (b.Length + 1L);
        if (cells * sizeof(uint) > c.Server.Options.ProtoMaxBulkLength || cells > Array.MaxLength)
        {
            c.Writer.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"u8);
            return;
        }

        var width = b.Length + 1;
        var table = new uint[cells];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[(i * width) + j] = a[i - 1] == b[j - 1]
                    ? table[((i - 1) * width) + j - 1] + 1
                    : Math.Max(table[((i - 1) * width) + j], table[(i * width) + j - 1]);
            }
        }

        var length = (int)table[^1];
        if (wantLength)
        {
            c.Writer.WriteInteger(length);
            return;
        }

        var result = new byte[length];
        var matches = wantIndexes ? new List<(int AStart, int AEnd, int BStart, int BEnd)>() : null;
        WalkBack(a, b, table, width, result, matches, minMatchLength);
        if (matches == null)
        {
            c.Writer.WriteBulkString(result);
            return;
        }

        c.Writer.WriteMapHeader(2);
        c.Writer.WriteBulkString("matches"u8);
        c.Writer.WriteArrayHeader(matches.Count);
        foreach (var (aStart, aEnd, bStart, bEnd) in matches)
        {
            c.Writer.WriteArrayHeader(withMatchLength ? 3 : 2);
            c.Writer.WriteArrayHeader(2);
            c.Writer.WriteInteger(aStart);
            c.Writer.WriteInteger(aEnd);
            c.Writer.WriteArrayHeader(2);
            c.Writer.WriteInteger(bStart);
            c.Writer.WriteInteger(bEnd);
            if (withMatchLength)
            {
                c.Writer.WriteInteger(aEnd - aStart + 1);
            }
        }

        c.Writer.WriteBulkString("len"u8);
        c.Writer.WriteInteger(length);
    }

    /// <summary>
    /// Walks the table back from the end: fills <paramref name="result"/> with the subsequence and, when asked,
    /// <paramref name="matches"/> with each run of consecutive matches (in both strings) of at least
    /// <paramref name="minMatchLength"/> bytes, from the last run to the first.
    /// </summary>
    private static void WalkBack(byte[] a, byte[] b, uint[] table, int width, byte[] result,
        List<(int AStart, int AEnd, int BStart, int BEnd)>? matches, long minMatchLength)
    {
        int i = a.Length, j = b.Length, k = result.Length;
        int aStart = -1, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0)
        {
            var emit = false;
            if (a[i - 1] == b[j - 1])
            {
                result[--k] = a[i - 1];
                if (aStart < 0)
                {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                else
                {
                    // Walking back after a match always lands on the previous byte of both: the run grows.
                    aStart--;
                    bStart--;
                }

                emit = aStart == 0 || bStart == 0;
                i--;
                j--;
            }
            else
            {
                if (table[((i - 1) * width) + j] > table[(i * width) + j - 1])
                {
                    i--;
                }
                else
                {
                    j--;
                }

                emit = aStart >= 0;
            }

            if (emit)
            {
                if (matches != null && (minMatchLength == 0 || aEnd - aStart + 1 >= minMatchLength))
                {
                    matches.Add((aStart, aEnd, bStart, bEnd));
                }

                aStart = -1;
            }
        }
    }

    /// <summary>Copies a value out of the engine (LCS needs both at once).</summary>
    private struct CopySink : IValueSink
    {
        public byte[] Value { get; private set; }

        public CopySink() => Value = [];

        public void Write(scoped ReadOnlySpan<byte> value) => Value = value.ToArray();
    }
}
