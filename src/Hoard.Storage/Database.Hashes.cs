using System.Buffers.Binary;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;

namespace Hoard.Storage;

/// <summary>
/// Hash commands. A hash stays in the packed encoding (one entry, fields in insertion order) while it has at most
/// <see cref="StorageOptions.HashMaxListpackEntries"/> fields, none longer than
/// <see cref="StorageOptions.HashMaxListpackValue"/>; past that it becomes a <see cref="HashTable"/>.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>HSET / HSETNX of one field; <paramref name="added"/> tells whether the field is new.</summary>
    public StorageStatus HashSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, bool onlyIfNew, out bool added)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return SetField(k, key, field, value, onlyIfNew, out added);
        }
    }

    /// <summary>
    /// Applies a fields-set record (<see cref="Replication.RecordKind.HashFieldsSet"/>): the key becomes a hash holding
    /// these fields (<paramref name="fields"/> in the packed form) besides its others. A missing key, or one of another
    /// type, becomes a new hash expiring at <paramref name="expireAt"/>; an existing hash keeps its expiry. With
    /// <paramref name="replicate"/> (a slot move's import) each field set is this node's own write.
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="fields"/> is not a packed hash with a field.</exception>
    internal StorageStatus ApplyFieldsSet(ReadOnlySpan<byte> key, long expireAt, ReadOnlySpan<byte> fields, bool replicate)
    {
        if (!PackedHash.IsValid(fields) || PackedHash.Count(fields) == 0)
        {
            throw new InvalidDataException($"A fields-set record holds no fields or malformed ones ({fields.Length} bytes).");
        }

        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            if (expireAt != 0 && expireAt <= _keyspace.NowMs())
            {
                DeleteIfPresent(k, key, replicate);
                return StorageStatus.Ok;
            }

            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot != null && k.Shard.EntryAt(slot).Type is not (EntryType.HashPacked or EntryType.HashTable))
            {
                k.Shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
            }

            foreach (var (field, value) in PackedHash.Enumerate(fields))
            {
                var status = SetField(k, key, field, value, onlyIfNew: false, out _, expireAt, replicate);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
            }

            return StorageStatus.Ok;
        }
    }

    /// <summary>Applies a field-delete record (<see cref="Replication.RecordKind.HashFieldDelete"/>).</summary>
    internal void ApplyFieldDelete(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, bool replicate)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            DeleteField(k, key, field, replicate, out _);
        }
    }

    /// <summary>HGET: the field's value into <paramref name="sink"/>.</summary>
    public StorageStatus HashGet<TSink>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var status = FindField(k.Shard, k.Shard.EntryAt(slot), field, out var value);
            if (status == StorageStatus.Ok)
            {
                sink.Write(value);
            }

            return status;
        }
    }

    /// <summary>HDEL of one field; deleting the last field deletes the key.</summary>
    public StorageStatus HashDelete(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, out bool removed)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return DeleteField(k, key, field, replicate: true, out removed);
        }
    }

    private static StorageStatus DeleteField(KeyRef k, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, bool replicate, out bool removed)
    {
        var shard = k.Shard;
        removed = false;
        var slot = shard.Find(key, k.Db, k.Hash);
        if (slot == null)
        {
            return StorageStatus.Ok;
        }

        var e = shard.EntryAt(slot);
        if (e.Type == EntryType.HashTable)
        {
            var table = shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
            var before = table.ByteSize;
            removed = table.Remove(field);
            shard.ReserveObjectBytes(table.ByteSize - before);
            FinishFieldRemoval(shard, slot, field, removed, table.Count, replicate);
            return StorageStatus.Ok;
        }

        if (e.Type != EntryType.HashPacked)
        {
            return StorageStatus.WrongType;
        }

        if (!PackedHash.Contains(e.Value, field))
        {
            return StorageStatus.Ok;
        }

        removed = true;
        if (PackedHash.Count(e.Value) == 1)
        {
            shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
            return StorageStatus.Ok;
        }

        var blobSize = PackedHash.SizeAfterDelete(e.Value, field);
        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, blobSize, e.HasExpiry), out slot, out var log);
        if (status != StorageStatus.Ok || slot == null)
        {
            removed = slot != null && removed;
            return status;
        }

        e = shard.EntryAt(slot);
        ReadOnlySpan<byte> old = e.Value;
        PackedHash.Delete(old, field, shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.HashPacked, blobSize, e.ExpireAt));
        shard.FieldRemoved(slot, field, replicate);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    /// <summary>HLEN; 0 for a missing key.</summary>
    public StorageStatus HashLength(ReadOnlySpan<byte> key, out long length)
    {
        var k = new KeyRef(this, key);
        length = 0;
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.Ok;
            }

            var e = k.Shard.EntryAt(slot);
            switch (e.Type)
            {
                case EntryType.HashPacked:
                    length = PackedHash.Count(e.Value);
                    return StorageStatus.Ok;
                case EntryType.HashTable:
                    length = k.Shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value)).Count;
                    return StorageStatus.Ok;
                default:
                    return StorageStatus.WrongType;
            }
        }
    }

    /// <summary>HGETALL (and HKEYS/HVALS): every field and value into <paramref name="sink"/>, in the hash's order.</summary>
    public StorageStatus HashGetAll<TSink>(ReadOnlySpan<byte> key, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var e = k.Shard.EntryAt(slot);
            switch (e.Type)
            {
                case EntryType.HashPacked:
                    foreach (var item in PackedHash.Enumerate(e.Value))
                    {
                        sink.Write(item.Field, item.Value);
                    }

                    return StorageStatus.Ok;
                case EntryType.HashTable:
                    foreach (var pair in k.Shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value)))
                    {
                        sink.Write(pair.Key, pair.Value);
                    }

                    return StorageStatus.Ok;
                default:
                    return StorageStatus.WrongType;
            }
        }
    }

    /// <summary>HINCRBY; the new value in <paramref name="result"/>.</summary>
    public StorageStatus HashIncrement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, long delta, out long result)
    {
        var k = new KeyRef(this, key);
        result = 0;
        lock (k.Shard.Gate)
        {
            var status = ReadField(k, key, field, out var current);
            long value = 0;
            if (status == StorageStatus.Ok && !RedisNumber.TryParseInt64(current, out value))
            {
                return StorageStatus.NotInteger;
            }

            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                return status;
            }

            if ((delta > 0 && value > long.MaxValue - delta) || (delta < 0 && value < long.MinValue - delta))
            {
                return StorageStatus.Overflow;
            }

            result = value + delta;
            Span<byte> text = stackalloc byte[RedisNumber.MaxInt64Length];
            System.Buffers.Text.Utf8Formatter.TryFormat(result, text, out var n);
            return SetField(k, key, field, text[..n], onlyIfNew: false, out _);
        }
    }

    /// <summary>HINCRBYFLOAT; the new value in <paramref name="result"/>.</summary>
    public StorageStatus HashIncrementFloat(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, double delta, out double result)
    {
        var k = new KeyRef(this, key);
        result = 0;
        lock (k.Shard.Gate)
        {
            var status = ReadField(k, key, field, out var current);
            double value = 0;
            if (status == StorageStatus.Ok && !RedisNumber.TryParseDouble(current, out value))
            {
                return StorageStatus.NotFloat;
            }

            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                return status;
            }

            result = value + delta;
            if (!double.IsFinite(result))
            {
                return StorageStatus.NotFinite;
            }

            Span<byte> text = stackalloc byte[RedisNumber.MaxDoubleLength];
            var n = RedisNumber.FormatDouble(result, text);
            return SetField(k, key, field, text[..n], onlyIfNew: false, out _);
        }
    }

    private static StorageStatus ReadField(KeyRef k, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        value = default;
        var slot = k.Shard.Find(key, k.Db, k.Hash);
        return slot == null ? StorageStatus.NotFound : FindField(k.Shard, k.Shard.EntryAt(slot), field, out value);
    }

    private static StorageStatus FindField(Shard shard, Entry e, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        value = default;
        switch (e.Type)
        {
            case EntryType.HashPacked:
                ReadOnlySpan<byte> blob = e.Value;
                if (!PackedHash.TryGet(blob, field, out var offset, out var length))
                {
                    return StorageStatus.NotFound;
                }

                value = blob.Slice(offset, length);
                return StorageStatus.Ok;
            case EntryType.HashTable:
                if (!shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value)).TryGetValue(field, out var bytes))
                {
                    return StorageStatus.NotFound;
                }

                value = bytes;
                return StorageStatus.Ok;
            default:
                return StorageStatus.WrongType;
        }
    }

    /// <summary>
    /// Sets one field under the shard lock, converting the encoding when the hash outgrows the packed one. A new key
    /// expires at <paramref name="newKeyExpireAt"/>.
    /// </summary>
    private StorageStatus SetField(KeyRef k, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, bool onlyIfNew,
        out bool added, long newKeyExpireAt = 0, bool replicate = true)
    {
        var shard = k.Shard;
        added = false;
        var options = _keyspace.Options;
        var fitsPacked = field.Length <= options.HashMaxListpackValue && value.Length <= options.HashMaxListpackValue;
        var slot = shard.Find(key, k.Db, k.Hash);
        if (slot == null)
        {
            added = true;
            return fitsPacked && options.HashMaxListpackEntries > 0
                ? WritePacked(k, key, PackedHash.Empty, field, value, newKeyExpireAt, replicate)
                : WriteTable(k, key, HashTable.FromPacked(PackedHash.Empty), field, value, newKeyExpireAt, replicate);
        }

        var e = shard.EntryAt(slot);
        if (e.Type == EntryType.HashTable)
        {
            var handle = BinaryPrimitives.ReadInt32LittleEndian(e.Value);
            var table = shard.GetObject<HashTable>(handle);
            var present = table.TryGetValue(field, out var oldValue);
            if (onlyIfNew && present)
            {
                return StorageStatus.NotApplied;
            }

            // Reserve the growth before changing the table: a refused reservation must leave the hash as it was
            // (and the shard's count of object bytes equal to what its tables hold).
            var growth = HashTable.EntryByteSize(field.Length, value.Length)
                - (present ? HashTable.EntryByteSize(field.Length, oldValue!.Length) : 0);
            if (!shard.ReserveObjectBytes(growth))
            {
                return StorageStatus.OutOfMemory;
            }

            var again = shard.Find(key, k.Db, k.Hash);
            if (again == null || shard.EntryAt(again).Type != EntryType.HashTable
                || BinaryPrimitives.ReadInt32LittleEndian(shard.EntryAt(again).Value) != handle)
            {
                // Making room evicted this very hash: give the bytes back and start over on the missing key.
                shard.ReserveObjectBytes(-growth);
                return SetField(k, key, field, value, onlyIfNew, out added, newKeyExpireAt, replicate);
            }

            added = table.Set(field, value);
            shard.WrittenField(again, field, value, replicate);
            return StorageStatus.Ok;
        }

        if (e.Type != EntryType.HashPacked)
        {
            return StorageStatus.WrongType;
        }

        ReadOnlySpan<byte> blob = e.Value;
        var exists = PackedHash.TryGet(blob, field, out var offset, out var length);
        if (onlyIfNew && exists)
        {
            return StorageStatus.NotApplied;
        }

        added = !exists;
        if (exists && length == value.Length)
        {
            value.CopyTo(e.Value.Slice(offset, length));
            shard.WrittenField(slot, field, value, replicate);
            return StorageStatus.Ok;
        }

        if (!fitsPacked || (added && PackedHash.Count(blob) + 1 > options.HashMaxListpackEntries))
        {
            return WriteTable(k, key, HashTable.FromPacked(blob), field, value, e.ExpireAt, replicate);
        }

        return WritePacked(k, key, blob, field, value, e.ExpireAt, replicate);
    }

    /// <summary>Writes a packed hash: <paramref name="blob"/> with the field set. The blob may live in the old entry.</summary>
    private static StorageStatus WritePacked(KeyRef k, ReadOnlySpan<byte> key, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field,
        ReadOnlySpan<byte> value, long expireAt, bool replicate)
    {
        var shard = k.Shard;
        var blobSize = PackedHash.SizeAfterSet(blob, field, value, out _);
        var hadKey = blob.Length > PackedHash.EmptyLength;
        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, blobSize, expireAt != 0), out var slot, out var log);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (hadKey)
        {
            if (slot == null)
            {
                blob = PackedHash.Empty; // evicted while making room: the field goes into a new hash
                blobSize = PackedHash.SizeAfterSet(blob, field, value, out _);
            }
            else
            {
                blob = shard.EntryAt(slot).Value; // making room may have moved the entry
            }
        }

        PackedHash.Set(blob, field, value, shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.HashPacked, blobSize, expireAt));
        shard.WrittenField(slot, field, value, replicate);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    private static StorageStatus WriteTable(KeyRef k, ReadOnlySpan<byte> key, HashTable table, ReadOnlySpan<byte> field,
        ReadOnlySpan<byte> value, long expireAt, bool replicate)
    {
        var shard = k.Shard;
        table.Set(field, value);
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

        // Making room may have evicted the very hash this one converts: it comes back whole, and says so.
        var whole = slot == null && table.Count > 1;
        Span<byte> handle = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(handle, shard.AddObject(table));
        handle.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.HashTable, sizeof(int), expireAt));
        if (whole)
        {
            shard.Written(slot, replicate);
        }
        else
        {
            shard.WrittenField(slot, field, value, replicate);
        }
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    private static void FinishFieldRemoval(Shard shard, ulong* slot, ReadOnlySpan<byte> field, bool removed, int remaining, bool replicate)
    {
        if (!removed)
        {
            return;
        }

        if (remaining == 0)
        {
            shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
        }
        else
        {
            shard.FieldRemoved(slot, field, replicate);
        }
    }
}
