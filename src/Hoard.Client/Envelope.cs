using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;

namespace Hoard.Client;

/// <summary>
/// A value as it is stored in the cluster: <c>version(1)=1 flags(1) freshUntil(int64) computeMs(int32) createdAt(int64)
/// tagCount(1) tagCount × (length(uint16) UTF-8 tag) payload</c>, little-endian, times in Unix ms. Flag bit 0: the payload
/// is LZ4-compressed (K4os's pickle format, which carries the length), chosen when the serialized value is longer than
/// the threshold and compression makes it smaller. Flag bit 1: the entry is a stale value fail-safe put back while its
/// source fails. The key lives longer than <c>freshUntil</c> (fail-safe keeps it);
/// <c>computeMs</c> feeds early refresh; <c>createdAt</c> and the tags let a tag's removal (a later time stored for the
/// tag) cover the entry.
/// </summary>
internal readonly record struct Envelope(long FreshUntil, int ComputeMs, long CreatedAt, string[] Tags, ReadOnlyMemory<byte> Payload, bool IsFailSafeCopy)
{
    private const byte Version = 1;
    private const byte Lz4 = 1;
    private const byte FailSafeCopy = 2;
    private const int FixedLength = 1 + 1 + sizeof(long) + sizeof(int) + sizeof(long) + 1;

    /// <summary>The most tags an entry carries.</summary>
    public const int MaxTags = byte.MaxValue;

    public bool IsFresh(long now) => now < FreshUntil;

    /// <summary>
    /// The stored bytes of <paramref name="value"/>; compressed when serialized it is longer than
    /// <paramref name="compressAbove"/> (0: never).
    /// </summary>
    public static byte[] Encode<T>(ICacheSerializer serializer, T value, long freshUntil, int computeMs, long createdAt,
        IReadOnlyList<string>? tags, int compressAbove, bool failSafeCopy = false)
    {
        tags ??= [];
        if (tags.Count > MaxTags)
        {
            throw new ArgumentException($"An entry carries at most {MaxTags} tags.", nameof(tags));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        var header = buffer.GetSpan(FixedLength);
        header[0] = Version;
        header[1] = failSafeCopy ? FailSafeCopy : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(header[2..], freshUntil);
        BinaryPrimitives.WriteInt32LittleEndian(header[10..], computeMs);
        BinaryPrimitives.WriteInt64LittleEndian(header[14..], createdAt);
        header[22] = (byte)tags.Count;
        buffer.Advance(FixedLength);
        foreach (var tag in tags)
        {
            var bytes = Encoding.UTF8.GetBytes(tag);
            if (bytes.Length > ushort.MaxValue)
            {
                throw new ArgumentException("A tag is at most 65,535 bytes.", nameof(tags));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(buffer.GetSpan(2), (ushort)bytes.Length);
            buffer.Advance(2);
            buffer.Write(bytes);
        }

        var headerLength = buffer.WrittenCount;
        serializer.Serialize(value, buffer);
        var payload = buffer.WrittenSpan[headerLength..];
        if (compressAbove > 0 && payload.Length > compressAbove && LZ4Pickler.Pickle(payload) is var packed && packed.Length < payload.Length)
        {
            var compressed = new byte[headerLength + packed.Length];
            buffer.WrittenSpan[..headerLength].CopyTo(compressed);
            compressed[1] |= Lz4;
            packed.CopyTo(compressed.AsSpan(headerLength));
            return compressed;
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an envelope; false for bytes that are not one (another writer's value under the key).</summary>
    /// <exception cref="InvalidDataException">The bytes are an envelope's, but cut short or corrupt.</exception>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out Envelope envelope)
    {
        envelope = default;
        var span = bytes.Span;
        if (span.Length < FixedLength || span[0] != Version || (span[1] & ~(Lz4 | FailSafeCopy)) != 0)
        {
            return false;
        }

        var tags = new string[span[22]];
        var p = FixedLength;
        for (var i = 0; i < tags.Length; i++)
        {
            var length = span.Length - p >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(span[p..]) : int.MaxValue;
            if (span.Length - p - 2 < length)
            {
                throw new InvalidDataException("An entry's tags run past its end.");
            }

            tags[i] = Encoding.UTF8.GetString(span.Slice(p + 2, length));
            p += 2 + length;
        }

        var payload = (span[1] & Lz4) != 0 ? LZ4Pickler.Unpickle(span[p..]) : bytes[p..];
        envelope = new Envelope(
            BinaryPrimitives.ReadInt64LittleEndian(span[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[10..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[14..]),
            tags,
            payload,
            (span[1] & FailSafeCopy) != 0);
        return true;
    }
}
