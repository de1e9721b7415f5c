using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hoard.Storage.Hashes;

/// <summary>
/// Unsigned LEB128 variable-length integers: seven payload bits per byte, least significant group first,
/// the high bit of each byte set when another byte follows. Values below 128 take one byte; a
/// <see cref="ulong"/> takes at most <see cref="MaxLength"/> bytes.
/// </summary>
internal static class VarInt
{
    /// <summary>The largest encoded size of a <see cref="ulong"/>: ceil(64 / 7) bytes.</summary>
    public const int MaxLength = 10;

    /// <summary>Returns how many bytes <see cref="Write"/> uses for <paramref name="value"/> (1 to 10).</summary>
    /// <param name="value">The value to measure.</param>
    /// <returns>The encoded size in bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOf(ulong value)
    {
        // Significant bits (at least 1, so that zero takes a byte), rounded up to whole 7-bit groups.
        // x * 37 >> 8 equals x / 7 for 0 <= x <= 70, which avoids a division.
        int bits = 64 - BitOperations.LeadingZeroCount(value | 1);
        return ((bits + 6) * 37) >> 8;
    }

    /// <summary>Encodes <paramref name="value"/> at the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">Where to write; needs at least <see cref="SizeOf"/> bytes.</param>
    /// <param name="value">The value to encode.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        if (value < 0x80 && destination.Length > 0)
        {
            destination[0] = (byte)value;
            return 1;
        }

        return WriteMultiByte(destination, value);
    }

    /// <summary>
    /// Decodes a value from the start of <paramref name="source"/>; bytes after the encoding are ignored.
    /// </summary>
    /// <param name="source">The bytes to read.</param>
    /// <param name="value">The decoded value.</param>
    /// <returns>The number of bytes consumed.</returns>
    /// <exception cref="InvalidDataException">
    /// The encoding is truncated, longer than <see cref="MaxLength"/> bytes, or overflows 64 bits.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Read(ReadOnlySpan<byte> source, out ulong value)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            value = source[0];
            return 1;
        }

        return ReadMultiByte(source, out value);
    }

    private static int WriteMultiByte(Span<byte> destination, ulong value)
    {
        int size = SizeOf(value);
        if (destination.Length < size)
        {
            ThrowDestinationTooShort(nameof(destination));
        }

        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static int ReadMultiByte(ReadOnlySpan<byte> source, out ulong value)
    {
        ulong result = 0;
        int limit = Math.Min(source.Length, MaxLength);
        for (int i = 0; i < limit; i++)
        {
            byte b = source[i];
            if (i == MaxLength - 1 && b > 1)
            {
                // The tenth byte carries bit 63 only; anything more overflows (or continues further).
                break;
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = result;
                return i + 1;
            }
        }

        value = 0;
        return ThrowMalformed(source.Length < MaxLength);
    }

    [DoesNotReturn]
    private static void ThrowDestinationTooShort(string paramName) =>
        throw new ArgumentException("The destination is too short for the encoded value.", paramName);

    [DoesNotReturn]
    private static int ThrowMalformed(bool possiblyTruncated) =>
        throw new InvalidDataException(possiblyTruncated
            ? "Truncated or malformed variable-length integer."
            : "Variable-length integer is longer than 10 bytes or overflows 64 bits.");
}
