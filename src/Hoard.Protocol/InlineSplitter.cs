namespace Hoard.Protocol;

/// <summary>
/// Splits an inline request line into arguments exactly as Redis's <c>sdssplitargs</c> (sds.c) does, in place: the
/// unescaped arguments are written over the line itself, which is safe because an argument is never longer than the
/// text it came from.
/// </summary>
/// <remarks>
/// The rules, all Redis's: arguments are separated by spaces, tabs, CR, LF, VT and FF (leading ones), but an unquoted
/// argument ends only at space, tab, CR, LF; <c>"double quotes"</c> understand <c>\xHH</c>, <c>\n \r \t \b \a</c> and
/// <c>\</c> before any other character; <c>'single quotes'</c> understand only <c>\'</c>; a quote may open in the middle
/// of an argument (<c>a"b c"</c> is <c>ab c</c>) but a closing quote must be followed by a space or the end of the line;
/// an unterminated quote or a closing quote followed by anything else is an error ("unbalanced quotes"). The line is a C
/// string to Redis, so a NUL byte ends it.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#inline-commands">RESP specification</see>.
/// </remarks>
internal static class InlineSplitter
{
    /// <summary>
    /// Splits the <paramref name="length"/> arena bytes at <paramref name="start"/> of <paramref name="command"/> into
    /// its arguments, and shrinks the arena to what they use.
    /// </summary>
    /// <returns>False on unbalanced quotes; the command's arguments are then unspecified.</returns>
    internal static bool Split(CommandBuffer command, int start, int length)
    {
        var line = command.ArenaSpan(start, length);
        var nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul];
        }

        var p = 0;
        var w = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
            {
                p++;
            }

            if (p == line.Length)
            {
                command.TrimArena(start + w);
                return true;
            }

            var tokenStart = w;
            if (!ReadToken(line, ref p, ref w))
            {
                return false;
            }

            command.AddArgument(start + tokenStart, w - tokenStart);
        }
    }

    /// <summary>Reads one argument starting at <paramref name="p"/>, writing it at <paramref name="w"/> (w ≤ p).</summary>
    private static bool ReadToken(Span<byte> line, ref int p, ref int w)
    {
        var inDouble = false;
        var inSingle = false;
        while (true)
        {
            // Past the end reads as the C string's terminating NUL, as in sds.c.
            var c = At(line, p);
            if (inDouble)
            {
                if (c == '\\' && At(line, p + 1) == 'x' && IsHex(At(line, p + 2)) && IsHex(At(line, p + 3)))
                {
                    line[w++] = (byte)((HexValue(At(line, p + 2)) << 4) | HexValue(At(line, p + 3)));
                    p += 4;
                    continue;
                }

                if (c == '\\' && At(line, p + 1) != 0)
                {
                    p++;
                    line[w++] = At(line, p) switch
                    {
                        (byte)'n' => (byte)'\n',
                        (byte)'r' => (byte)'\r',
                        (byte)'t' => (byte)'\t',
                        (byte)'b' => (byte)'\b',
                        (byte)'a' => (byte)'\a',
                        var other => other,
                    };
                }
                else if (c == '"')
                {
                    return ClosingQuote(line, ref p);
                }
                else if (c == 0)
                {
                    return false;
                }
                else
                {
                    line[w++] = c;
                }
            }
            else if (inSingle)
            {
                if (c == '\\' && At(line, p + 1) == '\'')
                {
                    p++;
                    line[w++] = (byte)'\'';
                }
                else if (c == '\'')
                {
                    return ClosingQuote(line, ref p);
                }
                else if (c == 0)
                {
                    return false;
                }
                else
                {
                    line[w++] = c;
                }
            }
            else
            {
                switch (c)
                {
                    case (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0:
                        if (c != 0)
                        {
                            p++;
                        }

                        return true;
                    case (byte)'"':
                        inDouble = true;
                        break;
                    case (byte)'\'':
                        inSingle = true;
                        break;
                    default:
                        line[w++] = c;
                        break;
                }
            }

            p++;
        }
    }

    /// <summary>At a closing quote: it must be followed by a space or the end of the line.</summary>
    private static bool ClosingQuote(ReadOnlySpan<byte> line, ref int p)
    {
        var next = At(line, p + 1);
        if (next != 0 && !IsSpace(next))
        {
            return false;
        }

        p++;
        return true;
    }

    private static byte At(ReadOnlySpan<byte> line, int index) => (uint)index < (uint)line.Length ? line[index] : (byte)0;

    /// <summary>C's <c>isspace</c> in the "C" locale.</summary>
    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
