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

    [Fact]
    public async Task HelloWithoutVersionAnswersAFlatArrayInResp2()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var id = (long)(await client.CallAsync("CLIENT", "ID"))!;
        var reply = Assert.IsType<object?[]>(await client.CallAsync("HELLO"));
        Assert.Equal(new object?[] { "server", "redis", "version", "7.2.4", "proto", 2L, "id", id, "mode", "standalone", "role", "master", "modules", Array.Empty<object?>() }, reply);
    }

    [Fact]
    public async Task Hello3AnswersAMapAndLaterRepliesOfTheSameBatchAreResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        // One write: HELLO 3 then GET of a missing key; the GET's null must already be RESP3's "_".
        await client.SendRawAsync("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n"u8.ToArray());
        var map = Assert.IsType<Dictionary<object, object?>>(await client.ReadAsync());
        Assert.Equal("redis", map["server"]);
        Assert.Equal("7.2.4", map["version"]);
        Assert.Equal(3L, map["proto"]);
        Assert.IsType<long>(map["id"]);
        Assert.Equal("standalone", map["mode"]);
        Assert.Equal("master", map["role"]);
        Assert.Empty(Assert.IsType<object?[]>(map["modules"]));
        Assert.Null(await client.ReadAsync());

        // And HELLO 2 switches back.
        Assert.IsType<object?[]>(await client.CallAsync("HELLO", "2"));
        Assert.Contains("resp=2", (string)(await client.CallAsync("CLIENT", "INFO"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloRejectsBadVersionsAndOptions()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("NOPROTO unsupported protocol version", Assert.IsType<RespError>(await client.CallAsync("HELLO", "4")).Message);
        Assert.Equal("NOPROTO unsupported protocol version", Assert.IsType<RespError>(await client.CallAsync("HELLO", "1")).Message);
        Assert.Equal("ERR Protocol version is not an integer or out of range", Assert.IsType<RespError>(await client.CallAsync("HELLO", "x")).Message);
        Assert.Equal("ERR Syntax error in HELLO option 'bogus'", Assert.IsType<RespError>(await client.CallAsync("HELLO", "3", "bogus")).Message);
        Assert.Equal("ERR Client names cannot contain spaces, newlines or special characters.", Assert.IsType<RespError>(await client.CallAsync("HELLO", "3", "SETNAME", "a b")).Message);

        // Nothing changed: still RESP2 and unnamed.
        Assert.Null(await client.CallAsync("CLIENT", "GETNAME"));
        Assert.IsType<object?[]>(await client.CallAsync("HELLO"));
    }

    [Fact]
    public async Task HelloSetNameNamesTheClient()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HELLO", "3", "SETNAME", "worker-1"));
        Assert.Equal("worker-1", await client.CallAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task AuthWithoutRequirePassGivesRedisErrors()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            Assert.IsType<RespError>(await client.CallAsync("AUTH", "pw")).Message);

        // The default user has no password: any password is accepted for it, other users do not exist.
        Assert.Equal("OK", await client.CallAsync("AUTH", "default", "anything"));
        Assert.Equal("WRONGPASS invalid username-password pair or user is disabled.", Assert.IsType<RespError>(await client.CallAsync("AUTH", "bob", "pw")).Message);
        Assert.Equal("ERR syntax error", Assert.IsType<RespError>(await client.CallAsync("AUTH", "a", "b", "c")).Message);
    }

    [Fact]
    public async Task RequirePassRefusesCommandsUntilAuth()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "secret");
        await using var client = await node.ConnectAsync();
        Assert.Equal("NOAUTH Authentication required.", Assert.IsType<RespError>(await client.CallAsync("GET", "k")).Message);
        Assert.Equal("NOAUTH Authentication required.", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "ID")).Message);
        Assert.Equal("WRONGPASS invalid username-password pair or user is disabled.", Assert.IsType<RespError>(await client.CallAsync("AUTH", "wrong")).Message);
        Assert.Equal("WRONGPASS invalid username-password pair or user is disabled.", Assert.IsType<RespError>(await client.CallAsync("AUTH", "other", "secret")).Message);
        Assert.Equal("NOAUTH Authentication required.", Assert.IsType<RespError>(await client.CallAsync("PING")).Message);
        Assert.Equal("OK", await client.CallAsync("AUTH", "secret"));
        Assert.Equal("PONG", await client.CallAsync("PING"));

        await using var second = await node.ConnectAsync();
        Assert.Equal("OK", await second.CallAsync("AUTH", "default", "secret"));
        Assert.Null(await second.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task HelloRequiresAuthOrAuthenticatesItself()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "secret");
        await using var client = await node.ConnectAsync();
        var refused = Assert.IsType<RespError>(await client.CallAsync("HELLO", "3"));
        Assert.StartsWith("NOAUTH HELLO must be called with the client already authenticated", refused.Message, StringComparison.Ordinal);
        Assert.Equal("WRONGPASS invalid username-password pair or user is disabled.", Assert.IsType<RespError>(await client.CallAsync("HELLO", "3", "AUTH", "default", "nope")).Message);

        var map = Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me"));
        Assert.Equal(3L, map["proto"]);
        Assert.Equal("me", await client.CallAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task ResetRestoresANewConnectionsState()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "secret");
        await using var client = await node.ConnectAsync();
        Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "3"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "lib"));
        Assert.Equal("OK", await client.CallAsync("CLIENT", "NO-EVICT", "ON"));

        Assert.Equal("RESET", await client.CallAsync("RESET"));

        // Unauthenticated again (a password is set), RESP2 again.
        Assert.Equal("NOAUTH Authentication required.", Assert.IsType<RespError>(await client.CallAsync("CLIENT", "INFO")).Message);
        Assert.Equal("OK", await client.CallAsync("AUTH", "secret"));
        var info = (string)(await client.CallAsync("CLIENT", "INFO"))!;
        Assert.Contains(" name= ", info, StringComparison.Ordinal);
        Assert.Contains(" db=0 ", info, StringComparison.Ordinal);
        Assert.Contains(" flags=N ", info, StringComparison.Ordinal);
        Assert.Contains(" resp=2 ", info, StringComparison.Ordinal);
        Assert.Contains(" lib-name=lib ", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetWithoutPasswordKeepsTheClientAuthenticated()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("RESET", await client.CallAsync("RESET"));
        Assert.Equal("PONG", await client.CallAsync("PING"));
    }
}
