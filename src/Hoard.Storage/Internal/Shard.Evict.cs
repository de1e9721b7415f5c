namespace Hoard.Storage.Internal;

/// <summary>
/// Head-of-log processing: the one mechanism behind eviction (under memory pressure) and cleaning (reclaiming
/// the space of dead entries). Each step examines the oldest entry of a log and either drops it (dead, expired
/// or evicted), moves it to the tail (kept), or promotes it from the small to the main log (S3-FIFO).
/// </summary>
internal sealed unsafe partial class Shard
{
    private enum Verdict
    {
        Keep,
        Promote,
        Evict,
    }

    private const int MaxTtlKeeps = 8;
    private double _averageTtlMs;
    private int _ttlKeeps;

    /// <summary>Examines one head entry for eviction; false when nothing in this shard can be evicted.</summary>
    private bool EvictStep()
    {
        if (Policy.IsVolatile() && VolatileKeys == 0)
        {
            return false;
        }

        var first = ChooseEvictionLog();
        var second = first == _main ? _small : _main;
        return ProcessHead(first, evicting: true) || ProcessHead(second, evicting: true);
    }

    private EntryLog ChooseEvictionLog()
    {
        if (_small.SegmentCount == 0)
        {
            return _main;
        }

        if (Policy != EvictionPolicy.S3Fifo)
        {
            return _small;
        }

        var share = _keyspace.Budget.Limit / _keyspace.ShardCount * _keyspace.Options.S3FifoSmallRatio;
        return _small.LiveBytes > share || _main.LiveEntries == 0 ? _small : _main;
    }

    /// <summary>
    /// Reclaims dead space when more than a quarter of this shard's segment bytes are dead. Bounded: at most
    /// <paramref name="steps"/> entries. Returns whether it did anything.
    /// </summary>
    public bool Clean(int steps)
    {
        FreeHollowable();
        var did = false;
        while (steps-- > 0 && NeedsCleaning())
        {
            var log = _small.SegmentCount > 1 && DeadBytes(_small) > DeadBytes(_main) ? _small : _main;
            if (!ProcessHead(log, evicting: false))
            {
                break;
            }

            did = true;
        }

        return did;
    }

    /// <summary>
    /// Reclaims dead space (overwritten, deleted, expired entries) at the log heads until <paramref name="bytes"/>
    /// can be reserved — before anything live is evicted, and the only way noeviction gets memory back.
    /// </summary>
    private bool ReclaimDeadSpace(long bytes)
    {
        var budget = _keyspace.Budget;
        for (var steps = EvictionStepLimit(); steps > 0; steps--)
        {
            if (_store.DeadBytes < _store.SegmentSize)
            {
                return false; // less than a segment's worth is dead: nothing to gain
            }

            var log = _small.SegmentCount > 1 && DeadBytes(_small) > DeadBytes(_main) ? _small : _main;
            if (!ProcessHead(log, evicting: false))
            {
                return false;
            }

            if (budget.TryReserve(bytes, relocation: false))
            {
                return true;
            }
        }

        return false;
    }

    private bool NeedsCleaning() => _store.Count > 4 && _store.DeadBytes > _store.BytesHeld / 4;

    private long DeadBytes(EntryLog log)
    {
        long used = 0;
        for (var i = 0; i < log.SegmentCount; i++)
        {
            used += _store.Used(log.At(i));
        }

        return used - log.LiveBytes;
    }

    private bool ProcessHead(EntryLog log, bool evicting)
    {
        if (log.SegmentCount == 0)
        {
            return false;
        }

        var head = log.Head;
        if (log.HeadOffset >= _store.Used(head))
        {
            if (log.SegmentCount == 1 && !evicting)
            {
                return false;
            }

            // Every entry of the head segment was examined, so none is live. Under memory pressure a lone tail
            // goes too: with a small limit, a segment holding only dead entries must give its bytes back.
            FreeSegment(log.PopHead());
            return true;
        }

        if (!evicting && log.SegmentCount == 1)
        {
            return false;
        }

        var location = (uint)(head << 16) | (uint)log.HeadOffset;
        var e = new Entry(_store.SegmentStart(head) + log.HeadOffset);
        var size = e.Size;
        log.HeadOffset += size;
        if (e.IsDead)
        {
            return true;
        }

        var hash = KeyHash.Of(e.Key, e.Database, _keyspace.HashSeed);
        var slot = _index.FindByLocation(KeyHash.Code(hash), location);
        if ((*slot & KeyIndex.VolatileBit) != 0 && e.ExpireAt <= _keyspace.NowMs())
        {
            Remove(slot, KeyEvent.Expired);
            return true;
        }

        var verdict = evicting ? Judge(log, slot, e) : Verdict.Keep;
        if (verdict == Verdict.Evict)
        {
            Evict(log, slot, hash);
            return true;
        }

        var target = verdict == Verdict.Promote ? _main : log;
        if (Relocate(slot, e, target))
        {
            return true;
        }

        if (evicting)
        {
            Evict(log, slot, hash);
            return true;
        }

        log.HeadOffset -= size; // cleaning found no room to move it: leave it for later
        return false;
    }

