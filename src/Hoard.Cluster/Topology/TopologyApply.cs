using System.Collections.Immutable;
using Hoard.Storage.Keys;

namespace Hoard.Cluster.Topology;

/// <summary>
/// The topology's transition function: given a topology and a committed entry, the next topology. Pure (no clock,
/// no I/O, no randomness), so every member that applies the same log reaches the same topology.
/// </summary>
public static class TopologyApply
{
    /// <summary>Applies <paramref name="entry"/> to <paramref name="topology"/>.</summary>
    /// <param name="topology">The current topology.</param>
    /// <param name="entry">A committed entry.</param>
    /// <returns>The next topology and what the entry did.</returns>
    public static ApplyResult Apply(ClusterTopology topology, TopologyEntry entry) => entry switch
    {
        NodeJoined e => Join(topology, e),
        NodeLeft e => Leave(topology, e),
        SlotsAssigned e => AssignSlots(topology, e),
        SlotsUnassigned e => UnassignSlots(topology, e),
        ReplicaAssigned e => AssignReplica(topology, e),
        FailoverDecided e => Failover(topology, e),
        HandoverCancelled e => CancelHandover(topology, e),
        MigrationBegun e => BeginMigration(topology, e),
        MigrationEnded e => EndMigration(topology, e),
        SlotsHandedOver e => HandOver(topology, e),
        NodeHealthChanged e => ChangeHealth(topology, e),
        _ => Reject(topology, $"unknown entry {entry.GetType().Name}"),
    };

    private static ApplyResult Join(ClusterTopology t, NodeJoined e)
    {
        if (!ClusterIds.IsValid(e.NodeId) || !ClusterIds.IsValid(e.ShardId))
        {
            return Reject(t, "node and shard ids must be 40 lower-case hex digits");
        }

        if (t.Nodes.Values.FirstOrDefault(n => n.Host == e.Host && n.Port == e.Port && n.Id != e.NodeId) is { } other)
        {
            return Reject(t, $"{other.Endpoint} already belongs to node {other.Id}");
        }

        if (t.Nodes.TryGetValue(e.NodeId, out var known))
        {
            // A known node reporting its address again (it restarted, or the join was repeated).
            var moved = known with { Host = e.Host, Port = e.Port, ClusterPort = e.ClusterPort };
            return moved == known ? Unchanged(t) : Changed(t, [known.ShardId], nodes: t.Nodes.SetItem(known.Id, moved));
        }

        var node = new ClusterNode(e.NodeId, e.Host, e.Port, e.ClusterPort, e.ShardId, NodeRole.Primary);
        return Changed(t, [e.ShardId], nodes: t.Nodes.Add(node.Id, node));
    }

    private static ApplyResult Leave(ClusterTopology t, NodeLeft e)
    {
        if (!t.Nodes.TryGetValue(e.NodeId, out var node))
        {
            return Unchanged(t);
        }

        if (node.Role == NodeRole.Primary && t.NodesOf(node.ShardId).Skip(1).Any())
        {
            return Reject(t, $"node {node.Id} is the primary of replicas; fail over or remove them first");
        }

        if (node.Role == NodeRole.Primary && t.OwnsSlots(node.ShardId))
        {
            return Reject(t, $"node {node.Id} owns slots; move or delete them first");
        }

        var nodes = t.Nodes.Remove(node.Id);
        if (node.Role == NodeRole.Replica)
        {
            return Changed(t, [node.ShardId], nodes: nodes);
        }

        // The shard goes with its last node, and so does any move into it.
        var migrations = t.Migrations.RemoveRange(t.Migrations.Values
            .Where(m => m.TargetShardId == node.ShardId)
            .Select(m => m.Slot));
        var result = Changed(t, [], nodes: nodes, migrations: migrations);
        return result with { Topology = result.Topology.With(shardEpochs: result.Topology.ShardEpochs.Remove(node.ShardId)) };
    }

    private static ApplyResult AssignSlots(ClusterTopology t, SlotsAssigned e)
    {
        if (!HasPrimary(t, e.ShardId))
        {
            return Reject(t, $"shard {e.ShardId} has no primary");
        }

        if (IsStale(t, e.ShardId, e.BasedOnEpoch))
        {
            return Stale(t);
        }

        if (e.Ranges.Any(r => !r.IsValid))
        {
            return Reject(t, "invalid slot range");
        }

        var owners = t.CopySlotOwners();
        var changed = false;
        foreach (var range in e.Ranges)
        {
            for (var slot = range.Start; slot <= range.End; slot++)
            {
                if (owners[slot] is { } owner && owner != e.ShardId)
                {
                    return Reject(t, $"Slot {slot} is already busy");
                }

                changed |= owners[slot] is null;
                owners[slot] = e.ShardId;
            }
        }

        return changed ? Changed(t, [e.ShardId], slotOwners: owners) : Unchanged(t);
    }

