using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;
using Xunit.Abstractions;
using static Hoard.IntegrationTests.Cluster.ReplicaClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Network partitions, made with Linux network namespaces (<see cref="NamespaceNetwork"/>): six nodes, three voting
/// primaries with a replica each, every node in a namespace of its own behind one bridge, the test's clients in the
/// bridge's namespace. A primary is cut off. Seen from inside its own namespace it must refuse writes before the node
/// timeout (its lease runs out) and take none after; the majority side must promote its replica, take the shard's
/// writes and still hold every write a replica had confirmed (WAIT 1); once the link is back, every node must show one
/// primary per shard, the cut-off node a replica of its replacement and in sync with it. Three times over: the consensus
/// leader's node (the majority elects a leader first), then the replica promoted in its place (a follower: the group
/// keeps its voters; the shard fails back to the node cut off first), then a voter that does not lead.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class PartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMilliseconds(1500); // LocalCluster's --cluster-node-timeout

    /// <summary>
    /// Keys a replica held for sure (confirmed by WAIT, or written before every replica caught up), each with the key as
    /// its value: every later primary of the key's shard must hold it.
    /// </summary>
    private readonly List<string> _kept = [];

    [SkippableFact]
    public async Task ACutOffPrimaryStopsWritingWithinItsLeaseAndTheMajorityFailsOverThenHealsToOnePrimaryPerShard()
    {
        await using var network = await NamespaceNetwork.CreateAsync(nodes: 6);
        await using var cluster = await LocalCluster.StartAsync(nodes: 6, network);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        var (ip, create) = network.InHub("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints)} --replicas 1");
        await ClusterTests.RunAsync(ip, create);
        await PrimaryFailoverTests.WaitUntilWholeAndInSyncAsync(cluster);

        var leader = await LeaderAsync(cluster);
        Assert.InRange(leader, 0, 2); // the voters are the primaries cluster create picked, nodes 0-2
        var promoted = await CutOffAndHealAsync(cluster, network, leader, "leader");
        await CutOffAndHealAsync(cluster, network, promoted, "follower");

        leader = await LeaderAsync(cluster);
        var nodes = await NodesAsync(cluster, leader);
        var voter = Enumerable.Range(0, 3).First(i => i != leader && nodes.Single(n => n.Endpoint == cluster.Endpoints[i]).Flags.Contains("master", StringComparison.Ordinal));
        await CutOffAndHealAsync(cluster, network, voter, "voter");
    }

    /// <summary>The node that leads the consensus group, once one does.</summary>
    private static async Task<int> LeaderAsync(LocalCluster cluster)
    {
        var leader = -1;
        await LocalCluster.WaitUntilAsync(async () =>
        {
            var endpoint = Field(await cluster.InfoAsync(0), "cluster_consensus_leader"); // "-" during an election
            leader = Array.FindIndex(cluster.Endpoints, e => endpoint.StartsWith(e + "@", StringComparison.Ordinal));
            return leader >= 0;
        });
        return leader;
    }

    /// <summary>One partition of primary <paramref name="victim"/> and its healing; returns the node promoted in its place.</summary>
    private async Task<int> CutOffAndHealAsync(LocalCluster cluster, NamespaceNetwork network, int victim, string round)
    {
        var nodes = await NodesAsync(cluster, victim);
        var primary = nodes.Single(n => n.Endpoint == cluster.Endpoints[victim]);
        Assert.Contains("master", primary.Flags, StringComparison.Ordinal);
        var replicaLine = nodes.Single(n => n.PrimaryId == primary.Id);
        var replica = Array.IndexOf(cluster.Endpoints, replicaLine.Endpoint);
        var observer = Enumerable.Range(0, cluster.Ports.Length).First(i => i != victim && i != replica);
        var keys = Enumerable.Range(0, int.MaxValue).Select(i => $"{round}:{i}").Where(k => primary.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k))))
            .GetEnumerator();
        string NextKey() => keys.MoveNext() ? keys.Current : throw new InvalidOperationException("out of keys");

        // Confirmed writes: a batch, then a load that runs on into the cut (its writes confirmed up to the last moment).
        var confirmed = new List<string>();
        var keptBefore = _kept.Count;
        await using (var writer = await cluster.ConnectAsync(victim))
        {
            for (var i = 0; i < 100; i++)
            {
                confirmed.Add(NextKey());
                Assert.Equal("OK", await writer.CallAsync("SET", confirmed[^1], confirmed[^1]));
            }

            Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));
        }

        await using var inside = await network.ConnectWithinAsync(victim, cluster.Ports[victim]);
        Assert.Equal("PONG", await inside.CallAsync("PING"));
        await using var load = new LoadUntilCut(await cluster.ConnectAsync(victim), [.. Enumerable.Range(0, 5000).Select(_ => NextKey())]);
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(load.ConfirmedCount >= 50));

        // The cut. From inside, the primary takes writes until its lease runs out, then refuses them.
        var cutAt = Stopwatch.GetTimestamp();
        await network.CutAsync(victim);
        var takenAfterCut = new List<string>();
        TimeSpan refusedAfter;
        while (true)
        {
            var key = NextKey();
            var reply = await inside.CallAsync("SET", key, "stale");
            if (reply is "OK")
            {
                takenAfterCut.Add(key);
                Assert.True(Stopwatch.GetElapsedTime(cutAt) < NodeTimeout, $"the cut-off primary still took writes {Stopwatch.GetElapsedTime(cutAt)} after the cut");
                await Task.Delay(10);
                continue;
            }

            refusedAfter = Stopwatch.GetElapsedTime(cutAt);
            AssertFenced(reply);
            break;
        }

        Assert.True(refusedAfter < NodeTimeout, $"the cut-off primary refused writes only {refusedAfter} after the cut");

        // The majority promotes the replica; the cut-off primary, writes still tried inside, takes none meanwhile.
        var refusedInside = 0;
        await LocalCluster.WaitUntilAsync(async () =>
        {
            AssertFenced(await inside.CallAsync("SET", NextKey(), "stale"));
            refusedInside++;
            return (await NodesAsync(cluster, observer)).Single(n => n.Id == replicaLine.Id).Flags.Contains("master", StringComparison.Ordinal);
        });
        var failoverAfter = Stopwatch.GetElapsedTime(cutAt);
        var afterFailover = NextKey();
        await LocalCluster.WaitUntilAsync(async () => await cluster.CallAsync(replica, "SET", afterFailover, afterFailover) is "OK");
        for (var i = 0; i < 5; i++)
        {
            AssertFenced(await inside.CallAsync("SET", NextKey(), "stale"));
            refusedInside++;
        }

        // Every confirmed write is on the new primary: this round's, and those of the rounds before (which it resynced).
        confirmed.AddRange(await load.StopAsync());
        _kept.AddRange(confirmed);
        await AssertHoldsAsync(cluster, replica, Of(primary));

        // Healed: one primary per shard everywhere, the cut-off node a replica of its replacement, in sync with it.
        await network.HealAsync(victim);
        var healedAt = Stopwatch.GetTimestamp();
        var afterHeal = NextKey();
        Assert.Equal("OK", await cluster.CallAsync(replica, "SET", afterHeal, afterHeal));
        await PrimaryFailoverTests.WaitUntilWholeAndInSyncAsync(cluster);
        await LocalCluster.WaitUntilAsync(() => ViewsAgreeAsync(cluster));
        var healed = await NodesAsync(cluster, observer);
        Assert.Equal(replicaLine.Id, healed.Single(n => n.Id == primary.Id).PrimaryId);
        Assert.Contains("slave", healed.Single(n => n.Id == primary.Id).Flags, StringComparison.Ordinal);
        Assert.Contains("master", healed.Single(n => n.Id == replicaLine.Id).Flags, StringComparison.Ordinal);
        var convergedAfter = Stopwatch.GetElapsedTime(healedAt);

        // Its data is its replacement's: the writes after the failover and the healing, not those it took cut off.
        _kept.Add(afterFailover);
        _kept.Add(afterHeal);
        await AssertHoldsAsync(cluster, victim, Of(primary));
        await using (var old = await cluster.ConnectAsync(victim))
        {
            Assert.Equal("OK", await old.CallAsync("READONLY"));
            foreach (var key in takenAfterCut)
            {
                Assert.Null(await old.CallAsync("GET", key));
            }
        }

        var kept = Of(primary).Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{round}: node {victim} cut off; it took {takenAfterCut.Count} writes, then refused them {refusedAfter.TotalMilliseconds:F0} ms after the cut " +
            $"({refusedInside} more refused); node {replica} promoted {failoverAfter.TotalMilliseconds:F0} ms after the cut; " +
            $"{kept} confirmed writes kept ({_kept.Count - keptBefore} from this round); converged {convergedAfter.TotalMilliseconds:F0} ms after healing"));
        return replica;

        List<string> Of(NodeLine shard) => [.. _kept.Where(k => shard.Owns(HashSlot.Of(Encoding.UTF8.GetBytes(k))))];
    }

    /// <summary>Node <paramref name="node"/> (read with READONLY, so a replica too) holds every key of <paramref name="keys"/>, its value the key.</summary>
    private static async Task AssertHoldsAsync(LocalCluster cluster, int node, List<string> keys)
    {
        await using var reader = await cluster.ConnectAsync(node);
        Assert.Equal("OK", await reader.CallAsync("READONLY"));
        var lost = new List<string>();
        foreach (var key in keys)
        {
            if (await reader.CallAsync("GET", key) as string != key)
            {
                lost.Add(key);
            }
        }

        Assert.True(lost.Count == 0, $"node {node} lost {lost.Count} of {keys.Count} confirmed writes, e.g. {string.Join(", ", lost.Take(5))}");
    }

    /// <summary>
    /// Every node shows the same table: three primaries with slots and one replica each, no node failed (polled: the
    /// views are read one node after another).
    /// </summary>
    private static async Task<bool> ViewsAgreeAsync(LocalCluster cluster)
    {
        var views = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cluster.Ports.Length; i++)
        {
            var nodes = await NodesAsync(cluster, i);
            var primaries = nodes.Where(n => n.Flags.Contains("master", StringComparison.Ordinal) && n.Slots.Length > 0).Select(n => n.Id).Order(StringComparer.Ordinal);
            var replicas = Replicas(nodes);
            if (nodes.Any(n => n.Flags.Contains("fail", StringComparison.Ordinal)) || replicas.Count != 3
                || !replicas.Values.Order(StringComparer.Ordinal).SequenceEqual(primaries))
            {
                return false;
            }

            views.Add(string.Join('\n', nodes.OrderBy(n => n.Id, StringComparer.Ordinal)
                .Select(n => $"{n.Id} {n.Flags.Replace("myself,", "", StringComparison.Ordinal)} {n.PrimaryId} {string.Join(',', n.Slots)}")));
        }

        return views.Count == 1;
    }

    /// <summary>The refusal of a primary without a lease: it cannot know it was replaced, only that it may have been.</summary>
    private static void AssertFenced(object? reply) =>
        Assert.True(reply is RespError error && error.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal),
            $"the cut-off primary answered a write with {reply ?? "(nil)"} instead of refusing it");

    private static string Field(string info, string name) =>
        info.Split("\r\n").Single(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':', 2)[1];

    /// <summary>
    /// One client in the hub writing to the primary — SET, then WAIT 1 100 — until the cut leaves its request unanswered:
    /// the writes WAIT confirmed. At most its keys' count of writes; stopped by closing the connection.
    /// </summary>
    private sealed class LoadUntilCut : IAsyncDisposable
    {
        private readonly RespClient _client;
        private readonly List<string> _confirmed = [];
        private readonly Task _run;
        private int _confirmedCount;

        public LoadUntilCut(RespClient client, string[] keys)
        {
            _client = client;
            _run = Task.Run(() => WriteAsync(keys));
        }

        /// <summary>How many writes WAIT confirmed so far.</summary>
        public int ConfirmedCount => Volatile.Read(ref _confirmedCount);

        public async Task<List<string>> StopAsync()
        {
            await _client.DisposeAsync(); // a request waiting on the cut-off node fails now
            await _run;
            return _confirmed;
        }

        public async ValueTask DisposeAsync() => await StopAsync();

        private async Task WriteAsync(string[] keys)
        {
            try
            {
                foreach (var key in keys)
                {
                    if (await _client.CallAsync("SET", key, key) is not "OK")
                    {
                        return; // refused: the lease ran out, the partition is under way
                    }

                    if (await _client.CallAsync("WAIT", "1", "100") is 1L)
                    {
                        _confirmed.Add(key);
                        Interlocked.Increment(ref _confirmedCount);
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection was closed under a request left unanswered by the cut.
            }
        }
    }
}
