using Hoard.Storage.Hashes;

namespace Hoard.Storage.SortedSets;

/// <summary>
/// The member → leaf index of <see cref="SortedSetTree"/>: an open-addressing table (linear probing, backward-shift
/// deletion, no tombstones) of (32-bit member hash, leaf) slots — 12 bytes a slot, no copy of the member. A lookup
/// probes the slots of the member's hash and searches each one's leaf, which holds at most
/// <see cref="SortedSetTree.LeafCapacity"/> entries: O(1).
/// </summary>
/// <remarks>
/// Invariant: for every hash h, the leaves of the slots holding h are, as a multiset, the leaves holding the members
/// whose hash is h. Moving a member between leaves re-points any one slot (h, from) to (h, to), which keeps it.
/// </remarks>
internal sealed class MemberIndex
{
    /// <summary>Estimated fixed bytes: this object and its two array headers.</summary>
    public const int FixedBytes = 40 + 24 + 24;

    private uint[] _hashes = new uint[16];
    private TreeLeaf?[] _leaves = new TreeLeaf?[16];
    private int _count;

    /// <summary>Estimated bytes held (arrays included).</summary>
    public long ByteSize => FixedBytes + ((long)_hashes.Length * 12);

    /// <summary>The hash the index files <paramref name="member"/> under (never 0, which marks a free slot).</summary>
    public static uint Hash(ReadOnlySpan<byte> member)
    {
        var h = (uint)HashTable.FieldComparer.Hash(member);
        return h == 0 ? 1 : h;
    }

    /// <summary>The leaf holding <paramref name="member"/> and its index there, or null.</summary>
    public TreeLeaf? Find(ReadOnlySpan<byte> member, out int index)
    {
        var h = Hash(member);
        var mask = _hashes.Length - 1;
        for (var i = (int)(h & (uint)mask); _hashes[i] != 0; i = (i + 1) & mask)
        {
            if (_hashes[i] == h)
            {
                var leaf = _leaves[i]!;
                index = leaf.IndexOf(member);
                if (index >= 0)
                {
                    return leaf;
                }
            }
        }

        index = -1;
        return null;
    }

    /// <summary>Files a member of hash <paramref name="h"/> under <paramref name="leaf"/>.</summary>
    public void Add(uint h, TreeLeaf leaf)
    {
        if ((_count + 1) * 4 > _hashes.Length * 3)
        {
            Grow();
        }

        var mask = _hashes.Length - 1;
        var i = (int)(h & (uint)mask);
        while (_hashes[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _hashes[i] = h;
        _leaves[i] = leaf;
        _count++;
    }

    /// <summary>Re-points one slot (<paramref name="h"/>, <paramref name="from"/>) to <paramref name="to"/>.</summary>
    public void Move(uint h, TreeLeaf from, TreeLeaf to) => _leaves[SlotOf(h, from)] = to;

    /// <summary>Removes one slot (<paramref name="h"/>, <paramref name="leaf"/>).</summary>
    public void Remove(uint h, TreeLeaf leaf)
    {
        var mask = _hashes.Length - 1;
        var hole = SlotOf(h, leaf);
        var j = hole;
        while (true)
        {
            j = (j + 1) & mask;
            if (_hashes[j] == 0)
            {
                break;
            }

            var home = (int)(_hashes[j] & (uint)mask);

            // Move slot j into the hole unless its home lies cyclically in (hole, j].
            var inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!inRange)
            {
                _hashes[hole] = _hashes[j];
                _leaves[hole] = _leaves[j];
                hole = j;
            }
        }

        _hashes[hole] = 0;
        _leaves[hole] = null;
        _count--;
    }

    private int SlotOf(uint h, TreeLeaf leaf)
    {
        var mask = _hashes.Length - 1;
        for (var i = (int)(h & (uint)mask); _hashes[i] != 0; i = (i + 1) & mask)
        {
            if (_hashes[i] == h && ReferenceEquals(_leaves[i], leaf))
            {
                return i;
            }
        }

        throw new InvalidOperationException("A sorted set's member index lost a member.");
    }

    private void Grow()
    {
        var hashes = _hashes;
        var leaves = _leaves;
        _hashes = new uint[hashes.Length * 2];
        _leaves = new TreeLeaf?[hashes.Length * 2];
        _count = 0;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (hashes[i] != 0)
            {
                Add(hashes[i], leaves[i]!);
            }
        }
    }
}
