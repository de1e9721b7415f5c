using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;
using StackExchange.Redis;
using static Hoard.IntegrationTests.Cluster.ReplicaClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Hoard's own slot move (HOARD.MOVESLOTS; docs/cluster.md, "Moving slots"): the keys go with their values, TTLs and
/// hashes, the shards' replicas follow, and a move whose target, source or consensus leader dies half-way leaves every
/// slot with one owner, its data intact and no keys behind on the side that did not get them.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public partial class SlotMoveTests
{
    private const int Keys = 3000;
    private const int MovedStart = 0;
    private const int MovedEnd = 2999;

    // Paced so slowly that a node can be killed half-way through the walk (the keys of 3,000 slots are about 130 KB).
    private const string SlowRate = "50kb";

    [Fact]
    public async Task MovedSlotsKeepValuesTtlsAndHashesAndTheShardsReplicasFollow()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var redis = await cluster.ConnectClientAsync();
        var db = redis.GetDatabase();
        await FillAsync(db);
        var nodes = await NodesAsync(cluster, 0);
        var source = nodes.Single(n => n.Flags.Contains("master") && n.Owns(MovedStart));
        var target = nodes.First(n => n.Flags.Contains("master") && n != source);

        var reply = (string)(await cluster.CallAsync(IndexOf(cluster, source), "HOARD.MOVESLOTS", target.Id, MovedStart, MovedEnd))!;

        Assert.Matches("^keys=[0-9]+ bytes=[0-9]+ ms=[0-9]+ held_us=[0-9]+ ", reply);
        Assert.True(long.Parse(reply.Split(' ')[0][5..], CultureInfo.InvariantCulture) > Keys / 10, reply);
        nodes = await NodesAsync(cluster, 0);
        Assert.True(nodes.Single(n => n.Id == target.Id).Owns(MovedStart) && nodes.Single(n => n.Id == target.Id).Owns(MovedEnd));
        await AssertDataAsync(db);

        // The source drops what it gave away, and each shard's replica follows its primary there too.
        await LocalCluster.WaitUntilAsync(async () => (long)(await cluster.CallAsync(IndexOf(cluster, source), "CLUSTER", "COUNTKEYSINSLOT", SlotOf("key:0")))! == 0
            || !source.Owns(SlotOf("key:0")));
        foreach (var primary in nodes.Where(n => n.Flags.Contains("master")))
        {
            var replica = nodes.Single(n => n.PrimaryId == primary.Id);
            await LocalCluster.WaitUntilAsync(async () =>
                Equals(await cluster.CallAsync(IndexOf(cluster, primary), "DBSIZE"), await cluster.CallAsync(IndexOf(cluster, replica), "DBSIZE")));
        }

        await AssertCheckIsCleanAsync(cluster.Endpoints[0]);

        // What a move refuses, in Redis's words.
        var sourceIndex = IndexOf(cluster, source);
        Assert.Equal(new RespError($"ERR I'm not the owner of hash slot {MovedStart}"), await cluster.CallAsync(sourceIndex, "HOARD.MOVESLOTS", target.Id, MovedStart, MovedEnd));
        Assert.Equal(new RespError("ERR Unknown node " + new string('f', 40)), await cluster.CallAsync(sourceIndex, "HOARD.MOVESLOTS", new string('f', 40), 4000, 4001));
        Assert.Equal(new RespError("ERR the target must be the master of another shard"), await cluster.CallAsync(sourceIndex, "HOARD.MOVESLOTS", source.Id, 4000, 4001));
        Assert.Equal(new RespError("ERR Invalid or out of range slot"), await cluster.CallAsync(sourceIndex, "HOARD.MOVESLOTS", target.Id, 4001, 4000));
        Assert.Equal(new RespError("ERR only a master moves its slots"), await cluster.CallAsync(IndexOf(cluster, nodes.Single(n => n.PrimaryId == source.Id)), "HOARD.MOVESLOTS", target.Id, 4000, 4001));
    }

    [Fact]
    public async Task AMoveWhoseTargetDiesLeavesTheSlotsWithTheirSource()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        await using var redis = await cluster.ConnectClientAsync();
        await FillAsync(redis.GetDatabase());
        var target = (string)(await cluster.CallAsync(1, "CLUSTER", "MYID"))!;
        Assert.Equal("OK", await cluster.CallAsync(0, "CONFIG", "SET", "cluster-move-max-rate", SlowRate));

        var move = cluster.CallAsync(0, "HOARD.MOVESLOTS", target, MovedStart, MovedEnd);
        await Task.Delay(700);
        Assert.False(move.IsCompleted, "the move ended before the target was killed: slow it down");
        cluster.Kill(1);

        Assert.StartsWith("IOERR", Assert.IsType<RespError>(await move.WaitAsync(LocalCluster.Bound)).Message, StringComparison.Ordinal);
        foreach (var survivor in new[] { 0, 2 })
        {
            Assert.True((await NodesAsync(cluster, survivor)).Single(n => n.Endpoint == cluster.Endpoints[0]).Owns(MovedEnd));
        }

        await AssertKeysOfMovedSlotsAsync(cluster, 0);

        cluster.Start(1); // empty, as a node restarted after a crash is: nothing of the move is left on it
        await WaitUntilNoneFailsAsync(cluster);
        Assert.Equal(0L, await cluster.CallAsync(1, "CLUSTER", "COUNTKEYSINSLOT", SlotOf("key:0")));
        await AssertCheckIsCleanAsync(cluster.Endpoints[0]);
    }

    [Fact]
    public async Task AMoveWhoseConsensusLeaderDiesEndsWithOneOwnerPerSlotAndNoKeyLost()
    {
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        await using var redis = await cluster.ConnectClientAsync();
        await FillAsync(redis.GetDatabase());
        var leaderEndpoint = LeaderOf(await cluster.InfoAsync(0));
        var leader = Array.FindIndex(cluster.Endpoints, e => leaderEndpoint.StartsWith(e + "@", StringComparison.Ordinal));
        var (source, target) = leader == 0 ? (1, 2) : (0, 3 - leader);
        var slots = await NodesAsync(cluster, source);
        var range = slots.Single(n => n.Endpoint == cluster.Endpoints[source]).Slots[0].Split('-').Select(int.Parse).ToArray();
        var targetId = (string)(await cluster.CallAsync(target, "CLUSTER", "MYID"))!;
        Assert.Equal("OK", await cluster.CallAsync(source, "CONFIG", "SET", "cluster-move-max-rate", SlowRate));

        var move = cluster.CallAsync(source, "HOARD.MOVESLOTS", targetId, range[0], range[0] + 2999);
        await Task.Delay(700);
        Assert.False(move.IsCompleted, "the move ended before the leader was killed: slow it down");
        cluster.Kill(leader);

        // Moved or not, by the survivors' agreement; either way every key of those slots is with their owner.
        var answer = await move.WaitAsync(TimeSpan.FromSeconds(60));
        var owners = new List<string>();
        await LocalCluster.WaitUntilAsync(async () =>
        {
            owners = [.. await Task.WhenAll(new[] { source, target }.Select(async i => (await NodesAsync(cluster, i)).Single(n => n.Owns(range[0] + 2999)).Endpoint))];
            return owners.Distinct().Count() == 1;
        });
        Assert.Equal(answer is RespError ? cluster.Endpoints[source] : cluster.Endpoints[target], owners[0]);
        var owner = Array.IndexOf(cluster.Endpoints, owners[0]);
        var other = owner == source ? target : source;
        await LocalCluster.WaitUntilAsync(async () => (long)(await cluster.CallAsync(other, "CLUSTER", "COUNTKEYSINSLOT", range[0] + 2999))! == 0);

        cluster.Start(leader);
        await WaitUntilNoneFailsAsync(cluster);
        await using var again = await cluster.ConnectClientAsync();
        var db = again.GetDatabase();
        foreach (var i in KeysIn(range[0], range[0] + 2999))
        {
            Assert.Equal(ValueOf(i), (string?)await db.StringGetAsync($"key:{i}"));
        }

        await AssertCheckIsCleanAsync(cluster.Endpoints[source]);
    }

    [Fact]
    public async Task AMoveWhoseSourceDiesLosesNoConfirmedWriteAndLeavesNothingOnTheTarget()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var redis = await cluster.ConnectClientAsync();
        await FillAsync(redis.GetDatabase());
        var nodes = await NodesAsync(cluster, 0);
        var source = nodes.Single(n => n.Flags.Contains("master") && n.Owns(MovedStart));
        var target = nodes.First(n => n.Flags.Contains("master") && n != source && !n.Flags.Contains("myself"));
        var observer = IndexOf(cluster, nodes.Single(n => n.Flags.Contains("master") && n != source && n != target));
        Assert.Equal("OK", await cluster.CallAsync(IndexOf(cluster, source), "CONFIG", "SET", "cluster-move-max-rate", SlowRate));
        var writes = new ConfirmedWrites(redis, "during");
        writes.Start(writers: 2);

        var move = cluster.CallAsync(IndexOf(cluster, source), "HOARD.MOVESLOTS", target.Id, MovedStart, MovedEnd);
        await Task.Delay(700);
        Assert.False(move.IsCompleted, "the move ended before the source was killed: slow it down");
        cluster.Kill(IndexOf(cluster, source));
        await Assert.ThrowsAnyAsync<IOException>(() => move.WaitAsync(LocalCluster.Bound)); // its connection died with it

        // The source's replica takes over its slots, the move's among them; the target drops what it had received.
        var promoted = nodes.Single(n => n.PrimaryId == source.Id);
        await LocalCluster.WaitUntilAsync(async () => (await NodesAsync(cluster, observer)).Single(n => n.Id == promoted.Id) is var p
            && p.Flags.Contains("master") && p.Owns(MovedStart) && p.Owns(MovedEnd));
        await LocalCluster.WaitUntilAsync(async () => (long)(await cluster.CallAsync(IndexOf(cluster, target), "CLUSTER", "COUNTKEYSINSLOT", SlotOf("key:0")))! == 0);
        await Task.Delay(500);
        await writes.StopAsync();

        var db = redis.GetDatabase();
        await AssertKeysOfMovedSlotsAsync(db);
        var confirmed = writes.Ok.Where(w => w.Confirmed != 0).ToList();
        Assert.NotEmpty(confirmed);
        foreach (var write in confirmed)
        {
            Assert.Equal(write.Key, (string?)await db.StringGetAsync(write.Key));
        }
    }

    /// <summary>
    /// Strings, strings with a TTL and hashes, all over the slots — once every primary takes writes (a cluster just
    /// formed answers CLUSTERDOWN until its primaries hold their write leases).
    /// </summary>
    private static async Task FillAsync(IDatabase db)
    {
        await LocalCluster.WaitUntilAsync(async () =>
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => db.StringSetAsync($"key:{i}", ValueOf(i))));
                return true;
            }
            catch (RedisServerException e) when (e.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal))
            {
                return false;
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => db.StringSetAsync($"ttl:{i}", "x", TimeSpan.FromMinutes(10))));
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => db.HashSetAsync($"hash:{i}", [new("a", i), new("b", "two")])));
    }

    private static string ValueOf(int i) => $"value:{i}:{new string('x', 200)}";

    private static async Task AssertDataAsync(IDatabase db)
    {
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(ValueOf(i), (string?)await db.StringGetAsync($"key:{i}"));
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange((await db.KeyTimeToLiveAsync($"ttl:{i}"))!.Value, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10));
            Assert.Equal("two", (string?)await db.HashGetAsync($"hash:{i}", "b"));
            Assert.Equal(i, (int)await db.HashGetAsync($"hash:{i}", "a"));
        }
    }

    private static async Task AssertKeysOfMovedSlotsAsync(LocalCluster cluster, int owner)
    {
        await using var client = await cluster.ConnectAsync(owner);
        foreach (var i in KeysIn(MovedStart, MovedEnd))
        {
            Assert.Equal(ValueOf(i), await client.CallAsync("GET", $"key:{i}"));
        }
    }

    private static async Task AssertKeysOfMovedSlotsAsync(IDatabase db)
    {
        foreach (var i in KeysIn(MovedStart, MovedEnd))
        {
            Assert.Equal(ValueOf(i), (string?)await db.StringGetAsync($"key:{i}"));
        }
    }

    /// <summary>The numbers of the <c>key:N</c> keys whose slots lie in [<paramref name="start"/>, <paramref name="end"/>].</summary>
    private static IEnumerable<int> KeysIn(int start, int end) =>
        Enumerable.Range(0, Keys).Where(i => SlotOf($"key:{i}") is var slot && slot >= start && slot <= end);

    private static int SlotOf(string key) => HashSlot.Of(Encoding.UTF8.GetBytes(key));

    private static int IndexOf(LocalCluster cluster, NodeLine node) => Array.IndexOf(cluster.Endpoints, node.Endpoint);

    private static string LeaderOf(string info) =>
        info.Split("\r\n").Single(l => l.StartsWith("cluster_consensus_leader:", StringComparison.Ordinal)).Split(':', 2)[1];

    /// <summary>Until every node serves and none sees another as failed (a restarted node is cleared a moment after it answers).</summary>
    private static Task WaitUntilNoneFailsAsync(LocalCluster cluster) => LocalCluster.WaitUntilAsync(async () =>
    {
        for (var i = 0; i < cluster.Ports.Length; i++)
        {
            if (!(await cluster.InfoAsync(i)).Contains("cluster_state:ok", StringComparison.Ordinal)
                || (await NodesAsync(cluster, i)).Any(n => n.Flags.Contains("fail")))
            {
                return false;
            }
        }

        return true;
    });

    /// <summary>
    /// <c>redis-cli --cluster check</c> is clean — within a few tries: right after a node restarted, redis-cli at times
    /// exits 1 without a word.
    /// </summary>
    private static async Task AssertCheckIsCleanAsync(string endpoint)
    {
        var report = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("redis-cli", $"--cluster check {endpoint}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(LocalCluster.Bound);
            report = $"exit {process.ExitCode}: {await output}{await error}";
            if (process.ExitCode == 0 && report.Contains("[OK] All nodes agree about slots configuration.", StringComparison.Ordinal)
                && report.Contains("[OK] All 16384 slots covered.", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail("redis-cli --cluster check " + report);
    }
}
