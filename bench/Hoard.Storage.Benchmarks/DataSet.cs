using System.Buffers;
using System.Buffers.Text;

namespace Hoard.Storage.Benchmarks;

/// <summary>
/// The benchmark data: keys <c>key:%08d</c> (12 bytes) with 32-byte values <c>val:%08d</c> followed by 20 filler
/// bytes that also depend on the key number, so a read that returns another key's value is caught.
/// </summary>
public static class DataSet
{
    public const int KeyCount = 1_000_000;
    public const int KeyLength = 12;
    public const int ValueLength = 32;

    private static readonly StandardFormat EightDigits = new('D', 8);

    /// <summary>Writes <c>key:%08d</c> into <paramref name="key"/> (12 bytes).</summary>
    public static void WriteKey(int number, Span<byte> key)
    {
        "key:"u8.CopyTo(key);
        FormatDigits(number, key[4..KeyLength]);
    }

    /// <summary>A new array holding <c>key:%08d</c>.</summary>
    public static byte[] Key(int number)
    {
        var key = new byte[KeyLength];
        WriteKey(number, key);
        return key;
    }

    /// <summary>Writes the 32-byte value of key <paramref name="number"/>.</summary>
    public static void WriteValue(int number, Span<byte> value)
    {
        "val:"u8.CopyTo(value);
        FormatDigits(number, value[4..12]);
        for (var i = 12; i < ValueLength; i++)
        {
            value[i] = (byte)('a' + ((number + i) % 26));
        }
    }

    /// <summary>A new array holding the value of key <paramref name="number"/>.</summary>
    public static byte[] Value(int number)
    {
        var value = new byte[ValueLength];
        WriteValue(number, value);
        return value;
    }

    private static void FormatDigits(int number, Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(number, destination, out var written, EightDigits) || written != destination.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "key numbers have 8 digits");
        }
    }
}

/// <summary>
/// Keys in one flat array, 12 bytes each, in a seeded random order. One array instead of a million byte[] objects:
/// reading the next key is sequential (no cache miss of its own, so only the keyspace's misses are measured), and
/// the full garbage collection BenchmarkDotNet forces between iterations has nothing to trace.
/// </summary>
public sealed class KeyBlock
{
    private readonly byte[] _bytes;

    /// <summary>
    /// Keys <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1, each once, shuffled;
    /// only the first <paramref name="take"/> of the shuffle are kept (a random subset).
    /// </summary>
    public KeyBlock(int first, int count, int seed, int take = int.MaxValue)
    {
        var numbers = new int[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = first + i;
        }

        new Random(seed).Shuffle(numbers);
        count = Math.Min(count, take);
        _bytes = new byte[count * DataSet.KeyLength];
        for (var i = 0; i < count; i++)
        {
            DataSet.WriteKey(numbers[i], _bytes.AsSpan(i * DataSet.KeyLength, DataSet.KeyLength));
        }

        Count = count;
    }

    public int Count { get; }

    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(index * DataSet.KeyLength, DataSet.KeyLength);
}

/// <summary>
/// A stream of never-seen keys <c>n:%010d</c> (12 bytes, the length of the preloaded keys, so entries have the
/// same size), produced in one reused buffer by incrementing its decimal digits in place: about a nanosecond
/// per key and no allocation, the same cost for Hoard and the reference.
/// </summary>
public sealed class NewKeys
{
    private const int FirstDigit = 2;

    public NewKeys() => "n:0000000000"u8.CopyTo(Current);

    /// <summary>The current key; overwritten by <see cref="Next"/>.</summary>
    public byte[] Current { get; } = new byte[DataSet.KeyLength];

    /// <summary>Advances to the next key and returns the buffer holding it.</summary>
    public byte[] Next()
    {
        var key = Current;
        var i = key.Length - 1;
        while (key[i] == (byte)'9')
        {
            key[i] = (byte)'0';
            if (--i < FirstDigit)
            {
                throw new InvalidOperationException("new-key space exhausted");
            }
        }

        key[i]++;
        return key;
    }
}
