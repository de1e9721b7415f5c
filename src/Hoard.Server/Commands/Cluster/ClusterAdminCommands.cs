using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Server.Cluster;
using Hoard.Server.Commands.Server;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// Redis's cluster administration (MEET, ADDSLOTS[RANGE], DELSLOTS[RANGE], SETSLOT, REPLICATE, FAILOVER, FORGET,
/// RESET, SET-CONFIG-EPOCH) as changes committed by the consensus group: arguments are checked here with Redis's
/// error texts, then the reply waits for the commit, so tools like <c>redis-cli --cluster create</c> work unchanged.
/// </summary>
internal static class ClusterAdminCommands
{
    private const CommandFlags Admin = CommandFlags.Admin | CommandFlags.Stale;

    public static void Register(Subcommands cluster) => cluster
        .Add("meet", -4, Admin, 0, 0, 0, Meet, "Forces a node to handshake with another node.")
        .Add("addslots", -3, Admin, 0, 0, 0, (ref CommandContext c) => AddSlots(ref c, ranges: false), "Assigns new hash slots to a node.")
        .Add("addslotsrange", -4, Admin, 0, 0, 0, (ref CommandContext c) => AddSlots(ref c, ranges: true), "Assigns new hash slot ranges to a node.")
        .Add("delslots", -3, Admin, 0, 0, 0, (ref CommandContext c) => DelSlots(ref c, ranges: false), "Sets hash slots as unbound for a node.")
        .Add("delslotsrange", -4, Admin, 0, 0, 0, (ref CommandContext c) => DelSlots(ref c, ranges: true), "Sets hash slot ranges as unbound for a node.")
        .Add("setslot", -4, Admin, 0, 0, 0, SetSlot, "Binds a hash slot to a node.")
        .Add("replicate", 3, Admin, 0, 0, 0, Replicate, "Configure a node as replica of a master node.")
        .Add("failover", -2, Admin, 0, 0, 0, Failover, "Forces a replica to perform a manual failover of its master.")
        .Add("forget", 3, Admin, 0, 0, 0, Forget, "Removes a node from the nodes table.")
        .Add("reset", -2, Admin, 0, 0, 0, Reset, "Resets a node.")
        .Add("set-config-epoch", 3, Admin, 0, 0, 0, SetConfigEpoch, "Sets the configuration epoch for a new node.");

    private static void Meet(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (c.Count > 5 || !Arguments.TryParseInt64(c[3], out var port) || port is <= 0 or > 65535)
        {
            c.Writer.WriteError($"ERR Invalid node address specified: {Encoding.UTF8.GetString(c[2])}:{Encoding.UTF8.GetString(c[3])}");
            return;
        }

        var host = Encoding.UTF8.GetString(c[2]);
        c.Defer(DeferredReplies.FromChange(cluster.MeetAsync(host, (int)port, CancellationToken.None)));
    }

