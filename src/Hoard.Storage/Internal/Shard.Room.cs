using System.Buffers.Binary;
using Hoard.Storage.Objects;

namespace Hoard.Storage.Internal;

/// <summary>Making room: segments, index growth and large objects, all within the memory budget.</summary>
internal sealed unsafe partial class Shard
{
    private long _objectBytes;

    /// <summary>Bytes held by this shard: segments, index tables, ghost filters and large objects.</summary>
    public long BytesHeld => _store.BytesHeld + _accountedAux + _objectBytes;

    /// <summary>Bytes of live entries (what is left of <see cref="BytesHeld"/> is fragmentation and bookkeeping).</summary>
    public long LiveBytes => _store.LiveBytes;

    /// <summary>Ensures the tail of <paramref name="log"/> has <paramref name="size"/> free bytes.</summary>
    private StorageStatus EnsureRoom(EntryLog log, int size, bool relocation)
    {
        if (log.SegmentCount > 0 && _store.Remaining(log.Tail) >= size)
        {
            return StorageStatus.Ok;
        }

        if (size > Keyspace.MaxEntrySize)
        {
            return StorageStatus.TooLarge;
        }

        var capacity = Math.Max(size, _store.SegmentSize);
        var budget = _keyspace.Budget;
        if (budget.Limit != 0 && capacity > budget.Limit - budget.Headroom)
        {
            return StorageStatus.OutOfMemory; // could never fit: do not evict everything first
        }

        if (!_store.HasFreeId || !Reserve(capacity, relocation))
        {
            return StorageStatus.OutOfMemory;
        }

        if (log.SegmentCount > 0 && _store.Remaining(log.Tail) >= size)
        {
            // Eviction moved entries to a fresh tail segment of this log meanwhile: use it.
            budget.Release(capacity);
            return StorageStatus.Ok;
        }

        log.PushTail(_store.Allocate(capacity, log.Id));
        return StorageStatus.Ok;
    }

    /// <summary>Grows the index when it is due; refuses a new key only when the table is really full.</summary>
    private StorageStatus EnsureIndexRoom()
    {
        if (_index.IsMigrating && _index.IsFull)
        {
            ReleaseIndexBytes(_index.Migrate(int.MaxValue));
        }

        if (!_index.WantsGrowth)
        {
            return StorageStatus.Ok;
        }

        var bytes = _index.NextGrowthBytes;
        if (Reserve(bytes, relocation: false))
        {
            _index.BeginGrowth();
            _accountedAux += bytes;
            return StorageStatus.Ok;
        }

        return _index.IsFull ? StorageStatus.OutOfMemory : StorageStatus.Ok;
    }

    private void ReleaseIndexBytes(long bytes)
    {
        if (bytes != 0)
        {
            _accountedAux -= bytes;
            _keyspace.Budget.Release(bytes);
        }
    }

    /// <summary>
    /// Reserves bytes in the keyspace budget, evicting from this shard's logs by the policy when the limit is
    /// reached, then (without waiting) from other shards.
    /// </summary>
    private bool Reserve(long bytes, bool relocation)
    {
        var budget = _keyspace.Budget;
        if (budget.TryReserve(bytes, relocation))
        {
            return true;
        }

        if (relocation)
        {
            return false;
        }

        FreeHollowable();
        if (budget.TryReserve(bytes, relocation: false))
        {
            return true;
        }

        if (ReclaimDeadSpace(bytes))
        {
            return true;
        }

        if (Policy == EvictionPolicy.NoEviction)
        {
            return false;
        }

        for (var steps = EvictionStepLimit(); steps > 0; steps--)
        {
            if (!EvictStep())
            {
                break;
            }

            if (budget.TryReserve(bytes, relocation: false))
            {
                return true;
            }
        }

        return _keyspace.EvictElsewhere(this, bytes) && budget.TryReserve(bytes, relocation: false);
    }

    /// <summary>Frees memory on behalf of another shard; the caller holds this shard's lock.</summary>
    public bool EvictFor(long bytes)
    {
        var budget = _keyspace.Budget;
        for (var steps = EvictionStepLimit(); steps > 0; steps--)
        {
            if (!EvictStep())
            {
                return false;
            }

            if (budget.Limit - budget.Headroom - budget.Used >= bytes)
            {
                return true;
            }
        }

        return false;
    }

    // Each entry can be kept at most a few times (S3-FIFO frequency 3, LFU halving) before it is evicted.
    private long EvictionStepLimit() => (8 * (_main.LiveEntries + _small.LiveEntries)) + (2L * _store.Count) + 64;

    /// <summary>Counts a change in a large object's size; growth may evict.</summary>
    public bool ReserveObjectBytes(long delta)
    {
        if (delta <= 0)
        {
            _objectBytes += delta;
            _keyspace.Budget.Release(-delta);
            return true;
        }

        if (!Reserve(delta, relocation: false))
        {
            return false;
        }

        _objectBytes += delta;
        return true;
    }

    /// <summary>
    /// Counts a change in a large object's size without evicting (the budget may run over until the next write makes
    /// room): for settling what a write reserved against what its object really grew by.
    /// </summary>
    public void ForceObjectBytes(long delta)
    {
        _objectBytes += delta;
        if (delta >= 0)
        {
            _keyspace.Budget.Force(delta);
        }
        else
        {
            _keyspace.Budget.Release(-delta);
        }
    }

    private void ReleaseObject(int handle)
    {
        ReserveObjectBytes(-_objects.Get<StoredObject>(handle).ByteSize);
        _objects.Remove(handle);
    }

    /// <summary>Stores a large value's object; its bytes were reserved with <see cref="ReserveObjectBytes"/>.</summary>
    public int AddObject(StoredObject item) => _objects.Add(item);

    public T GetObject<T>(int handle) where T : StoredObject => _objects.Get<T>(handle);

    /// <summary>Whether entries of this type hold a handle of a <see cref="StoredObject"/>.</summary>
    public static bool IsObject(EntryType type) => type is EntryType.HashTable or EntryType.Object;

    /// <summary>The object of an entry whose type <see cref="IsObject"/>.</summary>
    public StoredObject ObjectOf(Entry e) => _objects.Get<StoredObject>(BinaryPrimitives.ReadInt32LittleEndian(e.Value));

    /// <summary>TYPE's answer for an entry.</summary>
    public ValueKind KindOf(Entry e) => e.Type switch
    {
        EntryType.StringRaw or EntryType.StringInt => ValueKind.String,
        EntryType.HashPacked or EntryType.HashTable => ValueKind.Hash,
        _ => ObjectOf(e).Kind,
    };

    /// <summary>
    /// Remembers an evicted key in the ghost. The ghost is sized after the main log; when that would grow it past
    /// what the budget allows (it may use the eviction headroom), it keeps its current size instead.
    /// </summary>
    private void AddToGhost(uint fingerprint)
    {
        long wanted = _main.LiveEntries;
        var growth = _ghost.BytesAfterAdd(wanted) - _ghost.Bytes;
        if (growth > 0 && !_keyspace.Budget.TryReserve(growth, relocation: true))
        {
            wanted = -1; // keep the current size: no growth
            growth = 0;
        }

        var before = _ghost.Bytes;
        _ghost.Add(fingerprint, wanted);
        var delta = _ghost.Bytes - before;
        _accountedAux += delta;
        var unaccounted = delta - Math.Max(0, growth);
        if (unaccounted < 0)
        {
            _keyspace.Budget.Release(-unaccounted); // shrank, or grew less than reserved
        }
        else if (unaccounted > 0)
        {
            throw new InvalidOperationException("ghost filter grew more than it reserved");
        }
    }
}