    private static ApplyResult UnassignSlots(ClusterTopology t, SlotsUnassigned e)
    {
        if (e.Ranges.Any(r => !r.IsValid))
        {
            return Reject(t, "invalid slot range");
        }

        var owners = t.CopySlotOwners();
        var shards = new HashSet<string>(StringComparer.Ordinal);
        var migrations = t.Migrations;
        foreach (var range in e.Ranges)
        {
            for (var slot = range.Start; slot <= range.End; slot++)
            {
                if (owners[slot] is { } owner)
                {
                    shards.Add(owner);
                    owners[slot] = null;
                    migrations = migrations.Remove(slot);
                }
            }
        }

        return shards.Count == 0 ? Unchanged(t) : Changed(t, shards, slotOwners: owners, migrations: migrations);
    }

    private static ApplyResult AssignReplica(ClusterTopology t, ReplicaAssigned e)
    {
        if (!t.Nodes.TryGetValue(e.NodeId, out var node))
        {
            return Reject(t, $"Unknown node {e.NodeId}");
        }

        if (!t.Nodes.TryGetValue(e.PrimaryId, out var primary))
        {
            return Reject(t, $"Unknown node {e.PrimaryId}");
        }

        if (node.Id == primary.Id)
        {
            return Reject(t, "Can't replicate myself");
        }

        if (primary.Role != NodeRole.Primary)
        {
            return Reject(t, "I can only replicate a master, not a replica.");
        }

        if (IsStale(t, primary.ShardId, e.BasedOnEpoch))
        {
            return Stale(t);
        }

        if (node.ShardId == primary.ShardId)
        {
            return Unchanged(t);
        }

        if (node.Role == NodeRole.Primary && (t.OwnsSlots(node.ShardId) || t.NodesOf(node.ShardId).Skip(1).Any()))
        {
            return Reject(t, "To set a master the node must be empty and without assigned slots.");
        }

        // An empty primary's shard goes with it; a replica moving to another primary changes its old shard too.
        var replica = node with { ShardId = primary.ShardId, Role = NodeRole.Replica };
        var nodes = t.Nodes.SetItem(node.Id, replica);
        if (node.Role == NodeRole.Replica)
        {
            return Changed(t, [primary.ShardId, node.ShardId], nodes: nodes);
        }

        var result = Changed(t, [primary.ShardId], nodes: nodes);
        return result with { Topology = result.Topology.With(shardEpochs: result.Topology.ShardEpochs.Remove(node.ShardId)) };
    }

    private static ApplyResult Failover(ClusterTopology t, FailoverDecided e)
    {
        // A failover is decided on one exact configuration of the shard; any change since makes it stale.
        if (e.BasedOnEpoch != t.ShardEpoch(e.ShardId))
        {
            return Stale(t);
        }

        if (!t.Nodes.TryGetValue(e.NewPrimaryId, out var candidate) || candidate.ShardId != e.ShardId)
        {
            return Reject(t, $"node {e.NewPrimaryId} is not in shard {e.ShardId}");
        }

        if (candidate.Role == NodeRole.Primary)
        {
            return Unchanged(t);
        }

        var nodes = t.Nodes.SetItem(candidate.Id, candidate with { Role = NodeRole.Primary });
        if (t.PrimaryOf(e.ShardId) is { } old)
        {
            nodes = nodes.SetItem(old.Id, old with { Role = NodeRole.Replica });
        }

        return Changed(t, [e.ShardId], nodes: nodes);
    }

    private static ApplyResult CancelHandover(ClusterTopology t, HandoverCancelled e)
    {
        // Exact, like the failover it fences: once the shard moved on, that failover cannot apply anyway.
        if (e.BasedOnEpoch != t.ShardEpoch(e.ShardId))
        {
            return Stale(t);
        }

        return HasPrimary(t, e.ShardId) ? Changed(t, [e.ShardId]) : Reject(t, $"shard {e.ShardId} has no primary");
    }

    private static ApplyResult BeginMigration(ClusterTopology t, MigrationBegun e)
    {
        if ((uint)e.Slot >= HashSlot.Count || !HasPrimary(t, e.TargetShardId) || e.SourceShardId == e.TargetShardId)
        {
            return Reject(t, "invalid slot or target shard");
        }

        // Already so: a no-op whatever it was decided on. redis-cli sends IMPORTING to the target and MIGRATING to the
        // source, both the same migration here; the second is built on a view that may not have the first yet.
        var migration = new SlotMigration(e.Slot, e.SourceShardId, e.TargetShardId);
        if (t.Migrations.TryGetValue(e.Slot, out var current) && current == migration)
        {
            return Unchanged(t);
        }

        if (t.ShardOfSlot(e.Slot) != e.SourceShardId)
        {
            return Reject(t, $"I'm not the owner of hash slot {e.Slot}");
        }

        // Judged on the slot's own state: the source still owns it (checked above), so only a migration of this slot
        // begun since makes it stale — not the other slots' moves, which change the same shards many times a second
        // during a rebalance.
        if (t.Migrations.ContainsKey(e.Slot) && IsStale(t, e.SourceShardId, e.BasedOnEpoch))
        {
            return Stale(t);
        }

        return Changed(t, [e.SourceShardId, e.TargetShardId], migrations: t.Migrations.SetItem(e.Slot, migration));
    }