    private static void AddSlots(ref CommandContext c, bool ranges)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster || !TryParseSlots(ref c, ranges, out var slots))
        {
            return;
        }

        var topology = cluster.Topology;
        foreach (var range in slots)
        {
            for (var slot = range.Start; slot <= range.End; slot++)
            {
                if (topology.ShardOfSlot(slot) is not null)
                {
                    c.Writer.WriteError($"ERR Slot {slot} is already busy");
                    return;
                }
            }
        }

        c.Defer(JoinThenProposeAsync(cluster, () => new SlotsAssigned(cluster.MyShardId, slots)));
    }

    /// <summary>Adds this node to the node table if it is not there yet, then commits the change <paramref name="entry"/> makes.</summary>
    private static async Task<DeferredReply> JoinThenProposeAsync(ClusterNodeService cluster, Func<TopologyEntry> entry) =>
        await cluster.JoinSelfAsync(CancellationToken.None).ConfigureAwait(false) is { } error
            ? DeferredReplies.Error(error)
            : await DeferredReplies.FromChange(cluster.ProposeAsync(entry(), CancellationToken.None)).ConfigureAwait(false);

    private static void DelSlots(ref CommandContext c, bool ranges)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster || !TryParseSlots(ref c, ranges, out var slots))
        {
            return;
        }

        foreach (var range in slots)
        {
            for (var slot = range.Start; slot <= range.End; slot++)
            {
                if (cluster.Topology.ShardOfSlot(slot) is null)
                {
                    c.Writer.WriteError($"ERR Slot {slot} is already unassigned");
                    return;
                }
            }
        }

        c.Defer(DeferredReplies.FromChange(cluster.ProposeAsync(new SlotsUnassigned(slots), CancellationToken.None)));
    }

    /// <summary>SETSLOT slot IMPORTING id | MIGRATING id | STABLE | NODE id.</summary>
    private static void SetSlot(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster || !ClusterCommands.TryParseSlot(ref c, 2, out var slot))
        {
            return;
        }

        var topology = cluster.Topology;
        var owner = topology.ShardOfSlot(slot);
        var stable = c.Is(3, "STABLE"u8);
        if (stable != (c.Count == 4))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (stable)
        {
            c.Defer(owner is null || !topology.Migrations.ContainsKey(slot)
                ? Task.FromResult(DeferredReplies.Ok)
                : DeferredReplies.FromChange(cluster.ProposeAsync(new MigrationEnded(slot, owner, topology.ShardEpoch(owner)), CancellationToken.None)));
            return;
        }

        var nodeId = Encoding.UTF8.GetString(c[4]);
        if (!topology.Nodes.TryGetValue(nodeId, out var node))
        {
            c.Writer.WriteError($"ERR I don't know about node {nodeId}");
            return;
        }

        TopologyEntry entry;
        if (c.Is(3, "MIGRATING"u8))
        {
            if (owner != cluster.MyShardId)
            {
                c.Writer.WriteError($"ERR I'm not the owner of hash slot {slot}");
                return;
            }

            entry = new MigrationBegun(slot, owner, node.ShardId, topology.ShardEpoch(owner));
        }
        else if (c.Is(3, "IMPORTING"u8))
        {
            if (owner == cluster.MyShardId)
            {
                c.Writer.WriteError($"ERR I'm already the owner of hash slot {slot}");
                return;
            }

            if (owner != node.ShardId)
            {
                c.Writer.WriteError($"ERR Node {nodeId} is not the owner of hash slot {slot}");
                return;
            }

            entry = new MigrationBegun(slot, node.ShardId, cluster.MyShardId, topology.ShardEpoch(node.ShardId));
        }
        else if (c.Is(3, "NODE"u8))
        {
            entry = new MigrationEnded(slot, node.ShardId, owner is null ? 0 : topology.ShardEpoch(owner));
        }
        else
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        c.Defer(DeferredReplies.FromChange(cluster.ProposeAsync(entry, CancellationToken.None)));
    }

    /// <summary>
    /// REPLICATE node-id: this node becomes a replica of that primary (joining the node table first if needed). As in
    /// Redis, a primary must own no slots and hold no keys; a replica may move to another primary.
    /// </summary>
    private static void Replicate(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        var nodeId = Encoding.UTF8.GetString(c[2]);
        var topology = cluster.Topology;
        var self = cluster.Self;
        if (nodeId == cluster.MyId)
        {
            c.Writer.WriteError("ERR Can't replicate myself"u8);
        }
        else if (!topology.Nodes.TryGetValue(nodeId, out var primary))
        {
            c.Writer.WriteError($"ERR Unknown node {nodeId}");
        }
        else if (primary.Role != NodeRole.Primary)
        {
            c.Writer.WriteError("ERR I can only replicate a master, not a replica."u8);
        }
        else if (self.Role == NodeRole.Primary && (topology.OwnsSlots(self.ShardId) || c.Server.Keyspace[0].Count > 0))
        {
            c.Writer.WriteError("ERR To set a master the node must be empty and without assigned slots."u8);
        }
        else
        {
            c.Defer(JoinThenProposeAsync(cluster, () => new ReplicaAssigned(cluster.MyId, primary.Id)));
        }
    }

    /// <summary>
    /// FAILOVER [FORCE|TAKEOVER] on a replica (<see cref="ManualFailover"/>): replies once the topology names this node
    /// the primary. TAKEOVER is FORCE: every change is decided by the consensus group, so there is no vote to skip.
    /// </summary>
    private static void Failover(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        var force = c.Count == 3 && (c.Is(2, "FORCE"u8) || c.Is(2, "TAKEOVER"u8));
        if (c.Count > 3 || (c.Count == 3 && !force))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var self = cluster.Self;
        var primary = cluster.Topology.PrimaryOf(self.ShardId);
        if (self.Role != NodeRole.Replica)
        {
            c.Writer.WriteError("ERR You should send CLUSTER FAILOVER to a replica"u8);
        }
        else if (primary is null)
        {
            c.Writer.WriteError("ERR I'm a replica but my master is unknown to me"u8);
        }
        else if (!force && primary.Failed)
        {
            c.Writer.WriteError("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE"u8);
        }
        else
        {
            c.Defer(DeferredReplies.FromChange(force ? ManualFailover.ForceAsync(c.Server, cluster) : ManualFailover.HandOverAsync(c.Server, cluster, primary)));
        }
    }

    private static void Forget(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        var nodeId = Encoding.UTF8.GetString(c[2]);
        if (nodeId == cluster.MyId)
        {
            c.Writer.WriteError("ERR I tried hard but I can't forget myself..."u8);
        }
        else if (!cluster.Topology.Nodes.ContainsKey(nodeId))
        {
            c.Writer.WriteError($"ERR Unknown node {nodeId}");
        }
        else
        {
            c.Defer(DeferredReplies.FromChange(cluster.ProposeAsync(new NodeLeft(nodeId), CancellationToken.None)));
        }
    }

    /// <summary>
    /// RESET [HARD|SOFT]: the node leaves the cluster (its row leaves the table) and keeps its id; a primary that
    /// still holds keys must be emptied first, as in Redis.
    /// </summary>
    private static void Reset(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (c.Count > 3 || (c.Count == 3 && !c.Is(2, "HARD"u8) && !c.Is(2, "SOFT"u8)))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (cluster.Self.Role == NodeRole.Primary && c.Server.Keyspace[0].Count > 0)
        {
            c.Writer.WriteError("ERR CLUSTER RESET can't be called with master nodes containing keys"u8);
            return;
        }

        c.Defer(cluster.IsMember
            ? DeferredReplies.FromChange(cluster.ProposeAsync(new NodeLeft(cluster.MyId), CancellationToken.None))
            : Task.FromResult(DeferredReplies.Ok));
    }

    /// <summary>
    /// Redis lets a new node pick its epoch; in Hoard the consensus group numbers every change, so the command is
    /// accepted under Redis's own conditions (a node alone, a valid epoch) and the group's epochs stand.
    /// </summary>
    private static void SetConfigEpoch(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var epoch) || epoch < 0)
        {
            c.Writer.WriteError($"ERR Invalid config epoch specified: {Encoding.UTF8.GetString(c[2])}");
        }
        else if (cluster.Topology.Nodes.Keys.Any(id => id != cluster.MyId))
        {
            c.Writer.WriteError("ERR The user can assign a config epoch only when the node does not know any other node."u8);
        }
        else
        {
            c.Writer.WriteOk();
        }
    }

    /// <summary>Parses slots (or start/end pairs), writing Redis's errors.</summary>
    private static bool TryParseSlots(ref CommandContext c, bool ranges, out ImmutableArray<SlotRange> slots)
    {
        slots = [];
        if (ranges && c.Count % 2 != 0)
        {
            c.Writer.WriteError($"ERR wrong number of arguments for 'cluster|{(c.Is(1, "ADDSLOTSRANGE"u8) ? "addslotsrange" : "delslotsrange")}' command");
            return false;
        }

        var seen = new bool[Storage.Keys.HashSlot.Count];
        var builder = ImmutableArray.CreateBuilder<SlotRange>();
        for (var i = 2; i < c.Count; i += ranges ? 2 : 1)
        {
            if (!ClusterCommands.TryParseSlot(ref c, i, out var start))
            {
                return false;
            }

            var end = start;
            if (ranges)
            {
                if (!ClusterCommands.TryParseSlot(ref c, i + 1, out end))
                {
                    return false;
                }

                if (end < start)
                {
                    c.Writer.WriteError(string.Create(CultureInfo.InvariantCulture, $"ERR start slot number {start} is greater than end slot number {end}"));
                    return false;
                }
            }

            for (var slot = start; slot <= end; slot++)
            {
                if (seen[slot])
                {
                    c.Writer.WriteError($"ERR Slot {slot} specified multiple times");
                    return false;
                }

                seen[slot] = true;
            }

            builder.Add(new SlotRange(start, end));
        }

        slots = builder.ToImmutable();
        return true;
    }
}
