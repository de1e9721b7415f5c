using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Tests.Topology;

public class TopologyApplyTests
{
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);
    private static readonly string C = new('c', 40);
    private static readonly string ShardA = new('1', 40);
    private static readonly string ShardB = new('2', 40);
    private static readonly string ShardC = new('3', 40);

    private static ClusterTopology Run(params TopologyEntry[] entries)
    {
        var topology = ClusterTopology.Empty;
        foreach (var entry in entries)
        {
            var result = TopologyApply.Apply(topology, entry);
            Assert.True(result.Outcome is ApplyOutcome.Applied or ApplyOutcome.Unchanged, $"{entry}: {result.Outcome} {result.Reason}");
            topology = result.Topology;
        }

        return topology;
    }

    private static NodeJoined Join(string id, string shard, int port) => new(id, "127.0.0.1", port, port + 10000, shard);

    private static ClusterTopology TwoShards() => Run(
        Join(A, ShardA, 7000),
        Join(B, ShardB, 7001),
        new SlotsAssigned(ShardA, [new SlotRange(0, 8191)]),
        new SlotsAssigned(ShardB, [new SlotRange(8192, 16383)]));

    [Fact]
    public void A_join_adds_a_primary_of_its_own_shard_and_moves_the_epochs()
    {
        var t = Run(Join(A, ShardA, 7000));

        var node = Assert.Single(t.Nodes.Values);
        Assert.Equal(new ClusterNode(A, "127.0.0.1", 7000, 17000, ShardA, NodeRole.Primary), node);
        Assert.Equal(1, t.Epoch);
        Assert.Equal(1, t.ShardEpoch(ShardA));
    }

    [Fact]
    public void A_repeated_join_changes_nothing_and_a_new_address_is_recorded()
    {
        var once = Run(Join(A, ShardA, 7000));

        var again = TopologyApply.Apply(once, Join(A, ShardA, 7000));
        Assert.Equal(ApplyOutcome.Unchanged, again.Outcome);
        Assert.Same(once, again.Topology);

        var moved = TopologyApply.Apply(once, Join(A, ShardA, 7005));
        Assert.Equal(ApplyOutcome.Applied, moved.Outcome);
        Assert.Equal(7005, moved.Topology.Nodes[A].Port);
        Assert.Equal(2, moved.Topology.Epoch);
    }

    [Fact]
    public void A_join_at_another_nodes_address_or_with_a_bad_id_is_rejected()
    {
        var t = Run(Join(A, ShardA, 7000));

        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, Join(B, ShardB, 7000)).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, Join("xyz", ShardB, 7001)).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, Join(new string('A', 40), ShardB, 7001)).Outcome);
    }

    [Fact]
    public void Assigned_slots_map_to_the_shard_and_move_only_its_epoch()
    {
        var t = TwoShards();

        Assert.Equal(ShardA, t.ShardOfSlot(0));
        Assert.Equal(ShardA, t.ShardOfSlot(8191));
        Assert.Equal(ShardB, t.ShardOfSlot(8192));
        Assert.Equal([new SlotRange(8192, 16383)], t.SlotRangesOf(ShardB));
        Assert.Equal(16384, t.AssignedSlotCount);
        Assert.Equal(4, t.Epoch);
        Assert.Equal(3, t.ShardEpoch(ShardA));
        Assert.Equal(4, t.ShardEpoch(ShardB));
    }

    [Fact]
    public void Assigning_a_busy_slot_rejects_the_whole_entry()
    {
        var t = Run(Join(A, ShardA, 7000), Join(B, ShardB, 7001), new SlotsAssigned(ShardA, [new SlotRange(10, 10)]));

        var result = TopologyApply.Apply(t, new SlotsAssigned(ShardB, [new SlotRange(0, 20)]));

        Assert.Equal(ApplyOutcome.Rejected, result.Outcome);
        Assert.Equal("Slot 10 is already busy", result.Reason);
        Assert.Same(t, result.Topology);
        Assert.Null(t.ShardOfSlot(0));
    }

    [Fact]
    public void Assigning_slots_to_a_shard_without_a_primary_or_out_of_range_is_rejected()
    {
        var t = Run(Join(A, ShardA, 7000));

        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new SlotsAssigned(ShardB, [new SlotRange(0, 1)])).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(0, 16384)])).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(5, 4)])).Outcome);
    }

    [Fact]
    public void Reassigning_slots_a_shard_already_owns_is_unchanged()
    {
        var t = TwoShards();

        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(0, 100)])).Outcome);
    }

    [Fact]
    public void An_entry_decided_on_an_older_shard_epoch_is_stale()
    {
        var t = Run(Join(A, ShardA, 7000));
        var seen = t.ShardEpoch(ShardA);
        t = Run(Join(A, ShardA, 7000), new SlotsAssigned(ShardA, [new SlotRange(0, 0)]));

        var result = TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(1, 1)], seen));

        Assert.Equal(ApplyOutcome.Stale, result.Outcome);
        Assert.Null(result.Topology.ShardOfSlot(1));
        Assert.Equal(ApplyOutcome.Applied, TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(1, 1)], t.ShardEpoch(ShardA))).Outcome);
    }

    [Fact]
    public void Unassigned_slots_are_served_by_no_one_and_clear_their_migration()
    {
        var t = TopologyApply.Apply(TwoShards(), new MigrationBegun(5, ShardA, ShardB)).Topology;

        var result = TopologyApply.Apply(t, new SlotsUnassigned([new SlotRange(0, 9)]));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Null(result.Topology.ShardOfSlot(5));
        Assert.Empty(result.Topology.Migrations);
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(result.Topology, new SlotsUnassigned([new SlotRange(0, 9)])).Outcome);
    }

    [Fact]
    public void A_node_without_slots_becomes_a_replica_and_its_empty_shard_disappears()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;

        var result = TopologyApply.Apply(t, new ReplicaAssigned(C, A));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(new ClusterNode(C, "127.0.0.1", 7002, 17002, ShardA, NodeRole.Replica), result.Topology.Nodes[C]);
        Assert.False(result.Topology.ShardEpochs.ContainsKey(ShardC));
        Assert.Equal([A, C], result.Topology.NodesOf(ShardA).Select(n => n.Id));
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(result.Topology, new ReplicaAssigned(C, A)).Outcome);
    }

    [Fact]
    public void A_primary_with_slots_cannot_become_a_replica_and_a_replica_cannot_be_replicated()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;
        t = TopologyApply.Apply(t, new ReplicaAssigned(C, A)).Topology;

        var unknown = new string('d', 40);
        Assert.Equal("To set a master the node must be empty and without assigned slots.", Rejection(t, new ReplicaAssigned(B, A)));
        Assert.Equal("I can only replicate a master, not a replica.", Rejection(t, new ReplicaAssigned(B, C)));
        Assert.Equal("Can't replicate myself", Rejection(t, new ReplicaAssigned(A, A)));
        Assert.Equal($"Unknown node {unknown}", Rejection(t, new ReplicaAssigned(unknown, A)));
        Assert.Equal($"Unknown node {unknown}", Rejection(t, new ReplicaAssigned(C, unknown)));
    }

    [Fact]
    public void A_replica_can_move_to_another_primary()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;
        t = TopologyApply.Apply(t, new ReplicaAssigned(C, A)).Topology;

        var result = TopologyApply.Apply(t, new ReplicaAssigned(C, B));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal([B, C], result.Topology.NodesOf(ShardB).Select(n => n.Id));
        Assert.Equal([A], result.Topology.NodesOf(ShardA).Select(n => n.Id));
        Assert.Equal(result.Topology.Epoch, result.Topology.ShardEpoch(ShardA)); // both shards changed
        Assert.Equal(result.Topology.Epoch, result.Topology.ShardEpoch(ShardB));
    }

    private static string? Rejection(ClusterTopology t, TopologyEntry entry)
    {
        var result = TopologyApply.Apply(t, entry);
        Assert.Equal(ApplyOutcome.Rejected, result.Outcome);
        return result.Reason;
    }

    [Fact]
    public void A_failover_swaps_roles_only_when_decided_on_the_current_shard_epoch()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;
        t = TopologyApply.Apply(t, new ReplicaAssigned(C, A)).Topology;
        var epoch = t.ShardEpoch(ShardA);

        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(t, new FailoverDecided(ShardA, C, epoch - 1)).Outcome);

        var result = TopologyApply.Apply(t, new FailoverDecided(ShardA, C, epoch));
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(C, result.Topology.PrimaryOf(ShardA)!.Id);
        Assert.Equal(NodeRole.Replica, result.Topology.Nodes[A].Role);
        Assert.Equal(ShardA, result.Topology.ShardOfSlot(0));

        // The same decision replayed is stale now: the shard's epoch moved with the failover.
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(result.Topology, new FailoverDecided(ShardA, C, epoch)).Outcome);
    }

    [Fact]
    public void A_cancelled_handover_moves_only_the_shard_epoch_and_makes_the_failover_it_fences_stale()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;
        t = TopologyApply.Apply(t, new ReplicaAssigned(C, A)).Topology;
        var epoch = t.ShardEpoch(ShardA);

        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(t, new HandoverCancelled(ShardA, epoch - 1)).Outcome);

        var result = TopologyApply.Apply(t, new HandoverCancelled(ShardA, epoch));
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(t.Epoch + 1, result.Topology.ShardEpoch(ShardA));
        Assert.Equal(t.ShardEpoch(ShardB), result.Topology.ShardEpoch(ShardB));
        Assert.Equal(t.Nodes, result.Topology.Nodes);
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(result.Topology, new FailoverDecided(ShardA, C, epoch)).Outcome);
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(result.Topology, new HandoverCancelled(ShardA, epoch)).Outcome);

        // After the failover it would fence, the cancellation is stale in turn.
        var failedOver = TopologyApply.Apply(t, new FailoverDecided(ShardA, C, epoch)).Topology;
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(failedOver, new HandoverCancelled(ShardA, epoch)).Outcome);
    }

    [Fact]
    public void Slots_handed_over_change_owner_at_once_on_the_source_epoch_they_were_decided_on()
    {
        var t = TwoShards();
        t = TopologyApply.Apply(t, new MigrationBegun(5, ShardA, ShardB)).Topology; // a redis-cli move of one of them
        var epoch = t.ShardEpoch(ShardA);
        SlotRange[] ranges = [new(0, 9), new(100, 100)];

        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(t, new SlotsHandedOver(ShardA, ShardB, [.. ranges], epoch - 1)).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new SlotsHandedOver(ShardA, ShardB, [new(8000, 8200)], epoch)).Outcome);
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new SlotsHandedOver(ShardA, ShardA, [.. ranges], epoch)).Outcome);

        var result = TopologyApply.Apply(t, new SlotsHandedOver(ShardA, ShardB, [.. ranges], epoch));
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var moved = result.Topology;
        Assert.All([.. Enumerable.Range(0, 10), 100], slot => Assert.Equal(ShardB, moved.ShardOfSlot(slot)));
        Assert.Equal(ShardA, moved.ShardOfSlot(10));
        Assert.False(moved.Migrations.ContainsKey(5));
        Assert.Equal(t.Epoch + 1, moved.ShardEpoch(ShardA));
        Assert.Equal(t.Epoch + 1, moved.ShardEpoch(ShardB));

        // Proposed again (the proposer did not learn it committed): already so.
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(moved, new SlotsHandedOver(ShardA, ShardB, [.. ranges], epoch)).Outcome);
    }

    [Fact]
    public void A_handover_the_source_fenced_can_never_commit()
    {
        var t = TwoShards();
        var epoch = t.ShardEpoch(ShardA);
        var fenced = TopologyApply.Apply(t, new HandoverCancelled(ShardA, epoch)).Topology;

        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(fenced, new SlotsHandedOver(ShardA, ShardB, [new(0, 9)], epoch)).Outcome);
        Assert.Equal(ShardA, fenced.ShardOfSlot(0));
    }

    [Fact]
    public void A_failover_to_a_node_outside_the_shard_is_rejected()
    {
        var t = TwoShards();

        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new FailoverDecided(ShardA, B, t.ShardEpoch(ShardA))).Outcome);
    }

    [Fact]
    public void A_migration_begins_from_the_owner_and_ends_with_the_new_owner()
    {
        var t = TwoShards();

        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new MigrationBegun(9000, ShardA, ShardB)).Outcome);

        var begun = TopologyApply.Apply(t, new MigrationBegun(5, ShardA, ShardB));
        Assert.Equal(ApplyOutcome.Applied, begun.Outcome);
        Assert.Equal(new SlotMigration(5, ShardA, ShardB), begun.Topology.Migrations[5]);
        Assert.Equal(ShardA, begun.Topology.ShardOfSlot(5));
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(begun.Topology, new MigrationBegun(5, ShardA, ShardB)).Outcome);

        var ended = TopologyApply.Apply(begun.Topology, new MigrationEnded(5, ShardB));
        Assert.Equal(ApplyOutcome.Applied, ended.Outcome);
        Assert.Equal(ShardB, ended.Topology.ShardOfSlot(5));
        Assert.Empty(ended.Topology.Migrations);
        Assert.Equal(ended.Topology.Epoch, ended.Topology.ShardEpoch(ShardA));
        Assert.Equal(ended.Topology.Epoch, ended.Topology.ShardEpoch(ShardB));
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(ended.Topology, new MigrationEnded(5, ShardB)).Outcome);
    }

    [Fact]
    public void A_migration_end_decided_before_the_owner_changed_is_stale()
    {
        var t = TwoShards();
        var seen = t.ShardEpoch(ShardA);
        t = TopologyApply.Apply(t, new SlotsAssigned(ShardA, [new SlotRange(0, 0)])).Topology;
        t = TopologyApply.Apply(t, new SlotsUnassigned([new SlotRange(1, 1)])).Topology;

        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(t, new MigrationEnded(0, ShardB, seen)).Outcome);
    }

    [Fact]
    public void A_migration_change_that_is_already_so_is_a_no_op_even_when_decided_on_an_older_view()
    {
        // redis-cli sends IMPORTING to the target, then MIGRATING to the source, then SETSLOT NODE to every primary:
        // each node builds its entry on its own view, which may not yet hold the change just made.
        var t = TwoShards();
        var seen = t.ShardEpoch(ShardA);
        t = TopologyApply.Apply(t, new MigrationBegun(5, ShardA, ShardB, seen)).Topology;
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(t, new MigrationBegun(5, ShardA, ShardB, seen)).Outcome);

        var owner = t.ShardEpoch(ShardA);
        t = TopologyApply.Apply(t, new MigrationEnded(5, ShardB, owner)).Topology;
        Assert.Equal(ShardB, t.ShardOfSlot(5));
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(t, new MigrationEnded(5, ShardB, owner)).Outcome);

        // A different change on that old view is still stale.
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(t, new MigrationEnded(5, ShardA, seen)).Outcome);
    }

    [Fact]
    public void A_slot_migration_is_judged_on_the_slots_own_state_not_on_other_slots_moves()
    {
        // A rebalance moves many slots between the same shards at once: each begin and end bumps both shards' epochs.
        var t = TwoShards();
        var seen = t.ShardEpoch(ShardA);
        t = TopologyApply.Apply(t, new MigrationBegun(6, ShardA, ShardB, seen)).Topology;
        t = TopologyApply.Apply(t, new MigrationEnded(6, ShardB, seen)).Topology;

        var begun = TopologyApply.Apply(t, new MigrationBegun(7, ShardA, ShardB, seen));
        Assert.Equal(ApplyOutcome.Applied, begun.Outcome);
        t = TopologyApply.Apply(begun.Topology, new MigrationBegun(8, ShardA, ShardB, t.ShardEpoch(ShardA))).Topology;
        var ended = TopologyApply.Apply(t, new MigrationEnded(7, ShardB, seen));
        Assert.Equal(ApplyOutcome.Applied, ended.Outcome);
        Assert.Equal(ShardB, ended.Topology.ShardOfSlot(7));

        // Still refused: a slot the source no longer owns, and an end that is not the migration under way.
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(ended.Topology, new MigrationBegun(7, ShardA, ShardB, seen)).Outcome);
        Assert.Equal(ApplyOutcome.Stale, TopologyApply.Apply(ended.Topology, new MigrationEnded(8, ShardA, seen)).Outcome);
    }

    [Fact]
    public void A_node_leaves_unless_it_is_a_primary_with_slots_or_replicas()
    {
        var t = TopologyApply.Apply(TwoShards(), Join(C, ShardC, 7002)).Topology;

        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(t, new NodeLeft(A)).Outcome);

        var left = TopologyApply.Apply(t, new NodeLeft(C));
        Assert.Equal(ApplyOutcome.Applied, left.Outcome);
        Assert.False(left.Topology.Nodes.ContainsKey(C));
        Assert.False(left.Topology.ShardEpochs.ContainsKey(ShardC));
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(left.Topology, new NodeLeft(C)).Outcome);

        var withReplica = TopologyApply.Apply(t, new ReplicaAssigned(C, B)).Topology;
        withReplica = TopologyApply.Apply(withReplica, new SlotsUnassigned([new SlotRange(8192, 16383)])).Topology;
        Assert.Equal(ApplyOutcome.Rejected, TopologyApply.Apply(withReplica, new NodeLeft(B)).Outcome);
        Assert.Equal(ApplyOutcome.Applied, TopologyApply.Apply(withReplica, new NodeLeft(C)).Outcome);
    }

    [Fact]
    public void Health_changes_flag_the_node_once()
    {
        var t = TwoShards();

        var failed = TopologyApply.Apply(t, new NodeHealthChanged(B, Failed: true));
        Assert.Equal(ApplyOutcome.Applied, failed.Outcome);
        Assert.True(failed.Topology.Nodes[B].Failed);
        Assert.Equal(ApplyOutcome.Unchanged, TopologyApply.Apply(failed.Topology, new NodeHealthChanged(B, Failed: true)).Outcome);
        Assert.False(TopologyApply.Apply(failed.Topology, new NodeHealthChanged(B, Failed: false)).Topology.Nodes[B].Failed);
    }

    [Fact]
    public void Applying_never_changes_the_input()
    {
        var t = TwoShards();
        var before = TopologyCodec.Encode(t);

        _ = TopologyApply.Apply(t, new SlotsUnassigned([new SlotRange(0, 16383)]));
        _ = TopologyApply.Apply(t, new MigrationBegun(1, ShardA, ShardB));

        Assert.Equal(before, TopologyCodec.Encode(t));
    }

    [Fact]
    public void Even_split_covers_every_slot_once()
    {
        var ranges = SlotRange.SplitEvenly(3);

        Assert.Equal([new SlotRange(0, 5460), new SlotRange(5461, 10922), new SlotRange(10923, 16383)], ranges);
        Assert.Equal(16384, ranges.Sum(r => r.Count));
        Assert.Equal([new SlotRange(0, 16383)], SlotRange.SplitEvenly(1));
        Assert.All(Enumerable.Range(1, 64), parts => Assert.Equal(16384, SlotRange.SplitEvenly(parts).Sum(r => r.Count)));
    }
}
