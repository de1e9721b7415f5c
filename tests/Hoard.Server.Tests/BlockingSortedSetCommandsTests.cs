using System.Diagnostics;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>BZPOPMIN, BZPOPMAX and BZMPOP through the <see cref="Blocking.BlockingHub"/>; every wait is bounded.</summary>
public class BlockingSortedSetCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task AMemberAvailableAtOnceIsPoppedWithoutWaiting()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal(new object?[] { "z", "a", "1" }, Assert.IsType<object?[]>(await client.CallAsync("BZPOPMIN", "none", "z", "0")));
        Assert.Equal(new object?[] { "z", "c", "3" }, Assert.IsType<object?[]>(await client.CallAsync("BZPOPMAX", "z", "0")));
        Assert.Equal(
            new object?[] { "z", new object?[] { new object?[] { "b", "2" } } },
            Assert.IsType<object?[]>(await client.CallAsync("BZMPOP", "0", "2", "none", "z", "MIN", "COUNT", "5")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "z"));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task BlockedPopsAreServedByZAddInArrivalOrder()
    {
        await using var node = await TestNode.StartAsync();
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await first.SendAsync("BZPOPMIN", "z", "10");
        await node.WaitForBlockedAsync(1);
        await second.SendAsync("BZPOPMAX", "other", "z", "10");
        await node.WaitForBlockedAsync(2);
        Assert.Equal(3L, await writer.CallAsync("ZADD", "z", "5", "m5", "1", "m1", "9", "m9"));
        Assert.Equal(new object?[] { "z", "m1", "1" }, Assert.IsType<object?[]>(await first.ReadAsync()));
        Assert.Equal(new object?[] { "z", "m9", "9" }, Assert.IsType<object?[]>(await second.ReadAsync()));
        Assert.Equal(new object?[] { "m5" }, Assert.IsType<object?[]>(await writer.CallAsync("ZRANGE", "z", "0", "-1")));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task BlockingMultiPopIsServedWithItsCount()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await waiter.SendAsync("BZMPOP", "10", "2", "a", "b", "MAX", "COUNT", "2");
        await node.WaitForBlockedAsync(1);
        await writer.CallAsync("ZADD", "b", "1", "x", "2", "y", "3", "z");
        Assert.Equal(
            new object?[] { "b", new object?[] { new object?[] { "z", "3" }, new object?[] { "y", "2" } } },
            Assert.IsType<object?[]>(await waiter.ReadAsync()));
        Assert.Equal(1L, await writer.CallAsync("ZCARD", "b"));
    }

    [Fact]
    public async Task ATimeoutIsHonouredAndAnswersNull()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var clock = Stopwatch.StartNew();
        Assert.Null(await client.CallAsync("BZPOPMIN", "nokey", "0.2"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromSeconds(3));
        clock.Restart();
        Assert.Null(await client.CallAsync("BZMPOP", "0.1", "1", "nokey", "MIN"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(3));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task ErrorsAreRedis()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "x");
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", Error(await client.CallAsync("BZPOPMIN", "s", "0")));
        Assert.Equal("ERR timeout is negative", Error(await client.CallAsync("BZPOPMAX", "z", "-1")));
        Assert.Equal("ERR timeout is not a float or out of range", Error(await client.CallAsync("BZMPOP", "x", "1", "z", "MIN")));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("BZMPOP", "0", "0", "z", "MIN")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("BZMPOP", "0", "1", "z", "MIDDLE")));
        Assert.Equal("ERR count should be greater than 0", Error(await client.CallAsync("BZMPOP", "0", "1", "z", "MIN", "COUNT", "0")));
    }

    [Fact]
    public async Task InsideATransactionAnEmptyKeyAnswersAtOnce()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("BZPOPMIN", "nokey", "0"));
        Assert.Equal("QUEUED", await client.CallAsync("BZMPOP", "0", "1", "nokey", "MAX"));
        Assert.Equal(new object?[] { null, null }, Assert.IsType<object?[]>(await client.CallAsync("EXEC")));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task AServedPopRemovesOnlyWhatItReturned()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await waiter.SendAsync("BZPOPMIN", "z", "10");
        await node.WaitForBlockedAsync(1);
        await writer.CallAsync("ZADD", "z", "1", "a", "2", "b");
        Assert.Equal(new object?[] { "z", "a", "1" }, Assert.IsType<object?[]>(await waiter.ReadAsync()));
        Assert.Equal("2", await writer.CallAsync("ZSCORE", "z", "b"));
        Assert.Null(await writer.CallAsync("ZSCORE", "z", "a"));
    }
}
