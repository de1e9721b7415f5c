namespace Hoard.Protocol;

/// <summary>
/// Parses the decimal counts and lengths in request headers with exactly the rules of Redis's
/// <c>string2ll</c> (util.c): no sign but an optional <c>-</c>, no leading zeros (a lone <c>0</c> is fine, <c>-0</c>
/// is not), no spaces, at most 20 characters, no overflow.
/// </summary>
internal static class RespInteger
{
    /// <summary>The longest text <c>string2ll</c> accepts (<c>LONG_STR_SIZE - 1</c>).</summary>
    internal const int MaxLength = 20;

    /// <summary>Parses <paramref name="text"/>; returns false where Redis's <c>string2ll</c> would.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }

        if (text.Length == 1 && text[0] == (byte)'0')
        {
            return true;
        }

        var i = 0;
        var negative = text[0] == (byte)'-';
        if (negative && ++i == text.Length)
        {
            return false;
        }

        // The first digit must be 1-9: a longer number never starts with 0.
        var first = (uint)(text[i] - '1');
        if (first > 8)
        {
            return false;
        }

        ulong v = first + 1;
        for (i++; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9 || v > ulong.MaxValue / 10)
            {
                return false;
            }

            v *= 10;
            if (v > ulong.MaxValue - digit)
            {
                return false;
            }

            v += digit;
        }

        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = unchecked((long)(0UL - v));
            return true;
        }

        if (v > long.MaxValue)
        {
            return false;
        }

        value = (long)v;
        return true;
    }
}
