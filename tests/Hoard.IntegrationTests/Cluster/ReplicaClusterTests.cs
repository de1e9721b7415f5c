using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Six real nodes formed into 3 primaries with a replica each, by Hoard's tool and by redis-cli: the topology every
/// node shows, and how a replica routes. Only the routing: the data stream to replicas is a feature of its own.
/// </summary>
[Trait("Category", "Cluster")]
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

    /// <summary>
    /// Every node's CLUSTER NODES shows the same 3 masters with slots and 3 slaves, one per master; CLUSTER SLOTS
    /// gives each range its primary, then that primary's replica.
    /// </summary>
    private static async Task AssertThreePrimariesWithAReplicaEachAsync(LocalCluster cluster)
    {
        var views = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var index = i;
            await LocalCluster.WaitUntilAsync(async () => Replicas(await NodesAsync(cluster, index)).Count == 3);
            var nodes = await NodesAsync(cluster, index);
            var primaries = nodes.Where(n => n.Flags.Contains("master")).ToList();
            Assert.Equal(3, primaries.Count);
            Assert.All(primaries, p => Assert.NotEmpty(p.Slots));
            Assert.Equal(primaries.Select(p => p.Id).Order(StringComparer.Ordinal), Replicas(nodes).Values.Order(StringComparer.Ordinal));
            views.Add(string.Join('\n', nodes.Select(n => $"{n.Id} {n.Flags.Replace("myself,", "", StringComparison.Ordinal)} {n.PrimaryId} {string.Join(',', n.Slots)}")));
        }

        Assert.Single(views.Distinct());

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

    private static Dictionary<string, string> Replicas(List<NodeLine> nodes) =>
        nodes.Where(n => n.Flags.Contains("slave")).ToDictionary(n => n.Id, n => n.PrimaryId);

    private static async Task<List<NodeLine>> NodesAsync(LocalCluster cluster, int index) =>
        [.. ((string)(await cluster.CallAsync(index, "CLUSTER", "NODES"))!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(NodeLine.Parse)];

    /// <summary>The fields of a CLUSTER NODES line these tests read.</summary>
    private sealed record NodeLine(string Id, string Endpoint, string Flags, string PrimaryId, string[] Slots)
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
