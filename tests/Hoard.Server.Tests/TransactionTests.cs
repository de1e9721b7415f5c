using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>MULTI, EXEC, DISCARD and their replies and errors, as Redis 7.2 gives them.</summary>
public class TransactionTests
{
    internal static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task ExecRunsTheQueuedCommandsAndRepliesWithTheirReplies()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("INCR", "a"));
        Assert.Equal("QUEUED", await client.CallAsync("GET", "a"));
        Assert.Equal("ERR wrong number of arguments for 'get' command", Error(await client.CallAsync("GET", "a", "extra")));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Null(await client.CallAsync("GET", "a")); // nothing ran

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("INCR", "a"));
        Assert.Equal("QUEUED", await client.CallAsync("GET", "a"));
        Assert.Equal(new object?[] { "OK", 2L, "2" }, await client.CallAsync("EXEC"));
        Assert.Equal("2", await client.CallAsync("GET", "a"));
    }

    [Fact]
    public async Task AnEmptyTransactionRepliesWithAnEmptyArray()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task ExecAndDiscardWithoutMultiAreErrors()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC")));
        Assert.Equal("ERR DISCARD without MULTI", Error(await client.CallAsync("DISCARD")));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("EXEC"));
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC")));
    }

    [Fact]
    public async Task NestedMultiAndWatchInsideMultiAreErrorsThatDoNotAbort()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("ERR MULTI calls can not be nested", Error(await client.CallAsync("MULTI")));
        Assert.Equal("ERR WATCH inside MULTI is not allowed", Error(await client.CallAsync("WATCH", "x")));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "b", "2"));
        Assert.Equal(new object?[] { "OK" }, await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task UnknownCommandsAndWrongArityAreAnsweredAtOnceAndAbortExec()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("ERR unknown command 'NOPE', with args beginning with: 'x' ", Error(await client.CallAsync("NOPE", "x")));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Null(await client.CallAsync("GET", "a"));

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("ERR wrong number of arguments for 'get' command", Error(await client.CallAsync("GET")));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Null(await client.CallAsync("GET", "a"));
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC"))); // the failed one ended
    }

    [Fact]
    public async Task RuntimeErrorsAreElementsOfTheReplyAndTheOtherCommandsStillRun()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "text");
        await client.CallAsync("HSET", "h", "f", "v");
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("INCR", "s"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "b", "2"));
        Assert.Equal("QUEUED", await client.CallAsync("GET", "h"));
        Assert.Equal("QUEUED", await client.CallAsync("INCR", "n"));
        var reply = Assert.IsType<object?[]>(await client.CallAsync("EXEC"));
        Assert.Equal(4, reply.Length);
        Assert.Equal("ERR value is not an integer or out of range", Error(reply[0]));
        Assert.Equal("OK", reply[1]);
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", Error(reply[2]));
        Assert.Equal(1L, reply[3]);
        Assert.Equal("2", await client.CallAsync("GET", "b"));
    }

    [Fact]
    public async Task DiscardDropsTheQueue()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("OK", await client.CallAsync("DISCARD"));
        Assert.Null(await client.CallAsync("GET", "a"));
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC")));
    }

    [Fact]
    public async Task QueuedArgumentsOutliveTheReceiveThatCarriedThem()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        var big = new string('v', 100_000);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("QUEUED", await client.CallAsync("SET", $"k{i}", $"{i}:{big}"));
        }

        var reply = Assert.IsType<object?[]>(await client.CallAsync("EXEC"));
        Assert.All(reply, r => Assert.Equal("OK", r));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"{i}:{big}", await client.CallAsync("GET", $"k{i}"));
        }
    }

    [Fact]
    public async Task SelectInsideATransactionChangesTheDatabaseOfTheCommandsAfterIt()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SELECT", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "in-1"));
        Assert.Equal(new object?[] { "OK", "OK" }, await client.CallAsync("EXEC"));
        Assert.Equal("in-1", await client.CallAsync("GET", "a"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "0"));
        Assert.Null(await client.CallAsync("GET", "a"));
    }

    [Fact]
    public async Task CommandsThatWouldWaitAreRefusedOrAnswerAtOnce()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("WAIT", "1", "0")); // would wait forever outside
        Assert.Equal(new object?[] { "OK", 0L }, await client.CallAsync("EXEC"));

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("ERR Command not allowed inside a transaction", Error(await client.CallAsync("REPLICAOF", "127.0.0.1", "1")));
        Assert.Equal("ERR Command not allowed inside a transaction", Error(await client.CallAsync("SHUTDOWN")));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Equal("PONG", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task ResetAndQuitRunAtOnceAndResetEndsTheTransaction()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("RESET", await client.CallAsync("RESET"));
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC")));
        Assert.Null(await client.CallAsync("GET", "a"));

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("OK", await client.CallAsync("QUIT"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task ClientListFlagsAClientInMultiAndCountsItsQueue()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "b", "1"));
        var id = await client.CallAsync("CLIENT", "ID"); // queued too
        Assert.Equal("QUEUED", id);
        var list = Assert.IsType<string>(await other.CallAsync("CLIENT", "LIST"));
        var line = list.Split('\n').Single(l => l.Contains("cmd=client|id", StringComparison.Ordinal) || l.Contains("multi=3", StringComparison.Ordinal));
        Assert.Contains(" flags=x ", line, StringComparison.Ordinal);
        Assert.Contains(" multi=3 ", line, StringComparison.Ordinal);
        Assert.Contains(" multi=-1 ", list.Split('\n').Single(l => l.Contains("cmd=client|list", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(3, Assert.IsType<object?[]>(await client.CallAsync("EXEC")).Length);
    }

    [Fact]
    public async Task CommandInfoDescribesTheTransactionCommands()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var info = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "INFO", "multi", "exec", "discard", "watch", "unwatch"));
        Assert.Equal(5, info.Length);
        var watch = Assert.IsType<object?[]>(info[3]);
        Assert.Equal("watch", watch[0]);
        Assert.Equal(-2L, watch[1]);
        Assert.Equal(1L, watch[3]);
        Assert.Equal(-1L, watch[4]);
        Assert.Equal(1L, watch[5]);
        var exec = Assert.IsType<object?[]>(info[1]);
        Assert.Equal(1L, exec[1]);
        Assert.Equal(new object?[] { "@transaction", "@slow" }, exec[6]);
        Assert.Equal(new object?[] { "@transaction", "@fast" }, Assert.IsType<object?[]>(info[0])[6]);
        var docs = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "DOCS", "watch"));
        var fields = Assert.IsType<object?[]>(docs[1]);
        Assert.Equal("transactions", fields[Array.IndexOf(fields, "group") + 1]);
        Assert.Equal("2.2.0", fields[Array.IndexOf(fields, "since") + 1]);
    }
}
