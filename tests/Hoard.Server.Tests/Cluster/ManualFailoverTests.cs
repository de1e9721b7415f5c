using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

/// <summary>CLUSTER FAILOVER on a replica whose primary (at 127.0.0.1:1, where nothing listens) never answers.</summary>
public class ManualFailoverTests
{
    private static readonly string Primary = new('e', 40);
    private static readonly string PrimaryShard = new('f', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>Makes the node the replica of an unreachable primary that owns every slot.</summary>
    private static async Task ReplicateUnreachablePrimaryAsync(ClusterTestNode node, RespClient client)
    {
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(Primary, "127.0.0.1", 1, 10001, PrimaryShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(PrimaryShard, [new SlotRange(0, HashSlot.Count - 1)]), default));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "REPLICATE", Primary));
    }

    [Fact]
    public async Task Failover_is_refused_with_redis_errors()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("ERR You should send CLUSTER FAILOVER to a replica", Error(await client.CallAsync("CLUSTER", "FAILOVER")));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", "0"));
        Assert.Equal("ERR You should send CLUSTER FAILOVER to a replica", Error(await client.CallAsync("CLUSTER", "FAILOVER", "FORCE")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("CLUSTER", "FAILOVER", "GENTLY")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("CLUSTER", "FAILOVER", "FORCE", "NOW")));

        await using var standalone = await TestNode.StartAsync();
        await using var other = await standalone.ConnectAsync();
        Assert.Equal("ERR This instance has cluster support disabled", Error(await other.CallAsync("CLUSTER", "FAILOVER")));
    }

    [Theory]
    [InlineData("FORCE")]
    [InlineData("takeover")]
    public async Task Force_and_takeover_make_the_replica_the_primary_without_asking_its_primary(string option)
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await ReplicateUnreachablePrimaryAsync(node, client);
        var cluster = node.Server.Cluster!;

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "FAILOVER", option));

        Assert.Equal(NodeRole.Primary, cluster.Self.Role);
        Assert.Equal(NodeRole.Replica, cluster.Topology.Nodes[Primary].Role);
        Assert.Contains($"{cluster.MyId} 127.0.0.1:{node.Node.Port}@{cluster.Settings.ClusterPort} myself,master - ",
            (string)(await client.CallAsync("CLUSTER", "NODES"))!, StringComparison.Ordinal);
        // Its slots are served here now, once it holds the write lease (a primary with a replica, even an unreachable
        // one, writes only under it): on a loaded machine the first renewal may come a moment after the failover.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        object? written;
        while ((written = await client.CallAsync("SET", "k", "v")) is RespError { Message: var m } && m.StartsWith("CLUSTERDOWN The primary's write lease", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the new primary got no write lease within 10 s");
            await Task.Delay(20);
        }

        Assert.Equal("OK", written);
        Assert.Equal("ERR You should send CLUSTER FAILOVER to a replica", Error(await client.CallAsync("CLUSTER", "FAILOVER")));
    }

    [Fact]
    public async Task A_graceful_failover_fails_and_changes_nothing_when_the_primary_cannot_be_reached()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await ReplicateUnreachablePrimaryAsync(node, client);
        var cluster = node.Server.Cluster!;
        var epoch = cluster.Topology.Epoch;

        var error = Error(await client.CallAsync("CLUSTER", "FAILOVER"));

        Assert.StartsWith("ERR Manual failover failed: the master at 127.0.0.1:1 could not be reached", error, StringComparison.Ordinal);
        Assert.Equal(NodeRole.Replica, cluster.Self.Role);
        Assert.Equal(epoch, cluster.Topology.Epoch);
    }
}
