using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace Hoard.Client;

/// <summary>
/// A value as it is stored in the cluster: <c>version(1) freshUntil(int64 LE, Unix ms) computeMs(int32 LE) payload</c>.
/// Version 1 holds the serialized value as it is, version 2 the same compressed with LZ4 (K4os's pickle format, which
/// carries the length), chosen when the value is larger than the threshold and compression makes it smaller. The key
/// itself lives longer (fail-safe keeps it past <c>freshUntil</c>); <c>computeMs</c> feeds early refresh.
/// </summary>
internal readonly record struct Envelope(long FreshUntil, int ComputeMs, ReadOnlyMemory<byte> Payload)
{
    private const byte Plain = 1;
    private const byte Compressed = 2;
    private const int HeaderLength = 1 + sizeof(long) + sizeof(int);

    public bool IsFresh(long now) => now < FreshUntil;

    /// <summary>The stored bytes of <paramref name="value"/>; compressed when serialized it is longer than <paramref name="compressAbove"/> (0: never).</summary>
    public static byte[] Encode<T>(ICacheSerializer serializer, T value, long freshUntil, int computeMs, int compressAbove)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(HeaderLength);
        serializer.Serialize(value, buffer);
        var payload = buffer.WrittenSpan[HeaderLength..];
        if (compressAbove > 0 && payload.Length > compressAbove && LZ4Pickler.Pickle(payload) is var packed && packed.Length < payload.Length)
        {
            var bytes = new byte[HeaderLength + packed.Length];
            WriteHeader(bytes, Compressed, freshUntil, computeMs);
            packed.CopyTo(bytes.AsSpan(HeaderLength));
            return bytes;
        }

        var plain = buffer.WrittenSpan.ToArray();
        WriteHeader(plain, Plain, freshUntil, computeMs);
        return plain;
    }

    /// <summary>Reads an envelope; false for bytes that are not one (another writer's value under the key).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out Envelope envelope)
    {
        envelope = default;
        var span = bytes.Span;
        if (span.Length < HeaderLength || span[0] is not (Plain or Compressed))
        {
            return false;
        }

        var payload = span[0] == Plain ? bytes[HeaderLength..] : LZ4Pickler.Unpickle(span[HeaderLength..]);
        envelope = new Envelope(
            BinaryPrimitives.ReadInt64LittleEndian(span[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[(1 + sizeof(long))..]),
            payload);
        return true;
    }

    private static void WriteHeader(Span<byte> bytes, byte version, long freshUntil, int computeMs)
    {
        bytes[0] = version;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[1..], freshUntil);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[(1 + sizeof(long))..], computeMs);
    }
}
