using System.Net;
using Hoard.Server;

namespace Hoard.Client.Tests;

/// <summary>An in-process Hoard node on a loopback port chosen at run time, and caches connected to it.</summary>
public sealed class LocalNode : IAsyncDisposable
{
    private readonly List<HoardCache> _caches = [];

    private LocalNode(HoardServer server) => Server = server;

    public HoardServer Server { get; }

    public string Configuration => $"127.0.0.1:{Server.EndPoints[0].Port}";

    public static async Task<LocalNode> StartAsync()
    {
        var options = new ServerOptions { Port = 0 };
        options.Bind.Clear();
        options.Bind.Add(IPAddress.Loopback);
        var server = new HoardServer(options);
        await server.StartAsync();
        return new LocalNode(server);
    }

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

        await Server.DisposeAsync();
    }
}
