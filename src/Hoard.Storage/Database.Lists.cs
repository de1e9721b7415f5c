using Hoard.Storage.Lists;

namespace Hoard.Storage;

/// <summary>
/// List commands (https://redis.io/docs/latest/commands/?group=list) on <see cref="ListObject"/>s, through the object
/// path of Database.Objects.cs. Each write replicates as its <see cref="ListOperation"/> record.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>Bytes reserved for a write besides its entries: a new chunk's header and the growth of its array.</summary>
    private const int ListWriteSlack = 64;

    /// <summary>
    /// LPUSH / RPUSH (LPUSHX / RPUSHX with <paramref name="onlyIfExists"/>): pushes every element in order;
    /// <paramref name="length"/> is the new length (0 when an X form met no list).
    /// </summary>
    public StorageStatus ListPush<TElements>(ReadOnlySpan<byte> key, in TElements elements, bool left, bool onlyIfExists, out long length)
        where TElements : IElements, allows ref struct
    {
        ThrowIfTooLong(key);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return PushLocked(k, key, elements, left, onlyIfExists, replicate: true, out length);
        }
    }

    private StorageStatus PushLocked<TElements>(KeyRef k, ReadOnlySpan<byte> key, in TElements elements, bool left, bool onlyIfExists, bool replicate, out long length)
        where TElements : IElements, allows ref struct
    {
        length = 0;
        long reserve = ListWriteSlack;
        for (var i = 0; i < elements.Count; i++)
        {
            reserve += ListObject.EntrySize(elements[i].Length);
        }

        var status = BeginObjectWrite<ListObject>(k, key, reserve, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (list is null)
        {
            if (onlyIfExists || elements.Count == 0)
            {
                CancelObjectWrite(k, reserve);
                return StorageStatus.Ok;
            }

            list = new ListObject(_keyspace.Options.ListMaxListpackSize);
            status = AddObjectKey(k, key, list, reserve, out slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }

        list.Fill = _keyspace.Options.ListMaxListpackSize;
        for (var i = 0; i < elements.Count; i++)
        {
            list.Push(elements[i], left);
        }

        length = list.Count;
        EndObjectWrite(k, slot, list, sizeBefore, reserve, (byte)(left ? ListOperation.PushLeft : ListOperation.PushRight),
            new Objects.ElementsPayload<TElements>(elements), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>
    /// LPOP / RPOP: pops up to <paramref name="count"/> elements into <paramref name="sink"/> (its Start gets how many).
    /// NotFound when the key is missing (the sink hears nothing).
    /// </summary>
    public StorageStatus ListPop<TSink>(ReadOnlySpan<byte> key, bool left, long count, ref TSink sink)
        where TSink : ICountedSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return PopLocked(k, key, left, count, ref sink, replicate: true);
        }
    }

    private static StorageStatus PopLocked<TSink>(KeyRef k, ReadOnlySpan<byte> key, bool left, long count, ref TSink sink, bool replicate)
        where TSink : ICountedSink, allows ref struct
    {
        var status = BeginObjectWrite<ListObject>(k, key, 0, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (list is null)
        {
            return StorageStatus.NotFound;
        }

        var n = (int)Math.Min(count, list.Count);
        sink.Start(n);
        for (var i = 0; i < n; i++)
        {
            list.Pop(left, ref sink);
        }

        if (n == 0)
        {
            return StorageStatus.Ok;
        }

        EndObjectWrite(k, slot, list, sizeBefore, 0, (byte)(left ? ListOperation.PopLeft : ListOperation.PopRight), ListPayload.Count(n), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>LLEN; 0 for a missing key.</summary>
    public StorageStatus ListLength(ReadOnlySpan<byte> key, out long length)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<ListObject>(k, key, out var list);
            length = list?.Count ?? 0;
            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>LRANGE (Ok and no element for a missing key): the elements from <paramref name="start"/> to <paramref name="stop"/> (negative from the end) into <paramref name="sink"/>.</summary>
    public StorageStatus ListRange<TSink>(ReadOnlySpan<byte> key, long start, long stop, ref TSink sink)
        where TSink : ICountedSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<ListObject>(k, key, out var list);
            if (status != StorageStatus.Ok)
            {
                if (status == StorageStatus.NotFound)
                {
                    sink.Start(0);
                    return StorageStatus.Ok;
                }

                return status;
            }

            if (!list!.Normalize(start, stop, out var from, out var to))
            {
                sink.Start(0);
                return StorageStatus.Ok;
            }

            sink.Start(to - from + 1);
            list.Range(from, to, ref sink);
            return StorageStatus.Ok;
        }
    }

    /// <summary>LINDEX: the element at <paramref name="index"/> into <paramref name="sink"/>; NotFound when there is none.</summary>
    public StorageStatus ListIndex<TSink>(ReadOnlySpan<byte> key, long index, ref TSink sink)
        where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<ListObject>(k, key, out var list);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            return list!.Get(index, ref sink) ? StorageStatus.Ok : StorageStatus.NotFound;
        }
    }

    /// <summary>LSET: NotFound when the key is missing, NotApplied when the index is out of range.</summary>
    public StorageStatus ListSet(ReadOnlySpan<byte> key, long index, ReadOnlySpan<byte> element)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return SetLocked(k, key, index, element, replicate: true);
        }
    }

    private StorageStatus SetLocked(KeyRef k, ReadOnlySpan<byte> key, long index, ReadOnlySpan<byte> element, bool replicate)
    {
        var reserve = ListObject.EntrySize(element.Length) + ListWriteSlack;
        var status = BeginObjectWrite<ListObject>(k, key, reserve, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (list is null)
        {
            CancelObjectWrite(k, reserve);
            return StorageStatus.NotFound;
        }

        var at = index < 0 ? index + list.Count : index;
        list.Fill = _keyspace.Options.ListMaxListpackSize;
        if (at < 0 || !list.Set(at, element))
        {
            CancelObjectWrite(k, reserve);
            return StorageStatus.NotApplied;
        }

        EndObjectWrite(k, slot, list, sizeBefore, reserve, (byte)ListOperation.Set, ListPayload.Set(at, element), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>
    /// LINSERT: <paramref name="length"/> is the new length, -1 when the pivot is missing, 0 when the key is.
    /// </summary>
    public StorageStatus ListInsert(ReadOnlySpan<byte> key, bool before, ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element, out long length)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return InsertLocked(k, key, before, pivot, element, replicate: true, out length);
        }
    }

    private StorageStatus InsertLocked(KeyRef k, ReadOnlySpan<byte> key, bool before, ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element, bool replicate, out long length)
    {
        length = 0;
        var reserve = ListObject.EntrySize(element.Length) + ListWriteSlack;
        var status = BeginObjectWrite<ListObject>(k, key, reserve, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok || list is null)
        {
            if (status == StorageStatus.Ok)
            {
                CancelObjectWrite(k, reserve);
            }

            return status;
        }

        list.Fill = _keyspace.Options.ListMaxListpackSize;
        if (!list.Insert(pivot, element, before))
        {
            CancelObjectWrite(k, reserve);
            length = -1;
            return StorageStatus.Ok;
        }

        length = list.Count;
        EndObjectWrite(k, slot, list, sizeBefore, reserve, (byte)ListOperation.Insert, ListPayload.Insert(before, pivot, element), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>LREM: <paramref name="removed"/> is how many went.</summary>
    public StorageStatus ListRemove(ReadOnlySpan<byte> key, long count, ReadOnlySpan<byte> element, out long removed)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return RemoveLocked(k, key, count, element, replicate: true, out removed);
        }
    }

    private static StorageStatus RemoveLocked(KeyRef k, ReadOnlySpan<byte> key, long count, ReadOnlySpan<byte> element, bool replicate, out long removed)
    {
        removed = 0;
        var status = BeginObjectWrite<ListObject>(k, key, 0, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok || list is null)
        {
            return status;
        }

        removed = list.Remove(count, element);
        if (removed > 0)
        {
            EndObjectWrite(k, slot, list, sizeBefore, 0, (byte)ListOperation.Remove, ListPayload.Remove(count, element), replicate);
        }

        return StorageStatus.Ok;
    }

    /// <summary>LTRIM: keeps <paramref name="start"/> to <paramref name="stop"/>; an empty range deletes the key.</summary>
    public StorageStatus ListTrim(ReadOnlySpan<byte> key, long start, long stop)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return TrimLocked(k, key, start, stop, replicate: true);
        }
    }

    private static StorageStatus TrimLocked(KeyRef k, ReadOnlySpan<byte> key, long start, long stop, bool replicate)
    {
        var status = BeginObjectWrite<ListObject>(k, key, 0, out var slot, out var list, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok || list is null)
        {
            return status;
        }

        var keeps = list.Normalize(start, stop, out var from, out var to);
        if (keeps && from == 0 && to == list.Count - 1)
        {
            return StorageStatus.Ok; // nothing to drop
        }

        list.Trim(start, stop);
        EndObjectWrite(k, slot, list, sizeBefore, 0, (byte)ListOperation.Trim, ListPayload.Trim(keeps ? from : 0, keeps ? to : 0), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>LPOS: the matching positions into <paramref name="positions"/> (see <see cref="ListObject.Positions"/>).</summary>
    public StorageStatus ListPositions(ReadOnlySpan<byte> key, ReadOnlySpan<byte> element, long rank, long count, long maxLength, List<long> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<ListObject>(k, key, out var list);
            if (status == StorageStatus.Ok)
            {
                list!.Positions(element, rank, count, maxLength, positions);
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }
}
