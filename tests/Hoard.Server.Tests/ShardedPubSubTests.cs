using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ShardedPubSubTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task SsubscribeAndSpublishDeliverSmessagesInResp2()
    {
        await using var node = await TestNode.StartAsync();
        await using var subscriber = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();

        await subscriber.SendAsync("SSUBSCRIBE", "orders", "{user1}feed");
        Assert.Equal(new object?[] { "ssubscribe", "orders", 1L }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "ssubscribe", "{user1}feed", 2L }, await subscriber.ReadAsync());

        Assert.Equal(1L, await publisher.CallAsync("SPUBLISH", "orders", "o1"));
        Assert.Equal(0L, await publisher.CallAsync("SPUBLISH", "nobody", "x"));
        Assert.Equal(1L, await publisher.CallAsync("SPUBLISH", "{user1}feed", "f1"));
        Assert.Equal(new object?[] { "smessage", "orders", "o1" }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "smessage", "{user1}feed", "f1" }, await subscriber.ReadAsync());
    }

    [Fact]
    public async Task ShardChannelsAndOrdinaryChannelsAreApart()
    {
        await using var node = await TestNode.StartAsync();
        await using var sharded = await node.ConnectAsync();
        await using var plain = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();
        await sharded.SendAsync("SSUBSCRIBE", "ch");
        Assert.Equal(new object?[] { "ssubscribe", "ch", 1L }, await sharded.ReadAsync());
        await plain.SendAsync("SUBSCRIBE", "ch");
        Assert.Equal(new object?[] { "subscribe", "ch", 1L }, await plain.ReadAsync());
        await plain.SendAsync("PSUBSCRIBE", "*");
        Assert.Equal(new object?[] { "psubscribe", "*", 2L }, await plain.ReadAsync());

        // SPUBLISH reaches shard subscribers only (patterns never match it); PUBLISH never reaches them.
        Assert.Equal(1L, await publisher.CallAsync("SPUBLISH", "ch", "sharded"));
        Assert.Equal(2L, await publisher.CallAsync("PUBLISH", "ch", "plain"));
        Assert.Equal(new object?[] { "smessage", "ch", "sharded" }, await sharded.ReadAsync());
        Assert.Equal(new object?[] { "message", "ch", "plain" }, await plain.ReadAsync());
        Assert.Equal(new object?[] { "pmessage", "*", "ch", "plain" }, await plain.ReadAsync());
        Assert.Equal(1L, await publisher.CallAsync("PUBSUB", "NUMPAT"));
    }

    [Fact]
    public async Task SubscriptionCountsAreKeptApartAsRedisReportsThem()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        // The exact replies of Redis 7 to this sequence.
        await client.SendAsync("SSUBSCRIBE", "a", "b");
        Assert.Equal(new object?[] { "ssubscribe", "a", 1L }, await client.ReadAsync());
        Assert.Equal(new object?[] { "ssubscribe", "b", 2L }, await client.ReadAsync());
        await client.SendAsync("SUBSCRIBE", "c");
        Assert.Equal(new object?[] { "subscribe", "c", 1L }, await client.ReadAsync());
        await client.SendAsync("SSUBSCRIBE", "a");
        Assert.Equal(new object?[] { "ssubscribe", "a", 2L }, await client.ReadAsync());
        await client.SendAsync("PSUBSCRIBE", "p*");
        Assert.Equal(new object?[] { "psubscribe", "p*", 2L }, await client.ReadAsync());
        await using (var other = await node.ConnectAsync())
        {
            Assert.Contains("sub=1 psub=1 ssub=2 ", (string)(await other.CallAsync("CLIENT", "LIST"))!, StringComparison.Ordinal);
        }

        await client.SendAsync("SUNSUBSCRIBE", "a");
        Assert.Equal(new object?[] { "sunsubscribe", "a", 1L }, await client.ReadAsync());
        await client.SendAsync("SUNSUBSCRIBE");
        Assert.Equal(new object?[] { "sunsubscribe", "b", 0L }, await client.ReadAsync());
        await client.SendAsync("SUNSUBSCRIBE");
        Assert.Equal(new object?[] { "sunsubscribe", null, 0L }, await client.ReadAsync());
        await client.SendAsync("UNSUBSCRIBE");
        Assert.Equal(new object?[] { "unsubscribe", "c", 1L }, await client.ReadAsync());
        await client.SendAsync("PUNSUBSCRIBE");
        Assert.Equal(new object?[] { "punsubscribe", "p*", 0L }, await client.ReadAsync());
        Assert.Equal("PONG", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task AShardSubscriptionAloneIsTheResp2SubscribedContext()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("SSUBSCRIBE", "x");
        Assert.Equal(new object?[] { "ssubscribe", "x", 1L }, await client.ReadAsync());

        Assert.Equal(new object?[] { "pong", "" }, await client.CallAsync("PING"));
        Assert.Equal(
            "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            Error(await client.CallAsync("GET", "a")));
        Assert.Equal(
            "ERR Can't execute 'spublish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            Error(await client.CallAsync("SPUBLISH", "x", "hi")));
        Assert.Equal("ERR wrong number of arguments for 'ssubscribe' command", Error(await client.CallAsync("SSUBSCRIBE")));
        await client.SendAsync("SUBSCRIBE", "plain");
        Assert.Equal(new object?[] { "subscribe", "plain", 1L }, await client.ReadAsync());
    }

    [Fact]
    public async Task InResp3ConfirmationsAndMessagesArePushesAndOwnMessagesComeBeforeTheReply()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        Assert.Equal(new object?[] { "ssubscribe", "x", 1L }, Assert.IsType<RespPush>(await client.CallAsync("SSUBSCRIBE", "x")).Items);

        await client.SendAsync("SPUBLISH", "x", "hi");
        Assert.Equal(new object?[] { "smessage", "x", "hi" }, Assert.IsType<RespPush>(await client.ReadAsync()).Items);
        Assert.Equal(1L, await client.ReadAsync());

        Assert.Equal(new object?[] { "sunsubscribe", "x", 0L }, Assert.IsType<RespPush>(await client.CallAsync("SUNSUBSCRIBE")).Items);
        Assert.Equal(new object?[] { "sunsubscribe", null, 0L }, Assert.IsType<RespPush>(await client.CallAsync("SUNSUBSCRIBE")).Items);
    }

    [Fact]
    public async Task PubsubShardchannelsAndShardnumsubReportShardSubscriptions()
    {
        await using var node = await TestNode.StartAsync();
        await using var one = await node.ConnectAsync();
        await using var two = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        await one.SendAsync("SSUBSCRIBE", "news.a", "news.b", "other");
        for (var i = 0; i < 3; i++)
        {
            await one.ReadAsync();
        }

        await two.SendAsync("SSUBSCRIBE", "news.a");
        await two.ReadAsync();
        await two.SendAsync("SUBSCRIBE", "plain");
        await two.ReadAsync();

        var all = Assert.IsType<object?[]>(await client.CallAsync("PUBSUB", "SHARDCHANNELS"));
        Assert.Equal(["news.a", "news.b", "other"], all.Cast<string>().Order(StringComparer.Ordinal));
        var news = Assert.IsType<object?[]>(await client.CallAsync("PUBSUB", "SHARDCHANNELS", "news.*"));
        Assert.Equal(["news.a", "news.b"], news.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(new object?[] { "news.a", 2L, "news.b", 1L, "plain", 0L }, await client.CallAsync("PUBSUB", "SHARDNUMSUB", "news.a", "news.b", "plain"));
        Assert.Equal(new object?[] { "plain" }, await client.CallAsync("PUBSUB", "CHANNELS"));
        Assert.Equal(new object?[] { "news.a", 0L }, await client.CallAsync("PUBSUB", "NUMSUB", "news.a"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("PUBSUB", "SHARDNUMSUB"));

        // A closed connection leaves its shard channels.
        await one.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (((object?[])(await client.CallAsync("PUBSUB", "SHARDCHANNELS"))!).Length != 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(new object?[] { "news.a" }, await client.CallAsync("PUBSUB", "SHARDCHANNELS"));
        Assert.Equal(new object?[] { "news.a", 1L }, await client.CallAsync("PUBSUB", "SHARDNUMSUB", "news.a"));
    }

    [Fact]
    public async Task ResetDropsShardSubscriptions()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await client.SendAsync("SSUBSCRIBE", "x");
        Assert.Equal(new object?[] { "ssubscribe", "x", 1L }, await client.ReadAsync());
        Assert.Equal("RESET", await client.CallAsync("RESET"));
        Assert.Equal(new object?[] { "x", 0L }, await other.CallAsync("PUBSUB", "SHARDNUMSUB", "x"));
        Assert.Equal(0L, await other.CallAsync("SPUBLISH", "x", "gone"));
        Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
    }

    [Fact]
    public async Task ShardCommandsDeclareTheirChannelsAsKeys()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "ch" }, await client.CallAsync("COMMAND", "GETKEYS", "SPUBLISH", "ch", "msg"));
        Assert.Equal(new object?[] { "a", "b" }, await client.CallAsync("COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"));
        Assert.Equal(new object?[] { "a" }, await client.CallAsync("COMMAND", "GETKEYS", "SUNSUBSCRIBE", "a"));
    }
}
