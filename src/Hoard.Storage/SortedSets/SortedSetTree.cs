namespace Hoard.Storage.SortedSets;

/// <summary>
/// The large encoding of a sorted set (Redis's "skiplist"): an order-statistic B+tree whose leaves pack up to
/// <see cref="LeafCapacity"/> entries (scores in an array, members back to back in one byte array), inner nodes that
/// count their subtree's entries (rank and select in O(log n)), and a <see cref="MemberIndex"/> from member to leaf for
/// O(1) score lookups. Insert, delete, rank and range by score, rank or member are O(log n).
/// </summary>
/// <remarks>
/// Why not a skiplist: Redis's costs a node per member (two pointers per level, a backward pointer, the score, the
/// member as its own sds) plus a dict entry; here a member costs its bytes, a length byte, its score and about 16 bytes
/// of index. Not thread-safe: only the holder of the key's shard lock touches it.
/// </remarks>
internal sealed partial class SortedSetTree
{
    /// <summary>Entries a leaf holds at most.</summary>
    public const int LeafCapacity = 64;

    /// <summary>Children an inner node holds at most.</summary>
    public const int Fanout = 64;

    /// <summary>Estimated bytes of this object itself.</summary>
    private const int TreeBytes = 48;

    private readonly MemberIndex _index = new();
    private TreeNode _root;
    private long _nodeBytes;

    /// <summary>Creates an empty tree.</summary>
    public SortedSetTree()
    {
        var leaf = new TreeLeaf();
        _index.Register(leaf);
        _root = leaf;
        First = leaf;
        Last = leaf;
        _nodeBytes = TreeLeaf.Bytes;
    }

    /// <summary>The number of entries.</summary>
    public int Count => _root.Count;

    /// <summary>Estimated bytes held, maintained by every change.</summary>
    public long ByteSize => TreeBytes + _nodeBytes + _index.ByteSize;

    /// <summary>The first leaf.</summary>
    public TreeLeaf First { get; private set; }

    /// <summary>The last leaf.</summary>
    public TreeLeaf Last { get; private set; }

