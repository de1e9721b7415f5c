using System.Globalization;
using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

/// <summary>CLUSTER REPLICATE, REPLICAS and SLAVES, and how a replica routes keyed commands.</summary>
public class ClusterReplicaTests
{
    private static readonly string Primary = new('e', 40);
    private static readonly string PrimaryShard = new('f', 40);
    private static readonly string OtherReplica = new('d', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>Adds an (unreachable) primary at 127.0.0.1:7777 that owns every slot.</summary>
    private static async Task AddPrimaryWithAllSlotsAsync(ClusterTestNode node)
    {
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(Primary, "127.0.0.1", 7777, 17777, PrimaryShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(PrimaryShard, [new SlotRange(0, HashSlot.Count - 1)]), default));
    }

    [Fact]
    public async Task Replicate_makes_an_empty_node_a_replica_through_a_committed_entry()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await AddPrimaryWithAllSlotsAsync(node);
        var cluster = node.Server.Cluster!;
        Assert.False(cluster.IsMember);

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));

        Assert.Equal(new ClusterNode(cluster.MyId, "127.0.0.1", node.Node.Port, cluster.Settings.ClusterPort, PrimaryShard, NodeRole.Replica),
            cluster.Topology.Nodes[cluster.MyId]);
        var nodes = (string)(await client.CallAsync("CLUSTER", "NODES"))!;
        Assert.Contains($"{cluster.MyId} 127.0.0.1:{node.Node.Port}@{cluster.Settings.ClusterPort} myself,slave {Primary} ", nodes, StringComparison.Ordinal);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary)); // already its replica
        Assert.Equal(PrimaryShard, await client.CallAsync("CLUSTER", "MYSHARDID"));
    }

    [Fact]
    public async Task A_replica_refuses_keyless_writes_as_redis_does()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await AddPrimaryWithAllSlotsAsync(node);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));
        node.Server.Keyspace[0].Set("k"u8, "v"u8); // as if the primary's stream had brought it

        foreach (var command in new[] { new object[] { "FLUSHALL" }, ["FLUSHDB", "ASYNC"] })
        {
            Assert.Equal("READONLY You can't write against a read only replica.", Error(await client.CallAsync(command)));
        }

        Assert.Equal(1L, await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Replicate_refuses_with_redis_errors()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await AddPrimaryWithAllSlotsAsync(node);
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(OtherReplica, "127.0.0.1", 7778, 17778, new string('c', 40)), default));
        Assert.Null(await cluster.ProposeAsync(new ReplicaAssigned(OtherReplica, Primary), default));
        var unknown = new string('b', 40);

        Assert.Equal($"ERR Unknown node {unknown}", Error(await client.CallAsync("CLUSTER", "REPLICATE", unknown)));
        Assert.Equal("ERR Can't replicate myself", Error(await client.CallAsync("CLUSTER", "REPLICATE", cluster.MyId)));
        Assert.Equal("ERR I can only replicate a master, not a replica.", Error(await client.CallAsync("CLUSTER", "REPLICATE", OtherReplica)));
        Assert.Equal("ERR wrong number of arguments for 'cluster|replicate' command", Error(await client.CallAsync("CLUSTER", "REPLICATE")));

        node.Server.Keyspace[0].Set("k"u8, "v"u8); // a node outside the cluster serves no slot: put a key in directly
        Assert.Equal("ERR To set a master the node must be empty and without assigned slots.",
            Error(await client.CallAsync("CLUSTER", "REPLICATE", Primary)));
        Assert.False(cluster.IsMember);
    }

    [Fact]
    public async Task A_primary_that_owns_slots_cannot_replicate()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", "0"));
        Assert.Null(await node.Server.Cluster!.ProposeAsync(new NodeJoined(Primary, "127.0.0.1", 7777, 17777, PrimaryShard), default));

        Assert.Equal("ERR To set a master the node must be empty and without assigned slots.",
            Error(await client.CallAsync("CLUSTER", "REPLICATE", Primary)));
        Assert.Equal(NodeRole.Primary, node.Server.Cluster.Self.Role);
    }

    [Fact]
    public async Task Replicas_and_slaves_list_a_primarys_replicas()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await AddPrimaryWithAllSlotsAsync(node);
        var myId = node.Server.Cluster!.MyId;
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));

        var replicas = Assert.IsType<object?[]>(await client.CallAsync("CLUSTER", "REPLICAS", Primary));
        var line = Assert.IsType<string>(Assert.Single(replicas));
        Assert.StartsWith($"{myId} 127.0.0.1:{node.Node.Port}@", line, StringComparison.Ordinal);
        Assert.EndsWith($" myself,slave {Primary} 0 0 {node.Server.Cluster.Topology.ShardEpoch(PrimaryShard)} connected", line, StringComparison.Ordinal);
        Assert.Equal(replicas, await client.CallAsync("CLUSTER", "SLAVES", Primary));
        Assert.Equal("ERR The specified node is not a master", Error(await client.CallAsync("CLUSTER", "REPLICAS", myId)));
        Assert.Equal($"ERR Unknown node {OtherReplica}", Error(await client.CallAsync("CLUSTER", "SLAVES", OtherReplica)));
    }

    [Fact]
    public async Task A_replica_moves_writes_to_its_primary_and_serves_reads_after_readonly()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await AddPrimaryWithAllSlotsAsync(node);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));
        var slot = HashSlot.Of("k"u8).ToString(CultureInfo.InvariantCulture);

        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("GET", "k")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("SET", "k", "v")));

        Assert.Equal("OK", await client.CallAsync("READONLY"));
        Assert.Null(await client.CallAsync("GET", "k"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "k"));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("SET", "k", "v")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("DEL", "k")));

        Assert.Equal("OK", await client.CallAsync("READWRITE"));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("GET", "k")));
    }

    [Fact]
    public async Task Readonly_does_not_serve_another_shards_slots_on_a_replica()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var cluster = node.Server.Cluster!;
        var mine = HashSlot.Of("mine"u8);
        var theirs = HashSlot.Of("theirs"u8);
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(Primary, "127.0.0.1", 7777, 17777, PrimaryShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(PrimaryShard, [new SlotRange(mine, mine)]), default));
        var otherShard = new string('c', 40);
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(OtherReplica, "127.0.0.1", 7778, 17778, otherShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(otherShard, [new SlotRange(theirs, theirs)]), default));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));

        Assert.Equal("OK", await client.CallAsync("READONLY"));
        Assert.Null(await client.CallAsync("GET", "mine"));
        Assert.Equal($"MOVED {theirs} 127.0.0.1:7778", Error(await client.CallAsync("GET", "theirs")));
        Assert.Equal("CLUSTERDOWN Hash slot not served", Error(await client.CallAsync("GET", "unserved-" + FindUnservedKey(mine, theirs))));
    }

    /// <summary>A key suffix whose slot is neither of the two served ones.</summary>
    private static string FindUnservedKey(int mine, int theirs) =>
        Enumerable.Range(0, 100).Select(i => i.ToString(CultureInfo.InvariantCulture))
            .First(s => HashSlot.Of(Encoding.UTF8.GetBytes("unserved-" + s)) is var slot && slot != mine && slot != theirs);
}
