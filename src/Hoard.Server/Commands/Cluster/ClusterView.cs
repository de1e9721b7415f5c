using Hoard.Cluster.Topology;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// The cluster as this node's CLUSTER replies show it: the topology when this node is in its node table; otherwise
/// only this node, with no slots, no moves and epoch 0, as a fresh Redis node knows only itself.
/// </summary>
internal sealed class ClusterView
{
    private readonly ClusterTopology _topology;

    private ClusterView(ClusterTopology topology, ClusterNode myself, IReadOnlyList<ClusterNode> nodes)
    {
        _topology = topology;
        Myself = myself;
        Nodes = nodes;
        Runs = FindRuns(topology);
        Shards = [.. nodes
            .Select(n => n.ShardId)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(FirstRunOf)
            .ThenBy(shard => shard, StringComparer.Ordinal)];
    }

    /// <summary>This node's row: the node table's when it is there, else the row it was given.</summary>
    public ClusterNode Myself { get; }

    /// <summary>The nodes shown, by id.</summary>
    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The shards of <see cref="Nodes"/>: those owning slots in slot order, then the others by id.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>The maximal runs of consecutive slots owned by one shard, in slot order.</summary>
    public IReadOnlyList<(string ShardId, SlotRange Range)> Runs { get; }

    /// <summary>The global configuration epoch.</summary>
    public long CurrentEpoch => _topology.Epoch;

    /// <summary>Slots on the move, by slot.</summary>
    public IEnumerable<SlotMigration> Migrations => _topology.Migrations.Values;

    /// <summary>The view of <paramref name="topology"/> from the node <paramref name="self"/>.</summary>
    /// <param name="topology">The cluster topology this node holds.</param>
    /// <param name="self">This node's own row, used when the node table does not have it.</param>
    /// <returns>The view.</returns>
    public static ClusterView Of(ClusterTopology topology, ClusterNode self) =>
        topology.Nodes.TryGetValue(self.Id, out var known)
            ? new ClusterView(topology, known, [.. topology.Nodes.Values])
            : new ClusterView(ClusterTopology.Empty, self, [self]);

    /// <summary>The configuration epoch of <paramref name="node"/>'s shard.</summary>
    public long EpochOf(ClusterNode node) => _topology.ShardEpoch(node.ShardId);

    /// <summary>The primary of <paramref name="shardId"/>, or null.</summary>
    public ClusterNode? PrimaryOf(string shardId) =>
        Nodes.FirstOrDefault(n => n.ShardId == shardId && n.Role == NodeRole.Primary);

    /// <summary>The nodes of <paramref name="shardId"/>, primary first, then by id.</summary>
    public IEnumerable<ClusterNode> NodesOf(string shardId) => Nodes.Where(n => n.ShardId == shardId).OrderBy(n => n.Role);

    /// <summary>The slot ranges <paramref name="shardId"/> owns, ascending.</summary>
    public IEnumerable<SlotRange> RangesOf(string shardId) => Runs.Where(r => r.ShardId == shardId).Select(r => r.Range);

    private int FirstRunOf(string shardId)
    {
        for (var i = 0; i < Runs.Count; i++)
        {
            if (Runs[i].ShardId == shardId)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static List<(string ShardId, SlotRange Range)> FindRuns(ClusterTopology topology)
    {
        var runs = new List<(string, SlotRange)>();
        var start = 0;
        for (var slot = 1; slot <= HashSlot.Count; slot++)
        {
            var owner = topology.ShardOfSlot(start);
            if (slot < HashSlot.Count && topology.ShardOfSlot(slot) == owner)
            {
                continue;
            }

            if (owner is not null)
            {
                runs.Add((owner, new SlotRange(start, slot - 1)));
            }

            start = slot;
        }

        return runs;
    }
}
