using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>
/// CLIENT TRACKING: invalidations as RESP3 pushes or, redirected, as RESP2 messages on <c>__redis__:invalidate</c>, for
/// writes, deletes, expiry, eviction and flushes; BCAST prefixes, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, the
/// bounded table, a broken redirect, TRACKINGINFO / GETREDIR and Redis's errors.
/// </summary>
public class ClientTrackingTests
{
    [Fact]
    public async Task AKeyReadIsInvalidatedOnceWhenAnotherClientWritesIt()
    {
        await using var node = await TestNode.StartAsync();
        await using var cache = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        Assert.Equal("OK", await cache.CallAsync("CLIENT", "TRACKING", "ON"));
        await writer.CallAsync("SET", "a", "1");
        await writer.CallAsync("SET", "b", "1");
        Assert.Equal("1", await cache.CallAsync("GET", "a"));
        Assert.Equal("1", await cache.CallAsync("GET", "b"));

        await writer.CallAsync("SET", "a", "2");
        Assert.Equal(Invalidate("a"), (await PushAsync(cache)).Items);

        // Told once: a second write before the key is read again says nothing; the next key's write does.
        await writer.CallAsync("SET", "a", "3");
        await writer.CallAsync("DEL", "b");
        Assert.Equal(Invalidate("b"), (await PushAsync(cache)).Items);
        Assert.Equal("PONG", await cache.CallAsync("PING"));
    }

