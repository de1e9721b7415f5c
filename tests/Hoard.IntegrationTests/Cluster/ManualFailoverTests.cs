using System.Diagnostics;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;
using static Hoard.IntegrationTests.Cluster.ReplicaClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// CLUSTER FAILOVER on real nodes under a write load through StackExchange.Redis (each SET followed by WAIT 1): the
/// graceful handover, sent with redis-cli, loses no write that was acknowledged and refuses none; FORCE takes over
/// from a primary killed with SIGKILL.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class ManualFailoverTests
{
    private static readonly TimeSpan HandoverBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AGracefulFailoverLosesNoAcknowledgedWriteAndForceTakesOverFromAKilledPrimary()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var redis = await PrimaryFailoverTests.ConnectAsync(cluster);
        var pairs = await PairsAwayFromTheLeaderAsync(cluster);

        // Graceful: the replica takes over while writes go on; none fails, every one that got OK is on it.
        var (primary, replica) = pairs[0];
        var load = new ConfirmedWrites(redis, "graceful");
        load.Start(writers: 2);
        await Task.Delay(500);
        var started = Stopwatch.GetTimestamp();
        Assert.Equal("OK", (await ClusterTests.RunAsync("redis-cli", $"-p {cluster.Ports[Index(cluster, replica)]} CLUSTER FAILOVER")).Trim());
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, HandoverBound);
        await Task.Delay(500);
        await load.StopAsync();

        Assert.True(load.Failed.Count == 0, $"{load.Failed.Count} writes failed, e.g. {string.Join("; ", load.Failed.Take(3))}");
        await AssertOnNewPrimaryAsync(cluster, replica, primary, load.Ok.Select(w => w.Key).ToList());
        await AssertReplicatesAsync(cluster, primary, replica);

        // FORCE: the primary is killed; asked gracefully its replica refuses, forced it takes over at once.
        (primary, replica) = pairs[1];
        load = new ConfirmedWrites(redis, "force");
        load.Start(writers: 2);
        await Task.Delay(500);
        var killedAt = Stopwatch.GetTimestamp();
        cluster.Kill(Index(cluster, primary));
        Assert.StartsWith("ERR ", Assert.IsType<RespError>(await cluster.CallAsync(Index(cluster, replica), "CLUSTER", "FAILOVER")).Message, StringComparison.Ordinal);
        Assert.Equal("OK", await cluster.CallAsync(Index(cluster, replica), "CLUSTER", "FAILOVER", "FORCE"));
        await Task.Delay(500);
        await load.StopAsync();

        var confirmed = load.Ok.Where(w => w.Confirmed != 0 && w.Confirmed < killedAt).Select(w => w.Key).ToList();
        await AssertOnNewPrimaryAsync(cluster, replica, primary, confirmed);
    }

    /// <summary>
    /// <paramref name="replica"/> is the primary of <paramref name="old"/>'s slots on every live node, takes writes to
    /// them and holds every one of <paramref name="keys"/> in those slots (among which some are).
    /// </summary>
    private static async Task AssertOnNewPrimaryAsync(LocalCluster cluster, NodeLine replica, NodeLine old, List<string> keys)
    {
        var mine = keys.Where(k => old.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k)))).ToList();
        Assert.NotEmpty(mine);
        await using var client = await cluster.ConnectAsync(Index(cluster, replica));
        Assert.Equal("OK", await client.CallAsync("SET", mine[0], mine[0]));
        var lost = new List<string>();
        foreach (var key in mine)
        {
            if (await client.CallAsync("GET", key) is not string value || value != key)
            {
                lost.Add(key);
            }
        }

        Assert.True(lost.Count == 0, $"{lost.Count} of {mine.Count} writes lost, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal("master", ((object?[])(await client.CallAsync("ROLE"))!)[0]);
        await LocalCluster.WaitUntilAsync(async () =>
        {
            foreach (var endpoint in cluster.Endpoints.Where(e => e != old.Endpoint))
            {
                var line = (await NodesAsync(cluster, Array.IndexOf(cluster.Endpoints, endpoint))).Single(n => n.Id == replica.Id);
                if (!line.Flags.Contains("master", StringComparison.Ordinal) || line.Slots.Length == 0)
                {
                    return false;
                }
            }

            return true;
        });
    }

    /// <summary>The old primary follows the new one: a replica of it in CLUSTER NODES, and in ROLE with the link up.</summary>
    private static async Task AssertReplicatesAsync(LocalCluster cluster, NodeLine old, NodeLine primary)
    {
        var index = Index(cluster, old);
        await LocalCluster.WaitUntilAsync(async () =>
        {
            var role = (object?[])(await cluster.CallAsync(index, "ROLE"))!;
            return role is ["slave", "127.0.0.1", long port, "connected", _] && port == cluster.Ports[Index(cluster, primary)];
        });
        var self = (await NodesAsync(cluster, index)).Single(n => n.Id == old.Id);
        Assert.Equal("myself,slave", self.Flags);
        Assert.Equal(primary.Id, self.PrimaryId);
    }

    /// <summary>Two primaries that do not lead the consensus group, each with its replica.</summary>
    private static async Task<List<(NodeLine Primary, NodeLine Replica)>> PairsAwayFromTheLeaderAsync(LocalCluster cluster)
    {
        var info = await cluster.InfoAsync(0);
        var leader = info.Split("\r\n").Single(l => l.StartsWith("cluster_consensus_leader:", StringComparison.Ordinal)).Split(':', 2)[1];
        var nodes = await NodesAsync(cluster, 0);
        var pairs = Replicas(nodes)
            .Select(pair => (Primary: nodes.Single(n => n.Id == pair.Value), Replica: nodes.Single(n => n.Id == pair.Key)))
            .Where(pair => !leader.StartsWith(pair.Primary.Endpoint + "@", StringComparison.Ordinal))
            .Take(2)
            .ToList();
        Assert.Equal(2, pairs.Count);
        return pairs;
    }

    private static int Index(LocalCluster cluster, NodeLine node) => Array.IndexOf(cluster.Endpoints, node.Endpoint);
}
