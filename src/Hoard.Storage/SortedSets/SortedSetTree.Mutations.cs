namespace Hoard.Storage.SortedSets;

/// <summary>Inserting and removing: splits on the way up, merges of small leaves, index upkeep for moved entries.</summary>
internal sealed partial class SortedSetTree
{
    private static int ChildFor(TreeInner inner, double score, ReadOnlySpan<byte> member)
    {
        var lo = 1;
        var hi = inner.ChildCount - 1;
        var chosen = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ScoredEntry.Compare(inner.SepScores[mid], inner.SepMembers[mid], score, member) <= 0)
            {
                chosen = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return chosen;
    }

    /// <summary>Inserts below <paramref name="node"/>; returns a new right sibling when it split, with its separator.</summary>
    private TreeNode? Insert(TreeNode node, double score, ReadOnlySpan<byte> member, out TreeLeaf landed, out double sepScore, out byte[]? sepMember)
    {
        if (node is TreeLeaf leaf)
        {
            return InsertIntoLeaf(leaf, score, member, out landed, out sepScore, out sepMember);
        }

        var inner = (TreeInner)node;
        var i = ChildFor(inner, score, member);
        var split = Insert(inner.Children[i], score, member, out landed, out var childSepScore, out var childSepMember);
        inner.Count++;
        sepScore = 0;
        sepMember = null;
        if (split == null)
        {
            return null;
        }

        var at = i + 1;
        Array.Copy(inner.Children, at, inner.Children, at + 1, inner.ChildCount - at);
        Array.Copy(inner.SepScores, at, inner.SepScores, at + 1, inner.ChildCount - at);
        Array.Copy(inner.SepMembers, at, inner.SepMembers, at + 1, inner.ChildCount - at);
        inner.Children[at] = split;
        inner.SepScores[at] = childSepScore;
        inner.SepMembers[at] = childSepMember!;
        inner.ChildCount++;
        if (inner.ChildCount < Fanout)
        {
            return null;
        }

        // Full: the upper half moves to a new right sibling; its first separator goes up to the parent.
        var half = Fanout / 2;
        var right = new TreeInner { ChildCount = Fanout - half };
        Array.Copy(inner.Children, half, right.Children, 0, right.ChildCount);
        Array.Copy(inner.SepScores, half, right.SepScores, 0, right.ChildCount);
        Array.Copy(inner.SepMembers, half, right.SepMembers, 0, right.ChildCount);
        Array.Clear(inner.Children, half, right.ChildCount);
        Array.Clear(inner.SepMembers, half, right.ChildCount);
        inner.ChildCount = half;
        sepScore = right.SepScores[0];
        sepMember = right.SepMembers[0];
        right.SepMembers[0] = null!;
        right.SepScores[0] = 0;
        var moved = 0;
        for (var c = 0; c < right.ChildCount; c++)
        {
            moved += right.Children[c].Count;
        }

        right.Count = moved;
        inner.Count -= moved;
        _nodeBytes += TreeInner.Bytes;
        return right;
    }

    private TreeLeaf? InsertIntoLeaf(TreeLeaf leaf, double score, ReadOnlySpan<byte> member, out TreeLeaf landed, out double sepScore, out byte[]? sepMember)
    {
        var position = 0;
        var offset = 0;
        for (; position < leaf.Count; position++)
        {
            var next = offset;
            if (ScoredEntry.Compare(leaf.Scores[position], leaf.MemberAt(offset, out next), score, member) > 0)
            {
                break;
            }

            offset = next;
        }

        sepScore = 0;
        sepMember = null;
        if (leaf.Count < LeafCapacity)
        {
            _nodeBytes += leaf.InsertAt(position, offset, score, member);
            landed = leaf;
            return null;
        }

        var right = new TreeLeaf { Next = leaf.Next, Prev = leaf };
        if (leaf.Next != null)
        {
            leaf.Next.Prev = right;
        }
        else
        {
            Last = right;
        }

        leaf.Next = right;
        _index.Register(right);
        _nodeBytes += TreeLeaf.Bytes;
        if (position == leaf.Count && right.Next == null)
        {
            // Appending past the last entry (ascending inserts, bulk builds): start a new leaf, leave this one full.
            _nodeBytes += leaf.Trim();
            _nodeBytes += right.InsertAt(0, 0, score, member);
            landed = right;
        }
        else
        {
            var half = LeafCapacity / 2;
            _nodeBytes += leaf.MoveTail(half, right);
            var o = 0;
            for (var i = 0; i < right.Count; i++)
            {
                _index.Move(MemberIndex.Hash(right.MemberAt(o, out o)), leaf, right);
            }

            landed = position <= half ? leaf : right;
            var at = position <= half ? position : position - half;
            _nodeBytes += landed.InsertAt(at, landed.OffsetOf(at), score, member);
        }

        sepScore = right.Scores[0];
        sepMember = right.MemberAt(0, out _).ToArray();
        _nodeBytes += TreeLeaf.DataBytes(sepMember.Length); // counted once, wherever the separator ends up
        return right;
    }

