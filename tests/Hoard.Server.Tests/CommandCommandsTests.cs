using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class CommandCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task CommandListsTheWholeTable()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var count = Assert.IsType<long>(await client.CallAsync("COMMAND", "COUNT"));
        Assert.Equal(node.Server.Commands.All.Count, count);
        var all = Assert.IsType<object?[]>(await client.CallAsync("COMMAND"));
        Assert.Equal(count, all.Length);
        Assert.All(all, e => Assert.Equal(10, Assert.IsType<object?[]>(e).Length));
    }

    [Fact]
    public async Task InfoDescribesCommandsAndSubcommands()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var reply = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "INFO", "hset", "nosuch", "config"));
        var hset = Assert.IsType<object?[]>(reply[0]);
        Assert.Equal("hset", hset[0]);
        Assert.Equal(-4L, hset[1]);
        Assert.Equal(new object?[] { "write", "denyoom", "fast" }, hset[2]);
        Assert.Equal(1L, hset[3]);
        Assert.Equal(1L, hset[4]);
        Assert.Equal(1L, hset[5]);
        Assert.Contains("@hash", Assert.IsType<object?[]>(hset[6]));
        Assert.Empty(Assert.IsType<object?[]>(hset[7]));
        Assert.Empty(Assert.IsType<object?[]>(hset[9]));
        Assert.Null(reply[1]);
        var config = Assert.IsType<object?[]>(reply[2]);
        Assert.Equal(-2L, config[1]);
        var subs = Assert.IsType<object?[]>(config[9]).Select(s => (string)Assert.IsType<object?[]>(s)[0]!).ToList();
        Assert.Contains("config|get", subs);
        Assert.Contains("config|set", subs);
        var get = Assert.IsType<object?[]>(Assert.Single(Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "INFO", "config|get"))));
        Assert.Equal(-3L, get[1]);
    }

    [Fact]
    public async Task DocsGiveSummarySinceAndGroup()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var reply = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "DOCS", "hrandfield", "nosuch"));
        Assert.Equal(2, reply.Length);
        Assert.Equal("hrandfield", reply[0]);
        var doc = Assert.IsType<object?[]>(reply[1]);
        Assert.Equal(new object?[] { "summary", "Returns one or more random fields from a hash.", "since", "6.2.0", "group", "hash" }, doc);
    }

    [Fact]
    public async Task DocsAreMapsInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await HashCommandsTests.UseResp3Async(node, client);
        var reply = Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("COMMAND", "DOCS", "get"));
        var doc = Assert.IsType<Dictionary<object, object?>>(reply["get"]);
        Assert.Equal("string", doc["group"]);
        var info = Assert.IsType<object?[]>(Assert.Single(Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "INFO", "get"))));
        Assert.Equal(new object?[] { "readonly", "fast" }, info[2]);
    }

    [Fact]
    public async Task GetKeysFindsKeysOrExplainsWhyNot()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "k" }, await client.CallAsync("COMMAND", "GETKEYS", "HSET", "k", "f", "v"));
        Assert.Equal(new object?[] { "k" }, await client.CallAsync("COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"));
        Assert.Equal("ERR Invalid command specified", Error(await client.CallAsync("COMMAND", "GETKEYS", "NOSUCH", "k")));
        Assert.Equal("ERR The command has no key arguments", Error(await client.CallAsync("COMMAND", "GETKEYS", "PING", "x")));
        Assert.Equal("ERR Invalid number of arguments specified for command", Error(await client.CallAsync("COMMAND", "GETKEYS", "GET", "a", "b")));
        Assert.Equal("ERR wrong number of arguments for 'command|getkeys' command", Error(await client.CallAsync("COMMAND", "GETKEYS")));
    }

    [Fact]
    public async Task ListFilters()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var all = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "LIST"));
        Assert.Contains("hget", all);
        Assert.Contains("config|get", all);
        var hashes = Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "LIST", "FILTERBY", "PATTERN", "h*"));
        Assert.All(hashes, n => Assert.StartsWith("h", (string)n!, StringComparison.Ordinal));
        Assert.Contains("hscan", hashes);
        Assert.Contains("hgetall", Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "hash")));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "LIST", "FILTERBY", "MODULE", "x")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("COMMAND", "LIST", "FILTERBY", "COLOUR", "x")));
    }
}