    [Fact]
    public async Task ExpiryEvictionAndFlushesInvalidate()
    {
        await using var node = await TestNode.StartAsync(o =>
        {
            o.Storage.MaxMemory = 4 * 1024 * 1024;
            o.Storage.Policy = Hoard.Storage.EvictionPolicy.AllKeysLru;
        });
        await using var cache = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        await cache.CallAsync("CLIENT", "TRACKING", "ON");

        await writer.CallAsync("SET", "soon", "v", "PX", "50");
        await cache.CallAsync("GET", "soon");
        Assert.Equal(Invalidate("soon"), (await PushAsync(cache)).Items); // active expiry, at hz

        await writer.CallAsync("SET", "first", "v");
        await cache.CallAsync("GET", "first");
        var value = new string('x', 10_000);
        for (var i = 0; i < 2_000 && !Equals(await writer.CallAsync("EXISTS", "first"), 0L); i++)
        {
            await writer.CallAsync("SET", $"fill:{i}", value); // 20 MB through a 4 MB limit
        }

        Assert.Equal(Invalidate("first"), (await PushAsync(cache)).Items);

        await cache.CallAsync("GET", "fill:1999");
        await writer.CallAsync("FLUSHALL");
        Assert.Equal(new object?[] { "invalidate", null }, (await PushAsync(cache)).Items);
        Assert.Equal(0L, await cache.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task InResp2InvalidationsGoToTheRedirectClientAsMessages()
    {
        await using var node = await TestNode.StartAsync();
        await using var listener = await node.ConnectAsync();
        await using var cache = await node.ConnectAsync();
        var listenerId = (long)(await listener.CallAsync("CLIENT", "ID"))!;
        await listener.SendAsync("SUBSCRIBE", "__redis__:invalidate");
        Assert.Equal(new object?[] { "subscribe", "__redis__:invalidate", 1L }, await listener.ReadAsync());
        Assert.Equal("OK", await cache.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", listenerId));
        Assert.Equal(listenerId, await cache.CallAsync("CLIENT", "GETREDIR"));

        await cache.CallAsync("GET", "k");
        await cache.CallAsync("SET", "k", "v"); // its own write: no NOLOOP, so it is told too
        Assert.Equal(new object?[] { "message", "__redis__:invalidate", new object?[] { "k" } }, await listener.ReadAsync());

        await cache.CallAsync("FLUSHDB");
        Assert.Equal(new object?[] { "message", "__redis__:invalidate", null }, await listener.ReadAsync());
    }

    [Fact]
    public async Task BroadcastSendsEveryKeyWithAPrefixReadOrNot()
    {
        await using var node = await TestNode.StartAsync();
        await using var cache = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        Assert.Equal("OK", await cache.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "cart:"));

        await writer.CallAsync("SET", "other:1", "v");
        await writer.CallAsync("SET", "user:1", "v");
        Assert.Equal(Invalidate("user:1"), (await PushAsync(cache)).Items);
        await writer.CallAsync("HSET", "cart:9", "item", "1");
        Assert.Equal(Invalidate("cart:9"), (await PushAsync(cache)).Items);

        var info = (Dictionary<object, object?>)(await cache.CallAsync("CLIENT", "TRACKINGINFO"))!;
        Assert.Equal(new object?[] { "on", "bcast" }, info["flags"]);
        Assert.Equal(0L, info["redirect"]);
        Assert.Equal(new object?[] { "user:", "cart:" }, info["prefixes"]);
        Assert.Contains("tracking_total_prefixes:2", (string)(await writer.CallAsync("INFO", "stats"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptInTracksOnlyAfterCachingYesAndOptOutNotAfterCachingNo()
    {
        await using var node = await TestNode.StartAsync();
        await using var optIn = await Resp3Async(node);
        await using var optOut = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        await optIn.CallAsync("CLIENT", "TRACKING", "ON", "OPTIN");
        await optOut.CallAsync("CLIENT", "TRACKING", "ON", "OPTOUT");

        await optIn.CallAsync("GET", "skipped");
        Assert.Equal("OK", await optIn.CallAsync("CLIENT", "CACHING", "YES"));
        await optIn.CallAsync("GET", "kept");
        await optOut.CallAsync("GET", "kept");
        Assert.Equal("OK", await optOut.CallAsync("CLIENT", "CACHING", "NO"));
        await optOut.CallAsync("GET", "skipped");

        await writer.CallAsync("SET", "skipped", "v");
        await writer.CallAsync("SET", "kept", "v");
        Assert.Equal(Invalidate("kept"), (await PushAsync(optIn)).Items);
        Assert.Equal(Invalidate("kept"), (await PushAsync(optOut)).Items);
    }

    [Fact]
    public async Task NoLoopSparesAClientItsOwnWrites()
    {
        await using var node = await TestNode.StartAsync();
        await using var cache = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        await cache.CallAsync("CLIENT", "TRACKING", "ON", "NOLOOP");
        await cache.CallAsync("GET", "mine");
        await cache.CallAsync("GET", "theirs");

        Assert.Equal("OK", await cache.CallAsync("SET", "mine", "v"));
        await writer.CallAsync("SET", "theirs", "v");
        Assert.Equal(Invalidate("theirs"), (await PushAsync(cache)).Items);
    }

    [Fact]
    public async Task AFullTableInvalidatesItsOldestKeys()
    {
        await using var node = await TestNode.StartAsync();
        await using var cache = await Resp3Async(node);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("OK", await admin.CallAsync("CONFIG", "SET", "tracking-table-max-keys", "2"));
        await cache.CallAsync("CLIENT", "TRACKING", "ON");

        await cache.CallAsync("GET", "k1");
        await cache.CallAsync("GET", "k2");
        await cache.CallAsync("GET", "k3");
        Assert.Equal(Invalidate("k1"), (await PushAsync(cache)).Items);
        var stats = (string)(await admin.CallAsync("INFO", "stats"))!;
        Assert.Contains("tracking_total_keys:2", stats, StringComparison.Ordinal);
        Assert.Contains("tracking_total_items:2", stats, StringComparison.Ordinal);
        Assert.Contains("tracking_clients:1", (string)(await admin.CallAsync("INFO", "clients"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedirectToAClientGoneIsReportedBroken()
    {
        await using var node = await TestNode.StartAsync();
        await using var cache = await Resp3Async(node);
        await using var writer = await node.ConnectAsync();
        var listener = await node.ConnectAsync();
        var listenerId = (long)(await listener.CallAsync("CLIENT", "ID"))!;
        await cache.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", listenerId);
        await cache.CallAsync("GET", "k");
        await listener.DisposeAsync();
        await WaitUntilAsync(async () => !((string)(await writer.CallAsync("CLIENT", "LIST"))!).Contains($"id={listenerId} ", StringComparison.Ordinal));

        await writer.CallAsync("SET", "k", "v");
        Assert.Equal(new object?[] { "tracking-redir-broken", listenerId }, (await PushAsync(cache)).Items);
        var info = (Dictionary<object, object?>)(await cache.CallAsync("CLIENT", "TRACKINGINFO"))!;
        Assert.Equal(new object?[] { "on", "broken_redirect" }, info["flags"]);
        Assert.Equal(listenerId, info["redirect"]);
    }

    [Fact]
    public async Task TrackingInfoAndErrorsAreRedisOwn()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "flags", new object?[] { "off" }, "redirect", -1L, "prefixes", Array.Empty<object?>() }, await client.CallAsync("CLIENT", "TRACKINGINFO"));
        Assert.Equal(-1L, await client.CallAsync("CLIENT", "GETREDIR"));

        Assert.Equal(new RespError("ERR syntax error"), await client.CallAsync("CLIENT", "TRACKING", "MAYBE"));
        Assert.Equal(new RespError("ERR syntax error"), await client.CallAsync("CLIENT", "TRACKING", "ON", "SOMETIMES"));
        Assert.Equal(new RespError("ERR PREFIX option requires BCAST mode to be enabled"), await client.CallAsync("CLIENT", "TRACKING", "ON", "PREFIX", "a"));
        Assert.Equal(new RespError("ERR OPTIN and OPTOUT are not compatible with BCAST"), await client.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"));
        Assert.Equal(new RespError("ERR You can't use both OPTIN and OPTOUT"), await client.CallAsync("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"));
        Assert.Equal(new RespError("ERR The client ID you want redirect to does not exist"), await client.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"));
        Assert.Equal(new RespError("ERR value is not an integer or out of range"), await client.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", "x"));
        Assert.Equal(new RespError("ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap."),
            await client.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"));
        Assert.Equal(new RespError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"),
            await client.CallAsync("CLIENT", "CACHING", "YES"));

        Assert.Equal("OK", await client.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:"));
        Assert.Equal(new RespError("ERR Prefix 'a:b' overlaps with an existing prefix 'a:'. Prefixes for a single client must not overlap."),
            await client.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:b"));
        Assert.Equal(new RespError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."),
            await client.CallAsync("CLIENT", "TRACKING", "ON"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "TRACKING", "OFF"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "TRACKING", "ON", "OPTIN"));
        Assert.Equal(new RespError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."), await client.CallAsync("CLIENT", "CACHING", "NO"));
        Assert.Equal(new RespError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."),
            await client.CallAsync("CLIENT", "TRACKING", "ON", "OPTOUT"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "CACHING", "YES"));
        Assert.Equal(new object?[] { "flags", new object?[] { "on", "optin", "caching-yes" }, "redirect", 0L, "prefixes", Array.Empty<object?>() }, await client.CallAsync("CLIENT", "TRACKINGINFO"));
        Assert.Equal(new object?[] { "flags", new object?[] { "on", "optin" }, "redirect", 0L, "prefixes", Array.Empty<object?>() }, await client.CallAsync("CLIENT", "TRACKINGINFO"));
        Assert.Contains(" flags=t ", (string)(await client.CallAsync("CLIENT", "INFO"))!, StringComparison.Ordinal);
    }

    private static object?[] Invalidate(string key) => ["invalidate", new object?[] { key }];

    private static async Task<RespClient> Resp3Async(TestNode node)
    {
        var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        return client;
    }

    private static async Task<RespPush> PushAsync(RespClient client) => Assert.IsType<RespPush>(await client.ReadAsync());

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(25);
        }
    }
}
