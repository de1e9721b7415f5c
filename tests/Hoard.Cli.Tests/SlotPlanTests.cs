using Hoard.Cluster.Topology;

namespace Hoard.Cli.Tests;

public class SlotPlanTests
{
    private static WeightedPrimary Primary(string id, double weight, params SlotRange[] slots) => new(id, slots, weight);

    private static Dictionary<string, int> After(IReadOnlyList<WeightedPrimary> primaries, IReadOnlyList<SlotMove> moves)
    {
        var owner = new Dictionary<int, string>();
        foreach (var p in primaries)
        {
            foreach (var r in p.Slots)
            {
                for (var s = r.Start; s <= r.End; s++)
                {
                    owner[s] = p.Id;
                }
            }
        }

        foreach (var move in moves)
        {
            Assert.Equal(move.From, owner[move.Slot]); // every move takes a slot from its owner
            owner[move.Slot] = move.To;
        }

        Assert.Equal(moves.Count, moves.Select(m => m.Slot).Distinct().Count()); // no slot moves twice
        return primaries.ToDictionary(p => p.Id, p => owner.Values.Count(o => o == p.Id));
    }

    [Fact]
    public void Reshard_takes_the_first_slots_of_the_source()
    {
        var from = Primary("a", 1, new SlotRange(100, 102), new SlotRange(0, 1));
        var moves = SlotPlan.Reshard(from, "b", 4);
        Assert.Equal([0, 1, 100, 101], moves.Select(m => m.Slot));
        Assert.All(moves, m => Assert.Equal(("a", "b"), (m.From, m.To)));
        Assert.Throws<CommandFailedException>(() => SlotPlan.Reshard(from, "b", 6));
        Assert.Throws<CommandFailedException>(() => SlotPlan.Reshard(from, "b", 0));
    }

    [Fact]
    public void Rebalance_gives_a_new_empty_primary_its_share()
    {
        var primaries = new[]
        {
            Primary("a", 1, new SlotRange(0, 5460)),
            Primary("b", 1, new SlotRange(5461, 10922)),
            Primary("c", 1, new SlotRange(10923, 16383)),
            Primary("d", 1),
        };
        var moves = SlotPlan.Rebalance(primaries);
        var counts = After(primaries, moves);
        Assert.All(counts.Values, n => Assert.Equal(4096, n));
        Assert.Equal(4096, moves.Count); // only what must move
        Assert.All(moves, m => Assert.Equal("d", m.To));
    }

    [Fact]
    public void Rebalance_follows_the_weights_and_a_weight_of_zero_empties_a_primary()
    {
        var primaries = new[]
        {
            Primary("a", 2, new SlotRange(0, 5460)),
            Primary("b", 1, new SlotRange(5461, 10922)),
            Primary("c", 0, new SlotRange(10923, 16383)),
        };
        var counts = After(primaries, SlotPlan.Rebalance(primaries));
        Assert.Equal(10923, counts["a"]); // 2/3 of 16,384, rounded up (the larger remainder)
        Assert.Equal(5461, counts["b"]);
        Assert.Equal(0, counts["c"]);
    }

    [Fact]
    public void A_balanced_cluster_needs_no_moves_and_all_zero_weights_are_refused()
    {
        var primaries = new[] { Primary("a", 1, new SlotRange(0, 8191)), Primary("b", 1, new SlotRange(8192, 16383)) };
        Assert.Empty(SlotPlan.Rebalance(primaries));
        Assert.Throws<CommandFailedException>(() => SlotPlan.Rebalance([Primary("a", 0, new SlotRange(0, 9))]));
    }
}
