using Hoard.Protocol;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>WATCH and UNWATCH: what touches a watched key, and what EXEC does then.</summary>
public class TransactionWatchTests
{
    private const long Start = 1_700_000_000_000;

    private sealed class ManualClock : TimeProvider
    {
        public long NowMs { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }

    /// <summary>WATCH key, MULTI, SET key mine: the EXEC reply once <paramref name="touch"/> ran on another client.</summary>
    private static async Task<object?> ExecAfterAsync(TestNode node, Func<RespClient, Task> touch, string key = "k")
    {
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("WATCH", key));
        await touch(other);
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", key, "mine"));
        return await client.CallAsync("EXEC");
    }

    [Fact]
    public async Task AnUntouchedWatchedKeyLetsExecRun()
    {
        await using var node = await TestNode.StartAsync();
        await using var setup = await node.ConnectAsync();
        await setup.CallAsync("SET", "k", "v");
        Assert.Equal(new object?[] { "OK" }, await ExecAfterAsync(node, other => other.CallAsync("GET", "k")));
        Assert.Equal(new object?[] { "OK" }, await ExecAfterAsync(node, other => other.CallAsync("SET", "elsewhere", "v")));
        Assert.Equal("mine", await setup.CallAsync("GET", "k"));
        Assert.Equal(0, node.Server.Watches.Count); // EXEC forgot the watches
    }

    [Fact]
    public async Task AnotherClientsWriteDeleteOrExpireFailsExec()
    {
        await using var node = await TestNode.StartAsync();
        await using var setup = await node.ConnectAsync();
        await setup.CallAsync("SET", "k", "v");
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("SET", "k", "theirs")));
        Assert.Equal("theirs", await setup.CallAsync("GET", "k"));
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("EXPIRE", "k", "100")));
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("DEL", "k")));
        Assert.Null(await setup.CallAsync("GET", "k"));
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("SET", "k", "created"))); // a missing key too
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("HSET", "h", "f", "v"), key: "h"));
        Assert.Equal(0, node.Server.Watches.Count);
    }

    [Fact]
    public async Task FlushAllFlushDbAndSwapDbFailExec()
    {
        await using var node = await TestNode.StartAsync();
        await using var setup = await node.ConnectAsync();
        await setup.CallAsync("SET", "k", "v");
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("FLUSHALL")));
        await setup.CallAsync("SET", "k", "v");
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("FLUSHDB")));
        await setup.CallAsync("SET", "k", "v");
        Assert.Null(await ExecAfterAsync(node, other => other.CallAsync("SWAPDB", "0", "1")));
    }

    [Fact]
    public async Task TheClientsOwnWriteBeforeMultiFailsExec()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        await client.CallAsync("SET", "k", "1");
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "k", "2"));
        Assert.Null(await client.CallAsync("EXEC"));
        Assert.Equal("1", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task UnwatchAndDiscardForgetTheWatchedKeys()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("WATCH", "k", "j"));
        Assert.Equal(2, node.Server.Watches.Count);
        await other.CallAsync("SET", "k", "theirs");
        Assert.Equal("OK", await client.CallAsync("UNWATCH"));
        Assert.Equal(0, node.Server.Watches.Count);
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "k", "mine"));
        Assert.Equal(new object?[] { "OK" }, await client.CallAsync("EXEC"));

        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("OK", await client.CallAsync("DISCARD"));
        Assert.Equal(0, node.Server.Watches.Count);
        await other.CallAsync("SET", "k", "theirs");
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "k", "mine"));
        Assert.Equal(new object?[] { "OK" }, await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task ADisconnectedClientsWatchesGo()
    {
        await using var node = await TestNode.StartAsync();
        var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("WATCH", "a", "b", "a"));
        Assert.Equal(2, node.Server.Watches.Count);
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        await client.DisposeAsync();
        for (var i = 0; i < 200 && node.Server.Watches.Count != 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, node.Server.Watches.Count);
    }

    [Fact]
    public async Task AWatchedKeyWhoseTtlRanOutFailsExecThoughNobodyTouchedIt()
    {
        var clock = new ManualClock();
        await using var node = await TestNode.StartAsync(o => o.Hz = 1, time: clock);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v", "PX", "1000");
        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        clock.NowMs += 2_000;
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("PING"));
        Assert.Null(await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task WatchingAKeyThatHadAlreadyExpiredDoesNotFailExec()
    {
        var clock = new ManualClock();
        await using var node = await TestNode.StartAsync(o => o.Hz = 1, time: clock);
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v", "PX", "1000");
        clock.NowMs += 2_000;
        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        Assert.Null(await other.CallAsync("GET", "k")); // removes it now: logically no change
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("PING"));
        Assert.Equal(new object?[] { "PONG" }, await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task AWatchedKeyRemovedByActiveExpiryFailsExec()
    {
        await using var node = await TestNode.StartAsync(o => o.Hz = 100);
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v", "PX", "50");
        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        for (var i = 0; i < 300 && !Equals(await other.CallAsync("DBSIZE"), 0L); i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("PING"));
        Assert.Null(await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task AnEvictedWatchedKeyFailsExec()
    {
        await using var node = await TestNode.StartAsync(o =>
        {
            o.Storage.MaxMemory = 4 * 1024 * 1024;
            o.Storage.Policy = Hoard.Storage.EvictionPolicy.AllKeysLru;
        });
        await using var client = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await client.CallAsync("SET", "first", "v");
        Assert.Equal("OK", await client.CallAsync("WATCH", "first"));
        var value = new string('x', 10_000);
        for (var i = 0; i < 2_000 && !Equals(await writer.CallAsync("EXISTS", "first"), 0L); i++)
        {
            await writer.CallAsync("SET", $"fill:{i}", value); // 20 MB through a 4 MB limit
        }

        Assert.Equal(0L, await writer.CallAsync("EXISTS", "first"));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "first", "again"));
        Assert.Null(await client.CallAsync("EXEC"));
        Assert.Equal(0L, await writer.CallAsync("EXISTS", "first"));
    }

    [Fact]
    public async Task AFailedWatchRepliesNullInResp3AndClientListShowsIt()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HELLO", "3"));
        Assert.Equal("OK", await client.CallAsync("WATCH", "k"));
        await other.CallAsync("SET", "k", "theirs");
        var list = Assert.IsType<string>(await other.CallAsync("CLIENT", "LIST"));
        Assert.Contains(list.Split('\n'), l => l.Contains(" flags=d ", StringComparison.Ordinal));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "k", "mine"));
        Assert.Null(await client.CallAsync("EXEC"));
        Assert.Contains(node.Server.Clients, s => s.Protocol == RespVersion.Resp3);
    }
}
