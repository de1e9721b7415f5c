using Hoard.Storage.Keys;
using Hoard.Storage.Objects;
using Hoard.Storage.Sets;
using Hoard.Storage.SortedSets;

namespace Hoard.Storage;

/// <summary>Sorted set reads: scores, ranks, counts, ranges, random members, ZSCAN, and whole copies for the multi-key commands.</summary>
public sealed unsafe partial class Database
{
    /// <summary>ZCARD; 0 for a missing key.</summary>
    public StorageStatus SortedSetLength(ReadOnlySpan<byte> key, out long length)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            length = set?.Count ?? 0;
            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>ZSCORE: <paramref name="found"/> tells whether the key holds the member.</summary>
    public StorageStatus SortedSetScore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, out double score, out bool found)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            score = 0;
            found = false;
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set != null)
            {
                found = set.TryGetScore(member, out score);
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>ZRANK / ZREVRANK: the member's rank (-1 if absent) and score.</summary>
    public StorageStatus SortedSetRank(ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, bool reverse, out long rank, out double score)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            rank = -1;
            score = 0;
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set != null)
            {
                rank = set.RankOf(member, out score);
                if (rank >= 0 && reverse)
                {
                    rank = set.Count - 1 - rank;
                }
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>ZCOUNT / ZLEXCOUNT: the entries between the bounds (see <see cref="SortedSetRemoveRange{TMin, TMax}"/>).</summary>
    public StorageStatus SortedSetCount<TMin, TMax>(ReadOnlySpan<byte> key, in TMin min, in TMax max, out long count)
        where TMin : IEntryBound, allows ref struct
        where TMax : IEntryBound, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            count = 0;
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set != null)
            {
                count = Math.Max(0, set.CountBefore(max) - set.CountBefore(min));
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>
    /// ZRANGE by rank: ranks <paramref name="start"/> to <paramref name="stop"/> (negative from the end; with
    /// <paramref name="reverse"/> counted from the highest) into <paramref name="visitor"/>, in reply order.
    /// </summary>
    public StorageStatus SortedSetRangeByRank<TVisitor>(ReadOnlySpan<byte> key, long start, long stop, bool reverse, ref TVisitor visitor)
        where TVisitor : IScoredVisitor, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set == null || !ClampRanks(set.Count, ref start, ref stop))
            {
                return status;
            }

            if (reverse)
            {
                set.Walk(set.Count - 1 - (int)stop, set.Count - 1 - (int)start, reverse: true, ref visitor);
            }
            else
            {
                set.Walk((int)start, (int)stop, reverse: false, ref visitor);
            }

            return status;
        }
    }

    /// <summary>
    /// ZRANGE BYSCORE / BYLEX: the entries between the bounds (ascending; with <paramref name="reverse"/> from the
    /// top), skipping <paramref name="offset"/> and at most <paramref name="limit"/> of them (negative: all).
    /// </summary>
    public StorageStatus SortedSetRangeByBounds<TMin, TMax, TVisitor>(ReadOnlySpan<byte> key, in TMin min, in TMax max, bool reverse,
        long offset, long limit, ref TVisitor visitor)
        where TMin : IEntryBound, allows ref struct
        where TMax : IEntryBound, allows ref struct
        where TVisitor : IScoredVisitor, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set == null || offset < 0 || limit == 0)
            {
                return status;
            }

            long from = set.CountBefore(min);
            long to = set.CountBefore(max) - 1;
            var span = to - from + 1;
            if (offset >= span)
            {
                return status;
            }

            var take = limit < 0 ? span - offset : Math.Min(limit, span - offset);
            if (reverse)
            {
                set.Walk((int)(to - offset - take + 1), (int)(to - offset), reverse: true, ref visitor);
            }
            else
            {
                set.Walk((int)(from + offset), (int)(from + offset + take - 1), reverse: false, ref visitor);
            }

            return status;
        }
    }

    /// <summary>
    /// ZRANDMEMBER with a count: distinct members (count ≥ 0; all when it exceeds the size) or <c>-count</c> picks that
    /// may repeat.
    /// </summary>
    public StorageStatus SortedSetRandom<TVisitor>(ReadOnlySpan<byte> key, long count, ref TVisitor visitor)
        where TVisitor : IScoredVisitor, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set == null || count == 0)
            {
                return status;
            }

            var n = set.Count;
            var random = Random.Shared;
            if (count < 0)
            {
                for (long i = 0; i < -count; i++)
                {
                    var r = random.Next(n);
                    set.Walk(r, r, reverse: false, ref visitor);
                }

                return status;
            }

            if (count >= n)
            {
                set.Walk(0, n - 1, reverse: false, ref visitor);
                return status;
            }

            // Distinct picks: a selection sample (Knuth's algorithm S) when they are many, random ranks otherwise.
            if (count * 3 > n)
            {
                var sampler = new Sampler<TVisitor>(visitor, (int)count, n);
                set.Walk(0, n - 1, reverse: false, ref sampler);
                visitor = sampler.Inner;
                return status;
            }

            var picked = new HashSet<int>();
            while (picked.Count < count)
            {
                var r = random.Next(n);
                if (picked.Add(r))
                {
                    set.Walk(r, r, reverse: false, ref visitor);
                }
            }

            return status;
        }
    }

    /// <summary>
    /// ZSCAN: a small set whole (cursor 0 next); a large one <paramref name="count"/> entries at a time, the cursor
    /// being the next rank. Members matching <paramref name="pattern"/> (empty: all) go to <paramref name="visitor"/>.
    /// </summary>
    /// <remarks>
    /// A rank cursor returns every member once when the set does not change meanwhile; removals of lower-ranked
    /// members during a scan can make it skip members (Redis's hash-table cursor cannot), a known limitation.
    /// </remarks>
    public StorageStatus SortedSetScan<TVisitor>(ReadOnlySpan<byte> key, ulong cursor, ReadOnlySpan<byte> pattern, int count,
        ref TVisitor visitor, out ulong next) where TVisitor : IScoredVisitor, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            next = 0;
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set == null)
            {
                return status;
            }

            var start = set.IsTree ? (int)Math.Min(cursor, (ulong)set.Count) : 0;
            var end = set.IsTree ? (int)Math.Min((long)start + Math.Max(1, count), set.Count) : set.Count;
            next = end >= set.Count ? 0 : (ulong)end;
            var filter = new MatchFilter<TVisitor>(visitor, pattern);
            set.Walk(start, end - 1, reverse: false, ref filter);
            visitor = filter.Inner;
            return status;
        }
    }

    /// <summary>Copies every entry of the key, in order, into <paramref name="into"/> (the multi-key commands' input).</summary>
    public StorageStatus SortedSetReadAll(ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SortedSetObject>(k, key, out var set);
            if (set != null)
            {
                var collector = new Collector(into);
                set.Walk(0, set.Count - 1, reverse: false, ref collector);
            }

            return status;
        }
    }

    /// <summary>
    /// The input read of ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: as
    /// <see cref="SortedSetReadAll"/>, but a plain set is read too, every member with score 1 (as Redis's
    /// <c>zuiInitIterator</c>), in the set's own order. WrongType for any other type; NotFound for a missing key.
    /// </summary>
    public StorageStatus SortedSetOrSetReadAll(ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<StoredObject>(k, key, out var value);
            switch (value)
            {
                case SortedSetObject sorted:
                    var collector = new Collector(into);
                    sorted.Walk(0, sorted.Count - 1, reverse: false, ref collector);
                    return status;
                case SetObject set:
                    Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
                    into.EnsureCapacity(into.Count + set.Count);
                    for (var i = 0; i < set.Count; i++)
                    {
                        into.Add((set.GetAt(i, scratch).ToArray(), 1));
                    }

                    return status;
                case null:
                    return status;
                default:
                    return StorageStatus.WrongType;
            }
        }
    }

    /// <summary>Copies entries out (the multi-key commands, ZRANGESTORE).</summary>
    /// <param name="into">Where the entries go.</param>
    public readonly struct Collector(List<(byte[] Member, double Score)> into) : IScoredVisitor
    {
        /// <inheritdoc/>
        public bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            into.Add((member.ToArray(), score));
            return true;
        }
    }

    private ref struct Sampler<TVisitor>(TVisitor inner, int wanted, int total) : IScoredVisitor
        where TVisitor : IScoredVisitor, allows ref struct
    {
        public TVisitor Inner = inner;
        private int _wanted = wanted;
        private int _left = total;

        public bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            if (Random.Shared.Next(_left--) < _wanted)
            {
                _wanted--;
                Inner.Visit(member, score);
            }

            return _wanted > 0;
        }
    }

    private ref struct MatchFilter<TVisitor>(TVisitor inner, ReadOnlySpan<byte> pattern) : IScoredVisitor
        where TVisitor : IScoredVisitor, allows ref struct
    {
        public TVisitor Inner = inner;
        private readonly ReadOnlySpan<byte> _pattern = pattern;
        private readonly bool _all = pattern.IsEmpty || GlobPattern.IsMatchAll(pattern);

        public bool Visit(scoped ReadOnlySpan<byte> member, double score) =>
            (!_all && !GlobPattern.IsMatch(_pattern, member)) || Inner.Visit(member, score);
    }
}
