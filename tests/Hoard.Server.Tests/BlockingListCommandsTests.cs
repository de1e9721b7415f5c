using System.Diagnostics;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP through the <see cref="Blocking.BlockingHub"/>; every wait is bounded.</summary>
public class BlockingListCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task AnElementAvailableAtOnceIsPoppedWithoutWaiting()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "b", "1", "2");
        Assert.Equal(new object?[] { "b", "1" }, Assert.IsType<object?[]>(await client.CallAsync("BLPOP", "a", "b", "0")));
        Assert.Equal(new object?[] { "b", "2" }, Assert.IsType<object?[]>(await client.CallAsync("BRPOP", "a", "b", "0")));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task ABlockedPopIsServedByAPushFromAnotherClient()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await waiter.SendAsync("BLPOP", "l", "10");
        await node.WaitForBlockedAsync(1);
        Assert.Contains("blocked_clients:1", (string)(await pusher.CallAsync("INFO", "clients"))!, StringComparison.Ordinal);
        Assert.Equal(1L, await pusher.CallAsync("RPUSH", "l", "x"));
        Assert.Equal(new object?[] { "l", "x" }, Assert.IsType<object?[]>(await waiter.ReadAsync()));
        Assert.Equal(0L, await pusher.CallAsync("EXISTS", "l"));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
        Assert.Equal("PONG", await waiter.CallAsync("PING"));
    }

    [Fact]
    public async Task BlockedClientsAreServedInArrivalOrder()
    {
        await using var node = await TestNode.StartAsync();
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        await using var third = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await first.SendAsync("BRPOP", "l", "10");
        await node.WaitForBlockedAsync(1);
        await second.SendAsync("BRPOP", "other", "l", "10");
        await node.WaitForBlockedAsync(2);
        await third.SendAsync("BRPOP", "l", "10");
        await node.WaitForBlockedAsync(3);
        Assert.Equal(3L, await pusher.CallAsync("LPUSH", "l", "a", "b", "c"));
        Assert.Equal(new object?[] { "l", "a" }, Assert.IsType<object?[]>(await first.ReadAsync()));
        Assert.Equal(new object?[] { "l", "b" }, Assert.IsType<object?[]>(await second.ReadAsync()));
        Assert.Equal(new object?[] { "l", "c" }, Assert.IsType<object?[]>(await third.ReadAsync()));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task AClientBlockedOnSeveralKeysIsServedOnce()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await waiter.SendAsync("BLPOP", "k1", "k2", "10");
        await node.WaitForBlockedAsync(1);
        Assert.Equal(1L, await pusher.CallAsync("RPUSH", "k2", "x"));
        Assert.Equal(new object?[] { "k2", "x" }, Assert.IsType<object?[]>(await waiter.ReadAsync()));
        Assert.Equal(1L, await pusher.CallAsync("RPUSH", "k1", "y"));
        Assert.Equal(1L, await pusher.CallAsync("LLEN", "k1"));
    }

    [Fact]
    public async Task ATimeoutIsHonouredAndAnswersNull()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var clock = Stopwatch.StartNew();
        Assert.Null(await client.CallAsync("BLPOP", "nokey", "0.2"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromSeconds(3));
        clock.Restart();
        Assert.Null(await client.CallAsync("BLMPOP", "0.1", "2", "a", "b", "LEFT", "COUNT", "3"));
        Assert.Null(await client.CallAsync("BRPOPLPUSH", "a", "b", "0.1"));
        Assert.Null(await client.CallAsync("BLMOVE", "a", "b", "LEFT", "RIGHT", "0.1"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(5));
        Assert.Equal(0, node.Server.Blocking.BlockedClients);
    }

    [Fact]
    public async Task TimeoutErrorsAreRedis()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("ERR timeout is negative", Error(await client.CallAsync("BLPOP", "l", "-1")));
        Assert.Equal("ERR timeout is not a float or out of range", Error(await client.CallAsync("BLPOP", "l", "abc")));
        Assert.Equal("ERR timeout is negative", Error(await client.CallAsync("BRPOP", "l", "-0.5")));
        Assert.Equal("ERR timeout is negative", Error(await client.CallAsync("BLMPOP", "-1", "1", "l", "LEFT")));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("BLMPOP", "0", "0", "l", "LEFT")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("BLMOVE", "a", "b", "UP", "LEFT", "0")));
    }

    [Fact]
    public async Task BlockingMoveIsServedByAPush()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await waiter.SendAsync("BLMOVE", "src", "dst", "LEFT", "RIGHT", "10");
        await node.WaitForBlockedAsync(1);
        await pusher.CallAsync("RPUSH", "src", "a", "b");
        Assert.Equal("a", await waiter.ReadAsync());
        Assert.Equal(new object?[] { "a" }, Assert.IsType<object?[]>(await pusher.CallAsync("LRANGE", "dst", "0", "-1")));
        await waiter.SendAsync("BRPOPLPUSH", "empty", "dst", "10");
        await node.WaitForBlockedAsync(1);
        await pusher.CallAsync("LPUSH", "empty", "z");
        Assert.Equal("z", await waiter.ReadAsync());
        Assert.Equal(new object?[] { "z", "a" }, Assert.IsType<object?[]>(await pusher.CallAsync("LRANGE", "dst", "0", "-1")));
    }

    [Fact]
    public async Task BlockingMultiPopIsServedWithItsCount()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await waiter.SendAsync("BLMPOP", "10", "2", "a", "b", "RIGHT", "COUNT", "2");
        await node.WaitForBlockedAsync(1);
        await pusher.CallAsync("RPUSH", "b", "1", "2", "3");
        var reply = Assert.IsType<object?[]>(await waiter.ReadAsync());
        Assert.Equal("b", reply[0]);
        Assert.Equal(new object?[] { "3", "2" }, Assert.IsType<object?[]>(reply[1]));
    }

    [Fact]
    public async Task AClientThatDisconnectsWhileBlockedLeavesTheQueue()
    {
        await using var node = await TestNode.StartAsync();
        await using var pusher = await node.ConnectAsync();
        var leaver = await node.ConnectAsync();
        await leaver.SendAsync("BLPOP", "l", "0");
        await node.WaitForBlockedAsync(1);
        await leaver.DisposeAsync();
        await node.WaitForBlockedAsync(0);
        Assert.Equal(1L, await pusher.CallAsync("RPUSH", "l", "x"));
        Assert.Equal(1L, await pusher.CallAsync("LLEN", "l"));
    }

    [Fact]
    public async Task AServedPopIsSeenByLaterCommandsOfThePusher()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        await waiter.SendAsync("BLPOP", "l", "10");
        await node.WaitForBlockedAsync(1);

        // The pop runs after the push, before the push's reply: the pusher's next command sees the list emptied.
        await pusher.SendAsync("RPUSH", "l", "x");
        await pusher.SendAsync("LLEN", "l");
        Assert.Equal(1L, await pusher.ReadAsync());
        Assert.Equal(0L, await pusher.ReadAsync());
        Assert.Equal(new object?[] { "l", "x" }, Assert.IsType<object?[]>(await waiter.ReadAsync()));
    }

    [Fact]
    public async Task ClientUnblockEndsAWaitAsATimeoutOrAnError()
    {
        await using var node = await TestNode.StartAsync();
        await using var waiter = await node.ConnectAsync();
        await using var admin = await node.ConnectAsync();
        var id = (long)(await waiter.CallAsync("CLIENT", "ID"))!;
        await waiter.SendAsync("BLPOP", "l", "0");
        await node.WaitForBlockedAsync(1);
        Assert.Equal(1L, await admin.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(await waiter.ReadAsync());
        Assert.Equal(0L, await admin.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await waiter.SendAsync("BLMOVE", "l", "d", "LEFT", "LEFT", "0");
        await node.WaitForBlockedAsync(1);
        Assert.Equal(1L, await admin.CallAsync("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "ERROR"));
        Assert.Equal("UNBLOCKED client unblocked via CLIENT UNBLOCK", Error(await waiter.ReadAsync()));
        Assert.Equal("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", Error(await admin.CallAsync("CLIENT", "UNBLOCK", "1", "FOO")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await admin.CallAsync("CLIENT", "UNBLOCK", "abc")));
        Assert.Equal("PONG", await waiter.CallAsync("PING"));
    }
}
