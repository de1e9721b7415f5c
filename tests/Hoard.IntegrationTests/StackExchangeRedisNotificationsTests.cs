using System.Threading.Channels;
using Hoard.Server.Configuration;
using Hoard.Server.Tests.Support;
using StackExchange.Redis;
using static Hoard.IntegrationTests.StackExchangeConnections;

namespace Hoard.IntegrationTests;

/// <summary>Keyspace notifications and sharded Pub/Sub through StackExchange.Redis, unmodified.</summary>
public class StackExchangeRedisNotificationsTests
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task KeyeventChannelAndPatternSubscriptionsReceiveEvents(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync(o => ConfigRegistry.Apply(o, "notify-keyspace-events", "Eg$"));
        await using var redis = await ConnectAsync(node, protocol);
        var subscriber = redis.GetSubscriber();

        // Message queues, not handlers: StackExchange.Redis may run handlers concurrently, so their order is not the wire's.
        var received = await subscriber.SubscribeAsync(RedisChannel.Pattern("__keyevent@0__:*")).WaitAsync(Bound);
        var expires = await subscriber.SubscribeAsync(RedisChannel.Literal("__keyevent@0__:expire")).WaitAsync(Bound);

        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("k", "v"));
        Assert.True(await db.KeyExpireAsync("k", TimeSpan.FromMinutes(5)));
        Assert.True(await db.KeyDeleteAsync("k"));

        foreach (var expected in new[] { "set", "expire", "del" })
        {
            var message = await received.ReadAsync().AsTask().WaitAsync(Bound);
            Assert.Equal(("__keyevent@0__:" + expected, "k"), (message.Channel.ToString(), message.Message.ToString()));
        }

        Assert.Equal("k", (await expires.ReadAsync().AsTask().WaitAsync(Bound)).Message.ToString());
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ShardedChannelsSubscribeAndPublish(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var received = Channel.CreateUnbounded<(string Channel, string Message)>();
        var subscriber = redis.GetSubscriber();
        var channel = RedisChannel.Sharded("{orders}.eu");
        await subscriber.SubscribeAsync(channel, (c, m) => received.Writer.TryWrite((c!, m!))).WaitAsync(Bound);

        Assert.Equal(1, await subscriber.PublishAsync(channel, "first").WaitAsync(Bound));
        Assert.Equal(("{orders}.eu", "first"), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));

        var counts = await redis.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", "{orders}.eu").WaitAsync(Bound);
        Assert.Equal(1L, (long)((RedisResult[])counts!)[1]);

        await subscriber.UnsubscribeAsync(channel).WaitAsync(Bound);
        Assert.Equal(0, await subscriber.PublishAsync(channel, "second").WaitAsync(Bound));
    }
}
