namespace Hoard.Storage.SortedSets;

/// <summary>Ordering of sorted set entries: by score, then by member bytes (memcmp), as Redis orders a zset.</summary>
internal static class ScoredEntry
{
    /// <summary>Compares (<paramref name="scoreA"/>, <paramref name="memberA"/>) with (<paramref name="scoreB"/>, <paramref name="memberB"/>); -0 equals 0.</summary>
    public static int Compare(double scoreA, ReadOnlySpan<byte> memberA, double scoreB, ReadOnlySpan<byte> memberB)
    {
        if (scoreA < scoreB)
        {
            return -1;
        }

        if (scoreA > scoreB)
        {
            return 1;
        }

        return memberA.SequenceCompareTo(memberB);
    }
}

/// <summary>
/// A monotone predicate over a sorted set's entries: true for a prefix of them (those before a range's start or past
/// its end), so that the number of entries it holds for is a rank found in O(log n).
/// </summary>
public interface IEntryBound
{
    /// <summary>Whether the entry lies before the bound.</summary>
    bool Before(double score, ReadOnlySpan<byte> member);
}

/// <summary>Receives entries a sorted set enumerates (under the shard lock: copy out and return).</summary>
public interface IScoredVisitor
{
    /// <summary>One entry; false stops the walk.</summary>
    bool Visit(scoped ReadOnlySpan<byte> member, double score);
}
