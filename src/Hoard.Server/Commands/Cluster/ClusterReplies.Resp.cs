using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Protocol;

namespace Hoard.Server.Commands.Cluster;

internal static partial class ClusterReplies
{
    /// <summary>
    /// CLUSTER SLOTS (https://redis.io/docs/latest/commands/cluster-slots/): per run of consecutive slots owned by one
    /// shard, in slot order, <c>[start, end, primary, replica…]</c>, each node <c>[endpoint, port, id, metadata]</c>.
    /// Failed replicas are left out, as Redis leaves out replicas that cannot serve reads.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="t">The topology.</param>
    /// <param name="self">This node's row, used when the node table does not have it.</param>
    public static void Slots(ref RespWriter w, ClusterTopology t, ClusterNode self)
    {
        var view = ClusterView.Of(t, self);
        var runs = view.Runs.Where(r => view.PrimaryOf(r.ShardId) is not null).ToList();
        w.WriteArrayHeader(runs.Count);
        foreach (var (shard, range) in runs)
        {
            var nodes = view.NodesOf(shard).Where(n => n.Role == NodeRole.Primary || !n.Failed).ToList();
            w.WriteArrayHeader(2 + nodes.Count);
            w.WriteInteger(range.Start);
            w.WriteInteger(range.End);
            foreach (var node in nodes)
            {
                WriteSlotsNode(ref w, node);
            }
        }
    }

    /// <summary>
    /// CLUSTER REPLICAS and SLAVES (https://redis.io/docs/latest/commands/cluster-replicas/): the CLUSTER NODES line of
    /// each replica of <paramref name="primaryId"/>, without its newline, as bulk strings; Redis's errors for a node
    /// this node does not know or one that is not a primary.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="t">The topology.</param>
    /// <param name="self">This node's row, used when the node table does not have it.</param>
    /// <param name="primaryId">The primary's id, as the client gave it.</param>
    /// <param name="nowMs">The Unix time in milliseconds, shown as the last pong from every other node.</param>
    public static void Replicas(ref RespWriter w, ClusterTopology t, ClusterNode self, string primaryId, long nowMs)
    {
        var view = ClusterView.Of(t, self);
        var primary = view.Nodes.FirstOrDefault(n => n.Id == primaryId);
        if (primary is null)
        {
            w.WriteError($"ERR Unknown node {primaryId}");
            return;
        }

        if (primary.Role != NodeRole.Primary)
        {
            w.WriteError("ERR The specified node is not a master"u8);
            return;
        }

        var replicas = view.NodesOf(primary.ShardId).Where(n => n.Role == NodeRole.Replica).ToList();
        w.WriteArrayHeader(replicas.Count);
        foreach (var replica in replicas)
        {
            var line = new StringBuilder();
            AppendNode(line, view, replica, nowMs);
            w.WriteBulkString(line.ToString());
        }
    }

    /// <summary>
    /// CLUSTER SHARDS (https://redis.io/docs/latest/commands/cluster-shards/): every shard, those owning slots first in
    /// slot order, as a map of <c>slots</c> (start, end, … as integers) and <c>nodes</c> (a map per node, primary
    /// first). Maps are flat arrays in RESP2.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="t">The topology.</param>
    /// <param name="self">This node's row, used when the node table does not have it.</param>
    public static void Shards(ref RespWriter w, ClusterTopology t, ClusterNode self)
    {
        var view = ClusterView.Of(t, self);
        w.WriteArrayHeader(view.Shards.Count);
        foreach (var shard in view.Shards)
        {
            w.WriteMapHeader(2);
            w.WriteBulkString("slots"u8);
            var ranges = view.RangesOf(shard).ToList();
            w.WriteArrayHeader(2 * ranges.Count);
            foreach (var range in ranges)
            {
                w.WriteInteger(range.Start);
                w.WriteInteger(range.End);
            }

            w.WriteBulkString("nodes"u8);
            var nodes = view.NodesOf(shard).ToList();
            w.WriteArrayHeader(nodes.Count);
            foreach (var node in nodes)
            {
                WriteShardsNode(ref w, node);
            }
        }
    }

    /// <summary>
    /// A node in CLUSTER SLOTS. The 4th element (Redis 7) maps the addresses that are not the preferred endpoint;
    /// Hoard's host is the preferred endpoint and there is no other, so the map is empty.
    /// </summary>
    private static void WriteSlotsNode(ref RespWriter w, ClusterNode node)
    {
        w.WriteArrayHeader(4);
        w.WriteBulkString(node.Host);
        w.WriteInteger(node.Port);
        w.WriteBulkString(node.Id);
        w.WriteMapHeader(0);
    }

    /// <summary>
    /// A node in CLUSTER SHARDS, with Redis's fields in Redis's order. Health is <c>fail</c> (what Redis sends; its
    /// documentation says <c>failed</c>) or <c>online</c>. Hoard does not track replication offsets per node: 0.
    /// </summary>
    private static void WriteShardsNode(ref RespWriter w, ClusterNode node)
    {
        w.WriteMapHeader(7);
        w.WriteBulkString("id"u8);
        w.WriteBulkString(node.Id);
        w.WriteBulkString("port"u8);
        w.WriteInteger(node.Port);
        w.WriteBulkString("ip"u8);
        w.WriteBulkString(node.Host);
        w.WriteBulkString("endpoint"u8);
        w.WriteBulkString(node.Host);
        w.WriteBulkString("role"u8);
        w.WriteBulkString(node.Role == NodeRole.Primary ? "master"u8 : "replica"u8);
        w.WriteBulkString("replication-offset"u8);
        w.WriteInteger(0);
        w.WriteBulkString("health"u8);
        w.WriteBulkString(node.Failed ? "fail"u8 : "online"u8);
    }
}
