using Hoard.Cluster.Topology;

namespace Hoard.Cli.Tests;

public class SlotMoverTests
{
    [Fact]
    public void A_plan_goes_out_in_batches_of_one_source_and_target_as_runs_of_slots()
    {
        SlotMove[] plan =
        [
            .. Enumerable.Range(0, 1200).Reverse().Select(s => new SlotMove(s, "a", "b")),
            new(8, "c", "b"),
            new(5, "c", "b"),
            new(7, "c", "b"),
        ];

        var batches = SlotMover.Batches(plan).ToList();

        Assert.Equal(["a", "a", "a", "c"], batches.Select(b => b.From));
        Assert.All(batches, b => Assert.Equal("b", b.To));
        Assert.Equal([512, 512, 176, 3], batches.Select(b => b.Slots.Length));
        Assert.Equal([new SlotRange(0, 511)], batches[0].Ranges());
        Assert.Equal([new SlotRange(1024, 1199)], batches[2].Ranges());
        Assert.Equal([new SlotRange(5, 5), new SlotRange(7, 8)], batches[3].Ranges());
        Assert.Equal(plan.Select(m => m.Slot).Order(), batches.SelectMany(b => b.Slots).Order());
    }
}
