using System.Buffers.Text;
using System.Globalization;

namespace Hoard.Storage;

/// <summary>Redis's number rules: strict integer parsing (string2ll) and human-friendly float formatting.</summary>
public static class RedisNumber
{
    /// <summary>Longest decimal form of a 64-bit integer.</summary>
    public const int MaxInt64Length = 20;

    /// <summary>Buffer size that fits any <see cref="FormatDouble"/> output.</summary>
    public const int MaxDoubleLength = 400;

    /// <summary>
    /// Parses a decimal 64-bit integer the way Redis does: optional '-', digits, no '+', no spaces, no leading
    /// zeros (except "0" itself), nothing after.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxInt64Length)
        {
            return false;
        }

        var digits = text[0] == (byte)'-' ? text[1..] : text;
        if (digits.IsEmpty || !char.IsAsciiDigit((char)digits[0]) || (digits[0] == (byte)'0' && (digits.Length > 1 || text.Length > 1)))
        {
            return false;
        }

        return Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;
    }

    /// <summary>Parses a float as INCRBYFLOAT accepts it: no spaces, no NaN.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxDoubleLength || IsSpace(text[0]) || IsSpace(text[^1]))
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    /// <summary>
    /// Formats a finite double as Redis's INCRBYFLOAT stores it: the shortest text that reads back as the same
    /// number, never in exponent form, without trailing zeros. Returns bytes written.
    /// </summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        Span<char> chars = stackalloc char[MaxDoubleLength];
        if (!value.TryFormat(chars, out var n, "R", CultureInfo.InvariantCulture) || chars[..n].Contains('E'))
        {
            value.TryFormat(chars, out n, Math.Abs(value) >= 1 ? "F0" : "F20", CultureInfo.InvariantCulture);
            if (chars[..n].Contains('.'))
            {
                while (chars[n - 1] == '0')
                {
                    n--;
                }

                if (chars[n - 1] == '.')
                {
                    n--;
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            destination[i] = (byte)chars[i];
        }

        return n;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\v' or (byte)'\f';
}
