using System.Collections.Concurrent;
using StackExchange.Redis;
using Xunit.Abstractions;
using static Hoard.IntegrationTests.Cluster.ClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// <c>hoard cluster add-node</c>, <c>rebalance</c> and <c>remove-node</c> on a live cluster under a mixed load from
/// StackExchange.Redis (writes, reads, INCR counters, MGET over hash-tagged keys): every acknowledged write is there
/// at the end, counters equal the increments acknowledged, and the clients see no error.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class GrowShrinkTests(ITestOutputHelper output)
{
    private const int KeysPerWriter = 500;
    private const int Writers = 4;
    private const int Counters = 50;
    private const int Tags = 50;

    // 4,096 slots each way, in batches of 512 slots with a committed change each: seconds.
    private static readonly TimeSpan MovesBound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AddingRebalancingAndRemovingANodeUnderLoadLosesNothing()
    {
        await using var cluster = await LocalCluster.StartAsync(nodes: 4);
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        await RunAsync("dotnet", $"\"{hoard}\" cluster create {string.Join(' ', cluster.Endpoints[..3])}");
        await using var redis = await cluster.ConnectClientAsync(nodes: 3);
        var db = redis.GetDatabase();
        for (var t = 0; t < Tags; t++)
        {
            Assert.True(await db.StringSetAsync([new($"{{tag{t}}}:a", "a"), new($"{{tag{t}}}:b", "b")]));
        }

        var load = new MixedLoad(db);
        var running = load.RunAsync();
        await Task.Delay(1000);

        await RunAsync("dotnet", $"\"{hoard}\" cluster add-node {cluster.Endpoints[3]} {cluster.Endpoints[0]}");
        await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(3)).Contains("cluster_known_nodes:4", StringComparison.Ordinal));
        var rebalance = await RunAsync("dotnet", $"\"{hoard}\" cluster rebalance {cluster.Endpoints[0]}", MovesBound);
        output.WriteLine(rebalance);
        Assert.Contains("moved 4096 slots", rebalance, StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(4096L, SlotsOf(await cluster.CallAsync(i, "CLUSTER", "NODES")));
        }

        var newcomer = (string)(await cluster.CallAsync(3, "CLUSTER", "MYID"))!;
        var remove = await RunAsync("dotnet", $"\"{hoard}\" cluster remove-node {cluster.Endpoints[0]} {newcomer}", MovesBound);
        output.WriteLine(remove);
        await LocalCluster.WaitUntilAsync(async () => (await cluster.InfoAsync(0)).Contains("cluster_known_nodes:3", StringComparison.Ordinal));

        await Task.Delay(500);
        await load.StopAsync(running);
        output.WriteLine(load.Summary());

        // Hoard's own slot moves hold a slot's commands while it changes hands and answer them with one -MOVED to a
        // target that already serves it; a client that reached the source through a redirect already (a slot moved
        // twice in a row, its first owner not yet aware of the second move) is served through the source instead
        // (docs/cluster.md, "Moving slots"). The clients see no error at all.
        Assert.True(load.Errors.IsEmpty, load.Summary() + "\nnode logs:\n" + cluster.ErrorExcerpt());
        Assert.True(load.Writes > 1000, $"only {load.Writes} writes ran");
        foreach (var (key, value) in load.Acknowledged)
        {
            Assert.Equal(value, (string?)await db.StringGetAsync(key));
        }

        for (var c = 0; c < Counters; c++)
        {
            Assert.Equal(load.Increments[c], (long)await db.StringGetAsync($"counter:{c}"));
        }

        long total = 0;
        for (var i = 0; i < 3; i++)
        {
            total += (long)(await cluster.CallAsync(i, "DBSIZE"))!;
        }

        Assert.Equal(load.Acknowledged.Count + Counters + (2 * Tags), total);
    }

    /// <summary>How many slots the node that answered serves, from its own CLUSTER NODES line.</summary>
    private static long SlotsOf(object? nodes) => ((string)nodes!).Split('\n')
        .Where(l => l.Contains("myself", StringComparison.Ordinal))
        .SelectMany(l => l.Split(' ').Skip(8))
        .Where(w => w.Length > 0 && !w.StartsWith('['))
        .Sum(w => w.Contains('-', StringComparison.Ordinal) ? long.Parse(w.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) - long.Parse(w.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture) + 1 : 1);

    /// <summary>Writers with keys of their own (the last acknowledged value of each is known), counters, reads and MGETs.</summary>
    private sealed class MixedLoad(IDatabase db)
    {
        private readonly CancellationTokenSource _stop = new();
        private int _singleKeyErrors;
        private int _multiKeyErrors;
        private long _writes;
        private long _reads;

        public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

        public ConcurrentQueue<string> Errors { get; } = new();

        public long[] Increments { get; } = new long[Counters];

        public int SingleKeyErrors => Volatile.Read(ref _singleKeyErrors);

        public long Writes => Interlocked.Read(ref _writes);

        public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, Writers).Select(WriteAsync).Append(ReadAsync()));

        public async Task StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running.WaitAsync(LocalCluster.Bound);
        }

        public string Summary() =>
            $"writes {Writes}, reads {Interlocked.Read(ref _reads)}, increments {Increments.Sum()}, single-key errors {SingleKeyErrors}, MGET errors {Volatile.Read(ref _multiKeyErrors)}"
            + string.Concat(Errors.Take(10).Select(e => "\n  " + e));

        private async Task WriteAsync(int writer)
        {
            for (var round = 0; !_stop.IsCancellationRequested; round++)
            {
                var key = $"w{writer}:{round % KeysPerWriter}";
                var value = $"{round}";
                var counter = (writer + round) % Counters;
                try
                {
                    Assert.True(await db.StringSetAsync(key, value));
                    Acknowledged[key] = value;
                    await db.StringIncrementAsync($"counter:{counter}");
                    Interlocked.Increment(ref Increments[counter]);
                    Interlocked.Increment(ref _writes);
                }
                catch (RedisException e)
                {
                    Interlocked.Increment(ref _singleKeyErrors);
                    Errors.Enqueue(e.Message);
                    await Task.Delay(10);
                }
            }
        }

        private async Task ReadAsync()
        {
            for (var round = 0; !_stop.IsCancellationRequested; round++)
            {
                var tag = round % Tags;
                try
                {
                    await db.StringGetAsync($"w0:{round % KeysPerWriter}");
                    var pair = await db.StringGetAsync([$"{{tag{tag}}}:a", $"{{tag{tag}}}:b"]);
                    Assert.Equal(["a", "b"], pair.Select(v => (string?)v));
                    Interlocked.Increment(ref _reads);
                }
                catch (RedisServerException e) when (e.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _multiKeyErrors);
                    Errors.Enqueue(e.Message);
                }
                catch (RedisException e)
                {
                    Interlocked.Increment(ref _singleKeyErrors);
                    Errors.Enqueue(e.Message);
                    await Task.Delay(10);
                }
            }
        }
    }
}
