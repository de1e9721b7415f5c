using Hoard.Server.Tests.Support;
using StackExchange.Redis;
using static Hoard.IntegrationTests.StackExchangeConnections;

namespace Hoard.IntegrationTests;

/// <summary>StackExchange.Redis's list APIs against a Hoard node, in both protocols.</summary>
public class StackExchangeRedisListTests
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ListApisBehaveAsAgainstRedis(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.ListRightPushAsync("l", ["a", "b", "c"]).WaitAsync(Bound));
        Assert.Equal(4, await db.ListLeftPushAsync("l", "z").WaitAsync(Bound));
        Assert.Equal(0, await db.ListLeftPushAsync("missing", "x", When.Exists).WaitAsync(Bound));
        Assert.Equal(4, await db.ListLengthAsync("l").WaitAsync(Bound));
        Assert.Equal(new RedisValue[] { "z", "a", "b", "c" }, await db.ListRangeAsync("l").WaitAsync(Bound));
        Assert.Equal("b", await db.ListGetByIndexAsync("l", -2).WaitAsync(Bound));
        await db.ListSetByIndexAsync("l", 0, "y").WaitAsync(Bound);
        Assert.Equal(5, await db.ListInsertBeforeAsync("l", "b", "new").WaitAsync(Bound));
        Assert.Equal(6, await db.ListInsertAfterAsync("l", "c", "end").WaitAsync(Bound));
        Assert.Equal(2, await db.ListPositionAsync("l", "new").WaitAsync(Bound));
        Assert.Equal(new long[] { 2 }, await db.ListPositionsAsync("l", "new", 0).WaitAsync(Bound));
        Assert.Equal(1, await db.ListRemoveAsync("l", "new").WaitAsync(Bound));
        Assert.Equal("y", await db.ListLeftPopAsync("l").WaitAsync(Bound));
        Assert.Equal("end", await db.ListRightPopAsync("l").WaitAsync(Bound));
        Assert.Equal(new RedisValue[] { "a", "b" }, await db.ListLeftPopAsync("l", 2).WaitAsync(Bound));
        Assert.True((await db.ListLeftPopAsync("missing").WaitAsync(Bound)).IsNull);
        Assert.Empty(await db.ListLeftPopAsync("missing", 2).WaitAsync(Bound) ?? []);

        await db.ListRightPushAsync("src", ["1", "2", "3"]).WaitAsync(Bound);
        Assert.Equal("1", await db.ListMoveAsync("src", "dst", ListSide.Left, ListSide.Right).WaitAsync(Bound));
        Assert.Equal("3", await db.ListRightPopLeftPushAsync("src", "dst").WaitAsync(Bound));
        await db.ListTrimAsync("dst", 0, 0).WaitAsync(Bound);
        Assert.Equal(new RedisValue[] { "3" }, await db.ListRangeAsync("dst").WaitAsync(Bound));

        var popped = await db.ListLeftPopAsync(["none", "src"], 5).WaitAsync(Bound);
        Assert.Equal("src", popped.Key);
        Assert.Equal(new RedisValue[] { "2" }, popped.Values);
        Assert.True((await db.ListLeftPopAsync(["none", "src"], 5).WaitAsync(Bound)).IsNull);

        await db.StringSetAsync("s", "x").WaitAsync(Bound);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ListLeftPushAsync("s", "a").WaitAsync(Bound));
        Assert.StartsWith("WRONGTYPE", error.Message, StringComparison.Ordinal);
        Assert.Equal(RedisType.List, await db.KeyTypeAsync("dst").WaitAsync(Bound));
    }

    [Fact]
    public async Task ABlockingPopThroughExecuteIsServedByAnotherConnection()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await ConnectAsync(node, RedisProtocol.Resp2);
        await using var pusher = await ConnectAsync(node, RedisProtocol.Resp2);
        var blocked = waiter.GetDatabase().ExecuteAsync("BLPOP", "queue", "10");
        var deadline = DateTime.UtcNow + Bound;
        while (node.Server.Blocking.BlockedClients == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the client never blocked");
            await Task.Delay(5);
        }

        await pusher.GetDatabase().ListRightPushAsync("queue", "job").WaitAsync(Bound);
        var reply = (RedisResult[])(await blocked.WaitAsync(Bound))!;
        Assert.Equal("queue", (string?)reply[0]);
        Assert.Equal("job", (string?)reply[1]);
    }
}
