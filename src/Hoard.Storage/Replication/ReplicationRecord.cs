using System.Buffers.Binary;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Replication;

/// <summary>
/// The byte format of replication records (docs/replication.md): <c>kind(1)</c>, then by kind
/// <list type="bullet">
/// <item><see cref="RecordKind.Upsert"/>: <c>db(varint) keyLength(varint) key type(1) expireAt(int64 LE, ms, 0 = none) valueLength(varint) value</c></item>
/// <item><see cref="RecordKind.Delete"/>: <c>db(varint) keyLength(varint) key</c></item>
/// <item><see cref="RecordKind.FlushDatabase"/>: <c>db(varint)</c></item>
/// <item><see cref="RecordKind.FlushAll"/>: nothing</item>
/// <item><see cref="RecordKind.SwapDatabases"/>: <c>db(varint) db(varint)</c></item>
/// <item><see cref="RecordKind.HashFieldsSet"/>: <c>db(varint) keyLength(varint) key expireAt(int64 LE) valueLength(varint) value</c>, the value a packed hash of the fields set</item>
/// <item><see cref="RecordKind.HashFieldDelete"/>: <c>db(varint) keyLength(varint) key fieldLength(varint) field</c></item>
/// <item><see cref="RecordKind.ObjectOperation"/>: <c>db(varint) keyLength(varint) key type(1) operation(1) payloadLength(varint) payload</c></item>
/// </list>
/// Varints are unsigned LEB128; database numbers are the logical ones (as SELECT numbers them).
/// </summary>
public static class ReplicationRecord
{
    /// <summary>The largest record that has no key or value (flushes and swaps).</summary>
    internal const int MaxShortLength = 1 + (2 * 5);

    /// <summary>
    /// Whether <paramref name="buffer"/> starts with a complete record, and if so its <paramref name="length"/> (the
    /// buffer may hold more after it). False when more bytes are needed.
    /// </summary>
    /// <exception cref="InvalidDataException">The buffer starts with an unknown kind, type or a malformed length.</exception>
    public static bool TryGetLength(ReadOnlySpan<byte> buffer, out int length)
    {
        length = RecordReader.TryRead(buffer, out var record) ? record.Length : 0;
        return length > 0;
    }

    internal static int UpsertLength(int db, int keyLength, int valueLength) =>
        1 + VarInt.SizeOf((uint)db) + VarInt.SizeOf((uint)keyLength) + keyLength + 1 + sizeof(long)
        + VarInt.SizeOf((uint)valueLength) + valueLength;

    /// <summary>Writes an upsert record's header and key; returns the span where its value goes.</summary>
    internal static Span<byte> WriteUpsert(Span<byte> destination, int db, ReadOnlySpan<byte> key, RecordValueType type,
        long expireAt, int valueLength)
    {
        var p = WriteKeyed(destination, RecordKind.Upsert, db, key);
        destination[p++] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(destination[p..], expireAt);
        p += sizeof(long);
        p += VarInt.Write(destination[p..], (uint)valueLength);
        return destination.Slice(p, valueLength);
    }

    internal static int HashFieldsSetLength(int db, int keyLength, int valueLength) =>
        UpsertLength(db, keyLength, valueLength) - 1;

    /// <summary>Writes a fields-set record's header and key; returns the span where its packed fields go.</summary>
    internal static Span<byte> WriteHashFieldsSet(Span<byte> destination, int db, ReadOnlySpan<byte> key, long expireAt, int valueLength)
    {
        var p = WriteKeyed(destination, RecordKind.HashFieldsSet, db, key);
        BinaryPrimitives.WriteInt64LittleEndian(destination[p..], expireAt);
        p += sizeof(long);
        p += VarInt.Write(destination[p..], (uint)valueLength);
        return destination.Slice(p, valueLength);
    }

    internal static int HashFieldDeleteLength(int db, int keyLength, int fieldLength) =>
        DeleteLength(db, keyLength) + VarInt.SizeOf((uint)fieldLength) + fieldLength;

    internal static int WriteHashFieldDelete(Span<byte> destination, int db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field)
    {
        var p = WriteKeyed(destination, RecordKind.HashFieldDelete, db, key);
        p += VarInt.Write(destination[p..], (uint)field.Length);
        field.CopyTo(destination[p..]);
        return p + field.Length;
    }

    internal static int ObjectOperationLength(int db, int keyLength, int payloadLength) =>
        UpsertLength(db, keyLength, payloadLength) - sizeof(long) + 1;

    /// <summary>Writes an object operation record's header and key; returns the span where its payload goes.</summary>
    internal static Span<byte> WriteObjectOperation(Span<byte> destination, int db, ReadOnlySpan<byte> key, RecordValueType type,
        byte operation, int payloadLength)
    {
        var p = WriteKeyed(destination, RecordKind.ObjectOperation, db, key);
        destination[p++] = (byte)type;
        destination[p++] = operation;
        p += VarInt.Write(destination[p..], (uint)payloadLength);
        return destination.Slice(p, payloadLength);
    }

    internal static int DeleteLength(int db, int keyLength) => 1 + VarInt.SizeOf((uint)db) + VarInt.SizeOf((uint)keyLength) + keyLength;

    internal static int WriteDelete(Span<byte> destination, int db, ReadOnlySpan<byte> key) =>
        WriteKeyed(destination, RecordKind.Delete, db, key);

    internal static int WriteFlushDatabase(Span<byte> destination, int db)
    {
        destination[0] = (byte)RecordKind.FlushDatabase;
        return 1 + VarInt.Write(destination[1..], (uint)db);
    }

    internal static int WriteFlushAll(Span<byte> destination)
    {
        destination[0] = (byte)RecordKind.FlushAll;
        return 1;
    }

    internal static int WriteSwapDatabases(Span<byte> destination, int first, int second)
    {
        destination[0] = (byte)RecordKind.SwapDatabases;
        var p = 1 + VarInt.Write(destination[1..], (uint)first);
        return p + VarInt.Write(destination[p..], (uint)second);
    }

    private static int WriteKeyed(Span<byte> destination, RecordKind kind, int db, ReadOnlySpan<byte> key)
    {
        destination[0] = (byte)kind;
        var p = 1 + VarInt.Write(destination[1..], (uint)db);
        p += VarInt.Write(destination[p..], (uint)key.Length);
        key.CopyTo(destination[p..]);
        return p + key.Length;
    }
}
