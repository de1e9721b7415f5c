using System.Text;
using Hoard.Cluster.Topology;
using Hoard.Storage.Keys;
using static Hoard.IntegrationTests.Cluster.ReplicaClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// The consensus leader decides failovers from the replication offsets its heartbeats bring back, and it does not
/// heartbeat itself: when the failed primary's only replica is the leader's own node, that replica must still be
/// promoted (it once never was: the shard stayed down).
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class LeaderReplicaFailoverTests
{
    [Fact]
    public async Task APrimaryWhoseReplicaLeadsTheConsensusGroupFailsOverToIt()
    {
        // Nodes 0-2 vote and replicate nodes 3-5, which own the slots: whoever leads is some primary's only replica.
        await using var cluster = await LocalCluster.StartAsync(nodes: 6);
        var ranges = SlotRange.SplitEvenly(3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("OK", await cluster.CallAsync(3 + i, "CLUSTER", "ADDSLOTSRANGE", ranges[i].Start, ranges[i].End));
        }

        for (var i = 0; i < 6; i++)
        {
            if (i != 3)
            {
                Assert.Equal("OK", await cluster.CallAsync(3, "CLUSTER", "MEET", "127.0.0.1", cluster.Ports[i]));
            }
        }

        for (var i = 0; i < 3; i++)
        {
            var (replica, primaryId) = (i, (string)(await cluster.CallAsync(3 + i, "CLUSTER", "MYID"))!);
            await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(replica, "CLUSTER", "REPLICATE", primaryId) is "OK");
        }

        await LocalCluster.WaitUntilAsync(async () => Replicas(await NodesAsync(cluster, 0)).Count == 3);
        var leader = -1; // "-" while an election is under way
        await LocalCluster.WaitUntilAsync(async () =>
        {
            var info = await cluster.InfoAsync(0);
            var leaderEndpoint = info.Split("\r\n").Single(l => l.StartsWith("cluster_consensus_leader:", StringComparison.Ordinal)).Split(':', 2)[1];
            leader = Array.FindIndex(cluster.Endpoints, e => leaderEndpoint.StartsWith(e + "@", StringComparison.Ordinal));
            return leader >= 0;
        });
        Assert.InRange(leader, 0, 2);
        var nodes = await NodesAsync(cluster, leader);
        var primary = nodes.Single(n => n.Id == Replicas(nodes)[nodes.Single(n => n.Endpoint == cluster.Endpoints[leader]).Id]);
        var key = Enumerable.Range(0, 100_000).Select(i => $"key-{i}").First(k => primary.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k))));
        await using (var writer = await cluster.ConnectAsync(Array.IndexOf(cluster.Endpoints, primary.Endpoint)))
        {
            Assert.Equal("OK", await writer.CallAsync("SET", key, "before"));
            Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));
        }

        cluster.Kill(Array.IndexOf(cluster.Endpoints, primary.Endpoint));

        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(leader, "SET", key, "after") is "OK");
        Assert.Contains("master", (await NodesAsync(cluster, leader)).Single(n => n.Endpoint == cluster.Endpoints[leader]).Flags, StringComparison.Ordinal);
    }
}
