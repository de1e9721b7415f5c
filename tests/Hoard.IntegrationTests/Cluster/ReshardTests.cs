using StackExchange.Redis;
using static Hoard.IntegrationTests.Cluster.ClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Redis's own resharding tools against a 3-node Hoard cluster: <c>redis-cli --cluster reshard</c> and
/// <c>rebalance</c> drive SETSLOT IMPORTING / MIGRATING, GETKEYSINSLOT, MIGRATE (RESTORE-ASKING on the target) and
/// SETSLOT NODE; every key keeps its value and TTL.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class ReshardTests
{
    private const int Keys = 3000;

    [Fact]
    public async Task RedisCliReshardAndRebalanceMoveSlotsWithTheirKeys()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        await using var redis = await cluster.ConnectClientAsync();
        var db = redis.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => db.StringSetAsync($"key:{i}", $"value:{i}")));
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => db.StringSetAsync($"ttl:{i}", "x", TimeSpan.FromMinutes(10))));
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => db.HashSetAsync($"hash:{i}", [new("a", i), new("b", "two")])));

        var ids = new string[3];
        for (var i = 0; i < 3; i++)
        {
            ids[i] = (string)(await cluster.CallAsync(i, "CLUSTER", "MYID"))!;
        }

        // 1,000 slots from node 1 to node 0, keys and all.
        var slotsBefore = OwnedSlots(await cluster.CallAsync(0, "CLUSTER", "SLOTS"), cluster.Ports[0]);
        var reshard = await RunAsync("redis-cli",
            $"--cluster reshard {cluster.Endpoints[0]} --cluster-from {ids[1]} --cluster-to {ids[0]} --cluster-slots 1000 --cluster-yes");
        Assert.DoesNotContain("ERR", reshard, StringComparison.Ordinal);
        Assert.Contains("Moving slot", reshard, StringComparison.Ordinal);
        await AssertCheckIsCleanAsync(cluster);
        Assert.Equal(slotsBefore + 1000, OwnedSlots(await cluster.CallAsync(0, "CLUSTER", "SLOTS"), cluster.Ports[0]));
        await AssertKeysAsync(cluster, db);

        // Then even them out again.
        var rebalance = await RunAsync("redis-cli", $"--cluster rebalance {cluster.Endpoints[0]} --cluster-yes");
        Assert.DoesNotContain("ERR", rebalance, StringComparison.Ordinal);
        Assert.Contains("Moving", rebalance, StringComparison.Ordinal);
        await AssertCheckIsCleanAsync(cluster);
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(OwnedSlots(await cluster.CallAsync(i, "CLUSTER", "SLOTS"), cluster.Ports[i]), 5300, 5600);
        }

        await AssertKeysAsync(cluster, db);
    }

    private static async Task AssertCheckIsCleanAsync(LocalCluster cluster)
    {
        var check = await RunAsync("redis-cli", $"--cluster check {cluster.Endpoints[2]}");
        Assert.Contains("[OK] All nodes agree about slots configuration.", check, StringComparison.Ordinal);
        Assert.Contains("[OK] All 16384 slots covered.", check, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", check, StringComparison.Ordinal); // open (importing / migrating) slots
    }

    /// <summary>Every key through the client (following MOVED) with its value and TTL, and each on one node only.</summary>
    private static async Task AssertKeysAsync(LocalCluster cluster, IDatabase db)
    {
        var values = await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => db.StringGetAsync($"key:{i}")));
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal($"value:{i}", values[i].ToString());
        }

        var ttls = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => db.KeyTimeToLiveAsync($"ttl:{i}")));
        Assert.All(ttls, ttl => Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)));
        var hashes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => db.HashGetAsync($"hash:{i}", "b")));
        Assert.All(hashes, b => Assert.Equal("two", b.ToString()));

        long total = 0;
        for (var i = 0; i < 3; i++)
        {
            total += (long)(await cluster.CallAsync(i, "DBSIZE"))!;
        }

        Assert.Equal(Keys + 200, total); // each key on exactly one node: none left behind on a slot's old owner
    }

    /// <summary>How many slots the node on <paramref name="port"/> serves, from a CLUSTER SLOTS reply.</summary>
    private static int OwnedSlots(object? slots, int port) =>
        Assert.IsType<object[]>(slots).Cast<object[]>()
            .Where(range => Convert.ToInt64(((object[])range[2])[1], System.Globalization.CultureInfo.InvariantCulture) == port)
            .Sum(range => (int)((long)range[1] - (long)range[0] + 1));
}