    private void RemoveAt(TreeNode node, int rank)
    {
        if (node is TreeLeaf leaf)
        {
            var offset = leaf.OffsetOf(rank);
            _index.Remove(MemberIndex.Hash(leaf.MemberAt(offset, out _)), leaf);
            _nodeBytes += leaf.RemoveAt(rank, offset);
            return;
        }

        var inner = (TreeInner)node;
        var i = 0;
        while (rank >= inner.Children[i].Count)
        {
            rank -= inner.Children[i].Count;
            i++;
        }

        var child = inner.Children[i];
        RemoveAt(child, rank);
        inner.Count--;
        if (child.Count == 0)
        {
            RemoveChild(inner, i);
        }
        else if (child is TreeLeaf small && small.Count < LeafCapacity / 4)
        {
            MergeSmallLeaf(inner, i, small);
        }
    }

    private void MergeSmallLeaf(TreeInner inner, int i, TreeLeaf small)
    {
        const int room = LeafCapacity * 3 / 4;
        if (i + 1 < inner.ChildCount && inner.Children[i + 1] is TreeLeaf right && small.Count + right.Count <= room)
        {
            MoveAll(right, small);
            RemoveChild(inner, i + 1);
        }
        else if (i > 0 && inner.Children[i - 1] is TreeLeaf left && left.Count + small.Count <= room)
        {
            MoveAll(small, left);
            RemoveChild(inner, i);
        }
    }

    private void MoveAll(TreeLeaf from, TreeLeaf to)
    {
        var o = 0;
        for (var e = 0; e < from.Count; e++)
        {
            _index.Move(MemberIndex.Hash(from.MemberAt(o, out o)), from, to);
        }

        _nodeBytes += from.MoveTail(0, to);
    }

    /// <summary>Drops child <paramref name="i"/> (emptied or merged away) from <paramref name="inner"/>.</summary>
    private void RemoveChild(TreeInner inner, int i)
    {
        var child = inner.Children[i];
        if (child is TreeLeaf leaf)
        {
            if (leaf.Prev != null)
            {
                leaf.Prev.Next = leaf.Next;
            }
            else
            {
                First = leaf.Next!;
            }

            if (leaf.Next != null)
            {
                leaf.Next.Prev = leaf.Prev;
            }
            else
            {
                Last = leaf.Prev!;
            }

            _index.Unregister(leaf);
            _nodeBytes -= TreeLeaf.Bytes + TreeLeaf.DataBytes(leaf.Data.Length);
        }
        else
        {
            _nodeBytes -= TreeInner.Bytes;
        }

        // Separator i goes with the child; when child 0 goes, child 1's separator becomes the unused slot 0.
        var dropped = i > 0 ? i : 1;
        if (dropped < inner.ChildCount)
        {
            _nodeBytes -= TreeLeaf.DataBytes(inner.SepMembers[dropped].Length);
        }

        Array.Copy(inner.Children, i + 1, inner.Children, i, inner.ChildCount - i - 1);
        if (i > 0)
        {
            Array.Copy(inner.SepScores, i + 1, inner.SepScores, i, inner.ChildCount - i - 1);
            Array.Copy(inner.SepMembers, i + 1, inner.SepMembers, i, inner.ChildCount - i - 1);
        }
        else if (inner.ChildCount > 1)
        {
            Array.Copy(inner.SepScores, 2, inner.SepScores, 1, inner.ChildCount - 2);
            Array.Copy(inner.SepMembers, 2, inner.SepMembers, 1, inner.ChildCount - 2);
        }

        inner.ChildCount--;
        inner.Children[inner.ChildCount] = null!;
        inner.SepMembers[inner.ChildCount] = null!;
        inner.SepMembers[0] = null!;
    }
}
