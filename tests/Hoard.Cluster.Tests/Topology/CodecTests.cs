using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Tests.Topology;

public class CodecTests
{
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);
    private static readonly string ShardA = new('1', 40);
    private static readonly string ShardB = new('2', 40);

    public static TheoryData<TopologyEntry> Entries() => new()
    {
        new NodeJoined(A, "10.0.0.1", 7000, 17000, ShardA),
        new NodeLeft(A),
        new SlotsAssigned(ShardA, [new SlotRange(0, 5), new SlotRange(9, 9)], 42),
        new SlotsUnassigned([new SlotRange(100, 200)]),
        new ReplicaAssigned(B, A, 7),
        new FailoverDecided(ShardA, B, 12),
        new MigrationBegun(77, ShardA, ShardB, 3),
        new MigrationEnded(77, ShardB, 4),
        new NodeHealthChanged(B, Failed: true),
        new HandoverCancelled(ShardA, 13),
        new SlotsHandedOver(ShardA, ShardB, [new SlotRange(0, 99), new SlotRange(200, 200)], 21),
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_entry_survives_a_round_trip(TopologyEntry entry)
    {
        var decoded = EntryCodec.Decode(EntryCodec.Encode(entry));

        // Records with arrays compare by reference: compare the re-encoded bytes and the printed form.
        Assert.Equal(entry.GetType(), decoded.GetType());
        Assert.Equal(EntryCodec.Encode(entry), EntryCodec.Encode(decoded));
        Assert.Equal(entry.BasedOnEpoch, decoded.BasedOnEpoch);
    }

    [Fact]
    public void Garbage_is_refused_with_invalid_data()
    {
        var good = EntryCodec.Encode(new NodeLeft(A));

        Assert.Throws<InvalidDataException>(() => EntryCodec.Decode([]));
        Assert.Throws<InvalidDataException>(() => EntryCodec.Decode([200]));
        Assert.Throws<InvalidDataException>(() => EntryCodec.Decode(good.AsSpan(0, good.Length - 3)));
        Assert.Throws<InvalidDataException>(() => EntryCodec.Decode([.. good, 0]));
        Assert.Throws<InvalidDataException>(() => TopologyCodec.Decode([9]));
    }

    [Fact]
    public void A_topology_survives_a_round_trip()
    {
        var t = ClusterTopology.Empty;
        foreach (var entry in new TopologyEntry[]
        {
            new NodeJoined(A, "127.0.0.1", 7000, 17000, ShardA),
            new NodeJoined(B, "::1", 7001, 17001, ShardB),
            new SlotsAssigned(ShardA, [new SlotRange(0, 99), new SlotRange(200, 300)]),
            new SlotsAssigned(ShardB, [new SlotRange(100, 199)]),
            new MigrationBegun(150, ShardB, ShardA),
            new NodeHealthChanged(B, Failed: true),
        })
        {
            t = TopologyApply.Apply(t, entry).Topology;
        }

        var copy = TopologyCodec.Decode(TopologyCodec.Encode(t));

        Assert.Equal(t.Epoch, copy.Epoch);
        Assert.Equal(t.Nodes, copy.Nodes);
        Assert.Equal(t.ShardEpochs, copy.ShardEpochs);
        Assert.Equal(t.Migrations, copy.Migrations);
        Assert.All(Enumerable.Range(0, 16384), slot => Assert.Equal(t.ShardOfSlot(slot), copy.ShardOfSlot(slot)));
        Assert.Equal("[::1]:7001", copy.Nodes[B].Endpoint);
    }

    [Fact]
    public void The_state_machine_applies_publishes_and_restores()
    {
        var machine = new TopologyStateMachine();
        var published = new List<long>();
        machine.Changed += t => published.Add(t.Epoch);

        machine.Apply(EntryCodec.Encode(new NodeJoined(A, "127.0.0.1", 7000, 17000, ShardA)));
        machine.Apply(EntryCodec.Encode(new SlotsAssigned(ShardB, [new SlotRange(0, 0)])));

        Assert.Equal(ApplyOutcome.Rejected, machine.LastResult.Outcome);
        Assert.Equal([1L], published);

        var other = new TopologyStateMachine();
        other.Restore(machine.Snapshot());
        Assert.Equal(machine.Current.Nodes, other.Current.Nodes);
        Assert.Equal(1, other.Current.Epoch);
    }
}
