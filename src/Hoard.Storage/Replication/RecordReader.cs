using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Replication;

/// <summary>
/// One replication record read from the start of a buffer (<see cref="ReplicationRecord"/> describes the format).
/// The spans point into that buffer. Members a kind does not have are 0 or empty.
/// </summary>
public readonly ref struct RecordReader
{
    private const int MaxDatabase = byte.MaxValue;

    /// <summary>Reads the record at the start of <paramref name="buffer"/> (bytes after it are ignored).</summary>
    /// <exception cref="InvalidDataException">The record is incomplete or malformed.</exception>
    public RecordReader(ReadOnlySpan<byte> buffer)
    {
        if (!TryRead(buffer, out this))
        {
            throw new InvalidDataException("Incomplete replication record.");
        }
    }

    /// <summary>What the record says.</summary>
    public RecordKind Kind { get; private init; }

    /// <summary>The record's length in bytes.</summary>
    public int Length { get; private init; }

    /// <summary>The (logical) database of an upsert, delete or database flush; the first of a swap.</summary>
    public int Database { get; private init; }

    /// <summary>The second database of a swap.</summary>
    public int OtherDatabase { get; private init; }

    /// <summary>The key of a record about one key (every kind but flushes and swaps).</summary>
    public ReadOnlySpan<byte> Key { get; private init; }

    /// <summary>How an upsert's <see cref="Value"/> is to be read.</summary>
    public RecordValueType Type { get; private init; }

    /// <summary>The absolute expiry in Unix milliseconds, 0 for none, of an upsert or fields-set record.</summary>
    public long ExpireAt { get; private init; }

    /// <summary>An upsert's value, or a fields-set record's packed hash of the fields.</summary>
    public ReadOnlySpan<byte> Value { get; private init; }

    /// <summary>The field a field-delete record removes.</summary>
    public ReadOnlySpan<byte> Field { get; private init; }

    /// <summary>An object operation record's operation (its value type's own numbering); its payload is <see cref="Value"/>.</summary>
    public byte Operation { get; private init; }

    /// <summary>Whether the record is about one key (<see cref="Key"/>), not a database.</summary>
    public bool HasKey => Kind is RecordKind.Upsert or RecordKind.Delete or RecordKind.HashFieldsSet or RecordKind.HashFieldDelete
        or RecordKind.ObjectOperation;

    /// <summary>Reads a record; false when <paramref name="buffer"/> does not hold all of it yet.</summary>
    /// <exception cref="InvalidDataException">An unknown kind or type, or a malformed or impossible length.</exception>
    internal static bool TryRead(ReadOnlySpan<byte> buffer, out RecordReader record)
    {
        record = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        var kind = (RecordKind)buffer[0];
        var p = 1;
        switch (kind)
        {
            case RecordKind.Upsert:
            {
                if (!TryReadKeyed(buffer, ref p, out var db, out var key) || buffer.Length - p < 1)
                {
                    return false;
                }

                var type = (RecordValueType)buffer[p++];
                if (type > RecordValueType.SortedSet)
                {
                    throw new InvalidDataException($"Unknown value type {(byte)type} in a replication record.");
                }

                if (!TryReadInt64(buffer, ref p, out var expireAt) || !TryReadBytes(buffer, ref p, out var value))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db, Key = key, Type = type, ExpireAt = expireAt, Value = value };
                return true;
            }

            case RecordKind.Delete:
            {
                if (!TryReadKeyed(buffer, ref p, out var db, out var key))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db, Key = key };
                return true;
            }

            case RecordKind.HashFieldsSet:
            {
                if (!TryReadKeyed(buffer, ref p, out var db, out var key) || !TryReadInt64(buffer, ref p, out var expireAt)
                    || !TryReadBytes(buffer, ref p, out var value))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db, Key = key, Type = RecordValueType.Hash, ExpireAt = expireAt, Value = value };
                return true;
            }

            case RecordKind.HashFieldDelete:
            {
                if (!TryReadKeyed(buffer, ref p, out var db, out var key) || !TryReadBytes(buffer, ref p, out var field))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db, Key = key, Field = field };
                return true;
            }

            case RecordKind.ObjectOperation:
            {
                if (!TryReadKeyed(buffer, ref p, out var db, out var key) || buffer.Length - p < 2)
                {
                    return false;
                }

                var type = (RecordValueType)buffer[p++];
                if (type is < RecordValueType.List or > RecordValueType.SortedSet)
                {
                    throw new InvalidDataException($"Value type {(byte)type} has no operations.");
                }

                var operation = buffer[p++];
                if (!TryReadBytes(buffer, ref p, out var payload))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db, Key = key, Type = type, Operation = operation, Value = payload };
                return true;
            }

            case RecordKind.FlushDatabase:
            {
                if (!TryReadNumber(buffer, ref p, MaxDatabase, out var db))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = db };
                return true;
            }

            case RecordKind.FlushAll:
                record = new RecordReader { Kind = kind, Length = p };
                return true;
            case RecordKind.SwapDatabases:
            {
                if (!TryReadNumber(buffer, ref p, MaxDatabase, out var first) || !TryReadNumber(buffer, ref p, MaxDatabase, out var second))
                {
                    return false;
                }

                record = new RecordReader { Kind = kind, Length = p, Database = first, OtherDatabase = second };
                return true;
            }

            default:
                return ThrowUnknownKind(buffer[0]);
        }
    }

    private static bool TryReadKeyed(ReadOnlySpan<byte> buffer, scoped ref int p, out int db, out ReadOnlySpan<byte> key)
    {
        key = default;
        return TryReadNumber(buffer, ref p, MaxDatabase, out db) && TryReadBytes(buffer, ref p, out key);
    }

    private static bool TryReadInt64(ReadOnlySpan<byte> buffer, scoped ref int p, out long value)
    {
        value = 0;
        if (buffer.Length - p < sizeof(long))
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(buffer[p..]);
        p += sizeof(long);
        return true;
    }

    /// <summary>A length (at most <see cref="Keyspace.MaxValueLength"/>) and that many bytes.</summary>
    private static bool TryReadBytes(ReadOnlySpan<byte> buffer, scoped ref int p, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!TryReadNumber(buffer, ref p, Keyspace.MaxValueLength, out var length) || buffer.Length - p < length)
        {
            return false;
        }

        bytes = buffer.Slice(p, length);
        p += length;
        return true;
    }

    private static bool TryReadNumber(ReadOnlySpan<byte> buffer, scoped ref int p, int max, out int number)
    {
        number = 0;
        var rest = buffer[p..];
        if (rest.IndexOfAnyInRange((byte)0, (byte)0x7F) < 0 && rest.Length < VarInt.MaxLength)
        {
            return false; // every byte so far says another follows
        }

        p += VarInt.Read(rest, out var value);
        if (value > (ulong)max)
        {
            throw new InvalidDataException($"A replication record holds {value} where at most {max} is allowed.");
        }

        number = (int)value;
        return true;
    }

    [DoesNotReturn]
    private static bool ThrowUnknownKind(byte kind) =>
        throw new InvalidDataException($"Unknown replication record kind {kind}.");
}
