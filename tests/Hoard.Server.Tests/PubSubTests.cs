using System.Diagnostics;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class PubSubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SubscribeAndPublishInResp2()
    {
        await using var node = await TestNode.StartAsync();
        await using var subscriber = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();

        await subscriber.SendAsync("SUBSCRIBE", "news", "sport");
        Assert.Equal(new object?[] { "subscribe", "news", 1L }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "subscribe", "sport", 2L }, await subscriber.ReadAsync());

        Assert.Equal(1L, await publisher.CallAsync("PUBLISH", "news", "hello"));
        Assert.Equal(0L, await publisher.CallAsync("PUBLISH", "weather", "rain"));
        Assert.Equal(1L, await publisher.CallAsync("PUBLISH", "sport", "goal"));
        Assert.Equal(new object?[] { "message", "news", "hello" }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "message", "sport", "goal" }, await subscriber.ReadAsync());
    }

    [Fact]
    public async Task SubscribeAndPublishInResp3ArePushes()
    {
        await using var node = await TestNode.StartAsync();
        await using var subscriber = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();
        await subscriber.CallAsync("HELLO", "3");

        var confirmation = Assert.IsType<RespPush>(await subscriber.CallAsync("SUBSCRIBE", "news"));
        Assert.Equal(new object?[] { "subscribe", "news", 1L }, confirmation.Items);

        // RESP3 has no subscribed context: other commands still work.
        Assert.Equal("OK", await subscriber.CallAsync("SET", "k", "v"));
        Assert.Equal("PONG", await subscriber.CallAsync("PING"));

        Assert.Equal(1L, await publisher.CallAsync("PUBLISH", "news", "hello"));
        var message = Assert.IsType<RespPush>(await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "message", "news", "hello" }, message.Items);
    }

    [Fact]
    public async Task PublishingToOwnChannelInResp3PushesBeforeTheReply()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        await client.CallAsync("SUBSCRIBE", "self");

        await client.SendAsync("PUBLISH", "self", "echo");
        Assert.Equal(new object?[] { "message", "self", "echo" }, Assert.IsType<RespPush>(await client.ReadAsync()).Items);
        Assert.Equal(1L, await client.ReadAsync());
    }

    [Fact]
    public async Task PatternSubscriptionsReceivePmessages()
    {
        await using var node = await TestNode.StartAsync();
        await using var subscriber = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();

        await subscriber.SendAsync("PSUBSCRIBE", "news.*", "h?llo");
        Assert.Equal(new object?[] { "psubscribe", "news.*", 1L }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "psubscribe", "h?llo", 2L }, await subscriber.ReadAsync());
        await subscriber.SendAsync("SUBSCRIBE", "news.tech");
        Assert.Equal(new object?[] { "subscribe", "news.tech", 3L }, await subscriber.ReadAsync());

        // One delivery for the channel, one for the matching pattern.
        Assert.Equal(2L, await publisher.CallAsync("PUBLISH", "news.tech", "ai"));
        Assert.Equal(1L, await publisher.CallAsync("PUBLISH", "hallo", "x"));
        Assert.Equal(0L, await publisher.CallAsync("PUBLISH", "news", "none"));
        Assert.Equal(new object?[] { "message", "news.tech", "ai" }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "pmessage", "news.*", "news.tech", "ai" }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "pmessage", "h?llo", "hallo", "x" }, await subscriber.ReadAsync());
    }

    [Fact]
    public async Task UnsubscribeCountsDownAndLeavesSubscribedMode()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("SUBSCRIBE", "a", "b", "c");
        for (var i = 0; i < 3; i++)
        {
            await client.ReadAsync();
        }

        await client.SendAsync("PSUBSCRIBE", "p*");
        Assert.Equal(new object?[] { "psubscribe", "p*", 4L }, await client.ReadAsync());

        await client.SendAsync("UNSUBSCRIBE", "b", "nope");
        Assert.Equal(new object?[] { "unsubscribe", "b", 3L }, await client.ReadAsync());
        Assert.Equal(new object?[] { "unsubscribe", "nope", 3L }, await client.ReadAsync());

        await client.SendAsync("UNSUBSCRIBE");
        Assert.Equal(new object?[] { "unsubscribe", "a", 2L }, await client.ReadAsync());
        Assert.Equal(new object?[] { "unsubscribe", "c", 1L }, await client.ReadAsync());

        // Nothing left to unsubscribe: one reply with a null name.
        await client.SendAsync("UNSUBSCRIBE");
        Assert.Equal(new object?[] { "unsubscribe", null, 1L }, await client.ReadAsync());

        await client.SendAsync("PUNSUBSCRIBE");
        Assert.Equal(new object?[] { "punsubscribe", "p*", 0L }, await client.ReadAsync());
        await client.SendAsync("PUNSUBSCRIBE");
        Assert.Equal(new object?[] { "punsubscribe", null, 0L }, await client.ReadAsync());

        // Out of subscribed mode: ordinary commands and replies again.
        Assert.Equal("PONG", await client.CallAsync("PING"));
        Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
    }

    [Fact]
    public async Task Resp2SubscribedContextAllowsOnlyPubSubCommands()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("SUBSCRIBE", "ch");
        await client.ReadAsync();

        Assert.Equal(
            "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            Assert.IsType<RespError>(await client.CallAsync("GET", "k")).Message);
        Assert.Equal(
            "ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            Assert.IsType<RespError>(await client.CallAsync("PUBLISH", "ch", "x")).Message);
        Assert.Equal(new object?[] { "pong", "" }, await client.CallAsync("PING"));
        Assert.Equal(new object?[] { "pong", "hi" }, await client.CallAsync("PING", "hi"));

        // RESET leaves every channel and the subscribed context.
        Assert.Equal("RESET", await client.CallAsync("RESET"));
        Assert.Equal("PONG", await client.CallAsync("PING"));
        await using var other = await node.ConnectAsync();
        Assert.Equal(0L, await other.CallAsync("PUBLISH", "ch", "x"));
    }

    [Fact]
    public async Task QuitWorksWhileSubscribed()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("SUBSCRIBE", "ch");
        await client.ReadAsync();
        Assert.Equal("OK", await client.CallAsync("QUIT"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task PubSubIntrospection()
    {
        await using var node = await TestNode.StartAsync();
        await using var a = await node.ConnectAsync();
        await using var b = await node.ConnectAsync();
        await using var observer = await node.ConnectAsync();

        await a.SendAsync("SUBSCRIBE", "news.tech", "news.art");
        await a.ReadAsync();
        await a.ReadAsync();
        await b.SendAsync("SUBSCRIBE", "news.tech");
        await b.ReadAsync();
        await b.SendAsync("PSUBSCRIBE", "x*", "y*");
        await b.ReadAsync();
        await b.ReadAsync();
        await a.SendAsync("PSUBSCRIBE", "x*");
        await a.ReadAsync();

        var all = Assert.IsType<object?[]>(await observer.CallAsync("PUBSUB", "CHANNELS"));
        Assert.Equal(["news.art", "news.tech"], all.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(new object?[] { "news.art" }, await observer.CallAsync("PUBSUB", "CHANNELS", "*art"));
        Assert.Equal(new object?[] { "news.tech", 2L, "news.art", 1L, "none", 0L }, await observer.CallAsync("PUBSUB", "NUMSUB", "news.tech", "news.art", "none"));
        Assert.Equal(Array.Empty<object?>(), await observer.CallAsync("PUBSUB", "NUMSUB"));
        Assert.Equal(2L, await observer.CallAsync("PUBSUB", "NUMPAT"));

        Assert.Equal("ERR unknown subcommand 'bogus'. Try PUBSUB HELP.", Assert.IsType<RespError>(await observer.CallAsync("PUBSUB", "bogus")).Message);
        Assert.Equal("ERR wrong number of arguments for 'pubsub|numpat' command", Assert.IsType<RespError>(await observer.CallAsync("PUBSUB", "NUMPAT", "x")).Message);
        Assert.Equal("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
            Assert.IsType<RespError>(await observer.CallAsync("PUBSUB", "CHANNELS", "a", "b")).Message);
    }

    [Fact]
    public async Task ClosingAConnectionDropsItsSubscriptions()
    {
        await using var node = await TestNode.StartAsync();
        await using var publisher = await node.ConnectAsync();
        var subscriber = await node.ConnectAsync();
        await subscriber.SendAsync("SUBSCRIBE", "ch");
        await subscriber.ReadAsync();
        await subscriber.SendAsync("PSUBSCRIBE", "c*");
        await subscriber.ReadAsync();
        Assert.Equal(2L, await publisher.CallAsync("PUBLISH", "ch", "x"));

        await subscriber.DisposeAsync();
        await WaitUntilAsync(async () => (long)(await publisher.CallAsync("PUBLISH", "ch", "x"))! == 0);
        Assert.Equal(0L, await publisher.CallAsync("PUBSUB", "NUMPAT"));
        Assert.Equal(Array.Empty<object?>(), await publisher.CallAsync("PUBSUB", "CHANNELS"));
    }

    [Fact]
    public async Task ManySubscribersEachGetEveryMessageInOrder()
    {
        await using var node = await TestNode.StartAsync();
        await using var publisher = await node.ConnectAsync();
        var subscribers = new List<RespClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var s = await node.ConnectAsync();
                subscribers.Add(s);
                await s.SendAsync("SUBSCRIBE", "fan");
                await s.ReadAsync();
            }

            for (var m = 0; m < 100; m++)
            {
                await publisher.SendAsync("PUBLISH", "fan", m.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            for (var m = 0; m < 100; m++)
            {
                Assert.Equal(4L, await publisher.ReadAsync());
            }

            foreach (var s in subscribers)
            {
                for (var m = 0; m < 100; m++)
                {
                    Assert.Equal(new object?[] { "message", "fan", m.ToString(System.Globalization.CultureInfo.InvariantCulture) }, await s.ReadAsync());
                }
            }
        }
        finally
        {
            foreach (var s in subscribers)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASubscriberThatDoesNotReadIsDisconnectedAndThePublisherNeverWaits()
    {
        await using var node = await TestNode.StartAsync();
        node.Server.PubSub.OutputLimit = 1024 * 1024;
        await using var slow = await node.ConnectAsync();
        await using var publisher = await node.ConnectAsync();
        await using var bystander = await node.ConnectAsync();
        var slowId = (long)(await slow.CallAsync("CLIENT", "ID"))!;
        await slow.SendAsync("SUBSCRIBE", "firehose");
        await slow.ReadAsync();

        // 64 MB published; the slow client reads nothing. Every PUBLISH must still be answered promptly.
        var payload = new byte[256 * 1024];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 256; i++)
        {
            await publisher.CallAsync("PUBLISH", "firehose", payload);
        }

        Assert.True(clock.Elapsed < Patience, $"publishing took {clock.Elapsed}");
        await WaitUntilAsync(async () => !((string)(await bystander.CallAsync("CLIENT", "LIST"))!).Contains($"id={slowId} ", StringComparison.Ordinal));
        Assert.Equal(0L, await publisher.CallAsync("PUBLISH", "firehose", "x"));
        Assert.Equal("PONG", await bystander.CallAsync("PING"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Patience, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