    private Verdict Judge(EntryLog log, ulong* slot, Entry e)
    {
        var s = *slot;
        var state = KeyIndex.AccessOf(s);
        var isVolatile = (s & KeyIndex.VolatileBit) != 0;
        switch (Policy)
        {
            case EvictionPolicy.S3Fifo:
                if (log == _small)
                {
                    if (state == 0)
                    {
                        return Verdict.Evict;
                    }

                    *slot = KeyIndex.WithAccess(s, 0);
                    return Verdict.Promote;
                }

                return Decay(slot, state, (byte)(state - 1));
            case EvictionPolicy.AllKeysLru:
                return Decay(slot, state, 0);
            case EvictionPolicy.AllKeysLfu:
                return Decay(slot, state, (byte)(state >> 1));
            case EvictionPolicy.VolatileLru:
                return isVolatile ? Decay(slot, state, 0) : Verdict.Keep;
            case EvictionPolicy.VolatileLfu:
                return isVolatile ? Decay(slot, state, (byte)(state >> 1)) : Verdict.Keep;
            case EvictionPolicy.VolatileRandom:
                return isVolatile ? Verdict.Evict : Verdict.Keep;
            case EvictionPolicy.VolatileTtl:
                return isVolatile ? JudgeTtl(e.ExpireAt - _keyspace.NowMs()) : Verdict.Keep;
            default:
                return Verdict.Evict;
        }
    }

    /// <summary>Second chance: an entry with state left is kept with <paramref name="next"/>, else evicted.</summary>
    private static Verdict Decay(ulong* slot, byte state, byte next)
    {
        if (state == 0)
        {
            return Verdict.Evict;
        }

        *slot = KeyIndex.WithAccess(*slot, next);
        return Verdict.Keep;
    }

    /// <summary>volatile-ttl: evict what expires sooner than the running average of the TTLs examined.</summary>
    private Verdict JudgeTtl(long remainingMs)
    {
        // The average lags: when TTLs rise with insertion order every head entry is just above it, so cap the run
        // of keeps — at most MaxTtlKeeps moves per eviction.
        var evict = _averageTtlMs == 0 || remainingMs <= _averageTtlMs || _ttlKeeps >= MaxTtlKeeps;
        _averageTtlMs = _averageTtlMs == 0 ? remainingMs : (_averageTtlMs * 0.9) + (remainingMs * 0.1);
        _ttlKeeps = evict ? 0 : _ttlKeeps + 1;
        return evict ? Verdict.Evict : Verdict.Keep;
    }

    private void Evict(EntryLog log, ulong* slot, ulong hash)
    {
        if (log == _small && Policy == EvictionPolicy.S3Fifo)
        {
            AddToGhost(KeyHash.Fingerprint(hash));
        }

        Remove(slot, KeyEvent.Evicted);
    }

    /// <summary>Copies a live entry to the tail of <paramref name="target"/>; false when there is no room.</summary>
    private bool Relocate(ulong* slot, Entry e, EntryLog target)
    {
        var size = e.Size;
        if (EnsureRoom(target, size, relocation: true) != StorageStatus.Ok)
        {
            return false;
        }

        var oldLocation = (uint)*slot;
        var location = _store.Bump(target.Tail, size);
        target.LiveBytes += size;
        target.LiveEntries++;
        Buffer.MemoryCopy(e.Start, _store.Pointer(location), size, size);
        var source = LogOf(oldLocation);
        source.LiveBytes -= size;
        source.LiveEntries--;
        _store.Kill(oldLocation, size);
        e.MarkDead();
        *slot = KeyIndex.WithLocation(*slot, location);
        return true;
    }

    private void FreeSegment(int id) => _keyspace.Budget.Release(_store.Free(id));
}
