using System.Buffers.Binary;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>Applying replication records (<see cref="Keyspace.Apply"/>): exact states, not sent on to the stream.</summary>
public sealed unsafe partial class Database
{
    /// <summary>Makes the key hold exactly this value and expiry; a passed expiry deletes it.</summary>
    internal StorageStatus ApplyUpsert(ReadOnlySpan<byte> key, RecordValueType type, long expireAt, ReadOnlySpan<byte> value)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            if (expireAt != 0 && expireAt <= _keyspace.NowMs())
            {
                DeleteApplied(k, key);
                return StorageStatus.Ok;
            }

            switch (type)
            {
                case RecordValueType.String:
                    return PlaceApplied(k, key, EntryType.StringRaw, value, expireAt);
                case RecordValueType.Integer when value.Length == sizeof(long):
                    return PlaceApplied(k, key, EntryType.StringInt, value, expireAt);
                case RecordValueType.Hash when PackedHash.IsValid(value) && PackedHash.Count(value) > 0:
                    var options = _keyspace.Options;
                    return PackedHash.Count(value) <= options.HashMaxListpackEntries
                        && PackedHash.MaxFieldOrValueLength(value) <= options.HashMaxListpackValue
                        ? PlaceApplied(k, key, EntryType.HashPacked, value, expireAt)
                        : PlaceAppliedTable(k, key, HashTable.FromPacked(value), expireAt);
                default:
                    throw new InvalidDataException($"A replication record's {type} value is malformed ({value.Length} bytes).");
            }
        }
    }

    /// <summary>Deletes the key if it exists.</summary>
    internal void ApplyDelete(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            DeleteApplied(k, key);
        }
    }

    private static void DeleteApplied(KeyRef k, ReadOnlySpan<byte> key)
    {
        var slot = k.Shard.Find(key, k.Db, k.Hash);
        if (slot != null)
        {
            k.Shard.Remove(slot, KeyEvent.Deleted, replicate: false);
        }
    }

    private static StorageStatus PlaceApplied(KeyRef k, ReadOnlySpan<byte> key, EntryType type, ReadOnlySpan<byte> value, long expireAt)
    {
        var shard = k.Shard;
        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, value.Length, expireAt != 0), out var slot, out var log);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        value.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, type, value.Length, expireAt));
        shard.Written(slot, replicate: false);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    private static StorageStatus PlaceAppliedTable(KeyRef k, ReadOnlySpan<byte> key, HashTable table, long expireAt)
    {
        var shard = k.Shard;
        if (!shard.ReserveObjectBytes(table.ByteSize))
        {
            return StorageStatus.OutOfMemory;
        }

        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, sizeof(int), expireAt != 0), out var slot, out var log);
        if (status != StorageStatus.Ok)
        {
            shard.ReserveObjectBytes(-table.ByteSize);
            return status;
        }

        if (slot != null && shard.EntryAt(slot).Type == EntryType.HashTable)
        {
            // Place keeps the object of a table replaced by a table: remove the old one first (as Transfer does).
            shard.Remove(slot, KeyEvent.Deleted, notify: false);
            slot = null;
        }

        Span<byte> handle = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(handle, shard.AddObject(table));
        handle.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.HashTable, sizeof(int), expireAt));
        shard.Written(slot, replicate: false);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }
}
