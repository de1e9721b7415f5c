using System.Buffers.Text;
using System.Globalization;

namespace Hoard.Protocol;

/// <summary>
/// Formats a double the way Redis 7.2+ does for replies (<c>d2string</c> in util.c, used by <c>addReplyDouble</c> for
/// both RESP2 and RESP3): <c>nan</c>, <c>inf</c>, <c>-inf</c>, <c>0</c> and <c>-0</c> spelled out; integral values within
/// ±2^62 as integers; anything else as the shortest digits that round-trip, laid out as fpconv's <c>emit_digits</c>
/// does (plain up to 1e21-ish, <c>0.000001</c> down to 1e-6, otherwise <c>1.5e-7</c> / <c>1e+100</c>, exponent without
/// padding).
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#doubles">RESP specification</see>.
/// </summary>
/// <remarks>
/// The digits come from .NET's shortest round-trip formatting; Redis's Grisu2 finds the same digits except in rare
/// cases where it emits one digit more. Either way the text parses back to the same double.
/// </remarks>
internal static class RespDouble
{
    /// <summary>Enough for any output (<c>-1.2345678901234567e-308</c> is 24 bytes).</summary>
    internal const int MaxLength = 32;

    // double2ll's safe range: |d| <= LLONG_MAX/2, which as a double is 2^62.
    private const double IntegralLimit = 4611686018427387904.0;

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes).</summary>
    internal static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("nan"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "inf"u8 : "-inf"u8, destination);
        }

        if (value == 0)
        {
            return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, destination);
        }

        int written;
        if (value is >= -IntegralLimit and <= IntegralLimit)
        {
            var integral = (long)value;
            if (integral == value)
            {
                Utf8Formatter.TryFormat(integral, destination, out written);
                return written;
            }
        }

        Span<byte> text = stackalloc byte[MaxLength];
        value.TryFormat(text, out written, "R", CultureInfo.InvariantCulture);
        Span<byte> digits = stackalloc byte[MaxLength];
        var exponent = Decompose(text[..written], digits, out var count);
        return Emit(digits[..count], exponent, value < 0, destination);
    }

    /// <summary>
    /// Splits .NET's round-trip text (<c>-1.25E-07</c>, <c>0.001</c>) into significant digits without leading or
    /// trailing zeros and the power of ten K such that the value is ±digits × 10^K.
    /// </summary>
    private static int Decompose(ReadOnlySpan<byte> text, Span<byte> digits, out int count)
    {
        count = 0;
        var point = -1;
        var exponent = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit((char)c))
            {
                digits[count++] = c;
            }
            else if (c == '.')
            {
                point = count;
            }
            else if (c is (byte)'E' or (byte)'e')
            {
                var negative = text[i + 1] == '-';
                for (var j = i + 1; j < text.Length; j++)
                {
                    if (char.IsAsciiDigit((char)text[j]))
                    {
                        exponent = (exponent * 10) + (text[j] - '0');
                    }
                }

                exponent = negative ? -exponent : exponent;
                break;
            }
        }

        var k = (point < 0 ? count : point) - count + exponent;
        var leading = 0;
        while (leading < count - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits[leading..count].CopyTo(digits);
        count -= leading;
        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
            k++;
        }

        return k;
    }

    /// <summary>fpconv's <c>emit_digits</c>: lays out digits × 10^K.</summary>
    private static int Emit(ReadOnlySpan<byte> digits, int k, bool negative, Span<byte> destination)
    {
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        var count = digits.Length;
        var exponent = Math.Abs(k + count - 1);
        if (k >= 0 && exponent < count + 7)
        {
            // Plain integer: the digits, then K zeros.
            digits.CopyTo(destination[at..]);
            destination.Slice(at + count, k).Fill((byte)'0');
            return at + count + k;
        }

        if (k < 0 && (k > -7 || exponent < 4))
        {
            // Plain decimal.
            var offset = count + k;
            if (offset <= 0)
            {
                "0."u8.CopyTo(destination[at..]);
                destination.Slice(at + 2, -offset).Fill((byte)'0');
                digits.CopyTo(destination[(at + 2 - offset)..]);
                return at + 2 - offset + count;
            }

            digits[..offset].CopyTo(destination[at..]);
            destination[at + offset] = (byte)'.';
            digits[offset..].CopyTo(destination[(at + offset + 1)..]);
            return at + count + 1;
        }

        // Scientific: d[.ddd]e±X, the exponent unpadded (1e+9, 1e-7, 1e+100, 1e+105).
        count = Math.Min(count, negative ? 17 : 18);
        destination[at++] = digits[0];
        if (count > 1)
        {
            destination[at++] = (byte)'.';
            digits[1..count].CopyTo(destination[at..]);
            at += count - 1;
        }

        destination[at++] = (byte)'e';
        destination[at++] = k + count - 1 < 0 ? (byte)'-' : (byte)'+';
        var hundreds = exponent / 100;
        if (hundreds > 0)
        {
            destination[at++] = (byte)('0' + hundreds);
            exponent -= hundreds * 100;
        }

        if (exponent > 9)
        {
            destination[at++] = (byte)('0' + (exponent / 10));
            exponent %= 10;
        }
        else if (hundreds > 0)
        {
            destination[at++] = (byte)'0';
        }

        destination[at++] = (byte)('0' + exponent);
        return at;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
