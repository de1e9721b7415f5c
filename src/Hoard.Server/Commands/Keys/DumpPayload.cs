using System.Buffers.Binary;
using System.IO.Hashing;
using Hoard.Storage;
using Hoard.Storage.Replication;

namespace Hoard.Server.Commands.Keys;

/// <summary>
/// DUMP's serialized value, Hoard's own form laid out as Redis lays out its own: <c>type(1) value</c> as a replication
/// record carries them (docs/replication.md, "Records"), then a format version (2 bytes, little-endian) and a CRC-64
/// (ECMA-182, 8 bytes, little-endian) of everything before it. The version is no RDB version, so a payload from
/// Redis is refused as Redis refuses a foreign one: "DUMP payload version or checksum are wrong".
/// </summary>
internal static class DumpPayload
{
    /// <summary>The format's version: 'H' and 1 (Redis's RDB versions are below 100).</summary>
    public const ushort Version = 0x4801;

    private const int TrailerLength = sizeof(ushort) + sizeof(ulong);

    /// <summary>The payload of a key, from its upsert <paramref name="record"/> (<see cref="Database.WriteRecord"/>).</summary>
    public static byte[] FromRecord(ReadOnlySpan<byte> record, out long expireAt)
    {
        var r = new RecordReader(record);
        expireAt = r.ExpireAt;
        return Encode(r.Type, r.Value);
    }

    /// <summary>The payload of a value of <paramref name="type"/>.</summary>
    public static byte[] Encode(RecordValueType type, ReadOnlySpan<byte> value)
    {
        var payload = new byte[1 + value.Length + TrailerLength];
        payload[0] = (byte)type;
        value.CopyTo(payload.AsSpan(1));
        var trailer = payload.AsSpan(1 + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(trailer, Version);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[sizeof(ushort)..], Crc64.HashToUInt64(payload.AsSpan(0, payload.Length - sizeof(ulong))));
        return payload;
    }

    /// <summary>The type and value a payload carries; false when its length, version or checksum is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RecordValueType type, out ReadOnlySpan<byte> value)
    {
        type = default;
        value = default;
        if (payload.Length < 1 + TrailerLength)
        {
            return false;
        }

        var checkedPart = payload[..^sizeof(ulong)];
        if (BinaryPrimitives.ReadUInt16LittleEndian(payload[^TrailerLength..]) != Version
            || BinaryPrimitives.ReadUInt64LittleEndian(payload[^sizeof(ulong)..]) != Crc64.HashToUInt64(checkedPart))
        {
            return false;
        }

        type = (RecordValueType)payload[0];
        value = payload[1..^TrailerLength];
        return true;
    }
}
