using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// The replies of the read-only cluster commands, in Redis 7.2's formats (so redis-cli --cluster, redis-benchmark
/// --cluster and client libraries parse them), computed from a topology as seen by one node. A node that is not in
/// the topology's node table shows only itself (see <see cref="ClusterView"/>). The text replies (NODES, INFO) are
/// returned as strings: Redis sends them as verbatim strings (<c>txt</c>).
/// </summary>
internal static partial class ClusterReplies
{
    /// <summary>
    /// CLUSTER NODES (https://redis.io/docs/latest/commands/cluster-nodes/): one line per node, ending in
    /// <c>\n</c>: <c>id ip:port@cport flags primary ping-sent pong-recv config-epoch link-state slot…</c>.
    /// </summary>
    /// <param name="t">The topology.</param>
    /// <param name="self">This node's row, used when the node table does not have it.</param>
    /// <param name="nowMs">The Unix time in milliseconds, shown as the last pong from every other node.</param>
    /// <returns>The text.</returns>
    public static string Nodes(ClusterTopology t, ClusterNode self, long nowMs)
    {
        var view = ClusterView.Of(t, self);
        var text = new StringBuilder();
        foreach (var node in view.Nodes)
        {
            AppendNode(text, view, node, nowMs);
            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// CLUSTER INFO (https://redis.io/docs/latest/commands/cluster-info/): Redis's fields, then Hoard's consensus
    /// fields, each line ending in CRLF.
    /// </summary>
    /// <param name="t">The topology.</param>
    /// <param name="self">This node's row, used when the node table does not have it.</param>
    /// <param name="extras">What the topology does not say.</param>
    /// <returns>The text.</returns>
    public static string Info(ClusterTopology t, ClusterNode self, ClusterInfoExtras extras)
    {
        var view = ClusterView.Of(t, self);
        long assigned = 0, ok = 0;
        foreach (var (shard, range) in view.Runs)
        {
            assigned += range.Count;
            if (view.PrimaryOf(shard) is { Failed: false })
            {
                ok += range.Count;
            }
        }

        var failed = assigned - ok;
        var text = new StringBuilder();
        Line(text, "cluster_state", assigned == HashSlot.Count && failed == 0 ? "ok" : "fail");
        Line(text, "cluster_slots_assigned", assigned);
        Line(text, "cluster_slots_ok", ok);
        Line(text, "cluster_slots_pfail", 0);
        Line(text, "cluster_slots_fail", failed);
        Line(text, "cluster_known_nodes", view.Nodes.Count);
        Line(text, "cluster_size", view.Runs.Select(r => r.ShardId).Distinct(StringComparer.Ordinal).Count());
        Line(text, "cluster_current_epoch", view.CurrentEpoch);
        Line(text, "cluster_my_epoch", view.EpochOf(view.Myself));
        Line(text, "cluster_stats_messages_sent", extras.MessagesSent);
        Line(text, "cluster_stats_messages_received", extras.MessagesReceived);
        Line(text, "total_cluster_links_buffer_limit_exceeded", 0);
        Line(text, "cluster_consensus_role", extras.IsVoter ? "voter" : "follower");
        Line(text, "cluster_consensus", extras.HasQuorum ? "ok" : "no-majority");
        Line(text, "cluster_consensus_leader", extras.LeaderEndpoint ?? "-");
        Line(text, "cluster_redirected_commands", extras.Redirected);
        return text.ToString();
    }

    /// <summary>One CLUSTER NODES line, without its newline.</summary>
    private static void AppendNode(StringBuilder text, ClusterView view, ClusterNode node, long nowMs)
    {
        var myself = node.Id == view.Myself.Id;
        var primary = node.Role == NodeRole.Primary;

        // Redis prints the address as it is, an IPv6 one without brackets: readers split at the last ':'.
        text.Append(node.Id).Append(' ')
            .Append(node.Host).Append(':').Append(node.Port).Append('@').Append(node.ClusterPort).Append(' ');
        text.Append(myself ? "myself," : "").Append(primary ? "master" : "slave").Append(node.Failed ? ",fail" : "").Append(' ');
        text.Append(primary ? "-" : view.PrimaryOf(node.ShardId)?.Id ?? "-").Append(' ');
        text.Append("0 ").Append(myself ? 0 : nowMs).Append(' ');
        text.Append(view.EpochOf(node)).Append(' ');

        // As in Redis, this node's own link is always up.
        text.Append(myself || !node.Failed ? "connected" : "disconnected");
        if (primary)
        {
            foreach (var range in view.RangesOf(node.ShardId))
            {
                text.Append(' ').Append(range.ToString());
            }
        }

        // Redis keeps migrating / importing state on the primary that runs CLUSTER SETSLOT, and shows it only on
        // the myself line; replicas show none.
        if (myself && primary)
        {
            AppendMigrations(text, view, node.ShardId);
        }
    }

    private static void AppendMigrations(StringBuilder text, ClusterView view, string myShard)
    {
        foreach (var migration in view.Migrations)
        {
            if (migration.SourceShardId == myShard && view.PrimaryOf(migration.TargetShardId) is { } target)
            {
                text.Append(" [").Append(migration.Slot).Append("->-").Append(target.Id).Append(']');
            }
            else if (migration.TargetShardId == myShard && view.PrimaryOf(migration.SourceShardId) is { } source)
            {
                text.Append(" [").Append(migration.Slot).Append("-<-").Append(source.Id).Append(']');
            }
        }
    }

    private static void Line(StringBuilder text, string name, string value) => text.Append(name).Append(':').Append(value).Append("\r\n");

    private static void Line(StringBuilder text, string name, long value) => text.Append(name).Append(':').Append(value).Append("\r\n");
}
