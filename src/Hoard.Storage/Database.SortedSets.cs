using Hoard.Storage.Objects;
using Hoard.Storage.SortedSets;

namespace Hoard.Storage;

/// <summary>
/// Sorted set writes (<see href="https://redis.io/docs/latest/commands/?group=sorted-set"/>): ZADD and ZINCRBY, ZREM,
/// the range removals and pops. Each runs under the key's shard lock through the object path
/// (<see cref="BeginObjectWrite{T}"/> … <see cref="EndObjectWrite{TPayload}"/>) and replicates a
/// <see cref="SortedSetOperation"/>.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>Bytes a new member may add at most, besides its own (tree entry, index slot, leaf slack).</summary>
    private const int SortedSetMemberReserve = 48;

    /// <summary>
    /// ZADD / ZINCRBY: sets the members' scores under <paramref name="flags"/>. On return each entry of
    /// <paramref name="scores"/> holds the member's final score, or NaN where the member was left as it was; with
    /// <see cref="SortedSetAddFlags.Increment"/> (one member) the NaN means "not applied" (ZADD replies nil). NotFloat:
    /// an increment would make NaN (nothing changed).
    /// </summary>
    public StorageStatus SortedSetAdd<TElements>(ReadOnlySpan<byte> key, TElements members, Span<double> scores, SortedSetAddFlags flags,
        out long added, out long changed) where TElements : IElements, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return AddScores(k, key, members, scores, flags, replicate: true, out added, out changed);
        }
    }

    private StorageStatus AddScores<TElements>(KeyRef k, ReadOnlySpan<byte> key, TElements members, Span<double> scores, SortedSetAddFlags flags,
        bool replicate, out long added, out long changed) where TElements : IElements, allows ref struct
    {
        added = 0;
        changed = 0;
        long reserve = 0;
        for (var i = 0; i < members.Count; i++)
        {
            reserve += members[i].Length + SortedSetMemberReserve;
        }

        var status = BeginObjectWrite<SortedSetObject>(k, key, reserve, out var slot, out var set, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (set == null)
        {
            if ((flags & SortedSetAddFlags.OnlyExisting) != 0 || members.Count == 0)
            {
                CancelObjectWrite(k, reserve);
                scores.Fill(double.NaN);
                return StorageStatus.Ok;
            }

            set = new SortedSetObject();
            status = AddObjectKey(k, key, set, reserve, out slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }

        var options = _keyspace.Options;
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var score = scores[i];
            if (set.TryGetScore(member, out var current))
            {
                if ((flags & SortedSetAddFlags.OnlyNew) != 0)
                {
                    scores[i] = double.NaN;
                    continue;
                }

                var next = (flags & SortedSetAddFlags.Increment) != 0 ? current + score : score;
                if (double.IsNaN(next))
                {
                    CancelObjectWrite(k, reserve);
                    return StorageStatus.NotFloat;
                }

                if (((flags & SortedSetAddFlags.GreaterThan) != 0 && next <= current)
                    || ((flags & SortedSetAddFlags.LessThan) != 0 && next >= current))
                {
                    scores[i] = double.NaN;
                    continue;
                }

                if (next != current)
                {
                    set.Set(member, next, options);
                    changed++;
                    scores[i] = next;
                }
                else
                {
                    // Unchanged, but an INCR by 0 still answers the score: the caller reads it before the NaN mark.
                    scores[i] = (flags & SortedSetAddFlags.Increment) != 0 && members.Count == 1 ? next : double.NaN;
                }

                continue;
            }

            if ((flags & SortedSetAddFlags.OnlyExisting) != 0)
            {
                scores[i] = double.NaN;
                continue;
            }

            set.Set(member, score, options);
            added++;
        }

        if (added + changed == 0)
        {
            CancelObjectWrite(k, reserve);
            return StorageStatus.Ok;
        }

        EndObjectWrite(k, slot, set, sizeBefore, reserve, (byte)SortedSetOperation.SetScores, new ScoresPayload<TElements>(members, scores), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>ZREM: removes the members; <paramref name="removed"/> counts those that were there.</summary>
    public StorageStatus SortedSetRemove<TElements>(ReadOnlySpan<byte> key, TElements members, out long removed)
        where TElements : IElements, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return RemoveSortedSetMembers(k, key, members, replicate: true, out removed);
        }
    }

    private static StorageStatus RemoveSortedSetMembers<TElements>(KeyRef k, ReadOnlySpan<byte> key, TElements members, bool replicate, out long removed)
        where TElements : IElements, allows ref struct
    {
        removed = 0;
        var status = BeginObjectWrite<SortedSetObject>(k, key, 0, out var slot, out var set, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok || set == null)
        {
            return status;
        }

        for (var i = 0; i < members.Count && set.Count > 0; i++)
        {
            removed += set.Remove(members[i]) ? 1 : 0;
        }

        if (removed == 0)
        {
            return StorageStatus.Ok;
        }

        EndObjectWrite(k, slot, set, sizeBefore, 0, (byte)SortedSetOperation.Remove, new ElementsPayload<TElements>(members), replicate);
        return StorageStatus.Ok;
    }

    /// <summary>ZREMRANGEBYRANK: removes ranks <paramref name="start"/> to <paramref name="stop"/> (negative from the end).</summary>
    public StorageStatus SortedSetRemoveRangeByRank(ReadOnlySpan<byte> key, long start, long stop, out long removed)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            removed = 0;
            var status = BeginObjectWrite<SortedSetObject>(k, key, 0, out var slot, out var set, out var sizeBefore);
            if (status != StorageStatus.Ok || set == null)
            {
                return status;
            }

            if (!ClampRanks(set.Count, ref start, ref stop))
            {
                return StorageStatus.Ok;
            }

            removed = RemoveRanks(k, slot, set, sizeBefore, (int)start, (int)stop, replicate: true);
            return StorageStatus.Ok;
        }
    }

    /// <summary>
    /// ZREMRANGEBYSCORE / ZREMRANGEBYLEX: removes the entries from the first <paramref name="min"/> does not put
    /// before it to the last <paramref name="max"/> puts before it.
    /// </summary>
    public StorageStatus SortedSetRemoveRange<TMin, TMax>(ReadOnlySpan<byte> key, in TMin min, in TMax max, out long removed)
        where TMin : IEntryBound, allows ref struct
        where TMax : IEntryBound, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            removed = 0;
            var status = BeginObjectWrite<SortedSetObject>(k, key, 0, out var slot, out var set, out var sizeBefore);
            if (status != StorageStatus.Ok || set == null)
            {
                return status;
            }

            var from = set.CountBefore(min);
            var to = set.CountBefore(max) - 1;
            if (from > to)
            {
                return StorageStatus.Ok;
            }

            removed = RemoveRanks(k, slot, set, sizeBefore, from, to, replicate: true);
            return StorageStatus.Ok;
        }
    }

    /// <summary>
    /// ZPOPMIN / ZPOPMAX (and ZMPOP, and the blocking forms once a key is ready): removes up to
    /// <paramref name="count"/> entries from the low end, or the high end with <paramref name="max"/>, showing them to
    /// <paramref name="visitor"/> first in pop order (lowest first, or highest first). NotFound: no such key.
    /// </summary>
    public StorageStatus SortedSetPop<TVisitor>(ReadOnlySpan<byte> key, long count, bool max, ref TVisitor visitor, out int popped)
        where TVisitor : IScoredVisitor, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            popped = 0;
            var status = BeginObjectWrite<SortedSetObject>(k, key, 0, out var slot, out var set, out var sizeBefore);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            if (set == null)
            {
                return StorageStatus.NotFound;
            }

            popped = (int)Math.Min(count, set.Count);
            if (popped <= 0)
            {
                return StorageStatus.Ok;
            }

            var start = max ? set.Count - popped : 0;
            var end = start + popped - 1;
            set.Walk(start, end, reverse: max, ref visitor);
            RemoveRanks(k, slot, set, sizeBefore, start, end, replicate: true);
            return StorageStatus.Ok;
        }
    }

    private static int RemoveRanks(KeyRef k, ulong* slot, SortedSetObject set, long sizeBefore, int start, int end, bool replicate)
    {
        var removed = set.RemoveRange(start, end);
        EndObjectWrite(k, slot, set, sizeBefore, 0, (byte)SortedSetOperation.RemoveRange, new RankRangePayload(start, end), replicate);
        return removed;
    }

    /// <summary>Redis's rank clamping (ZRANGE, ZREMRANGEBYRANK): false when the range is empty.</summary>
    private static bool ClampRanks(int count, ref long start, ref long stop)
    {
        if (start < 0)
        {
            start += count;
        }

        if (stop < 0)
        {
            stop += count;
        }

        if (start < 0)
        {
            start = 0;
        }

        if (start > stop || start >= count)
        {
            return false;
        }

        if (stop >= count)
        {
            stop = count - 1;
        }

        return true;
    }
}
