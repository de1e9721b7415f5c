using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Client.Tests;

/// <summary>Tags: RemoveByTagAsync removes the entries written under a tag before it, everywhere; HybridCache on Hoard.</summary>
public class TagTests
{
    [Fact]
    public async Task RemovingATagRemovesItsEntriesInEveryProcessAndNotLaterOnes()
    {
        await using var node = await LocalNode.StartAsync();
        var reader = await node.CacheAsync();
        var writer = await node.CacheAsync();
        var product = new HoardEntryOptions { Tags = ["product:7", "catalogue"] };
        await writer.SetAsync("page:7", "seven", product);
        await writer.SetAsync("page:8", "eight", product with { Tags = ["product:8", "catalogue"] });
        await writer.SetAsync("untagged", "stays");
        await LocalNode.WaitUntilAsync(() => reader.GetAsync<string>("page:7").Result.HasValue && reader.IsNear("page:7"), "the reader keeps a page near");

        await writer.RemoveByTagAsync("product:7");
        await LocalNode.WaitUntilAsync(() => !reader.GetAsync<string>("page:7").Result.HasValue, "the reader hears of the removal");
        Assert.False((await writer.GetAsync<string>("page:7")).HasValue);
        Assert.Equal("eight", (await reader.GetAsync<string>("page:8")).Value);

        await Task.Delay(5); // a later millisecond than the removal
        await writer.SetAsync("page:7", "seven again", product);
        Assert.Equal("seven again", (await reader.GetAsync<string>("page:7")).Value);

        await writer.RemoveByTagAsync("catalogue");
        Assert.False((await writer.GetAsync<string>("page:7")).HasValue); // the remover's own near copies go at once
        await LocalNode.WaitUntilAsync(() => !reader.GetAsync<string>("page:7").Result.HasValue, "the reader hears of the second removal");
        Assert.False((await reader.GetAsync<string>("page:8")).HasValue);
        Assert.Equal("stays", (await reader.GetAsync<string>("untagged")).Value);
        Assert.Equal("computed", await reader.GetOrSetAsync("page:8", _ => Task.FromResult("computed"), product));
    }

    [Fact]
    public async Task HybridCacheCallsRunOnHoard()
    {
        await using var node = await LocalNode.StartAsync();
        var services = new ServiceCollection();
        services.AddHoard(o => o.Configuration = node.Configuration);
        await using var provider = services.BuildServiceProvider();
        var hybrid = provider.GetRequiredService<HybridCache>();
        Assert.IsType<HoardHybridCache>(hybrid);

        var calls = 0;
        async ValueTask<string> Load(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(50, token);
            return "loaded";
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => hybrid.GetOrCreateAsync("k", Load, tags: ["group"]).AsTask()));
        Assert.All(results, r => Assert.Equal("loaded", r));
        Assert.Equal(1, calls);
        Assert.Equal("loaded", await hybrid.GetOrCreateAsync("k", Load));
        Assert.Equal(1, calls);

        await hybrid.RemoveByTagAsync("group");
        var onlyCached = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData };
        Assert.Null(await hybrid.GetOrCreateAsync("k", Load, onlyCached));
        Assert.Equal(1, calls);

        await hybrid.SetAsync("k", "set", new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1) });
        Assert.Equal("set", await hybrid.GetOrCreateAsync("k", Load));
        await hybrid.RemoveAsync("k");
        Assert.Equal("loaded", await hybrid.GetOrCreateAsync("k", Load));
        Assert.Equal(2, calls);
    }
}
