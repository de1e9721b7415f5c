using System.Buffers;
using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Protocol;
using Hoard.Server.Commands.Cluster;

namespace Hoard.Server.Tests.Cluster;

/// <summary>CLUSTER SLOTS and SHARDS as the bytes a RESP2 and a RESP3 client receive.</summary>
public sealed partial class ClusterRepliesTests
{
    private delegate void WriteAction(ref RespWriter writer);

    private static string Resp(RespVersion version, WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output, version);
        write(ref writer);
        writer.Commit();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Slots(RespVersion version, ClusterTopology t, ClusterNode self) =>
        Resp(version, (ref RespWriter w) => ClusterReplies.Slots(ref w, t, self));

    private static string Shards(RespVersion version, ClusterTopology t, ClusterNode self) =>
        Resp(version, (ref RespWriter w) => ClusterReplies.Shards(ref w, t, self));

    private static string Replicas(ClusterTopology t, ClusterNode self, string primaryId) =>
        Resp(RespVersion.Resp3, (ref RespWriter w) => ClusterReplies.Replicas(ref w, t, self, primaryId, Now));

    private static string Arr(int count) => $"*{count}\r\n";

    private static string Int(long value) => $":{value}\r\n";

    private static string Bulk(string text) => $"${text.Length}\r\n{text}\r\n";

    private static string Map(RespVersion version, int pairs) => version == RespVersion.Resp3 ? $"%{pairs}\r\n" : $"*{2 * pairs}\r\n";

    /// <summary>A node of CLUSTER SLOTS: endpoint, port, id, and the (empty) map of other addresses.</summary>
    private static string SlotsNode(RespVersion version, string id, int port) =>
        Arr(4) + Bulk("127.0.0.1") + Int(port) + Bulk(id) + Map(version, 0);

    private static string ShardsNode(RespVersion version, string id, int port, string role, string health = "online") =>
        Map(version, 7) + Bulk("id") + Bulk(id) + Bulk("port") + Int(port) + Bulk("ip") + Bulk("127.0.0.1")
        + Bulk("endpoint") + Bulk("127.0.0.1") + Bulk("role") + Bulk(role) + Bulk("replication-offset") + Int(0)
        + Bulk("health") + Bulk(health);

    [Theory]
    [InlineData(RespVersion.Resp2)]
    [InlineData(RespVersion.Resp3)]
    public void Slots_gives_each_run_its_primary_then_its_replicas(RespVersion version)
    {
        var t = ThreeShards();
        var expected =
            Arr(3)
            + Arr(4) + Int(0) + Int(5460) + SlotsNode(version, A, 7000) + SlotsNode(version, D, 7003)
            + Arr(3) + Int(5461) + Int(10922) + SlotsNode(version, B, 7001)
            + Arr(3) + Int(10923) + Int(16383) + SlotsNode(version, C, 7002);

        Assert.Equal(expected, Slots(version, t, Row(t, C)));
    }

    [Fact]
    public void A_slots_node_is_four_elements_with_an_empty_metadata_map()
    {
        var t = Apply(ClusterTopology.Empty, Join(A, ShardA, 7000), new SlotsAssigned(ShardA, [new SlotRange(0, 16383)]));
        var node = $"$9\r\n127.0.0.1\r\n:7000\r\n$40\r\n{A}\r\n";

        Assert.Equal($"*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n{node}*0\r\n", Slots(RespVersion.Resp2, t, Row(t, A)));
        Assert.Equal($"*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n{node}%0\r\n", Slots(RespVersion.Resp3, t, Row(t, A)));
    }

    [Fact]
    public void Slots_splits_a_shards_slots_into_runs_in_slot_order()
    {
        var t = Apply(
            ClusterTopology.Empty,
            Join(A, ShardA, 7000),
            Join(B, ShardB, 7001),
            new SlotsAssigned(ShardA, [new SlotRange(0, 9), new SlotRange(20, 20)]),
            new SlotsAssigned(ShardB, [new SlotRange(10, 19)]));
        var v = RespVersion.Resp2;
        var expected =
            Arr(3)
            + Arr(3) + Int(0) + Int(9) + SlotsNode(v, A, 7000)
            + Arr(3) + Int(10) + Int(19) + SlotsNode(v, B, 7001)
            + Arr(3) + Int(20) + Int(20) + SlotsNode(v, A, 7000);

        Assert.Equal(expected, Slots(v, t, Row(t, B)));
    }

