using Hoard.Cluster.Topology;
using Hoard.Server.Commands.Cluster;

namespace Hoard.Server.Tests.Cluster;

/// <summary>
/// The CLUSTER NODES / INFO / SLOTS / SHARDS replies of a topology, byte for byte, in Redis 7.2's formats.
/// NODES and INFO here; SLOTS and SHARDS in the RESP part.
/// </summary>
public sealed partial class ClusterRepliesTests
{
    private const long Now = 1_700_000_000_000;

    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);
    private static readonly string C = new('c', 40);
    private static readonly string D = new('d', 40);
    private static readonly string E = new('e', 40);
    private static readonly string ShardA = new('1', 40);
    private static readonly string ShardB = new('2', 40);
    private static readonly string ShardC = new('3', 40);
    private static readonly string ShardD = new('4', 40);
    private static readonly string ShardE = new('5', 40);

    /// <summary>A row for a node the topology does not know.</summary>
    private static readonly ClusterNode Outsider = new(E, "10.0.0.9", 7009, 17009, ShardE, NodeRole.Primary);

    private static ClusterTopology Apply(ClusterTopology topology, params TopologyEntry[] entries)
    {
        foreach (var entry in entries)
        {
            var result = TopologyApply.Apply(topology, entry);
            Assert.Equal(ApplyOutcome.Applied, result.Outcome);
            topology = result.Topology;
        }

        return topology;
    }

    private static NodeJoined Join(string id, string shard, int port, string host = "127.0.0.1") =>
        new(id, host, port, port + 10000, shard);

    /// <summary>
    /// Primaries A, B, C with 0-5460, 5461-10922, 10923-16383, and D a replica of A. Epochs: A's shard 8 (join 1,
    /// slots 5, replica 8), B's 6, C's 7; the cluster's 8.
    /// </summary>
    private static ClusterTopology ThreeShards()
    {
        var thirds = SlotRange.SplitEvenly(3);
        return Apply(
            ClusterTopology.Empty,
            Join(A, ShardA, 7000),
            Join(B, ShardB, 7001),
            Join(C, ShardC, 7002),
            Join(D, ShardD, 7003),
            new SlotsAssigned(ShardA, [thirds[0]]),
            new SlotsAssigned(ShardB, [thirds[1]]),
            new SlotsAssigned(ShardC, [thirds[2]]),
            new ReplicaAssigned(D, A));
    }

    private static ClusterNode Row(ClusterTopology t, string id) => t.Nodes[id];

    private static string NodesOf(ClusterTopology t, string myId) => ClusterReplies.Nodes(t, Row(t, myId), Now);

    private static string Line(string nodes, string id) => nodes.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal));

    [Fact]
    public void Nodes_lists_every_node_with_flags_primary_epoch_and_slots()
    {
        var expected =
            $"{A} 127.0.0.1:7000@17000 myself,master - 0 0 8 connected 0-5460\n" +
            $"{B} 127.0.0.1:7001@17001 master - 0 {Now} 6 connected 5461-10922\n" +
            $"{C} 127.0.0.1:7002@17002 master - 0 {Now} 7 connected 10923-16383\n" +
            $"{D} 127.0.0.1:7003@17003 slave {A} 0 {Now} 8 connected\n";

        Assert.Equal(expected, NodesOf(ThreeShards(), A));
    }

    [Fact]
    public void Nodes_marks_myself_on_the_asking_nodes_line_only()
    {
        var nodes = NodesOf(ThreeShards(), D);

        Assert.Equal($"{D} 127.0.0.1:7003@17003 myself,slave {A} 0 0 8 connected", Line(nodes, D));
        Assert.Equal($"{A} 127.0.0.1:7000@17000 master - 0 {Now} 8 connected 0-5460", Line(nodes, A));
    }

    [Fact]
    public void Nodes_parse_the_way_redis_cli_reads_them()
    {
        var t = ThreeShards();
        var lines = NodesOf(t, B).Split('\n');
        Assert.Equal("", lines[^1]);

        var owners = new string?[16384];
        var myselves = 0;
        foreach (var line in lines[..^1])
        {
            var fields = line.Split(' ');
            Assert.True(fields.Length >= 8, line);
            var address = fields[1][..fields[1].LastIndexOf('@')];
            var host = address[..address.LastIndexOf(':')];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var node = t.Nodes[fields[0]];
            Assert.Equal((node.Host, node.Port), (host, port));
            Assert.Equal(node.ClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[1][(fields[1].LastIndexOf('@') + 1)..]);

            var flags = fields[2].Split(',');
            myselves += flags.Contains("myself") ? 1 : 0;
            Assert.Equal(node.Role == NodeRole.Primary, flags.Contains("master"));
            Assert.Equal(node.Role == NodeRole.Replica, flags.Contains("slave"));
            Assert.Equal(node.Role == NodeRole.Primary ? "-" : A, fields[3]);
            foreach (var slots in fields[8..])
            {
                var bounds = slots.Split('-').Select(int.Parse).ToArray();
                for (var slot = bounds[0]; slot <= bounds[^1]; slot++)
                {
                    Assert.Null(owners[slot]);
                    owners[slot] = fields[0];
                }
            }
        }

        Assert.Equal(1, myselves);
        Assert.All(owners, Assert.NotNull);
    }

    [Fact]
    public void A_failed_node_is_flagged_and_its_link_shown_down()
    {
        var t = Apply(ThreeShards(), new NodeHealthChanged(C, true), new NodeHealthChanged(D, true));
        var nodes = NodesOf(t, A);

        Assert.Equal($"{C} 127.0.0.1:7002@17002 master,fail - 0 {Now} 7 disconnected 10923-16383", Line(nodes, C));
        Assert.Equal($"{D} 127.0.0.1:7003@17003 slave,fail {A} 0 {Now} 8 disconnected", Line(nodes, D));
    }

    [Fact]
    public void A_moving_slot_shows_on_the_myself_line_of_both_primaries_and_stays_with_its_owner()
    {
        var t = Apply(ThreeShards(), new MigrationBegun(100, ShardA, ShardB), new MigrationBegun(5461, ShardB, ShardC));

        // Moves follow the slot ranges, in slot order; the moving slot still counts among its owner's slots.
        Assert.Equal($"{A} 127.0.0.1:7000@17000 myself,master - 0 0 9 connected 0-5460 [100->-{B}]", Line(NodesOf(t, A), A));
        Assert.Equal(
            $"{B} 127.0.0.1:7001@17001 myself,master - 0 0 10 connected 5461-10922 [100-<-{A}] [5461->-{C}]",
            Line(NodesOf(t, B), B));

        // Only the asking node's own line carries moves, and a replica holds none.
        Assert.DoesNotContain('[', Line(NodesOf(t, C), B));
        Assert.DoesNotContain('[', NodesOf(t, D));
    }

    [Fact]
    public void Nodes_prints_an_IPv6_host_bare_as_Redis_does()
    {
        var t = Apply(ClusterTopology.Empty, Join(A, ShardA, 7000, "::1"), Join(B, ShardB, 7001, "fe80::1:2"));
        var nodes = NodesOf(t, A);

        Assert.Equal($"{A} ::1:7000@17000 myself,master - 0 0 1 connected", Line(nodes, A));
        var address = Line(nodes, B).Split(' ')[1].Split('@')[0];
        Assert.Equal(("fe80::1:2", "7001"), (address[..address.LastIndexOf(':')], address[(address.LastIndexOf(':') + 1)..]));
    }

    [Fact]
    public void A_node_outside_the_table_shows_only_itself_as_a_fresh_node()
    {
        Assert.Equal($"{E} 10.0.0.9:7009@17009 myself,master - 0 0 0 connected\n", ClusterReplies.Nodes(ThreeShards(), Outsider, Now));
        Assert.Equal($"{E} 10.0.0.9:7009@17009 myself,master - 0 0 0 connected\n", ClusterReplies.Nodes(ClusterTopology.Empty, Outsider, Now));
    }

    [Fact]
    public void Info_of_a_healthy_cluster()
    {
        var extras = new ClusterInfoExtras(IsVoter: true, HasQuorum: true, LeaderEndpoint: "127.0.0.1:17001", MessagesSent: 10, MessagesReceived: 12, Redirected: 7);

        var expected =
            "cluster_state:ok\r\n" +
            "cluster_slots_assigned:16384\r\n" +
            "cluster_slots_ok:16384\r\n" +
            "cluster_slots_pfail:0\r\n" +
            "cluster_slots_fail:0\r\n" +
            "cluster_known_nodes:4\r\n" +
            "cluster_size:3\r\n" +
            "cluster_current_epoch:8\r\n" +
            "cluster_my_epoch:6\r\n" +
            "cluster_stats_messages_sent:10\r\n" +
            "cluster_stats_messages_received:12\r\n" +
            "total_cluster_links_buffer_limit_exceeded:0\r\n" +
            "cluster_consensus_role:voter\r\n" +
            "cluster_consensus:ok\r\n" +
            "cluster_consensus_leader:127.0.0.1:17001\r\n" +
            "cluster_redirected_commands:7\r\n";
        var t = ThreeShards();

        Assert.Equal(expected, ClusterReplies.Info(t, Row(t, B), extras));
    }

    [Fact]
    public void Info_counts_the_slots_of_a_failed_primary_as_failed()
    {
        var t = Apply(ThreeShards(), new NodeHealthChanged(C, true));
        var info = Fields(ClusterReplies.Info(t, Row(t, D), new ClusterInfoExtras(false, false, null)));

        Assert.Equal("fail", info["cluster_state"]);
        Assert.Equal("16384", info["cluster_slots_assigned"]);
        Assert.Equal("10923", info["cluster_slots_ok"]);
        Assert.Equal("5461", info["cluster_slots_fail"]);
        Assert.Equal("3", info["cluster_size"]);
        Assert.Equal("9", info["cluster_current_epoch"]);
        Assert.Equal("8", info["cluster_my_epoch"]);
        Assert.Equal("follower", info["cluster_consensus_role"]);
        Assert.Equal("no-majority", info["cluster_consensus"]);
        Assert.Equal("-", info["cluster_consensus_leader"]);
        Assert.Equal("0", info["cluster_stats_messages_sent"]);
    }

    [Fact]
    public void Info_fails_while_a_slot_is_unassigned()
    {
        var t = Apply(ThreeShards(), new SlotsUnassigned([new SlotRange(16383, 16383)]));
        var info = Fields(ClusterReplies.Info(t, Row(t, A), new ClusterInfoExtras(true, true, "x:1")));

        Assert.Equal(("fail", "16383", "16383", "0"), (info["cluster_state"], info["cluster_slots_assigned"], info["cluster_slots_ok"], info["cluster_slots_fail"]));
        Assert.Equal("3", info["cluster_size"]);
    }

    [Fact]
    public void Info_of_a_node_outside_the_table_knows_only_itself()
    {
        var info = Fields(ClusterReplies.Info(ThreeShards(), Outsider, new ClusterInfoExtras(false, false, null)));

        Assert.Equal("fail", info["cluster_state"]);
        Assert.Equal("0", info["cluster_slots_assigned"]);
        Assert.Equal("1", info["cluster_known_nodes"]);
        Assert.Equal("0", info["cluster_size"]);
        Assert.Equal("0", info["cluster_current_epoch"]);
        Assert.Equal("0", info["cluster_my_epoch"]);
    }

    private static Dictionary<string, string> Fields(string info)
    {
        Assert.EndsWith("\r\n", info, StringComparison.Ordinal);
        return info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }
}
