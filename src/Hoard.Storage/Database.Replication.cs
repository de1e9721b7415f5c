using System.Buffers.Binary;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>
/// Exact states: applying replication records (<see cref="Keyspace.Apply"/>, not sent on to the stream), and DUMP /
/// RESTORE of one key (RESTORE is a write like any other).
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>
    /// DUMP and MIGRATE: the key's type, value and absolute expiry, as an upsert record (see
    /// <see cref="RecordReader"/>) written into <paramref name="sink"/> under the key's lock; false when it is absent.
    /// </summary>
    public bool WriteRecord(ReadOnlySpan<byte> key, IRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return false;
            }

            k.Shard.WriteRecord(slot, sink);
            return true;
        }
    }

    /// <summary>
    /// MIGRATE, once the target holds the key: deletes it only if it still holds what <paramref name="record"/> (from
    /// <see cref="WriteRecord"/>) says — a write in between keeps it here; false then, or when it is gone.
    /// </summary>
    public bool DeleteIfUnchanged(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null || !k.Shard.Matches(slot, record))
            {
                return false;
            }

            k.Shard.Remove(slot, KeyEvent.Deleted);
            return true;
        }
    }

    /// <summary>
    /// RESTORE: makes the key hold exactly this value and expiry, as a write (replicated, observed); an expiry that has
    /// passed deletes it. NotApplied (nothing changed) when the key exists and <paramref name="replace"/> is false.
    /// </summary>
    /// <exception cref="InvalidDataException">The value is malformed for its type.</exception>
    public StorageStatus Restore(ReadOnlySpan<byte> key, RecordValueType type, long expireAt, ReadOnlySpan<byte> value, bool replace)
    {
        ThrowIfTooLong(key);
        return Upsert(key, type, expireAt, value, replicate: true, replace);
    }

    /// <summary>Makes the key hold exactly this value and expiry; a passed expiry deletes it.</summary>
    internal StorageStatus ApplyUpsert(ReadOnlySpan<byte> key, RecordValueType type, long expireAt, ReadOnlySpan<byte> value) =>
        Upsert(key, type, expireAt, value, replicate: false, replace: true);

    private StorageStatus Upsert(ReadOnlySpan<byte> key, RecordValueType type, long expireAt, ReadOnlySpan<byte> value, bool replicate, bool replace)
    {
        if (value.Length > Keyspace.MaxValueLength)
        {
            return StorageStatus.TooLarge;
        }

        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            if (!replace && shard.Find(key, k.Db, k.Hash) != null)
            {
                return StorageStatus.NotApplied;
            }

            if (expireAt != 0 && expireAt <= _keyspace.NowMs())
            {
                DeleteIfPresent(k, key, replicate);
                return StorageStatus.Ok;
            }

            switch (type)
            {
                case RecordValueType.String:
                    return PlaceUpsert(k, key, EntryType.StringRaw, value, expireAt, replicate);
                case RecordValueType.Integer when value.Length == sizeof(long):
                    return PlaceUpsert(k, key, EntryType.StringInt, value, expireAt, replicate);
                case RecordValueType.Hash when PackedHash.IsValid(value) && PackedHash.Count(value) > 0:
                    var options = _keyspace.Options;
                    return PackedHash.Count(value) <= options.HashMaxListpackEntries
                        && PackedHash.MaxFieldOrValueLength(value) <= options.HashMaxListpackValue
                        ? PlaceUpsert(k, key, EntryType.HashPacked, value, expireAt, replicate)
                        : PlaceUpsertObject(k, key, EntryType.HashTable, HashTable.FromPacked(value), expireAt, replicate);
                case RecordValueType.List or RecordValueType.Set or RecordValueType.SortedSet:
                    return PlaceUpsertObject(k, key, EntryType.Object, ObjectCodec.FromPacked(type, value, _keyspace.Options), expireAt, replicate);
                default:
                    throw new InvalidDataException($"A {type} value is malformed ({value.Length} bytes).");
            }
        }
    }

    /// <summary>Deletes the key if it exists.</summary>
    internal void ApplyDelete(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            DeleteIfPresent(k, key, replicate: false);
        }
    }

    /// <summary>Deletes the key if it is there; true when it was.</summary>
    private static bool DeleteIfPresent(KeyRef k, ReadOnlySpan<byte> key, bool replicate)
    {
        var slot = k.Shard.Find(key, k.Db, k.Hash);
        if (slot == null)
        {
            return false;
        }

        k.Shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
        return true;
    }

    private static StorageStatus PlaceUpsert(KeyRef k, ReadOnlySpan<byte> key, EntryType type, ReadOnlySpan<byte> value, long expireAt, bool replicate)
    {
        var shard = k.Shard;
        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, value.Length, expireAt != 0), out var slot, out var log);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        value.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, type, value.Length, expireAt));
        shard.Written(slot, replicate);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    private static StorageStatus PlaceUpsertObject(KeyRef k, ReadOnlySpan<byte> key, EntryType type, StoredObject table, long expireAt, bool replicate)
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

        if (slot != null && Shard.IsObject(shard.EntryAt(slot).Type))
        {
            // Place keeps the object of an object replaced by one: remove the old one first (as Transfer does).
            shard.Remove(slot, KeyEvent.Deleted, notify: false, replicate: false); // the upsert record that follows says it all
            slot = null;
        }

        Span<byte> handle = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(handle, shard.AddObject(table));
        handle.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, type, sizeof(int), expireAt));
        shard.Written(slot, replicate);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }
}