    /// <summary>The score of <paramref name="member"/>, if present.</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        var leaf = _index.Find(member, out var index);
        score = leaf == null ? 0 : leaf.Scores[index];
        return leaf != null;
    }

    /// <summary>Inserts <paramref name="member"/>, which must be absent.</summary>
    public void Insert(ReadOnlySpan<byte> member, double score)
    {
        var split = Insert(_root, score, member, out var landed, out var sepScore, out var sepMember);
        if (split != null)
        {
            var root = new TreeInner { Count = _root.Count + split.Count, ChildCount = 2 };
            root.Children[0] = _root;
            root.Children[1] = split;
            root.SepScores[1] = sepScore;
            root.SepMembers[1] = sepMember!;
            _nodeBytes += TreeInner.Bytes;
            _root = root;
        }

        _index.Add(MemberIndex.Hash(member), landed);
    }

    /// <summary>Removes <paramref name="member"/>; false if absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!TryGetScore(member, out var score))
        {
            return false;
        }

        RemoveAt(CountBefore(new ExactBound(score, member)));
        return true;
    }

    /// <summary>Removes the entry of rank <paramref name="rank"/> (0-based, ascending).</summary>
    public void RemoveAt(int rank)
    {
        RemoveAt(_root, rank);
        while (_root is TreeInner { ChildCount: 1 } single)
        {
            _root = single.Children[0];
            _nodeBytes -= TreeInner.Bytes;
        }

        if (_root is TreeInner { ChildCount: 0 })
        {
            var leaf = new TreeLeaf();
            _index.Register(leaf);
            _nodeBytes += TreeLeaf.Bytes - TreeInner.Bytes;
            _root = leaf;
            First = leaf;
            Last = leaf;
        }
    }

    /// <summary>The number of entries <paramref name="bound"/> puts before it: the rank where its range starts or ends.</summary>
    public int CountBefore<TBound>(in TBound bound) where TBound : IEntryBound, allows ref struct
    {
        var node = _root;
        var rank = 0;
        while (node is TreeInner inner)
        {
            var lo = 1;
            var hi = inner.ChildCount - 1;
            var chosen = 0;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (bound.Before(inner.SepScores[mid], inner.SepMembers[mid]))
                {
                    chosen = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            for (var i = 0; i < chosen; i++)
            {
                rank += inner.Children[i].Count;
            }

            node = inner.Children[chosen];
        }

        var leaf = (TreeLeaf)node;
        var offset = 0;
        for (var i = 0; i < leaf.Count; i++)
        {
            if (!bound.Before(leaf.Scores[i], leaf.MemberAt(offset, out offset)))
            {
                break;
            }

            rank++;
        }

        return rank;
    }

    /// <summary>The leaf holding rank <paramref name="rank"/> and the entry's index in it.</summary>
    public TreeLeaf Locate(int rank, out int index)
    {
        var node = _root;
        while (node is TreeInner inner)
        {
            var i = 0;
            while (rank >= inner.Children[i].Count)
            {
                rank -= inner.Children[i].Count;
                i++;
            }

            node = inner.Children[i];
        }

        index = rank;
        return (TreeLeaf)node;
    }

    /// <summary>Entries of ranks <paramref name="start"/> to <paramref name="end"/> (inclusive, ascending) in order, or in reverse.</summary>
    public void Walk<TVisitor>(int start, int end, bool reverse, ref TVisitor visitor) where TVisitor : IScoredVisitor, allows ref struct
    {
        if (start > end)
        {
            return;
        }

        var left = end - start + 1;
        if (!reverse)
        {
            var leaf = Locate(start, out var index);
            var offset = leaf.OffsetOf(index);
            while (left > 0)
            {
                if (index == leaf.Count)
                {
                    leaf = leaf.Next!;
                    index = 0;
                    offset = 0;
                }

                var score = leaf.Scores[index];
                if (!visitor.Visit(leaf.MemberAt(offset, out offset), score))
                {
                    return;
                }

                index++;
                left--;
            }

            return;
        }

        Span<int> offsets = stackalloc int[LeafCapacity];
        var current = Locate(end, out var at);
        while (true)
        {
            var o = 0;
            for (var i = 0; i <= at; i++)
            {
                offsets[i] = o;
                current.MemberAt(o, out o);
            }

            for (var i = at; i >= 0; i--)
            {
                if (!visitor.Visit(current.MemberAt(offsets[i], out _), current.Scores[i]) || --left == 0)
                {
                    return;
                }
            }

            current = current.Prev!;
            at = current.Count - 1;
        }
    }

    /// <summary>The bytes <see cref="ByteSize"/> should say, counted by walking every node (tests check the upkeep).</summary>
    internal long RecountBytes()
    {
        static long Count(TreeNode node)
        {
            if (node is TreeLeaf leaf)
            {
                return TreeLeaf.Bytes + TreeLeaf.DataBytes(leaf.Data.Length);
            }

            var inner = (TreeInner)node;
            long bytes = TreeInner.Bytes;
            for (var i = 0; i < inner.ChildCount; i++)
            {
                bytes += Count(inner.Children[i]) + (i > 0 ? TreeLeaf.DataBytes(inner.SepMembers[i].Length) : 0);
            }

            return bytes;
        }

        return TreeBytes + Count(_root) + _index.ByteSize;
    }

    /// <summary>An independent copy.</summary>
    public SortedSetTree Clone()
    {
        var copy = new SortedSetTree();
        var appender = new Appender(copy);
        Walk(0, Count - 1, reverse: false, ref appender);
        return copy;
    }

    /// <summary>Adds entries given in ascending order.</summary>
    private readonly struct Appender(SortedSetTree tree) : IScoredVisitor
    {
        public bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            tree.Insert(member, score);
            return true;
        }
    }

    /// <summary>Entries strictly below (score, member).</summary>
    internal readonly ref struct ExactBound(double score, ReadOnlySpan<byte> member) : IEntryBound
    {
        private readonly ReadOnlySpan<byte> _member = member;

        public bool Before(double s, ReadOnlySpan<byte> m) => ScoredEntry.Compare(s, m, score, _member) < 0;
    }
}
