using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>A 3-node Hoard cluster of real processes with a Raft group, driven by Redis's own tools and clients.</summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class ClusterTests
{
    [Fact]
    public async Task RedisCliClusterCreateFormsAClusterThatRedisToolsUse()
    {
        await using var cluster = await LocalCluster.StartAsync();

        var create = await RunAsync("redis-cli", $"--cluster create {string.Join(' ', cluster.Endpoints)} --cluster-yes");
        Assert.Contains("[OK] All nodes agree about slots configuration.", create, StringComparison.Ordinal);
        Assert.Contains("[OK] All 16384 slots covered.", create, StringComparison.Ordinal);

        var check = await RunAsync("redis-cli", $"--cluster check {cluster.Endpoints[2]}");
        Assert.Contains("[OK] All 16384 slots covered.", check, StringComparison.Ordinal);

        // redis-cli -c follows MOVED: every key is written through node 0 and read back through node 1.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("OK", (await RunAsync("redis-cli", $"-c -p {cluster.Ports[0]} SET key:{i} value:{i}")).Trim());
            Assert.Equal($"value:{i}", (await RunAsync("redis-cli", $"-c -p {cluster.Ports[1]} GET key:{i}")).Trim());
        }

        var benchmark = await RunAsync("redis-benchmark", $"--cluster -p {cluster.Ports[0]} -t set,get -n 20000 -c 20 -P 16 -q");
        Assert.DoesNotContain("ERR", benchmark, StringComparison.Ordinal);
        Assert.DoesNotContain("MOVED", benchmark, StringComparison.Ordinal);
        Assert.Contains("SET:", benchmark, StringComparison.Ordinal);
        Assert.Contains("GET:", benchmark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoardClusterCreateFormsAClusterAndStatusShowsIt()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");

        var create = await RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints)}");
        foreach (var endpoint in cluster.Endpoints)
        {
            Assert.Contains(endpoint, create, StringComparison.Ordinal);
        }

        for (var i = 0; i < 3; i++)
        {
            var info = await cluster.InfoAsync(i);
            Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
            Assert.Contains("cluster_known_nodes:3", info, StringComparison.Ordinal);
            Assert.Contains("cluster_slots_assigned:16384", info, StringComparison.Ordinal);
        }

        var status = await RunAsync("dotnet", $"\"{hoard}\" cluster status {cluster.Endpoints[1]}");
        Assert.Contains("0-5460", status, StringComparison.Ordinal);
        Assert.Contains("5461-10922", status, StringComparison.Ordinal);
        Assert.Contains("10923-16383", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoardClusterAddNodeAndRemoveNodeChangeTheNodeTable()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 4);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        await RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints[..3])}");
        Assert.Contains("cluster_known_nodes:1", await cluster.InfoAsync(3), StringComparison.Ordinal);

        await RunAsync("dotnet", $"\"{hoard}\" cluster add-node {cluster.Endpoints[3]} {cluster.Endpoints[0]}");
        for (var i = 0; i < 4; i++)
        {
            var index = i;
            await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(index)).Contains("cluster_known_nodes:4", StringComparison.Ordinal));
        }

        var newcomer = (string)(await cluster.CallAsync(3, "CLUSTER", "MYID"))!;
        Assert.Contains(newcomer, (string)(await cluster.CallAsync(1, "CLUSTER", "NODES"))!, StringComparison.Ordinal);

        await RunAsync("dotnet", $"\"{hoard}\" cluster remove-node {cluster.Endpoints[0]} {newcomer}");
        for (var i = 0; i < 4; i++)
        {
            var index = i;
            var expected = index == 3 ? "cluster_known_nodes:1" : "cluster_known_nodes:3";
            await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(index)).Contains(expected, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(newcomer, (string)(await cluster.CallAsync(2, "CLUSTER", "NODES"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StackExchangeRedisWritesAndReadsTenThousandKeysAcrossTheNodes()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();

        await using var redis = await cluster.ConnectClientAsync();
        var db = redis.GetDatabase();
        var writes = Enumerable.Range(0, 10_000).Select(i => db.StringSetAsync($"key:{i}", $"value:{i}")).ToList();
        Assert.All(await Task.WhenAll(writes), Assert.True);
        var reads = await Task.WhenAll(Enumerable.Range(0, 10_000).Select(i => db.StringGetAsync($"key:{i}")));
        for (var i = 0; i < reads.Length; i++)
        {
            Assert.Equal($"value:{i}", reads[i].ToString());
        }

        var sizes = new long[3];
        for (var i = 0; i < 3; i++)
        {
            sizes[i] = (long)(await cluster.CallAsync(i, "DBSIZE"))!;
        }

        Assert.All(sizes, size => Assert.InRange(size, 2_500, 4_200)); // every node owns about a third of the slots
        Assert.Equal(10_000, sizes.Sum());
    }

    [Fact]
    public async Task KillingTheRaftLeaderElectsAnotherAndTheKilledNodeShowsAsFailed()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        var leader = LeaderOf(await cluster.InfoAsync(0));
        var killed = Array.IndexOf(cluster.Ports, int.Parse(leader.Split(':', '@')[1], CultureInfo.InvariantCulture));
        Assert.InRange(killed, 0, 2);
        var survivor = (killed + 1) % 3;

        cluster.Kill(killed);

        await LocalCluster.WaitUntilAsync(async () =>
        {
            var now = LeaderOf(await cluster.InfoAsync(survivor));
            return now != "-" && now != leader;
        });

        // The killed node's slots show as failed on the others.
        await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(survivor)).Contains("cluster_state:fail", StringComparison.Ordinal));
        var nodes = (string)(await cluster.CallAsync(survivor, "CLUSTER", "NODES"))!;
        var line = nodes.Split('\n').Single(l => l.Contains($":{cluster.Ports[killed]}@", StringComparison.Ordinal));
        Assert.Contains("master,fail", line, StringComparison.Ordinal);
        Assert.Contains(" disconnected ", line, StringComparison.Ordinal);

        // A topology change still commits, and every survivor applies it: a slot of the third node moves to the survivor.
        var other = 3 - killed - survivor;
        var key = KeyOwnedBy(other, 3);
        var slot = HashSlot.Of(Encoding.UTF8.GetBytes(key));
        var survivorId = (string)(await cluster.CallAsync(survivor, "CLUSTER", "MYID"))!;
        Assert.Equal($"MOVED {slot} 127.0.0.1:{cluster.Ports[other]}", Assert.IsType<RespError>(await cluster.CallAsync(survivor, "GET", key)).Message);
        Assert.Equal("OK", await cluster.CallAsync(survivor, "CLUSTER", "SETSLOT", slot, "NODE", survivorId));
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(other, "GET", key) is RespError error
            && error.Message == $"MOVED {slot} 127.0.0.1:{cluster.Ports[survivor]}");

        // Back again: it rejoins from its log and is judged reachable.
        cluster.Start(killed);
        await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(survivor)).Contains("cluster_state:ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVoterThatLostItsMajorityKeepsServingItsSlotsAndSaysSo()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        var key = KeyOwnedBy(0, 3);
        Assert.Equal("OK", await cluster.CallAsync(0, "SET", key, "kept"));

        cluster.Kill(1);
        cluster.Kill(2);

        await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(0)).Contains("cluster_consensus:no-majority", StringComparison.Ordinal));
        Assert.Equal("kept", await cluster.CallAsync(0, "GET", key));
        Assert.Equal("OK", await cluster.CallAsync(0, "SET", key, "still-writable"));
        Assert.Equal("still-writable", await cluster.CallAsync(0, "GET", key));

        // A change waits for the majority: with one voter back it commits.
        await using var client = await cluster.ConnectAsync(0);
        await client.SendAsync("CLUSTER", "DELSLOTS", "0");
        cluster.Start(1);
        Assert.Equal("OK", await client.ReadAsync().WaitAsync(LocalCluster.Bound));
        Assert.Contains("cluster_consensus:ok", await cluster.InfoAsync(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANodeOutsideTheVotersFollowsTheTopologyAndServesItsSlots()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 4);
        await cluster.FormAsync();

        Assert.Contains("cluster_consensus_role:follower", await cluster.InfoAsync(3), StringComparison.Ordinal);
        Assert.Contains("cluster_known_nodes:4", await cluster.InfoAsync(3), StringComparison.Ordinal);

        // It serves the slots it took, and redirects the others'.
        await using var client = await cluster.ConnectAsync(3);
        var own = KeyOwnedBy(3, 4);
        Assert.Equal("OK", await client.CallAsync("SET", own, "v"));
        Assert.Equal("v", await client.CallAsync("GET", own));
        var foreign = KeyOwnedBy(0, 4);
        var slot = HashSlot.Of(Encoding.UTF8.GetBytes(foreign));
        Assert.Equal($"MOVED {slot} 127.0.0.1:{cluster.Ports[0]}", Assert.IsType<RespError>(await client.CallAsync("GET", foreign)).Message);

        // A change it proposes goes through a voter, and comes back to it.
        var myId = (string)(await client.CallAsync("CLUSTER", "MYID"))!;
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SETSLOT", slot, "NODE", myId));
        Assert.Null(await client.CallAsync("GET", foreign));
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(0, "GET", foreign) is RespError error
            && error.Message == $"MOVED {slot} 127.0.0.1:{cluster.Ports[3]}");
    }

    /// <summary>A key whose slot lies in node <paramref name="index"/>'s share of an even split over <paramref name="nodes"/>.</summary>
    private static string KeyOwnedBy(int index, int nodes)
    {
        var range = Hoard.Cluster.Topology.SlotRange.SplitEvenly(nodes)[index];
        return Enumerable.Range(0, 100_000).Select(i => $"key-{i}")
            .First(k => HashSlot.Of(Encoding.UTF8.GetBytes(k)) is var slot && slot >= range.Start && slot <= range.End);
    }

    private static string LeaderOf(string info) =>
        info.Split("\r\n").Single(l => l.StartsWith("cluster_consensus_leader:", StringComparison.Ordinal)).Split(':', 2)[1];

    /// <summary>Runs a tool to its end (60 s at most, or <paramref name="bound"/>) and returns its standard output; fails the test if it exits non-zero.</summary>
    internal static async Task<string> RunAsync(string file, string arguments, TimeSpan? bound = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"could not start {file}");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(bound ?? TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, $"{file} {arguments} exited {process.ExitCode}: {await error}");
            return await output;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
