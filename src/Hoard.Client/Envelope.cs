using System.Buffers;
using System.Buffers.Binary;

namespace Hoard.Client;

/// <summary>
/// A value as it is stored in the cluster: <c>version(1) freshUntil(int64 LE, Unix ms) computeMs(int32 LE) payload</c>.
/// The key itself lives longer (fail-safe keeps it past <c>freshUntil</c>); <c>computeMs</c> feeds early refresh.
/// </summary>
internal readonly record struct Envelope(long FreshUntil, int ComputeMs, ReadOnlyMemory<byte> Payload)
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + sizeof(long) + sizeof(int);

    public bool IsFresh(long now) => now < FreshUntil;

    public static byte[] Encode<T>(ICacheSerializer serializer, T value, long freshUntil, int computeMs)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var header = buffer.GetSpan(HeaderLength);
        header[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(header[1..], freshUntil);
        BinaryPrimitives.WriteInt32LittleEndian(header[(1 + sizeof(long))..], computeMs);
        buffer.Advance(HeaderLength);
        serializer.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an envelope; false for bytes that are not one (another writer's value under the key).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out Envelope envelope)
    {
        envelope = default;
        var span = bytes.Span;
        if (span.Length < HeaderLength || span[0] != Version)
        {
            return false;
        }

        envelope = new Envelope(
            BinaryPrimitives.ReadInt64LittleEndian(span[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[(1 + sizeof(long))..]),
            bytes[HeaderLength..]);
        return true;
    }
}
