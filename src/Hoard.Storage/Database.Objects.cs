using System.Buffers.Binary;
using Hoard.Storage.Internal;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>
/// The one path every list, set and sorted set command takes to its key's <see cref="StoredObject"/>, under the key's
/// shard lock. A read: <see cref="ReadObject{T}"/>. A write: <see cref="BeginObjectWrite{T}"/> reserves the bytes the
/// write may add (which may evict, this key too, so the key is looked up after), <see cref="AddObjectKey"/> creates a
/// missing key, the type's code changes the object, and <see cref="EndObjectWrite{TPayload}"/> settles the bytes
/// against the object's real growth, deletes a key left empty, and tells the observer and the replication stream (an
/// operation record) — or <see cref="CancelObjectWrite"/> when nothing changed.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>The key's object for a read (a hit or miss; an access for eviction): NotFound, WrongType or Ok.</summary>
    private static StorageStatus ReadObject<T>(KeyRef k, ReadOnlySpan<byte> key, out T? obj) where T : StoredObject
    {
        obj = null;
        var slot = k.Shard.Read(key, k.Db, k.Hash);
        if (slot == null)
        {
            return StorageStatus.NotFound;
        }

        var e = k.Shard.EntryAt(slot);
        if (e.Type != EntryType.Object || k.Shard.ObjectOf(e) is not T found)
        {
            return StorageStatus.WrongType;
        }

        obj = found;
        return StorageStatus.Ok;
    }

    /// <summary>
    /// Starts a write: reserves <paramref name="reserve"/> bytes, then finds the key. Ok with its object, or with
    /// <paramref name="obj"/> null when the key is missing; WrongType or OutOfMemory with nothing reserved.
    /// <paramref name="sizeBefore"/> is the object's size now (0 when missing), for <see cref="EndObjectWrite{TPayload}"/>.
    /// With <paramref name="expire"/> false (applying a record) a key whose TTL passed by this node's clock is still found.
    /// </summary>
    private static StorageStatus BeginObjectWrite<T>(KeyRef k, ReadOnlySpan<byte> key, long reserve, out ulong* slot, out T? obj, out long sizeBefore,
        bool expire = true)
        where T : StoredObject
    {
        obj = null;
        sizeBefore = 0;
        slot = null;
        if (reserve > 0 && !k.Shard.ReserveObjectBytes(reserve))
        {
            return StorageStatus.OutOfMemory;
        }

        slot = expire ? k.Shard.Find(key, k.Db, k.Hash) : k.Shard.FindUnexpired(key, k.Db, k.Hash);
        if (slot == null)
        {
            return StorageStatus.Ok;
        }

        var e = k.Shard.EntryAt(slot);
        if (e.Type != EntryType.Object || k.Shard.ObjectOf(e) is not T found)
        {
            CancelObjectWrite(k, reserve);
            slot = null;
            return StorageStatus.WrongType;
        }

        k.Shard.Touch(slot);
        obj = found;
        sizeBefore = found.ByteSize;
        return StorageStatus.Ok;
    }

    /// <summary>
    /// Makes a missing key (as <see cref="BeginObjectWrite{T}"/> found it) hold <paramref name="obj"/>, with no expiry;
    /// its bytes are counted by <see cref="EndObjectWrite{TPayload}"/> (size before: 0). On failure (OutOfMemory) the
    /// reservation is given back.
    /// </summary>
    private static StorageStatus AddObjectKey(KeyRef k, ReadOnlySpan<byte> key, StoredObject obj, long reserve, out ulong* slot)
    {
        var shard = k.Shard;
        var status = shard.PrepareWrite(key, k.Db, k.Hash, Entry.SizeOf(k.Db, key.Length, sizeof(int), hasExpiry: false), out slot, out var log);
        if (status != StorageStatus.Ok)
        {
            CancelObjectWrite(k, reserve);
            return status;
        }

        Span<byte> handle = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(handle, shard.AddObject(obj));
        handle.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.Object, sizeof(int), expireAt: 0));
        return StorageStatus.Ok;
    }

    /// <summary>
    /// Ends a write that changed <paramref name="obj"/> (at <paramref name="slot"/>): its growth replaces the
    /// reservation in the accounts; a key left without elements is deleted (a delete record); otherwise the observer
    /// hears of it and the stream gets the operation record of <paramref name="operation"/> and
    /// <paramref name="payload"/> unless <paramref name="replicate"/> is false.
    /// </summary>
    private static void EndObjectWrite<TPayload>(KeyRef k, ulong* slot, StoredObject obj, long sizeBefore, long reserve,
        byte operation, scoped in TPayload payload, bool replicate)
        where TPayload : IOperationPayload, allows ref struct
    {
        var shard = k.Shard;
        shard.ForceObjectBytes(obj.ByteSize - sizeBefore - reserve);
        if (obj.Count == 0)
        {
            shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
        }
        else
        {
            shard.ObjectChanged(slot, operation, payload, replicate);
        }

        shard.AfterWrite();
    }

    /// <summary>
    /// Ends a write whose change no operation record describes: like <see cref="EndObjectWrite{TPayload}"/>, but the
    /// stream gets the key's whole value (an upsert record).
    /// </summary>
    private static void EndObjectWrite(KeyRef k, ulong* slot, StoredObject obj, long sizeBefore, long reserve, bool replicate)
    {
        var shard = k.Shard;
        shard.ForceObjectBytes(obj.ByteSize - sizeBefore - reserve);
        if (obj.Count == 0)
        {
            shard.Remove(slot, KeyEvent.Deleted, replicate: replicate);
        }
        else
        {
            shard.Written(slot, replicate);
        }

        shard.AfterWrite();
    }

    /// <summary>Gives back a reservation of <see cref="BeginObjectWrite{T}"/> when the write changed nothing.</summary>
    private static void CancelObjectWrite(KeyRef k, long reserve)
    {
        if (reserve > 0)
        {
            k.Shard.ForceObjectBytes(-reserve);
        }
    }

    /// <summary>
    /// Applies an object operation record (<see cref="RecordKind.ObjectOperation"/>): the operation, replayed on this
    /// node's copy of the key, leaves it as the writer's. With <paramref name="replicate"/> (a slot move's import) the
    /// change is this node's own write.
    /// </summary>
    /// <exception cref="InvalidDataException">The operation or its payload is unknown or malformed.</exception>
    internal StorageStatus ApplyObjectOperation(ReadOnlySpan<byte> key, RecordValueType type, byte operation, ReadOnlySpan<byte> payload, bool replicate) => type switch
    {
        RecordValueType.Set => ApplySetOperation(key, operation, payload, replicate),
        RecordValueType.SortedSet => ApplySortedSetOperation(key, operation, payload, replicate),
        RecordValueType.List => ApplyListOperation(key, operation, payload, replicate),
        _ => throw new InvalidDataException($"{type} values have no operation {operation} (database {Index}, {payload.Length} bytes, replicate {replicate})."),
    };
}
