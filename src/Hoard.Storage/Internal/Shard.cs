using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hoard.Storage.Eviction;
using Hoard.Storage.Keys;

namespace Hoard.Storage.Internal;

/// <summary>
/// One independent part of the keyspace: its index, its entry memory and logs, its counters. Every member is
/// called with <see cref="Gate"/> held (one writer, the lock holder); callers never hold two shard locks except
/// in ascending shard order.
/// </summary>
internal sealed unsafe partial class Shard : IDisposable
{
    private readonly Keyspace _keyspace;
    private readonly SegmentStore _store;
    private readonly KeyIndex _index = new();
    private readonly EntryLog _main = new(0);
    private readonly EntryLog _small = new(1);
    private readonly GhostFilter _ghost = new();
    private readonly ObjectTable _objects = new();
    private ulong _random;

    public Shard(Keyspace keyspace, int number, int segmentSize)
    {
        _keyspace = keyspace;
        Number = number;
        _store = new SegmentStore(segmentSize);
        _random = (ulong)(number + 1) * 0x9E3779B97F4A7C15UL;
        KeysPerDatabase = new long[keyspace.DatabaseCount];
        VolatilePerDatabase = new long[keyspace.DatabaseCount];
        AverageTtlMs = new double[keyspace.DatabaseCount];
        _keyspace.Budget.Force(_index.Bytes + _ghost.Bytes);
        _accountedAux = _index.Bytes + _ghost.Bytes;
    }

    public Lock Gate { get; } = new();

    public int Number { get; }

    /// <summary>Keys per physical database held by this shard.</summary>
    public long[] KeysPerDatabase { get; }

    /// <summary>Keys with a TTL in all databases of this shard.</summary>
    public long VolatileKeys
    {
        get
        {
            long n = 0;
            foreach (var count in VolatilePerDatabase)
            {
                n += count;
            }

            return n;
        }
    }

    /// <summary>Estimated remaining TTL of the keys with one, per physical database, from active expiry's samples.</summary>
    public double[] AverageTtlMs { get; }

    /// <summary>Keys with a TTL per physical database (INFO keyspace <c>expires=</c>).</summary>
    public long[] VolatilePerDatabase { get; }

    public long Hits;
    public long Misses;
    public long Expired;
    public long Evicted;

    private long _accountedAux;

    public int KeyCount => _index.Count;

    private EvictionPolicy Policy => _keyspace.Policy;

    private bool UsesSmallQueue => Policy == EvictionPolicy.S3Fifo && _keyspace.Budget.Limit > 0;

    /// <summary>Finds the live entry of a key, expiring it if its time has come; counts a hit or miss if asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong* Find(ReadOnlySpan<byte> key, int db, ulong hash)
    {
        ThrowIfDisposed();
        var slot = _index.Find(_store, key, db, KeyHash.Code(hash));
        if (slot != null && (*slot & KeyIndex.VolatileBit) != 0 && ExpireIfDue(slot))
        {
            return null;
        }

        return slot;
    }

    /// <summary>Whether the key's entry is still here with a TTL that has run out (nothing is removed).</summary>
    public bool TimedOut(ReadOnlySpan<byte> key, int db, ulong hash)
    {
        ThrowIfDisposed();
        var slot = _index.Find(_store, key, db, KeyHash.Code(hash));
        return slot != null && (*slot & KeyIndex.VolatileBit) != 0 && EntryAt(slot).ExpireAt <= _keyspace.NowMs();
    }

    /// <summary>
    /// Finds a key's entry even when its TTL has passed by this node's clock: a replica applying an operation record
    /// applies it to the key the writer changed (the writer's delete of an expired key comes as its own record).
    /// </summary>
    public ulong* FindUnexpired(ReadOnlySpan<byte> key, int db, ulong hash)
    {
        ThrowIfDisposed();
        return _index.Find(_store, key, db, KeyHash.Code(hash));
    }

    /// <summary>A read: finds the key, counts a hit or miss and records the access for eviction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong* Read(ReadOnlySpan<byte> key, int db, ulong hash)
    {
        var slot = Find(key, db, hash);
        if (slot == null)
        {
            Misses++;
            if (_keyspace.ReportsMisses)
            {
                _keyspace.Observer?.OnKeyEvent(KeyEvent.Missed, _keyspace.LogicalDatabase(db), key);
            }

            return null;
        }

        Hits++;
        Touch(slot);
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ulong* slot)
    {
        var policy = Policy;
        if (policy is EvictionPolicy.NoEviction or EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom or EvictionPolicy.VolatileTtl)
        {
            return;
        }

        var s = *slot;
        var state = KeyIndex.AccessOf(s);
        var next = AccessState.Touched(policy, state, ref _random);
        if (next != state)
        {
            *slot = KeyIndex.WithAccess(s, next);
        }
    }

