using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD with plain sets as inputs (score 1), as Redis.</summary>
public partial class SortedSetCommandsTests
{
    private static async Task<RespClient> SeedMixedAsync(TestNode node)
    {
        var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "{m}s", "a", "b", "c");
        await client.CallAsync("SADD", "{m}i", "1", "2", "3"); // an intset
        await client.CallAsync("ZADD", "{m}z", "5", "a", "2", "d");
        await client.CallAsync("SET", "{m}str", "x");
        return client;
    }

    [Fact]
    public async Task ZUnionReadsASetAsScoreOneWithWeightsAndAggregates()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedMixedAsync(node);
        Assert.Equal(new object?[] { "b", "1", "c", "1", "d", "2", "a", "6" },
            Array(await client.CallAsync("ZUNION", "2", "{m}s", "{m}z", "WITHSCORES")));
        Assert.Equal(new object?[] { "b", "2", "c", "2", "d", "6", "a", "17" },
            Array(await client.CallAsync("ZUNION", "2", "{m}s", "{m}z", "WEIGHTS", "2", "3", "WITHSCORES")));
        Assert.Equal(new object?[] { "b", "1", "c", "1", "d", "2", "a", "5" },
            Array(await client.CallAsync("ZUNION", "2", "{m}s", "{m}z", "AGGREGATE", "MAX", "WITHSCORES")));
        Assert.Equal(new object?[] { "a", "1", "b", "1", "c", "1", "d", "2" },
            Array(await client.CallAsync("ZUNION", "2", "{m}s", "{m}z", "AGGREGATE", "MIN", "WITHSCORES")));
        Assert.Equal(new object?[] { "1", "1", "2", "1", "3", "1", "a", "1", "b", "1", "c", "1" },
            Array(await client.CallAsync("ZUNION", "2", "{m}s", "{m}i", "WITHSCORES")));
        Assert.Equal(new object?[] { "a", "b", "c" }, Array(await client.CallAsync("ZUNION", "1", "{m}s")));
    }

    [Fact]
    public async Task ZInterAndZDiffReadASetAsScoreOne()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedMixedAsync(node);
        Assert.Equal(new object?[] { "a", "6" }, Array(await client.CallAsync("ZINTER", "2", "{m}s", "{m}z", "WITHSCORES")));
        Assert.Equal(new object?[] { "a", "15" },
            Array(await client.CallAsync("ZINTER", "2", "{m}z", "{m}s", "WEIGHTS", "1", "10", "AGGREGATE", "SUM", "WITHSCORES")));
        Assert.Equal(new object?[] { "a", "1" }, Array(await client.CallAsync("ZINTER", "2", "{m}z", "{m}s", "AGGREGATE", "MIN", "WITHSCORES")));
        Assert.Equal(new object?[] { "b", "1", "c", "1" }, Array(await client.CallAsync("ZDIFF", "2", "{m}s", "{m}z", "WITHSCORES")));
        Assert.Equal(new object?[] { "d", "2" }, Array(await client.CallAsync("ZDIFF", "2", "{m}z", "{m}s", "WITHSCORES")));
        Assert.Equal(2L, await client.CallAsync("ZINTERCARD", "2", "{m}s", "{m}s", "LIMIT", "2"));
        Assert.Equal(1L, await client.CallAsync("ZINTERCARD", "2", "{m}s", "{m}z"));
    }

    [Fact]
    public async Task StoreFormsTakeSetInputsAndOtherTypesStayWrongType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedMixedAsync(node);
        Assert.Equal(4L, await client.CallAsync("ZUNIONSTORE", "{m}d", "2", "{m}s", "{m}z", "WEIGHTS", "1", "2"));
        Assert.Equal(new object?[] { "b", "1", "c", "1", "d", "4", "a", "11" }, Array(await client.CallAsync("ZRANGE", "{m}d", "0", "-1", "WITHSCORES")));
        Assert.Equal("zset", await client.CallAsync("TYPE", "{m}d"));
        Assert.Equal(0L, await client.CallAsync("ZINTERSTORE", "{m}d2", "2", "{m}s", "{m}i"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "{m}d2"));
        Assert.Equal(3L, await client.CallAsync("ZDIFFSTORE", "{m}d3", "1", "{m}i"));
        Assert.Equal(new object?[] { "1", "1", "2", "1", "3", "1" }, Array(await client.CallAsync("ZRANGE", "{m}d3", "0", "-1", "WITHSCORES")));
        Assert.Equal(1L, await client.CallAsync("ZINTERSTORE", "{m}s", "2", "{m}s", "{m}z")); // the set input replaced by the result
        Assert.Equal("zset", await client.CallAsync("TYPE", "{m}s"));
        Assert.Equal(WrongType, Error(await client.CallAsync("ZUNION", "2", "{m}i", "{m}str")));
        Assert.Equal(WrongType, Error(await client.CallAsync("ZINTERSTORE", "{m}d", "2", "{m}i", "{m}str")));
        Assert.Equal(WrongType, Error(await client.CallAsync("ZINTERCARD", "1", "{m}str")));
    }
}
