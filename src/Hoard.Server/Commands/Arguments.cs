using System.Buffers.Text;
using Hoard.Storage;

namespace Hoard.Server.Commands;

/// <summary>Argument parsing with Redis's rules (strict integers as string2ll, floats as strtold).</summary>
public static class Arguments
{
    /// <summary>Parses a 64-bit integer as Redis does; false means "-ERR value is not an integer or out of range".</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value) => RedisNumber.TryParseInt64(text, out value);

    /// <summary>Parses a float as Redis does (also "inf", "-inf"); false means "-ERR value is not a valid float".</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        if (text.Length is 3 or 4 or 8 or 9)
        {
            if (EqualsIgnoreCase(text, "inf"u8) || EqualsIgnoreCase(text, "+inf"u8) || EqualsIgnoreCase(text, "infinity"u8))
            {
                value = double.PositiveInfinity;
                return true;
            }

            if (EqualsIgnoreCase(text, "-inf"u8) || EqualsIgnoreCase(text, "-infinity"u8))
            {
                value = double.NegativeInfinity;
                return true;
            }
        }

        return RedisNumber.TryParseDouble(text, out value);
    }

    /// <summary>ASCII case-insensitive comparison against a lower- or upper-case literal.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word) => System.Text.Ascii.EqualsIgnoreCase(text, word);

    /// <summary>Formats an integer into <paramref name="destination"/>; returns the bytes.</summary>
    public static ReadOnlySpan<byte> Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return destination[..written];
    }
}