    /// <summary>After a write: a bounded share of cleaning when dead entries take too much space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterWrite()
    {
        if (_hollowable.Count > 0)
        {
            FreeHollowable();
        }

        if (NeedsCleaning())
        {
            Clean(16);
        }
    }

    public Entry EntryAt(ulong* slot) => new(_store.Pointer((uint)*slot));

    private bool ExpireIfDue(ulong* slot)
    {
        var e = EntryAt(slot);
        if (e.ExpireAt > _keyspace.NowMs())
        {
            return false;
        }

        Remove(slot, KeyEvent.Expired);
        return true;
    }

    /// <summary>
    /// Removes a key's entry and slot, telling the observer why and the replication stream (a delete record) unless
    /// <paramref name="notify"/> is false (the caller tells in its own way) or <paramref name="replicate"/> is false
    /// (a record being applied).
    /// </summary>
    public void Remove(ulong* slot, KeyEvent why, bool notify = true, bool replicate = true)
    {
        var location = (uint)*slot;
        var e = new Entry(_store.Pointer(location));
        var db = e.Database;
        if (notify)
        {
            Removing(e, why, replicate);
        }

        if (IsObject(e.Type))
        {
            ReleaseObject(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
        }

        if ((*slot & KeyIndex.VolatileBit) != 0)
        {
            VolatilePerDatabase[db]--;
        }

        KeysPerDatabase[db]--;
        if (db == 0)
        {
            _keyspace.CountSlot(HashSlot.Of(e.Key), -1);
        }

        KillEntry(location, e);
        _index.Remove(slot);
        switch (why)
        {
            case KeyEvent.Expired:
                Expired++;
                break;
            case KeyEvent.Evicted:
                Evicted++;
                break;
        }
    }

    private void KillEntry(uint location, Entry e)
    {
        var size = e.Size;
        var log = LogOf(location);
        log.LiveBytes -= size;
        log.LiveEntries--;
        e.MarkDead();
        _store.Kill(location, size);
        var segment = (int)(location >> 16);
        if (_store.Capacity(segment) > _store.SegmentSize && _store.Live(segment) == 0)
        {
            _hollowable.Add(segment); // an oversize entry's own segment: freed once the operation is done
        }
    }

    // Oversize segments whose entry died. Not freed on the spot: a write may still copy the old value after
    // replacing it. Freed after the write, before a reservation, and by the background cycle.
    private readonly List<int> _hollowable = [];

    private void FreeHollowable()
    {
        foreach (var segment in _hollowable)
        {
            // The id may have been recycled since (the log's head reached it): only an oversize, empty one goes.
            if (!_store.IsHollow(segment) && _store.Live(segment) == 0 && _store.Capacity(segment) > _store.SegmentSize)
            {
                _keyspace.Budget.Release(_store.Hollow(segment));
            }
        }

        _hollowable.Clear();
    }

    private EntryLog LogOf(uint location) => _store.Owner((int)(location >> 16)) == _small.Id ? _small : _main;

    /// <summary>
    /// Prepares a write of an entry of <paramref name="size"/> bytes for a key: makes room (evicting if needed)
    /// and then finds the key's current slot, so no eviction can move it before <see cref="Place"/>.
    /// </summary>
    public StorageStatus PrepareWrite(ReadOnlySpan<byte> key, int db, ulong hash, int size, out ulong* slot, out EntryLog log)
    {
        ThrowIfDisposed();
        var code = KeyHash.Code(hash);
        var hint = _index.Find(_store, key, db, code);
        log = TargetLog(hint, hash);
        for (var attempt = 0; ; attempt++)
        {
            if (hint == null)
            {
                var indexed = EnsureIndexRoom();
                if (indexed != StorageStatus.Ok)
                {
                    slot = null;
                    return indexed;
                }
            }

            var status = EnsureRoom(log, size, relocation: false);
            if (status != StorageStatus.Ok)
            {
                slot = null;
                return status;
            }

            slot = Find(key, db, hash);
            var wanted = TargetLog(slot, hash);
            if (wanted == log || attempt == 2)
            {
                return StorageStatus.Ok;
            }

            log = wanted;
            hint = slot;
        }
    }

    private EntryLog TargetLog(ulong* slot, ulong hash)
    {
        if (!UsesSmallQueue)
        {
            return slot != null ? LogOf((uint)*slot) : _main;
        }

        if (slot != null)
        {
            return LogOf((uint)*slot);
        }

        return _ghost.Contains(KeyHash.Fingerprint(hash)) ? _main : _small;
    }

    /// <summary>
    /// Writes a new version of a key into <paramref name="log"/> (room ensured by <see cref="PrepareWrite"/>),
    /// replacing <paramref name="slot"/> if the key existed. Returns the span the caller fills with the value; the
    /// caller then calls <see cref="Written"/>.
    /// </summary>
    public Span<byte> Place(EntryLog log, ref ulong* slot, ReadOnlySpan<byte> key, int db, ulong hash,
        EntryType type, int valueLength, long expireAt)
    {
        var size = Entry.SizeOf(db, key.Length, valueLength, expireAt != 0);
        var location = _store.Bump(log.Tail, size);
        log.LiveBytes += size;
        log.LiveEntries++;
        var value = Entry.Write(_store.Pointer(location), type, db, key, valueLength, expireAt);
        var isVolatile = expireAt != 0;
        if (slot != null)
        {
            var old = *slot;
            var oldLocation = (uint)old;
            var e = new Entry(_store.Pointer(oldLocation));
            if (IsObject(e.Type) && type != e.Type)
            {
                ReleaseObject(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
            }

            KillEntry(oldLocation, e);
            var wasVolatile = (old & KeyIndex.VolatileBit) != 0;
            VolatilePerDatabase[db] += (isVolatile ? 1 : 0) - (wasVolatile ? 1 : 0);
            *slot = KeyIndex.Make(location, KeyHash.Code(hash), isVolatile, KeyIndex.AccessOf(old));
        }
        else
        {
            ReleaseIndexBytes(_index.Migrate(KeyIndex.MigrationStep));
            slot = _index.Insert(KeyIndex.Make(location, KeyHash.Code(hash), isVolatile, access: 0));
            KeysPerDatabase[db]++;
            Created(key, db);
            if (isVolatile)
            {
                VolatilePerDatabase[db]++;
            }

            if (db == 0)
            {
                _keyspace.CountSlot(HashSlot.Of(key), 1);
            }
        }

        return value;
    }

    /// <summary>
    /// Tells the observer a key of physical database <paramref name="db"/> was created, while
    /// <see cref="Keyspace.ReportsCreations"/> is set. <see cref="Place"/> does for a key it adds; RENAME and COPY call it
    /// for a destination they replace too (Redis deletes and adds it: a <c>new</c> event either way).
    /// </summary>
    public void Created(ReadOnlySpan<byte> key, int db)
    {
        if (_keyspace.ReportsCreations)
        {
            _keyspace.Observer?.OnKeyEvent(KeyEvent.Created, _keyspace.LogicalDatabase(db), key);
        }
    }

    /// <summary>Changes a key's expiry in place when the entry has room for it, else rewrites the entry.</summary>
    public StorageStatus SetExpiry(ulong* slot, ReadOnlySpan<byte> key, int db, ulong hash, long expireAt)
    {
        var e = EntryAt(slot);
        if (e.HasExpiry == (expireAt != 0))
        {
            if (expireAt != 0)
            {
                e.SetExpireAt(expireAt);
            }

            Written(slot);
            return StorageStatus.Ok;
        }

        var size = Entry.SizeOf(db, key.Length, e.ValueLength, expireAt != 0);
        var status = PrepareWrite(key, db, hash, size, out slot, out var log);
        if (status != StorageStatus.Ok || slot == null)
        {
            return status == StorageStatus.Ok ? StorageStatus.NotFound : status;
        }

        e = EntryAt(slot);
        var type = e.Type;
        var oldValue = e.Value;
        var value = Place(log, ref slot, key, db, hash, type, oldValue.Length, expireAt);
        oldValue.CopyTo(value);
        Written(slot);
        return StorageStatus.Ok;
    }

    private bool _disposed;

    /// <summary>Every operation passes here under the shard lock, so none can touch memory Dispose freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, typeof(Keyspace));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _keyspace.Budget.Release(_store.BytesHeld + _accountedAux + _objectBytes);
        _store.Dispose();
        _index.Dispose();
        _objects.Clear();
    }
}
