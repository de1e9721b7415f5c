using Hoard.Server;
using Hoard.Server.Tests.Support;

namespace Hoard.Client.Tests;

/// <summary>The server tests' in-process node (<see cref="TestNode"/>), and caches connected to it.</summary>
public sealed class LocalNode : IAsyncDisposable
{
    private readonly List<HoardCache> _caches = [];
    private readonly TestNode _node;

    private LocalNode(TestNode node) => _node = node;

    public HoardServer Server => _node.Server;

    public string Configuration => $"127.0.0.1:{_node.Port}";

    public static async Task<LocalNode> StartAsync() => new(await TestNode.StartAsync());

    /// <summary>A cache with its own connection, its near cache listening (when on) before it is returned.</summary>
    public async Task<HoardCache> CacheAsync(bool nearCache = true, HoardEntryOptions? defaults = null)
    {
        var cache = await HoardCache.ConnectAsync(new HoardCacheOptions
        {
            Configuration = Configuration,
            NearCache = nearCache,
            DefaultEntryOptions = defaults ?? new HoardEntryOptions(),
        });
        _caches.Add(cache);
        await WaitUntilAsync(() => !nearCache || cache.NearCacheAvailable, "the near cache listens");
        return cache;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 400; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("timed out waiting until " + what);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cache in _caches)
        {
            await cache.DisposeAsync();
        }

        await _node.DisposeAsync();
    }
}
