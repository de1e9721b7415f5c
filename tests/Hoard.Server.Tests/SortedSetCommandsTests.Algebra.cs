using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public partial class SortedSetCommandsTests
{
    private static async Task<RespClient> SeedTwoAsync(TestNode node)
    {
        var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "{t}a", "1", "x", "2", "y", "3", "z");
        await client.CallAsync("ZADD", "{t}b", "10", "y", "20", "z", "30", "w");
        return client;
    }

    [Fact]
    public async Task ZUnionAggregatesAndWeighs()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedTwoAsync(node);
        Assert.Equal(new object?[] { "x", "1", "y", "12", "z", "23", "w", "30" },
            Array(await client.CallAsync("ZUNION", "2", "{t}a", "{t}b", "WITHSCORES")));
        Assert.Equal(new object?[] { "x", "2", "y", "4", "z", "6", "w", "30" },
            Array(await client.CallAsync("ZUNION", "2", "{t}a", "{t}b", "WEIGHTS", "2", "1", "AGGREGATE", "MIN", "WITHSCORES")));
        Assert.Equal(new object?[] { "x", "y", "z", "w" }, Array(await client.CallAsync("ZUNION", "3", "{t}a", "{t}b", "{t}none", "AGGREGATE", "MAX")));
        Assert.Equal("ERR at least 1 input key is needed for 'zunion' command", Error(await client.CallAsync("ZUNION", "0", "{t}a")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZUNION", "3", "{t}a", "{t}b")));
        Assert.Equal("ERR weight value is not a float", Error(await client.CallAsync("ZUNION", "2", "{t}a", "{t}b", "WEIGHTS", "1", "x")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZUNION", "2", "{t}a", "{t}b", "AGGREGATE", "AVG")));
    }

    [Fact]
    public async Task ZUnionTurnsNaNProductsAndSumsIntoZero()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "{t}p", "inf", "m");
        await client.CallAsync("ZADD", "{t}n", "-inf", "m");
        Assert.Equal(new object?[] { "m", "0" }, Array(await client.CallAsync("ZUNION", "2", "{t}p", "{t}n", "WITHSCORES")));
        Assert.Equal(new object?[] { "m", "0" }, Array(await client.CallAsync("ZUNION", "1", "{t}p", "WEIGHTS", "0", "WITHSCORES")));
    }

    [Fact]
    public async Task ZInterAndZDiffCombineMembers()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedTwoAsync(node);
        Assert.Equal(new object?[] { "y", "12", "z", "23" }, Array(await client.CallAsync("ZINTER", "2", "{t}a", "{t}b", "WITHSCORES")));
        Assert.Empty(Array(await client.CallAsync("ZINTER", "2", "{t}a", "{t}none")));
        Assert.Equal(new object?[] { "x", "1" }, Array(await client.CallAsync("ZDIFF", "2", "{t}a", "{t}b", "WITHSCORES")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZDIFF", "2", "{t}a", "{t}b", "WEIGHTS", "1", "1")));
        Assert.Equal(2L, await client.CallAsync("ZINTERCARD", "2", "{t}a", "{t}b"));
        Assert.Equal(1L, await client.CallAsync("ZINTERCARD", "2", "{t}a", "{t}b", "LIMIT", "1"));
        Assert.Equal(2L, await client.CallAsync("ZINTERCARD", "2", "{t}a", "{t}b", "LIMIT", "0"));
        Assert.Equal("ERR LIMIT can't be negative", Error(await client.CallAsync("ZINTERCARD", "1", "{t}a", "LIMIT", "-1")));
        Assert.Equal("ERR at least 1 input key is needed for 'zintercard' command", Error(await client.CallAsync("ZINTERCARD", "0", "{t}a")));
    }

    [Fact]
    public async Task StoreFormsReplaceOrDeleteTheDestination()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedTwoAsync(node);
        await client.CallAsync("SET", "{t}d", "x");
        await client.CallAsync("EXPIRE", "{t}d", "100");
        Assert.Equal(4L, await client.CallAsync("ZUNIONSTORE", "{t}d", "2", "{t}a", "{t}b"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "{t}d"));
        Assert.Equal(new object?[] { "x", "1", "y", "12", "z", "23", "w", "30" }, Array(await client.CallAsync("ZRANGE", "{t}d", "0", "-1", "WITHSCORES")));
        Assert.Equal(2L, await client.CallAsync("ZINTERSTORE", "{t}d", "2", "{t}a", "{t}b", "WEIGHTS", "1", "0"));
        Assert.Equal(new object?[] { "y", "2", "z", "3" }, Array(await client.CallAsync("ZRANGE", "{t}d", "0", "-1", "WITHSCORES")));
        Assert.Equal(1L, await client.CallAsync("ZDIFFSTORE", "{t}d", "2", "{t}a", "{t}b"));
        Assert.Equal(0L, await client.CallAsync("ZINTERSTORE", "{t}d", "2", "{t}a", "{t}none"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "{t}d"));
        Assert.Equal(3L, await client.CallAsync("ZUNIONSTORE", "{t}a", "1", "{t}a", "WEIGHTS", "2"));
        Assert.Equal("6", await client.CallAsync("ZSCORE", "{t}a", "z"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZUNIONSTORE", "{t}d", "1", "{t}a", "WITHSCORES")));
        Assert.Equal("ERR at least 1 input key is needed for 'zunionstore' command", Error(await client.CallAsync("ZUNIONSTORE", "{t}d", "0", "{t}a")));
    }

    [Fact]
    public async Task NumkeysCommandsDeclareTheirKeys()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "d", "a", "b" }, Array(await client.CallAsync("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")));
        Assert.Equal(new object?[] { "a", "b" }, Array(await client.CallAsync("COMMAND", "GETKEYS", "ZINTER", "2", "a", "b")));
        Assert.Equal(new object?[] { "a" }, Array(await client.CallAsync("COMMAND", "GETKEYS", "ZMPOP", "1", "a", "MIN")));
        Assert.Equal(new object?[] { "d", "s" }, Array(await client.CallAsync("COMMAND", "GETKEYS", "ZRANGESTORE", "d", "s", "0", "1")));
    }

    [Fact]
    public async Task CommandDocsPlaceSortedSetCommandsInTheirGroup()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var reply = Array(await client.CallAsync("COMMAND", "DOCS", "zmpop"));
        var doc = Array(reply[1]);
        Assert.Equal("sorted-set", doc[System.Array.IndexOf(doc, "group") + 1]);
        Assert.Equal("7.0.0", doc[System.Array.IndexOf(doc, "since") + 1]);
    }
}
