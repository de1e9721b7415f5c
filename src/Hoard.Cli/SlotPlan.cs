using Hoard.Cluster.Topology;

namespace Hoard.Cli;

/// <summary>One slot to move from a primary to another.</summary>
/// <param name="Slot">The hash slot.</param>
/// <param name="From">The id of the primary that owns it.</param>
/// <param name="To">The id of the primary that takes it.</param>
internal readonly record struct SlotMove(int Slot, string From, string To);

/// <summary>A primary as a rebalance sees it: its id, the slots it owns and its weight (its share of the slots).</summary>
internal sealed record WeightedPrimary(string Id, IReadOnlyList<SlotRange> Slots, double Weight)
{
    /// <summary>How many slots it owns.</summary>
    public int SlotCount => Slots.Sum(r => r.Count);
}

/// <summary>Which slots move where: the plans of <c>hoard cluster reshard</c> and <c>rebalance</c> (no I/O, so tested alone).</summary>
internal static class SlotPlan
{
    /// <summary>The first <paramref name="count"/> slots of <paramref name="from"/>, to <paramref name="to"/>.</summary>
    /// <exception cref="CommandFailedException">The source owns fewer slots than that.</exception>
    public static IReadOnlyList<SlotMove> Reshard(WeightedPrimary from, string to, int count)
    {
        if (count < 1 || count > from.SlotCount)
        {
            throw new CommandFailedException($"node {from.Id} owns {from.SlotCount} slots: cannot move {count}");
        }

        return [.. Enumerate(from.Slots).Take(count).Select(slot => new SlotMove(slot, from.Id, to))];
    }

    /// <summary>
    /// Moves that leave each primary owning the assigned slots in proportion to its weight (largest remainders round
    /// up), taking from the end of the ranges of those above their share and giving to those below, in order.
    /// Primaries within <paramref name="tolerance"/> slots of their share are left alone.
    /// </summary>
    public static IReadOnlyList<SlotMove> Rebalance(IReadOnlyList<WeightedPrimary> primaries, int tolerance = 0)
    {
        var total = primaries.Sum(p => p.SlotCount);
        var weights = primaries.Sum(p => p.Weight);
        if (weights <= 0)
        {
            throw new CommandFailedException("every primary has weight 0: no node could own the slots");
        }

        var exact = primaries.Select(p => total * p.Weight / weights).ToArray();
        var targets = exact.Select(e => (int)Math.Floor(e)).ToArray();
        foreach (var i in Enumerable.Range(0, primaries.Count).OrderByDescending(i => exact[i] - targets[i]).Take(total - targets.Sum()))
        {
            targets[i]++;
        }

        var surplus = new Queue<(string Id, int Slot)>();
        for (var i = 0; i < primaries.Count; i++)
        {
            var extra = primaries[i].SlotCount - targets[i];
            if (extra > tolerance || (targets[i] == 0 && extra > 0))
            {
                foreach (var slot in Enumerate(primaries[i].Slots).Reverse().Take(extra))
                {
                    surplus.Enqueue((primaries[i].Id, slot));
                }
            }
        }

        var moves = new List<SlotMove>();
        for (var i = 0; i < primaries.Count && surplus.Count > 0; i++)
        {
            var missing = targets[i] - primaries[i].SlotCount;
            for (var n = 0; n < missing && surplus.Count > 0; n++)
            {
                var (from, slot) = surplus.Dequeue();
                moves.Add(new SlotMove(slot, from, primaries[i].Id));
            }
        }

        return moves;
    }

    private static IEnumerable<int> Enumerate(IEnumerable<SlotRange> ranges) =>
        ranges.OrderBy(r => r.Start).SelectMany(r => Enumerable.Range(r.Start, r.Count));
}
