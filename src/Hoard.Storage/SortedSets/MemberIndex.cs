using Hoard.Storage.Hashes;

namespace Hoard.Storage.SortedSets;

/// <summary>
/// The member → leaf index of <see cref="SortedSetTree"/>: an open-addressing table (linear probing, backward-shift
/// deletion, no tombstones) of 8-byte slots holding a member's 32-bit hash and its leaf's number — no copy of the
/// member. A lookup probes the slots of the member's hash and searches each one's leaf, which holds at most
/// <see cref="SortedSetTree.LeafCapacity"/> entries: O(1). Leaves are numbered here (<see cref="Register"/>) so that a
/// slot needs 4 bytes for its leaf rather than an 8-byte reference.
/// </summary>
/// <remarks>
/// Invariant: for every hash h, the leaves of the slots holding h are, as a multiset, the leaves holding the members
/// whose hash is h. Moving a member between leaves re-points any one slot (h, from) to (h, to), which keeps it.
/// </remarks>
internal sealed class MemberIndex
{
    /// <summary>Estimated fixed bytes: this object, its arrays' headers and the free list.</summary>
    public const int FixedBytes = 48 + 24 + 24 + 56;

    private ulong[] _slots = new ulong[16];
    private TreeLeaf?[] _leaves = new TreeLeaf?[4];
    private readonly Stack<int> _freeIds = new();
    private int _nextId;
    private int _count;

    /// <summary>Estimated bytes held (arrays included).</summary>
    public long ByteSize => FixedBytes + ((long)_slots.Length * sizeof(ulong)) + ((long)_leaves.Length * 8) + (_freeIds.Count * 4L);

    /// <summary>The hash the index files <paramref name="member"/> under (never 0, which marks a free slot).</summary>
    public static uint Hash(ReadOnlySpan<byte> member)
    {
        var h = (uint)HashTable.FieldComparer.Hash(member);
        return h == 0 ? 1 : h;
    }

    /// <summary>Gives <paramref name="leaf"/> a number.</summary>
    public void Register(TreeLeaf leaf)
    {
        if (!_freeIds.TryPop(out var id))
        {
            id = _nextId++;
            if (id == _leaves.Length)
            {
                Array.Resize(ref _leaves, _leaves.Length * 2);
            }
        }

        leaf.Id = id;
        _leaves[id] = leaf;
    }

    /// <summary>Takes back the number of a leaf that left the tree.</summary>
    public void Unregister(TreeLeaf leaf)
    {
        _leaves[leaf.Id] = null;
        _freeIds.Push(leaf.Id);
    }

    /// <summary>The leaf holding <paramref name="member"/> and its index there, or null.</summary>
    public TreeLeaf? Find(ReadOnlySpan<byte> member, out int index)
    {
        var h = Hash(member);
        var mask = _slots.Length - 1;
        for (var i = (int)(h & (uint)mask); _slots[i] != 0; i = (i + 1) & mask)
        {
            if ((uint)(_slots[i] >> 32) == h)
            {
                var leaf = _leaves[(int)(uint)_slots[i]]!;
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
        if ((_count + 1) * 8 > _slots.Length * 7)
        {
            Grow();
        }

        Place(Slot(h, leaf.Id));
        _count++;
    }

    /// <summary>Re-points one slot (<paramref name="h"/>, <paramref name="from"/>) to <paramref name="to"/>.</summary>
    public void Move(uint h, TreeLeaf from, TreeLeaf to) => _slots[SlotOf(h, from)] = Slot(h, to.Id);

    /// <summary>Removes one slot (<paramref name="h"/>, <paramref name="leaf"/>).</summary>
    public void Remove(uint h, TreeLeaf leaf)
    {
        var mask = _slots.Length - 1;
        var hole = SlotOf(h, leaf);
        var j = hole;
        while (true)
        {
            j = (j + 1) & mask;
            if (_slots[j] == 0)
            {
                break;
            }

            var home = (int)((uint)(_slots[j] >> 32) & (uint)mask);

            // Move slot j into the hole unless its home lies cyclically in (hole, j].
            var inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!inRange)
            {
                _slots[hole] = _slots[j];
                hole = j;
            }
        }

        _slots[hole] = 0;
        _count--;
    }

    private static ulong Slot(uint h, int id) => ((ulong)h << 32) | (uint)id;

    private void Place(ulong slot)
    {
        var mask = _slots.Length - 1;
        var i = (int)((uint)(slot >> 32) & (uint)mask);
        while (_slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _slots[i] = slot;
    }

    private int SlotOf(uint h, TreeLeaf leaf)
    {
        var mask = _slots.Length - 1;
        var wanted = Slot(h, leaf.Id);
        for (var i = (int)(h & (uint)mask); _slots[i] != 0; i = (i + 1) & mask)
        {
            if (_slots[i] == wanted)
            {
                return i;
            }
        }

        throw new InvalidOperationException("A sorted set's member index lost a member.");
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        foreach (var slot in old)
        {
            if (slot != 0)
            {
                Place(slot);
            }
        }
    }
}
