using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Hoard.Client.Tests;

/// <summary>IDistributedCache / IBufferDistributedCache on a real node: bytes, absolute and sliding expiration, DI.</summary>
public class HoardDistributedCacheTests
{
    [Fact]
    public async Task ValuesGoInAndOutByteForByte()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = new HoardDistributedCache(await node.CacheAsync(nearCache: false));
        var value = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        await cache.SetAsync("session:1", value, new DistributedCacheEntryOptions());
        Assert.Equal(value, await cache.GetAsync("session:1"));
        Assert.Equal(value, cache.Get("session:1"));
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(await cache.TryGetAsync("session:1", buffer));
        Assert.Equal(value, buffer.WrittenSpan.ToArray());
        Assert.Equal(-1, node.Server.Keyspace[0].GetExpireAt(Encoding.UTF8.GetBytes("cache:session:1"))); // no expiration asked: none

        cache.Set("sync", [1, 2, 3], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 1, 2, 3 }, cache.Get("sync"));
        await cache.RemoveAsync("session:1");
        cache.Remove("sync");
        Assert.Null(await cache.GetAsync("session:1"));
        Assert.False(cache.TryGet("sync", new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public async Task AbsoluteExpirationEndsTheEntryAndSlidingMovesItOnAtEachRead()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = new HoardDistributedCache(await node.CacheAsync(nearCache: false));
        var keyspace = node.Server.Keyspace[0];
        long ExpireAt(string key) => keyspace.GetExpireAt(Encoding.UTF8.GetBytes("cache:" + key));

        var set = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cache.SetAsync("abs", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        Assert.InRange(ExpireAt("abs") - set, 1, 1100);
        await Task.Delay(1200);
        Assert.Null(await cache.GetAsync("abs"));

        set = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cache.SetAsync("slide", [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10), AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        var first = ExpireAt("slide");
        Assert.InRange(first - set, 1, 10_100);
        await Task.Delay(600);
        await cache.RefreshAsync("slide");
        await LocalNode.WaitUntilAsync(() => ExpireAt("slide") >= first + 500, "the read moved the TTL on by the time since the write");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cache.SetAsync("past", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(-1) }));
    }

    [Fact]
    public async Task AddHoardMakesHoardTheDistributedCache()
    {
        await using var node = await LocalNode.StartAsync();
        var services = new ServiceCollection();
        services.AddHoard(o => o.Configuration = node.Configuration);
        await using var provider = services.BuildServiceProvider();

        var distributed = provider.GetRequiredService<IDistributedCache>();
        Assert.IsType<HoardDistributedCache>(distributed);
        Assert.Same(distributed, provider.GetRequiredService<IBufferDistributedCache>());
        await distributed.SetStringAsync("greeting", "hello");
        Assert.Equal("hello", await distributed.GetStringAsync("greeting"));
    }
}
