using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ConnectionCommandsTests
{
    [Fact]
    public async Task PingAnswersPongOrEchoesItsArgument()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("PONG", await client.CallAsync("PING"));
        Assert.Equal("hello", await client.CallAsync("PING", "hello"));
    }

    [Fact]
    public async Task InlinePingIsAnswered()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendRawAsync("PING\r\n"u8.ToArray());
        Assert.Equal("PONG", await client.ReadAsync());
    }

    [Fact]
    public async Task UnknownCommandGetsRedisError()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var reply = Assert.IsType<RespError>(await client.CallAsync("NOSUCH", "a", "b"));
        Assert.Equal("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ", reply.Message);
    }

    [Fact]
    public async Task WrongArityGetsRedisError()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var reply = Assert.IsType<RespError>(await client.CallAsync("GET"));
        Assert.Equal("ERR wrong number of arguments for 'get' command", reply.Message);
    }

    [Fact]
    public async Task ProtocolErrorIsAnsweredAndTheConnectionClosedWithoutHarmingOthers()
    {
        await using var node = await TestNode.StartAsync();
        await using var bad = await node.ConnectAsync();
        await using var good = await node.ConnectAsync();
        await bad.SendRawAsync("*1\r\n$-10\r\n"u8.ToArray());
        var reply = Assert.IsType<RespError>(await bad.ReadAsync());
        Assert.Equal("ERR Protocol error: invalid bulk length", reply.Message);
        Assert.True(await bad.IsClosedAsync());
        Assert.Equal("PONG", await good.CallAsync("PING"));
    }

    [Fact]
    public async Task SelectSwitchesDatabasesAndRejectsBadIndexes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("SET", "k", "zero"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "1"));
        Assert.Null(await client.CallAsync("GET", "k"));
        Assert.Equal("ERR DB index is out of range", Assert.IsType<RespError>(await client.CallAsync("SELECT", "16")).Message);
        Assert.Equal("ERR value is not an integer or out of range", Assert.IsType<RespError>(await client.CallAsync("SELECT", "x")).Message);
    }

    [Fact]
    public async Task QuitRepliesOkAndCloses()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("QUIT"));
        Assert.True(await client.IsClosedAsync());
    }
}
