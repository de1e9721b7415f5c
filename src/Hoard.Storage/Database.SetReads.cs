using Hoard.Storage.Keys;
using Hoard.Storage.Sets;

namespace Hoard.Storage;

/// <summary>Set reads: SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SRANDMEMBER, SSCAN. Members go to sinks as first items.</summary>
public sealed unsafe partial class Database
{
    /// <summary>SISMEMBER: whether <paramref name="member"/> is in the set (false for a missing key).</summary>
    public StorageStatus SetContains(ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, out bool contains)
    {
        var k = new KeyRef(this, key);
        contains = false;
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            contains = set != null && set.Contains(member);
            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>SMISMEMBER: for each member, in <paramref name="results"/> (as long as the members), whether it is in the set.</summary>
    public StorageStatus SetContainsEach<TElements>(ReadOnlySpan<byte> key, in TElements members, Span<bool> results)
        where TElements : IElements, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            for (var i = 0; i < members.Count; i++)
            {
                results[i] = set != null && set.Contains(members[i]);
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>SCARD: the number of members (0 for a missing key).</summary>
    public StorageStatus SetCardinality(ReadOnlySpan<byte> key, out long count)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            count = set?.Count ?? 0;
            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>SMEMBERS: every member into <paramref name="sink"/>. NotFound for a missing key.</summary>
    public StorageStatus SetMembers<TSink>(ReadOnlySpan<byte> key, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            if (set != null)
            {
                Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
                for (var i = 0; i < set.Count; i++)
                {
                    sink.Write(set.GetAt(i, scratch), default);
                }
            }

            return status;
        }
    }

    /// <summary>
    /// SRANDMEMBER with a count, Redis's rules: a positive count gives distinct members (the whole set when it is at
    /// least the set's size), a negative one exactly |count| members that may repeat. NotFound for a missing key.
    /// </summary>
    public StorageStatus SetRandomMembers<TSink>(ReadOnlySpan<byte> key, long count, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            if (set == null)
            {
                return status;
            }

            Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
            if (count < 0)
            {
                for (long i = 0; i < -count; i++)
                {
                    sink.Write(set.GetAt(Random.Shared.Next(set.Count), scratch), default);
                }
            }
            else if (count >= set.Count)
            {
                for (var i = 0; i < set.Count; i++)
                {
                    sink.Write(set.GetAt(i, scratch), default);
                }
            }
            else if (count == 1)
            {
                sink.Write(set.GetAt(Random.Shared.Next(set.Count), scratch), default);
            }
            else
            {
                foreach (var position in DistinctPositions(set.Count, (int)count))
                {
                    sink.Write(set.GetAt(position, scratch), default);
                }
            }

            return StorageStatus.Ok;
        }
    }

    /// <summary>
    /// SSCAN: members matching <paramref name="pattern"/> (empty for all) into <paramref name="sink"/>. An intset or
    /// listpack is returned whole in one step (cursor 0), as Redis does; a hashtable about <paramref name="count"/>
    /// members per step, its dense slots from the top down (a removal moves the last slot into the gap, so a member
    /// present for the whole scan is returned at least once). Returns the next cursor, 0 at the end.
    /// </summary>
    public StorageStatus SetScan<TSink>(ReadOnlySpan<byte> key, ulong cursor, ReadOnlySpan<byte> pattern, int count,
        ref TSink sink, out ulong next) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        next = 0;
        var all = pattern.IsEmpty || GlobPattern.IsMatchAll(pattern);
        lock (k.Shard.Gate)
        {
            var status = ReadObject<SetObject>(k, key, out var set);
            if (set == null)
            {
                return status;
            }

            Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
            var position = set.IsCompact || cursor == 0 ? set.Count : (int)Math.Min((ulong)set.Count, cursor);
            var stop = set.IsCompact ? 0 : Math.Max(0, position - Math.Max(1, count));
            while (position > stop)
            {
                var member = set.GetAt(--position, scratch);
                if (all || GlobPattern.IsMatch(pattern, member))
                {
                    sink.Write(member, default);
                }
            }

            next = (ulong)position;
            return StorageStatus.Ok;
        }
    }
}
