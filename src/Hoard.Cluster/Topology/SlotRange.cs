using Hoard.Storage.Keys;

namespace Hoard.Cluster.Topology;

/// <summary>An inclusive run of hash slots.</summary>
/// <param name="Start">First slot.</param>
/// <param name="End">Last slot (inclusive).</param>
public readonly record struct SlotRange(int Start, int End)
{
    /// <summary>How many slots the range holds.</summary>
    public int Count => End - Start + 1;

    /// <summary>Whether both ends are slots and <see cref="Start"/> ≤ <see cref="End"/>.</summary>
    public bool IsValid => Start >= 0 && End < HashSlot.Count && Start <= End;

    /// <summary>The range as Redis prints it: <c>5</c> or <c>0-5460</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Start == End ? $"{Start}" : $"{Start}-{End}";

    /// <summary>
    /// Splits <paramref name="slotCount"/> slots into <paramref name="parts"/> contiguous ranges as evenly as
    /// possible, rounding the boundaries as redis-cli --cluster create does (3 parts: 0-5460, 5461-10922,
    /// 10923-16383), so a Hoard cluster shows the ranges Redis users know.
    /// </summary>
    /// <param name="parts">How many ranges.</param>
    /// <param name="slotCount">How many slots (16384 for a whole cluster).</param>
    /// <returns>The ranges, in slot order.</returns>
    public static SlotRange[] SplitEvenly(int parts, int slotCount = HashSlot.Count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, slotCount);
        var perPart = (double)slotCount / parts;
        var ranges = new SlotRange[parts];
        var first = 0;
        for (var i = 0; i < parts; i++)
        {
            var last = i == parts - 1 ? slotCount - 1 : (int)Math.Round((i + 1) * perPart - 1, MidpointRounding.AwayFromZero);
            ranges[i] = new SlotRange(first, last);
            first = last + 1;
        }

        return ranges;
    }
}