    [Fact]
    public void Slots_leaves_out_a_failed_replica_but_not_a_failed_primary()
    {
        var t = Apply(ThreeShards(), new NodeHealthChanged(A, true), new NodeHealthChanged(D, true));
        var v = RespVersion.Resp2;

        Assert.StartsWith(Arr(3) + Arr(3) + Int(0) + Int(5460) + SlotsNode(v, A, 7000) + Arr(3), Slots(v, t, Row(t, B)), StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_are_the_nodes_lines_of_a_primarys_replicas_without_their_newline()
    {
        var t = ThreeShards();

        Assert.Equal(Arr(1) + Bulk($"{D} 127.0.0.1:7003@17003 slave {A} 0 {Now} 8 connected"), Replicas(t, Row(t, B), A));
        Assert.Equal(Arr(1) + Bulk($"{D} 127.0.0.1:7003@17003 myself,slave {A} 0 0 8 connected"), Replicas(t, Row(t, D), A));
        Assert.Equal(Arr(0), Replicas(t, Row(t, A), B));
    }

    [Fact]
    public void Replicas_of_a_replica_or_of_an_unknown_node_are_errors_as_in_redis()
    {
        var t = ThreeShards();

        Assert.Equal("-ERR The specified node is not a master\r\n", Replicas(t, Row(t, A), D));
        Assert.Equal($"-ERR Unknown node {E}\r\n", Replicas(t, Row(t, A), E));
        Assert.Equal($"-ERR Unknown node {A}\r\n", Replicas(t, Outsider, A)); // a node outside the table knows only itself
    }

    [Theory]
    [InlineData(RespVersion.Resp2)]
    [InlineData(RespVersion.Resp3)]
    public void Shards_lists_every_shard_with_its_slots_and_nodes(RespVersion version)
    {
        var t = Apply(ThreeShards(), Join(E, ShardE, 7004), new NodeHealthChanged(C, true));
        var slots = Bulk("slots");
        var nodes = Bulk("nodes");
        var expected =
            Arr(4)
            + Map(version, 2) + slots + Arr(2) + Int(0) + Int(5460)
            + nodes + Arr(2) + ShardsNode(version, A, 7000, "master") + ShardsNode(version, D, 7003, "replica")
            + Map(version, 2) + slots + Arr(2) + Int(5461) + Int(10922)
            + nodes + Arr(1) + ShardsNode(version, B, 7001, "master")
            + Map(version, 2) + slots + Arr(2) + Int(10923) + Int(16383)
            + nodes + Arr(1) + ShardsNode(version, C, 7002, "master", "fail")
            + Map(version, 2) + slots + Arr(0)
            + nodes + Arr(1) + ShardsNode(version, E, 7004, "master");

        Assert.Equal(expected, Shards(version, t, Row(t, A)));
    }

    [Fact]
    public void Shards_gives_a_shard_all_its_ranges_as_integer_pairs()
    {
        var t = Apply(
            ClusterTopology.Empty,
            Join(A, ShardA, 7000),
            new SlotsAssigned(ShardA, [new SlotRange(1, 3), new SlotRange(5, 5), new SlotRange(7, 9)]));

        Assert.StartsWith(
            "*1\r\n*4\r\n$5\r\nslots\r\n*6\r\n:1\r\n:3\r\n:5\r\n:5\r\n:7\r\n:9\r\n$5\r\nnodes\r\n*1\r\n",
            Shards(RespVersion.Resp2, t, Row(t, A)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_outside_the_table_has_no_slots_and_is_its_own_only_shard()
    {
        const string Node2 =
            "*14\r\n$2\r\nid\r\n$40\r\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\r\n$4\r\nport\r\n:7009\r\n$2\r\nip\r\n$8\r\n10.0.0.9\r\n"
            + "$8\r\nendpoint\r\n$8\r\n10.0.0.9\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n";
        const string Node3 =
            "%7\r\n$2\r\nid\r\n$40\r\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\r\n$4\r\nport\r\n:7009\r\n$2\r\nip\r\n$8\r\n10.0.0.9\r\n"
            + "$8\r\nendpoint\r\n$8\r\n10.0.0.9\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n";

        Assert.Equal("*0\r\n", Slots(RespVersion.Resp2, ThreeShards(), Outsider));
        Assert.Equal("*1\r\n*4\r\n$5\r\nslots\r\n*0\r\n$5\r\nnodes\r\n*1\r\n" + Node2, Shards(RespVersion.Resp2, ThreeShards(), Outsider));
        Assert.Equal("*1\r\n%2\r\n$5\r\nslots\r\n*0\r\n$5\r\nnodes\r\n*1\r\n" + Node3, Shards(RespVersion.Resp3, ThreeShards(), Outsider));
    }
}
