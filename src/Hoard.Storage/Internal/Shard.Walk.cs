using Hoard.Storage.Keys;

namespace Hoard.Storage.Internal;

/// <summary>Walks over the index: active expiry, SCAN, RANDOMKEY, keys of a slot, FLUSHDB (and snapshot steps).</summary>
internal sealed unsafe partial class Shard
{
    private int _expireCursor;

    /// <summary>
    /// Checks up to <paramref name="samples"/> keys that have a TTL, continuing where the last call stopped, and
    /// removes the expired ones. Returns (keys with a TTL checked, keys expired).
    /// </summary>
    public (int Checked, int Expired) ExpireSample(int samples, long now)
    {
        ThrowIfDisposed();
        if (VolatileKeys == 0)
        {
            return (0, 0);
        }

        // The walk covers the current table; keys still in a growing index's old table expire on access.
        ReleaseIndexBytes(_index.Migrate(4096));
        var table = _index.Table;
        var capacity = _index.Capacity;
        int checkedKeys = 0, expired = 0;
        for (var visited = 0; visited < capacity && checkedKeys < samples; visited++)
        {
            if (_expireCursor >= capacity)
            {
                _expireCursor = 0;
            }

            var slot = table + _expireCursor;
            var s = *slot;
            if (KeyIndex.IsLive(s) && (s & KeyIndex.VolatileBit) != 0)
            {
                checkedKeys++;
                var entry = EntryAt(slot);
                if (entry.ExpireAt <= now)
                {
                    Remove(slot, KeyEvent.Expired);
                    expired++;
                    continue; // a later slot may have shifted into this position
                }

                // Redis's estimate of INFO's avg_ttl: each sample moves the running average 2 % of the way.
                var db = entry.Database;
                var remaining = entry.ExpireAt - now;
                AverageTtlMs[db] = AverageTtlMs[db] == 0 ? remaining : (AverageTtlMs[db] * 0.98) + (remaining * 0.02);
            }

            _expireCursor++;
        }

        return (checkedKeys, expired);
    }

    /// <summary>Most slots one walk step collects (SCAN and snapshot steps).</summary>
    private const int ScanBatch = 256;

    /// <summary>
    /// One SCAN step over this shard: the keys of database <paramref name="db"/> whose hash code lies in
    /// [<paramref name="from"/>, returned end). The cursor lives in hash-code space, so a key present for the
    /// whole scan is returned exactly once however the index grows or shrinks meanwhile.
    /// </summary>
    public uint Scan<TSink>(int db, uint from, int count, ReadOnlySpan<byte> pattern, ValueKind type, ref TSink sink)
        where TSink : IPairSink, allows ref struct
    {
        ThrowIfDisposed();
        Span<nint> found = stackalloc nint[ScanBatch];
        var n = CollectStep(from, count, found, out var to);
        var now = _keyspace.NowMs();
        for (var i = 0; i < n; i++)
        {
            var e = EntryAt((ulong*)found[i]);
            if (e.Database != db || (e.HasExpiry && e.ExpireAt <= now))
            {
                continue;
            }

            if ((type == ValueKind.None || KindOf(e) == type)
                && (pattern.IsEmpty || GlobPattern.IsMatch(pattern, e.Key)))
            {
                sink.Write(e.Key, default);
            }
        }

        return to;
    }

    /// <summary>
    /// Collects the live slots (of every database) whose hash code lies in [<paramref name="from"/>,
    /// <paramref name="to"/>), a range sized for about <paramref name="count"/> keys and narrowed until they fit in
    /// <paramref name="found"/>. Returns how many were collected.
    /// </summary>
    private int CollectStep(uint from, int count, Span<nint> found, out uint to)
    {
        const uint codeSpace = 1u << KeyHash.CodeBits;
        var keys = Math.Max(1, _index.Count);
        var width = (uint)Math.Clamp((long)count * codeSpace / keys, 1, codeSpace);
        while (true)
        {
            to = (uint)Math.Min(codeSpace, (long)from + width);
            var n = _index.CollectRange(from, to, found);
            if (n == found.Length && width > 1)
            {
                width /= 2; // too many in range for one batch: narrow it
                continue;
            }

            return n;
        }
    }

