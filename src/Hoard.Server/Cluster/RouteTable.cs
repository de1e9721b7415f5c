using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster;

/// <summary>What this node does with a command on a slot.</summary>
internal enum RouteKind : byte
{
    /// <summary>No shard serves the slot: <c>-CLUSTERDOWN Hash slot not served</c>.</summary>
    Unserved,

    /// <summary>This node is the slot's primary: run it.</summary>
    Local,

    /// <summary>Another node's slot: <c>-MOVED</c> to its primary.</summary>
    Moved,

    /// <summary>This node replicates the slot's primary: reads run here after READONLY, the rest are moved.</summary>
    Replica,

    /// <summary>This node owns the slot but is giving it away: keys it no longer has are asked for at the target.</summary>
    Migrating,

    /// <summary>The slot is coming to this node: runs here after ASKING, otherwise it is moved to the owner.</summary>
    Importing,
}

/// <summary>
/// Every slot's route as seen from one node, built once per topology so that routing a command is two array reads.
/// </summary>
internal sealed class RouteTable
{
    private readonly RouteKind[] _kinds = new RouteKind[HashSlot.Count];

    // Per slot, the index into _endpoints of the node a redirect names (MOVED: the owner; ASK: the target).
    private readonly short[] _targets = new short[HashSlot.Count];
    private readonly byte[][] _endpoints;

    private RouteTable(byte[][] endpoints) => _endpoints = endpoints;

    /// <summary>No slot is served: a node outside any cluster.</summary>
    public static RouteTable Unserved { get; } = new([]);

    public RouteKind KindOf(int slot) => _kinds[slot];

    /// <summary>The <c>host:port</c> (ASCII) a redirect for <paramref name="slot"/> names.</summary>
    public ReadOnlySpan<byte> TargetOf(int slot) => _endpoints[_targets[slot]];

    /// <summary>Builds the routes of the node <paramref name="myId"/> (which may not be in the table yet).</summary>
    public static RouteTable Build(ClusterTopology topology, string myId)
    {
        if (!topology.Nodes.TryGetValue(myId, out var me))
        {
            return Unserved; // a node outside the cluster knows only itself, and owns nothing
        }

        var nodes = topology.Nodes.Values.ToList();
        var table = new RouteTable([.. nodes.Select(n => Encoding.ASCII.GetBytes(n.Endpoint))]);
        var indexOfPrimary = new Dictionary<string, short>(StringComparer.Ordinal);
        for (short i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Role == NodeRole.Primary)
            {
                indexOfPrimary[nodes[i].ShardId] = i;
            }
        }

        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var shard = topology.ShardOfSlot(slot);
            if (shard is null || !indexOfPrimary.TryGetValue(shard, out var owner))
            {
                table._kinds[slot] = RouteKind.Unserved;
                continue;
            }

            table._targets[slot] = owner;
            table._kinds[slot] = shard != me.ShardId ? RouteKind.Moved
                : me.Role == NodeRole.Primary ? RouteKind.Local
                : RouteKind.Replica;
        }

        foreach (var migration in topology.Migrations.Values)
        {
            if (migration.SourceShardId == me.ShardId && me.Role == NodeRole.Primary
                && indexOfPrimary.TryGetValue(migration.TargetShardId, out var target))
            {
                table._kinds[migration.Slot] = RouteKind.Migrating;
                table._targets[migration.Slot] = target;
            }
            else if (migration.TargetShardId == me.ShardId && me.Role == NodeRole.Primary)
            {
                table._kinds[migration.Slot] = RouteKind.Importing;
            }
        }

        return table;
    }
}
