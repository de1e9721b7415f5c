using System.Net;
using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests.Cluster;

/// <summary>Fencing: a primary with a replica takes writes only while the consensus leader renews its lease.</summary>
public class WriteLeaseTests
{
    private static readonly string Replica = new('d', 40);

    [Fact]
    public async Task A_primary_with_a_replica_stops_taking_writes_when_its_lease_is_not_renewed()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var cluster = node.Server.Cluster!;
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(Replica, "127.0.0.1", 7777, 17777, new string('c', 40)), default));
        Assert.Null(await cluster.ProposeAsync(new ReplicaAssigned(Replica, cluster.MyId), default));

        // As the leader, the node renews its own lease (a majority of its one-voter group answers every round) — from
        // the round after the replica made it need one.
        var granted = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await client.CallAsync("SET", "k", "v") is not "OK")
        {
            Assert.True(DateTime.UtcNow < granted, "the node never got its first lease");
            await Task.Delay(20);
        }

        await Task.Delay(cluster.LeaseDuration * 2);
        Assert.Equal("OK", await client.CallAsync("SET", "k", "v2"));

        // Deposed: nobody renews it, and once it runs out writes are refused while reads go on.
        node.Consensus.SetLeader(new IPEndPoint(IPAddress.Loopback, 1));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var attempt = 0;
        object? reply;
        while ((reply = await client.CallAsync("SET", "k", $"attempt-{++attempt}")) is "OK")
        {
            Assert.True(DateTime.UtcNow < deadline, "the lease never ran out");
            await Task.Delay(50);
        }

        Assert.Equal("CLUSTERDOWN The primary's write lease ran out: the cluster may be failing over", Assert.IsType<RespError>(reply).Message);
        Assert.Equal(attempt == 1 ? "v2" : $"attempt-{attempt - 1}", await client.CallAsync("GET", "k"));
        Assert.Equal("PONG", await client.CallAsync("PING"));

        // A deposed node grants no lease to others; leading again, it renews its own.
        Assert.Equal("TRYAGAIN not the consensus leader", Assert.IsType<RespError>(await client.CallAsync("HOARD.HEARTBEAT", Replica, "0")).Message);
        node.Consensus.SetLeader(node.Consensus.LocalEndPoint);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await client.CallAsync("SET", "k", "v4") is not "OK")
        {
            Assert.True(DateTime.UtcNow < deadline, "leading again, the node never renewed its lease");
            await Task.Delay(50);
        }

        Assert.Equal(cluster.LeaseDuration.TotalMilliseconds, (long)(await client.CallAsync("HOARD.HEARTBEAT", cluster.MyId, "0"))!);
        Assert.Equal(0L, await client.CallAsync("HOARD.HEARTBEAT", Replica, "0")); // heard, but a replica gets no lease
    }

    [Fact]
    public async Task A_primary_without_replicas_needs_no_lease()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));

        node.Consensus.SetLeader(null);
        await Task.Delay(node.Server.Cluster!.LeaseDuration * 2);

        Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
    }
}