    /// <summary>A random live key of <paramref name="db"/> into <paramref name="sink"/>; false if none found.</summary>
    public bool RandomKey<TSink>(int db, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        ThrowIfDisposed();
        if (KeysPerDatabase[db] == 0)
        {
            return false;
        }

        var table = _index.Table;
        var capacity = _index.Capacity;
        var now = _keyspace.NowMs();
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var start = (int)(NextRandom() % (uint)capacity);
            for (var i = 0; i < capacity; i++)
            {
                var s = table[(start + i) % capacity];
                if (!KeyIndex.IsLive(s))
                {
                    continue;
                }

                var e = EntryAt(table + ((start + i) % capacity));
                if (e.Database == db && !(e.HasExpiry && e.ExpireAt <= now))
                {
                    sink.Write(e.Key);
                    return true;
                }

                break;
            }
        }

        return false;
    }

    /// <summary>Up to <paramref name="max"/> keys of database 0 in hash slot <paramref name="slot"/>.</summary>
    public int KeysInSlot<TSink>(int slot, int max, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        ThrowIfDisposed();
        var n = 0;
        for (var t = 0; t < 2 && n < max; t++)
        {
            var table = t == 0 ? _index.Table : _index.OldTable;
            var capacity = t == 0 ? _index.Capacity : _index.OldCapacity;
            for (var i = 0; i < capacity && n < max; i++)
            {
                if (!KeyIndex.IsLive(table[i]))
                {
                    continue;
                }

                var e = EntryAt(table + i);
                if (e.Database == 0 && HashSlot.Of(e.Key) == slot)
                {
                    sink.Write(e.Key);
                    n++;
                }
            }
        }

        return n;
    }

    /// <summary>
    /// One step of <see cref="Keyspace.KeysInSlots"/> over this shard: the keys of logical database 0 in
    /// <paramref name="slots"/> whose hash code lies in [<paramref name="from"/>, returned end).
    /// </summary>
    public uint KeysInSlots<TSink>(uint from, int count, SlotSet slots, ref TSink sink, ref int visited)
        where TSink : IValueSink, allows ref struct
    {
        ThrowIfDisposed();
        Span<nint> found = stackalloc nint[ScanBatch];
        var n = CollectStep(from, count, found, out var to);
        for (var i = 0; i < n; i++)
        {
            var e = EntryAt((ulong*)found[i]);
            visited++;
            if (_keyspace.LogicalDatabase(e.Database) == 0 && slots.ContainsKeyOf(e.Key))
            {
                sink.Write(e.Key);
            }
        }

        return to;
    }

    /// <summary>Removes every key of physical database <paramref name="db"/>; the caller makes the flush record.</summary>
    public void FlushDatabase(int db)
    {
        ThrowIfDisposed();
        ReleaseIndexBytes(_index.Migrate(int.MaxValue));
        var table = _index.Table;
        for (var i = 0; i < _index.Capacity;)
        {
            if (KeyIndex.IsLive(table[i]) && EntryAt(table + i).Database == db)
            {
                Remove(table + i, KeyEvent.Deleted, notify: false);
                continue; // backward shift may have moved another slot here
            }

            i++;
        }
    }

    /// <summary>Removes every key of every database at once (FLUSHALL): frees the segments, empties the index.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        var budget = _keyspace.Budget;
        _hollowable.Clear();
        budget.Release(_store.Reset() + _objectBytes);
        var indexDelta = _index.Reset();
        _accountedAux += indexDelta;
        budget.Force(indexDelta);
        _objects.Clear();
        _objectBytes = 0;
        _main.Clear();
        _small.Clear();
        _ghost.Clear();
        Array.Clear(KeysPerDatabase);
        Array.Clear(VolatilePerDatabase);
        Array.Clear(AverageTtlMs);
        _expireCursor = 0;
    }

    private ulong NextRandom()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }
}
