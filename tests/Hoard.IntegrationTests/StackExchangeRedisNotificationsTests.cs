using System.Threading.Channels;
using Hoard.Server.Configuration;
using Hoard.Server.Tests.Support;
using StackExchange.Redis;

namespace Hoard.IntegrationTests;

/// <summary>Keyspace notifications and sharded Pub/Sub through StackExchange.Redis, unmodified.</summary>
public class StackExchangeRedisNotificationsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static async Task<ConnectionMultiplexer> ConnectAsync(TestNode node, RedisProtocol protocol)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", node.Port } },
            Protocol = protocol,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
            AbortOnConnectFail = true,
        };
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(Bound);
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task KeyeventChannelAndPatternSubscriptionsReceiveEvents(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync(o => ConfigRegistry.Apply(o, "notify-keyspace-events", "Eg$"));
        await using var redis = await ConnectAsync(node, protocol);
        var received = Channel.CreateUnbounded<(string Channel, string Key)>();
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Pattern("__keyevent@0__:*"), (channel, key) => received.Writer.TryWrite((channel!, key!))).WaitAsync(Bound);

        var expires = Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(RedisChannel.Literal("__keyevent@0__:expire"), (_, key) => expires.Writer.TryWrite(key!)).WaitAsync(Bound);

        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("k", "v"));
        Assert.True(await db.KeyExpireAsync("k", TimeSpan.FromMinutes(5)));
        Assert.True(await db.KeyDeleteAsync("k"));

        Assert.Equal(("__keyevent@0__:set", "k"), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(("__keyevent@0__:expire", "k"), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal(("__keyevent@0__:del", "k"), await received.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal("k", await expires.Reader.ReadAsync().AsTask().WaitAsync(Bound));
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
