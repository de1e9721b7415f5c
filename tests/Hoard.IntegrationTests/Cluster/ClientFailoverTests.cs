using System.Collections.Concurrent;
using Hoard.Client;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Hoard.Client on a real cluster: a primary killed under a read load costs the callers no exception; reads go to
/// replicas when asked.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class ClientFailoverTests
{
    private const int Keys = 300;

    [Fact]
    public async Task KillingAPrimaryDuringReadsSurfacesNoErrorAndTheValuesStayRight()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var cache = await HoardCache.ConnectAsync(new HoardCacheOptions { Configuration = string.Join(',', cluster.Endpoints) });
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(cache.NearCacheAvailable));
        var factoryCalls = 0;
        Task<string> Source(int i)
        {
            Interlocked.Increment(ref factoryCalls);
            return Task.FromResult($"value:{i}");
        }

        for (var i = 0; i < Keys; i++)
        {
            var n = i;
            Assert.Equal($"value:{n}", await cache.GetOrSetAsync($"item:{n}", _ => Source(n)));
        }

        var errors = new ConcurrentQueue<string>();
        var wrong = 0;
        var reads = 0L;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var n = random.Next(Keys);
                try
                {
                    if (await cache.GetOrSetAsync($"item:{n}", _ => Source(n)) != $"value:{n}")
                    {
                        Interlocked.Increment(ref wrong);
                    }

                    Interlocked.Increment(ref reads);
                }
                catch (Exception e)
                {
                    errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }
        })).ToList();

        await Task.Delay(1000);
        cluster.Kill(0); // a primary (nodes 0-2 are the primaries, 3-5 their replicas)
        await Task.Delay(6000); // failover (about 1.5 s) and the reads after it
        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(LocalCluster.Bound);

        Assert.True(errors.IsEmpty, $"{errors.Count} errors, first: {errors.FirstOrDefault()}");
        Assert.Equal(0, wrong);
        Assert.True(reads > 1000, $"only {reads} reads");
        Assert.InRange(factoryCalls, Keys, Keys + (Keys / 3)); // at most the dead shard's keys again, when the cluster was away

        // The dead node cannot be heard, but nothing can be read from it either: the near cache serves again.
        await LocalCluster.WaitUntilAsync(() => Task.FromResult(cache.NearCacheAvailable));
    }

    [Fact]
    public async Task ReadsGoToReplicasWhenAsked()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var cache = await HoardCache.ConnectAsync(new HoardCacheOptions
        {
            Configuration = string.Join(',', cluster.Endpoints),
            NearCache = false,
            ReadFromReplicas = true,
        });
        for (var i = 0; i < Keys; i++)
        {
            await cache.SetAsync($"item:{i}", i);
        }

        await PrimaryFailoverTests.WaitUntilWholeAndInSyncAsync(cluster);
        var before = await HitsAsync(cluster);
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(new HoardValue<int>(true, i), await cache.GetAsync<int>($"item:{i}"));
        }

        var after = await HitsAsync(cluster);
        Assert.Equal(Keys, after.Replicas - before.Replicas);
        Assert.Equal(0, after.Primaries - before.Primaries);
    }

    /// <summary>keyspace_hits of the primaries (nodes 0-2) and of the replicas (3-5), summed.</summary>
    private static async Task<(long Primaries, long Replicas)> HitsAsync(LocalCluster cluster)
    {
        var hits = new long[cluster.Ports.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            var info = (string)(await cluster.CallAsync(i, "INFO", "stats"))!;
            hits[i] = long.Parse(info.Split("\r\n").Single(l => l.StartsWith("keyspace_hits:", StringComparison.Ordinal))[14..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return (hits[..3].Sum(), hits[3..].Sum());
    }
}
