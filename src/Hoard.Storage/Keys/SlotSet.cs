namespace Hoard.Storage.Keys;

/// <summary>A set of hash slots (a bitmap of all 16384): the slots a move between shards carries.</summary>
public sealed class SlotSet
{
    private readonly ulong[] _bits = new ulong[HashSlot.Count / 64];

    /// <summary>How many slots the set holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the slots <paramref name="start"/> to <paramref name="end"/>, both included.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not a slot, or <paramref name="end"/> is before <paramref name="start"/>.</exception>
    public void AddRange(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(end, HashSlot.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        for (var slot = start; slot <= end; slot++)
        {
            ref var word = ref _bits[slot >> 6];
            var bit = 1UL << (slot & 63);
            if ((word & bit) == 0)
            {
                word |= bit;
                Count++;
            }
        }
    }

    /// <summary>Whether <paramref name="slot"/> is in the set.</summary>
    public bool Contains(int slot) => (uint)slot < HashSlot.Count && (_bits[slot >> 6] & (1UL << (slot & 63))) != 0;

    /// <summary>Whether the slot of <paramref name="key"/> is in the set.</summary>
    public bool ContainsKeyOf(ReadOnlySpan<byte> key) => Contains(HashSlot.Of(key));

    /// <summary>Whether the two sets share a slot.</summary>
    public bool Overlaps(SlotSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _bits.Length; i++)
        {
            if ((_bits[i] & other._bits[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The slots in ascending order.</summary>
    public IEnumerable<int> Slots()
    {
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            if (Contains(slot))
            {
                yield return slot;
            }
        }
    }
}
