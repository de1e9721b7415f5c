using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Client.Tests;

/// <summary>Hoard.Client against a real node: stampede protection, fail-safe, soft timeout, the near cache, DI.</summary>
public class HoardCacheTests
{
    public sealed record Product(int Id, string Name, decimal Price);

    [Fact]
    public async Task FiftyConcurrentMissesAcrossFiveClientsCallTheFactoryOnce()
    {
        await using var node = await LocalNode.StartAsync();
        var caches = new List<HoardCache>();
        for (var i = 0; i < 5; i++)
        {
            caches.Add(await node.CacheAsync());
        }

        var calls = 0;
        async Task<Product> Slow(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(300, token);
            return new Product(1, "lamp", 19.90m);
        }

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await caches[i % 5].GetOrSetAsync("product:1", Slow);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, calls);
        Assert.All(results, p => Assert.Equal(new Product(1, "lamp", 19.90m), p));
    }

    [Fact]
    public async Task AFailingSourceIsCoveredByTheStaleValueUntilTheGracePeriodEnds()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync(nearCache: false);
        var shortLived = new HoardEntryOptions { Duration = TimeSpan.FromMilliseconds(100), FailSafeMaxDuration = TimeSpan.FromSeconds(30), FailSafeThrottleDuration = TimeSpan.FromMilliseconds(200) };
        Assert.Equal("v1", await cache.GetOrSetAsync("k", _ => Task.FromResult("v1"), shortLived));
        await Task.Delay(150);

        Assert.Equal("v1", await cache.GetOrSetAsync<string>("k", _ => throw new TimeoutException("the database is down"), shortLived));

        // Past the throttle the source is asked again in the background, the caller served the stale value at once;
        // while it still fails, so on; once it is back, its value is stored.
        var down = true;
        var calls = 0;
        async Task<string> Source(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            var failing = down; // as it is when asked
            await Task.Delay(1000, token);
            return failing ? throw new TimeoutException("still down") : "v2";
        }

        await Task.Delay(250);
        var watch = Stopwatch.StartNew();
        Assert.Equal("v1", await cache.GetOrSetAsync("k", Source, shortLived));
        Assert.True(watch.ElapsedMilliseconds < 800, $"the caller waited {watch.ElapsedMilliseconds} ms for a source that takes 1 s to fail");
        await LocalNode.WaitUntilAsync(() => Volatile.Read(ref calls) == 1, "the source is tried in the background");
        down = false;

        // Callers keep getting the stale value until a background try finds the source back.
        await LocalNode.WaitUntilAsync(() => cache.GetOrSetAsync("k", Source, shortLived).Result == "v2", "the source's value is back");
        Assert.InRange(Volatile.Read(ref calls), 2, 20);

        // Without fail-safe the value is gone once it expired, and the failure reaches the caller.
        var plain = shortLived with { FailSafe = false };
        Assert.Equal("v3", await cache.GetOrSetAsync("other", _ => Task.FromResult("v3"), plain));
        await Task.Delay(250);
        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetOrSetAsync<string>("other", _ => throw new TimeoutException("down"), plain));
    }

    [Fact]
    public async Task ASlowSourcePastTheSoftTimeoutServesStaleAndStoresItsValueLater()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync(nearCache: false);
        var options = new HoardEntryOptions { Duration = TimeSpan.FromSeconds(2), FactorySoftTimeout = TimeSpan.FromMilliseconds(50) };
        await cache.GetOrSetAsync("k", _ => Task.FromResult("old"), options);
        await Task.Delay(2100);

        var watch = Stopwatch.StartNew();
        Assert.Equal("old", await cache.GetOrSetAsync("k", async token =>
        {
            await Task.Delay(2000, token);
            return "new";
        }, options));
        Assert.True(watch.ElapsedMilliseconds < 1500, $"waited {watch.ElapsedMilliseconds} ms for a source that takes 2 s");
        await LocalNode.WaitUntilAsync(() => cache.GetAsync<string>("k").Result is { HasValue: true, Value: "new" }, "the slow value is stored");
    }

    [Fact]
    public async Task EarlyRefreshRecomputesBeforeTheValueExpiresWithoutMakingCallersWait()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync();
        var calls = 0;
        async Task<int> Slow(CancellationToken token)
        {
            var n = Interlocked.Increment(ref calls);
            await Task.Delay(600, token);
            return n;
        }

        // XFetch refreshes when now − 600 ms · β · ln(rand) reaches the expiry: with β = 1, 0.6 s ahead on average, more
        // likely the nearer it is.
        var options = new HoardEntryOptions { Duration = TimeSpan.FromSeconds(3), EarlyRefreshBeta = 1 };
        Assert.Equal(1, await cache.GetOrSetAsync("k", Slow, options));
        var watch = Stopwatch.StartNew();
        var slowest = 0L;
        while (Volatile.Read(ref calls) < 2 && watch.Elapsed < TimeSpan.FromSeconds(2.3))
        {
            var call = Stopwatch.StartNew();
            Assert.Equal(1, await cache.GetOrSetAsync("k", Slow, options));
            slowest = Math.Max(slowest, call.ElapsedMilliseconds);
            await Task.Delay(20);
        }

        Assert.Equal(2, Volatile.Read(ref calls)); // refreshed before the value expired
        Assert.True(slowest < 600, $"a caller waited {slowest} ms: the refresh is the background's");
        await LocalNode.WaitUntilAsync(() => cache.GetAsync<int>("k").Result is { HasValue: true, Value: 2 }, "the refreshed value is stored");
    }

    [Fact]
    public async Task TheNearCacheServesRepeatsAndDropsAValueAnotherClientChanged()
    {
        await using var node = await LocalNode.StartAsync();
        var reader = await node.CacheAsync();
        var writer = await node.CacheAsync();
        var calls = 0;
        Task<string> Source(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult("v1");
        }

        Assert.Equal("v1", await reader.GetOrSetAsync("k", Source));
        await LocalNode.WaitUntilAsync(() => reader.GetOrSetAsync("k", Source).Result == "v1" && reader.IsNear("k"), "the value is kept near");
        var hitsBefore = node.Server.Keyspace.Stats.Hits;
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("v1", await reader.GetOrSetAsync("k", Source));
        }

        Assert.Equal(hitsBefore, node.Server.Keyspace.Stats.Hits); // served in process: the node was not asked
        Assert.Equal(1, calls);

        var watch = Stopwatch.StartNew();
        await writer.SetAsync("k", "v2");
        await LocalNode.WaitUntilAsync(() => reader.GetOrSetAsync("k", Source).Result == "v2", "the near copy is dropped");
        Assert.True(watch.ElapsedMilliseconds < 3000, $"stale for {watch.ElapsedMilliseconds} ms"); // bench/client.sh measures it: ms
        Assert.Equal(1, calls);

        await writer.RemoveAsync("k");
        await LocalNode.WaitUntilAsync(() => !reader.GetAsync<string>("k").Result.HasValue, "the removal is heard");
    }

    [Fact]
    public async Task AddHoardRegistersTheCache()
    {
        await using var node = await LocalNode.StartAsync();
        var services = new ServiceCollection();
        services.AddHoard(o =>
        {
            o.Configuration = node.Configuration;
            o.KeyPrefix = "app:";
        });
        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IHoardCache>();

        await cache.SetAsync("answer", 42);
        Assert.Equal(new HoardValue<int>(true, 42), await cache.GetAsync<int>("answer"));
        Assert.Equal(1L, node.Server.Keyspace[0].Count);
        Assert.Same(cache, provider.GetRequiredService<HoardCache>());
    }
}
