using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Six real nodes formed into 3 primaries with a replica each, by Hoard's tool and by redis-cli: the topology every
/// node shows, how a replica routes, the data it receives, and the failover that promotes it.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class ReplicaClusterTests
{
    [Fact]
    public async Task HoardClusterCreateWithReplicasGivesEachPrimaryOneReplica()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 6);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");

        var create = await ClusterTests.RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints)} --replicas 1");

        Assert.Equal(3, create.Split('\n').Count(l => l.Contains("  replica of ", StringComparison.Ordinal)));
        await AssertThreePrimariesWithAReplicaEachAsync(cluster);
        await AssertAReplicaRoutesAsync(cluster);
    }

    [Fact]
    public async Task RedisCliClusterCreateWithReplicasGivesEachPrimaryOneReplica()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 6);

        var create = await ClusterTests.RunAsync("redis-cli", $"--cluster create {string.Join(' ', cluster.Endpoints)} --cluster-replicas 1 --cluster-yes");

        Assert.Contains("[OK] All nodes agree about slots configuration.", create, StringComparison.Ordinal);
        Assert.Contains("[OK] All 16384 slots covered.", create, StringComparison.Ordinal);
        Assert.Equal(3, create.Split('\n').Count(l => l.Contains("1 additional replica(s)", StringComparison.Ordinal)));
        await AssertThreePrimariesWithAReplicaEachAsync(cluster);
        await AssertAReplicaRoutesAsync(cluster);
    }

    [Fact]
    public async Task AReplicaHoldsItsPrimarysWritesAndTakesOverWhenThePrimaryDies()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 6);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        await ClusterTests.RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints)} --replicas 1");
        await AssertThreePrimariesWithAReplicaEachAsync(cluster);

        var (primary, replica) = await PairAsync(cluster, leading: false);
        var nodes = await NodesAsync(cluster, 0);
        var (primaryId, replicaId) = (primary.Id, replica.Id);
        var primaryIndex = Array.IndexOf(cluster.Endpoints, primary.Endpoint);
        var replicaIndex = Array.IndexOf(cluster.Endpoints, replica.Endpoint);
        var keys = Enumerable.Range(0, 100_000).Select(i => $"key-{i}").Where(k => primary.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k)))).Take(200).ToList();

        // Every write acknowledged by WAIT 1 is on the replica.
        await using (var writer = await cluster.ConnectAsync(primaryIndex))
        {
            foreach (var key in keys)
            {
                Assert.Equal("OK", await writer.CallAsync("SET", key, $"v-{key}"));
            }

            Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));
        }

        await using (var reader = await cluster.ConnectAsync(replicaIndex))
        {
            Assert.Equal("OK", await reader.CallAsync("READONLY"));
            foreach (var key in keys)
            {
                Assert.Equal($"v-{key}", await reader.CallAsync("GET", key));
            }
        }

        // The primary dies: its replica is promoted and takes writes; nothing acknowledged is lost.
        cluster.Kill(primaryIndex);
        var killedAt = DateTime.UtcNow;
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(replicaIndex, "SET", keys[0], "after") is "OK");
        Assert.InRange(DateTime.UtcNow - killedAt, TimeSpan.Zero, LocalCluster.Bound);
        foreach (var key in keys.Skip(1))
        {
            Assert.Equal($"v-{key}", await cluster.CallAsync(replicaIndex, "GET", key));
        }

        var survivor = Array.IndexOf(cluster.Endpoints, nodes.First(n => n.Id != primaryId && n.Id != replicaId).Endpoint);
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(survivor, "GET", keys[0]) is RespError moved
            && moved.Message.EndsWith(" " + replica.Endpoint, StringComparison.Ordinal));
        Assert.Contains("master", (await NodesAsync(cluster, survivor)).Single(n => n.Id == replicaId).Flags, StringComparison.Ordinal);

        // The old primary comes back as a replica of the new one, and copies its data.
        cluster.Start(primaryIndex);
        await LocalCluster.WaitUntilAsync(async () =>
        {
            await using var client = await cluster.ConnectAsync(primaryIndex);
            return await client.CallAsync("READONLY") is "OK" && await client.CallAsync("GET", keys[0]) is "after";
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the consensus leader's node: a new leader is elected, then promotes the replica
    public async Task APausedPrimaryTakesNoWriteOnceItsReplicaWasPromoted(bool leader)
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 6);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        await ClusterTests.RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints)} --replicas 1");
        await AssertThreePrimariesWithAReplicaEachAsync(cluster);
        var (primary, replica) = await PairAsync(cluster, leader);
        var primaryIndex = Array.IndexOf(cluster.Endpoints, primary.Endpoint);
        var replicaIndex = Array.IndexOf(cluster.Endpoints, replica.Endpoint);
        var key = Enumerable.Range(0, 100_000).Select(i => $"key-{i}").First(k => primary.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k))));
        await using var stale = await cluster.ConnectAsync(primaryIndex);
        Assert.Equal("OK", await stale.CallAsync("SET", key, "before"));
        Assert.Equal(1L, await stale.CallAsync("WAIT", "1", "5000"));

        // Paused (as by a long GC or SIGSTOP) past the node timeout: the group promotes the replica.
        cluster.Signal(primaryIndex, "STOP");
        try
        {
            var other = Array.IndexOf(cluster.Endpoints, cluster.Endpoints.First(e => e != primary.Endpoint && e != replica.Endpoint));
            await LocalCluster.WaitUntilAsync(async () => (await NodesAsync(cluster, other)).Single(n => n.Id == replica.Id).Flags.Contains("master", StringComparison.Ordinal));
            await stale.SendAsync("SET", key, "written-while-paused"); // waits in the paused node's socket
        }
        finally
        {
            cluster.Signal(primaryIndex, "CONT");
        }

        // Woken up, its lease has run out: the write is refused, never acknowledged, and the new primary keeps its data.
        var reply = await stale.ReadAsync();
        Assert.True(reply is RespError, $"a paused primary acknowledged a write after its replacement: {reply}");
        Assert.Equal("before", await cluster.CallAsync(replicaIndex, "GET", key));
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(primaryIndex, "SET", key, "x") is RespError moved
            && moved.Message.EndsWith(" " + replica.Endpoint, StringComparison.Ordinal));
    }

    /// <summary>A primary that leads the consensus group (or one that does not), with its replica.</summary>
    private static async Task<(NodeLine Primary, NodeLine Replica)> PairAsync(LocalCluster cluster, bool leading)
    {
        var info = await cluster.InfoAsync(0);
        var leader = info.Split("\r\n").Single(l => l.StartsWith("cluster_consensus_leader:", StringComparison.Ordinal)).Split(':', 2)[1];
        var nodes = await NodesAsync(cluster, 0);
        var (replicaId, primaryId) = Replicas(nodes).First(pair => leading == leader.StartsWith(nodes.Single(n => n.Id == pair.Value).Endpoint + "@", StringComparison.Ordinal));
        return (nodes.Single(n => n.Id == primaryId), nodes.Single(n => n.Id == replicaId));
    }

    /// <summary>
    /// Every node's CLUSTER NODES shows the same 3 masters with slots and 3 slaves, one per master; CLUSTER SLOTS
    /// gives each range its primary, then that primary's replica.
    /// </summary>
    private static async Task AssertThreePrimariesWithAReplicaEachAsync(LocalCluster cluster)
    {
        // The topology reaches the nodes one after another (and a busy machine can flag a node failed for a moment):
        // wait until all six show the same table of three primaries that own slots, each with one replica.
        await LocalCluster.WaitUntilAsync(async () =>
        {
            var views = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < 6; i++)
            {
                var nodes = await NodesAsync(cluster, i);
                var primaries = nodes.Where(n => n.Flags.Contains("master")).ToList();
                if (primaries.Count != 3 || primaries.Any(p => p.Slots.Length == 0)
                    || !primaries.Select(p => p.Id).Order(StringComparer.Ordinal).SequenceEqual(Replicas(nodes).Values.Order(StringComparer.Ordinal)))
                {
                    return false;
                }

                views.Add(string.Join('\n', nodes.Select(n => $"{n.Id} {n.Flags.Replace("myself,", "", StringComparison.Ordinal)} {n.PrimaryId} {string.Join(',', n.Slots)}")));
            }

            return views.Count == 1;
        });

        var all = await NodesAsync(cluster, 0);
        var replicaOf = Replicas(all);
        var ranges = Assert.IsType<object?[]>(await cluster.CallAsync(0, "CLUSTER", "SLOTS"));
        Assert.Equal(3, ranges.Length);
        foreach (var range in ranges.Cast<object?[]>())
        {
            Assert.Equal(4, range.Length);
            var primaryId = (string)((object?[])range[2]!)[2]!;
            var replicaId = (string)((object?[])range[3]!)[2]!;
            Assert.Equal(primaryId, replicaOf[replicaId]);
        }
    }

    /// <summary>
    /// On a replica, a read of its primary's slot is moved there until READONLY and runs after it; a write is moved to
    /// the primary either way.
    /// </summary>
    private static async Task AssertAReplicaRoutesAsync(LocalCluster cluster)
    {
        var nodes = await NodesAsync(cluster, 0);
        var (replicaId, primaryId) = Replicas(nodes).First();
        var replica = nodes.Single(n => n.Id == replicaId);
        var primary = nodes.Single(n => n.Id == primaryId);
        var key = Enumerable.Range(0, 100_000).Select(i => $"key-{i}").First(k => primary.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k))));
        var moved = $"MOVED {HashSlot.Of(Encoding.UTF8.GetBytes(key))} {primary.Endpoint}";

        await using var client = await cluster.ConnectAsync(Array.IndexOf(cluster.Endpoints, replica.Endpoint));
        Assert.Equal(moved, Assert.IsType<RespError>(await client.CallAsync("GET", key)).Message);
        Assert.Equal(moved, Assert.IsType<RespError>(await client.CallAsync("SET", key, "v")).Message);
        Assert.Equal("OK", await client.CallAsync("READONLY"));
        Assert.IsNotType<RespError>(await client.CallAsync("GET", key)); // the value itself comes with the data stream
        Assert.Equal(moved, Assert.IsType<RespError>(await client.CallAsync("SET", key, "v")).Message);
    }

    internal static Dictionary<string, string> Replicas(List<NodeLine> nodes) =>
        nodes.Where(n => n.Flags.Contains("slave")).ToDictionary(n => n.Id, n => n.PrimaryId);

    internal static async Task<List<NodeLine>> NodesAsync(LocalCluster cluster, int index) =>
        [.. ((string)(await cluster.CallAsync(index, "CLUSTER", "NODES"))!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(NodeLine.Parse)];

    /// <summary>The fields of a CLUSTER NODES line these tests read.</summary>
    internal sealed record NodeLine(string Id, string Endpoint, string Flags, string PrimaryId, string[] Slots)
    {
        public static NodeLine Parse(string line)
        {
            var fields = line.Split(' ');
            return new NodeLine(fields[0], fields[1][..fields[1].IndexOf('@', StringComparison.Ordinal)], fields[2], fields[3], fields[8..]);
        }

        public bool Owns(int slot) => Slots.Any(range =>
        {
            var bounds = range.Split('-').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            return slot >= bounds[0] && slot <= bounds[^1];
        });
    }
}
