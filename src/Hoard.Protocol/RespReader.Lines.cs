using System.Buffers;

namespace Hoard.Protocol;

public sealed partial class RespReader
{
    /// <summary>The outcome of looking for the end of a header or inline line.</summary>
    private enum Line
    {
        Complete,
        Incomplete,
        TooLong,
    }

    /// <summary>
    /// Looks for the line that starts <paramref name="input"/> and ends at <paramref name="terminator"/> (CR for
    /// multibulk headers, LF for inline requests), followed by <paramref name="trailer"/> bytes in all (the terminator
    /// included) before the line counts as complete.
    /// </summary>
    /// <param name="input">The buffered input from the line's first byte.</param>
    /// <param name="terminator">The byte that ends the line.</param>
    /// <param name="trailer">Bytes from the terminator on that must be buffered: 2 for CR (CR and the byte after it), 1 for LF.</param>
    /// <param name="length">For a complete line, the bytes before the terminator.</param>
    /// <param name="needed">For an incomplete line, how long <paramref name="input"/> must grow to make progress.</param>
    /// <remarks>
    /// Redis finds line ends with <c>strchr</c>, which stops at a NUL byte, and gives up with a "too big" error once
    /// more than 64 KB are buffered without a line end. This scan stops at NUL too, and also rejects a line end found
    /// more than 64 KB in, so that the verdict does not depend on how the bytes were split into reads.
    /// </remarks>
    private static Line ScanLine(in ReadOnlySequence<byte> input, byte terminator, int trailer, out long length, out long needed)
    {
        // A terminator at index MaxLineLength still leaves "only" 64 KB before it.
        const long scanLimit = MaxLineLength + 1;
        long scanned = 0;
        var blockedByNul = false;
        foreach (var memory in input)
        {
            var span = memory.Span;
            if (span.Length > scanLimit - scanned)
            {
                span = span[..(int)(scanLimit - scanned)];
            }

            var i = span.IndexOfAny(terminator, (byte)0);
            if (i >= 0)
            {
                if (span[i] == terminator)
                {
                    length = scanned + i;
                    needed = length + trailer;
                    return needed <= input.Length ? Line.Complete : Line.Incomplete;
                }

                blockedByNul = true;
                break;
            }

            scanned += span.Length;
            if (scanned == scanLimit)
            {
                break;
            }
        }

        length = 0;
        if (input.Length > MaxLineLength)
        {
            needed = 0;
            return Line.TooLong;
        }

        // Past a NUL the line can only end in the "too big" error, once more than 64 KB are buffered.
        needed = blockedByNul ? MaxLineLength + 1 : input.Length + 1;
        return Line.Incomplete;
    }
}