    private static ApplyResult EndMigration(ClusterTopology t, MigrationEnded e)
    {
        if ((uint)e.Slot >= HashSlot.Count || !HasPrimary(t, e.OwnerShardId))
        {
            return Reject(t, "invalid slot or owner shard");
        }

        // Already so: a no-op whatever it was decided on (redis-cli sends SETSLOT NODE to every primary in turn, and
        // all but the first are built on views that may not have the first yet).
        var previous = t.ShardOfSlot(e.Slot);
        if (previous == e.OwnerShardId && !t.Migrations.ContainsKey(e.Slot))
        {
            return Unchanged(t);
        }

        // Ending the migration under way, to its target, is what it was decided for whatever else the shards went
        // through meanwhile; anything else must have been decided on the slot's current configuration.
        var endsCurrent = t.Migrations.TryGetValue(e.Slot, out var current) && current.SourceShardId == previous && current.TargetShardId == e.OwnerShardId;
        if (!endsCurrent && previous is not null && IsStale(t, previous, e.BasedOnEpoch))
        {
            return Stale(t);
        }

        var owners = t.CopySlotOwners();
        owners[e.Slot] = e.OwnerShardId;
        string[] touched = previous is null || previous == e.OwnerShardId ? [e.OwnerShardId] : [previous, e.OwnerShardId];
        return Changed(t, touched, slotOwners: owners, migrations: t.Migrations.Remove(e.Slot));
    }

    private static ApplyResult HandOver(ClusterTopology t, SlotsHandedOver e)
    {
        if (!HasPrimary(t, e.TargetShardId) || e.SourceShardId == e.TargetShardId || e.Ranges.Any(r => !r.IsValid))
        {
            return Reject(t, "invalid slot range or target shard");
        }

        // Plain loops: a rebalance hands over hundreds of slots at a time, and the leader applies each entry twice (to
        // check it, then committed) while the source holds the slots' commands.
        var done = true;
        foreach (var range in e.Ranges)
        {
            for (var slot = range.Start; slot <= range.End && done; slot++)
            {
                done = t.ShardOfSlot(slot) == e.TargetShardId;
            }
        }

        if (done)
        {
            return Unchanged(t); // already so
        }

        // Exact, like a failover: the source decided it holding the slots on this configuration of its shard.
        if (e.BasedOnEpoch != t.ShardEpoch(e.SourceShardId))
        {
            return Stale(t);
        }

        var owners = t.CopySlotOwners();
        var migrations = t.Migrations;
        foreach (var range in e.Ranges)
        {
            for (var slot = range.Start; slot <= range.End; slot++)
            {
                if (owners[slot] != e.SourceShardId)
                {
                    return Reject(t, $"I'm not the owner of hash slot {slot}");
                }

                owners[slot] = e.TargetShardId;
                if (!migrations.IsEmpty)
                {
                    migrations = migrations.Remove(slot);
                }
            }
        }

        return Changed(t, [e.SourceShardId, e.TargetShardId], slotOwners: owners, migrations: migrations);
    }

    private static ApplyResult ChangeHealth(ClusterTopology t, NodeHealthChanged e)
    {
        if (!t.Nodes.TryGetValue(e.NodeId, out var node))
        {
            return Unchanged(t);
        }

        return node.Failed == e.Failed
            ? Unchanged(t)
            : Changed(t, [], nodes: t.Nodes.SetItem(node.Id, node with { Failed = e.Failed }));
    }

    private static bool HasPrimary(ClusterTopology t, string shardId) => t.PrimaryOf(shardId) is not null;

    private static bool IsStale(ClusterTopology t, string shardId, long basedOnEpoch) =>
        basedOnEpoch != 0 && t.ShardEpoch(shardId) > basedOnEpoch;

    /// <summary>The next topology: epoch + 1, and every touched shard's epoch set to it.</summary>
    private static ApplyResult Changed(
        ClusterTopology t,
        IEnumerable<string> touchedShards,
        ImmutableSortedDictionary<string, ClusterNode>? nodes = null,
        string?[]? slotOwners = null,
        ImmutableSortedDictionary<int, SlotMigration>? migrations = null)
    {
        var epoch = t.Epoch + 1;
        var shardEpochs = t.ShardEpochs;
        foreach (var shard in touchedShards)
        {
            shardEpochs = shardEpochs.SetItem(shard, epoch);
        }

        return new ApplyResult(t.With(epoch, nodes, shardEpochs, slotOwners, migrations), ApplyOutcome.Applied);
    }

    private static ApplyResult Unchanged(ClusterTopology t) => new(t, ApplyOutcome.Unchanged);

    private static ApplyResult Stale(ClusterTopology t) => new(t, ApplyOutcome.Stale);

    private static ApplyResult Reject(ClusterTopology t, string reason) => new(t, ApplyOutcome.Rejected, reason);
}
