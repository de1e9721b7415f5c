using Hoard.Server.Tests.Support;
using StackExchange.Redis;
using static Hoard.IntegrationTests.StackExchangeConnections;

namespace Hoard.IntegrationTests;

/// <summary>StackExchange.Redis, unmodified, against a Hoard node: its whole handshake, then its APIs.</summary>
public class StackExchangeRedisTests
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ConnectsAndNegotiatesTheProtocol(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        Assert.True(redis.IsConnected);
        var server = redis.GetServer("127.0.0.1", node.Port);
        Assert.Equal(protocol, server.Protocol);
        Assert.False(server.IsReplica);
        Assert.True(server.Version >= new Version(7, 0));
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task StringAndKeyApisBehaveAsAgainstRedis(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("s", "v1"));
        Assert.Equal("v1", await db.StringGetAsync("s"));
        Assert.False(await db.StringSetAsync("s", "v2", when: When.NotExists));
        Assert.Equal("v1", await db.StringGetSetAsync("s", "v3"));
        Assert.Equal(3, await db.StringAppendAsync("n", "abc"));
        Assert.Equal(11, await db.StringIncrementAsync("c", 11));
        Assert.Equal(10.5, await db.StringIncrementAsync("f", 10.5));
        Assert.Equal("bc", await db.StringGetRangeAsync("n", 1, 2));

        Assert.True(await db.StringSetAsync("t", "x", TimeSpan.FromSeconds(100)));
        var ttl = await db.KeyTimeToLiveAsync("t");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalSeconds, 90, 100);
        Assert.True(await db.KeyPersistAsync("t"));
        Assert.Null(await db.KeyTimeToLiveAsync("t"));

        Assert.True(await db.KeyExistsAsync("s"));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync("s"));
        Assert.True(await db.KeyRenameAsync("s", "s2"));
        Assert.Equal(2, await db.KeyDeleteAsync(["s2", "n", "missing"]));
        Assert.False(await db.KeyExistsAsync("s2"));

        var values = await db.StringGetAsync(["c", "missing"]);
        Assert.Equal("11", values[0]);
        Assert.True(values[1].IsNull);
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task HashApisBehaveAsAgainstRedis(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var db = redis.GetDatabase();

        await db.HashSetAsync("h", [new("a", "1"), new("b", "2")]);
        Assert.Equal("1", await db.HashGetAsync("h", "a"));
        Assert.Equal(2, await db.HashLengthAsync("h"));
        var all = (await db.HashGetAllAsync("h")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, all);
        Assert.Equal(5, await db.HashIncrementAsync("h", "a", 4));
        Assert.True(await db.HashDeleteAsync("h", "b"));
        Assert.False(await db.HashExistsAsync("h", "b"));
        await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("h"));
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task PubSubDeliversPublishedMessages(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("news"), (_, message) => received.TrySetResult(message!));

        var receivers = await redis.GetDatabase().PublishAsync(RedisChannel.Literal("news"), "hello");
        Assert.Equal(1, receivers);
        Assert.Equal("hello", await received.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task ConnectsWithAPassword()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "secret");
        await using var redis = await ConnectAsync(node, RedisProtocol.Resp3, "secret");
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("k", "v"));
        Assert.Equal("v", await db.StringGetAsync("k"));
    }
}
