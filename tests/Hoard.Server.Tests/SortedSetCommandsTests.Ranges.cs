using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public partial class SortedSetCommandsTests
{
    private static async Task<RespClient> SeedAsync(TestNode node)
    {
        var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        return client;
    }

    [Fact]
    public async Task ZRangeByRankHandlesNegativeAndOutOfRangeIndexes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        Assert.Equal(new object?[] { "a", "b", "c", "d", "e" }, Array(await client.CallAsync("ZRANGE", "z", "0", "-1")));
        Assert.Equal(new object?[] { "d", "e" }, Array(await client.CallAsync("ZRANGE", "z", "-2", "100")));
        Assert.Equal(new object?[] { "a", "1", "b", "2" }, Array(await client.CallAsync("ZRANGE", "z", "-100", "1", "WITHSCORES")));
        Assert.Empty(Array(await client.CallAsync("ZRANGE", "z", "3", "1")));
        Assert.Empty(Array(await client.CallAsync("ZRANGE", "z", "5", "10")));
        Assert.Empty(Array(await client.CallAsync("ZRANGE", "nokey", "0", "-1")));
        Assert.Equal(new object?[] { "e", "d" }, Array(await client.CallAsync("ZRANGE", "z", "0", "1", "REV")));
        Assert.Equal(new object?[] { "e", "5", "d", "4" }, Array(await client.CallAsync("ZREVRANGE", "z", "0", "1", "WITHSCORES")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("ZRANGE", "z", "a", "1")));
        Assert.Equal("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            Error(await client.CallAsync("ZRANGE", "z", "0", "1", "LIMIT", "0", "1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANGE", "z", "0", "1", "BOGUS")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZREVRANGE", "z", "0", "1", "REV")));
    }

    [Fact]
    public async Task ZRangeByScoreHonoursExclusionInfinityAndLimit()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        Assert.Equal(new object?[] { "b", "c", "d" }, Array(await client.CallAsync("ZRANGE", "z", "(1", "4", "BYSCORE")));
        Assert.Equal(new object?[] { "a", "b", "c", "d", "e" }, Array(await client.CallAsync("ZRANGEBYSCORE", "z", "-inf", "+inf")));
        Assert.Equal(new object?[] { "c", "3", "d", "4" }, Array(await client.CallAsync("ZRANGEBYSCORE", "z", "(1", "(5", "WITHSCORES", "LIMIT", "1", "2")));
        Assert.Equal(new object?[] { "d", "c", "b" }, Array(await client.CallAsync("ZRANGE", "z", "4", "(1", "BYSCORE", "REV")));
        Assert.Equal(new object?[] { "c", "b" }, Array(await client.CallAsync("ZREVRANGEBYSCORE", "z", "4", "(1", "LIMIT", "1", "-1")));
        Assert.Empty(Array(await client.CallAsync("ZRANGEBYSCORE", "z", "4", "1")));
        Assert.Empty(Array(await client.CallAsync("ZRANGEBYSCORE", "z", "1", "4", "LIMIT", "-1", "2")));
        Assert.Empty(Array(await client.CallAsync("ZRANGEBYSCORE", "z", "1", "4", "LIMIT", "10", "2")));
        Assert.Equal("ERR min or max is not a float", Error(await client.CallAsync("ZRANGEBYSCORE", "z", "a", "4")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("ZRANGEBYSCORE", "z", "1", "4", "LIMIT", "x", "1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANGEBYSCORE", "z", "1", "4", "LIMIT", "1")));
    }

    [Fact]
    public async Task ZRangeByLexUsesBracketsAndInfinities()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
        Assert.Equal(new object?[] { "a", "b", "c", "d", "e" }, Array(await client.CallAsync("ZRANGEBYLEX", "l", "-", "+")));
        Assert.Equal(new object?[] { "b", "c" }, Array(await client.CallAsync("ZRANGEBYLEX", "l", "[b", "(d")));
        Assert.Equal(new object?[] { "d", "c" }, Array(await client.CallAsync("ZREVRANGEBYLEX", "l", "[d", "(b")));
        Assert.Equal(new object?[] { "c", "d" }, Array(await client.CallAsync("ZRANGE", "l", "(b", "+", "BYLEX", "LIMIT", "0", "2")));
        Assert.Equal(new object?[] { "e", "d" }, Array(await client.CallAsync("ZRANGE", "l", "+", "[c", "BYLEX", "REV", "LIMIT", "0", "2")));
        Assert.Empty(Array(await client.CallAsync("ZRANGEBYLEX", "l", "+", "-")));
        Assert.Equal("ERR min or max not valid string range item", Error(await client.CallAsync("ZRANGEBYLEX", "l", "a", "+")));
        Assert.Equal("ERR syntax error, WITHSCORES not supported in combination with BYLEX",
            Error(await client.CallAsync("ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES")));
    }

    [Fact]
    public async Task ZRangeWithScoresNestsPairsInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        await HashCommandsTests.UseResp3Async(node, client);
        var reply = Array(await client.CallAsync("ZRANGE", "z", "0", "1", "WITHSCORES"));
        Assert.Equal(new object?[] { "a", 1.0 }, Array(reply[0]));
        Assert.Equal(new object?[] { "b", 2.0 }, Array(reply[1]));
        Assert.Equal(1.0, await client.CallAsync("ZSCORE", "z", "a"));
        Assert.Equal(new object?[] { 0L, 1.0 }, Array(await client.CallAsync("ZRANK", "z", "a", "WITHSCORE")));
        Assert.Equal(new object?[] { "a", 1.0 }, Array(await client.CallAsync("ZPOPMIN", "z")));
        var popped = Array(await client.CallAsync("ZPOPMAX", "z", "1"));
        Assert.Equal(new object?[] { "e", 5.0 }, Array(popped[0]));
        var scan = Array(await client.CallAsync("ZSCAN", "z", "0"));
        Assert.Equal(new object?[] { "b", "2", "c", "3", "d", "4" }, Array(scan[1]));
    }

    [Fact]
    public async Task ZRangeStoreWritesTheDestination()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        await client.CallAsync("SET", "d", "old");
        Assert.Equal(3L, await client.CallAsync("ZRANGESTORE", "d", "z", "2", "4", "BYSCORE"));
        Assert.Equal(new object?[] { "b", "2", "c", "3", "d", "4" }, Array(await client.CallAsync("ZRANGE", "d", "0", "-1", "WITHSCORES")));
        Assert.Equal(2L, await client.CallAsync("ZRANGESTORE", "d", "z", "0", "1", "REV"));
        Assert.Equal(new object?[] { "d", "e" }, Array(await client.CallAsync("ZRANGE", "d", "0", "-1")));
        Assert.Equal(0L, await client.CallAsync("ZRANGESTORE", "d", "nokey", "0", "-1"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "d"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES")));
        Assert.Equal(2L, await client.CallAsync("ZRANGESTORE", "z", "z", "0", "1"));
        Assert.Equal(2L, await client.CallAsync("ZCARD", "z"));
    }

    [Fact]
    public async Task ZRemRangeCommandsRemoveRanges()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        Assert.Equal(2L, await client.CallAsync("ZREMRANGEBYRANK", "z", "-2", "-1"));
        Assert.Equal(new object?[] { "a", "b", "c" }, Array(await client.CallAsync("ZRANGE", "z", "0", "-1")));
        Assert.Equal(1L, await client.CallAsync("ZREMRANGEBYSCORE", "z", "(1", "2"));
        Assert.Equal(0L, await client.CallAsync("ZREMRANGEBYSCORE", "z", "5", "1"));
        Assert.Equal(0L, await client.CallAsync("ZREMRANGEBYRANK", "z", "5", "10"));
        await client.CallAsync("ZADD", "l", "0", "a", "0", "b", "0", "c");
        Assert.Equal(2L, await client.CallAsync("ZREMRANGEBYLEX", "l", "[b", "+"));
        Assert.Equal(1L, await client.CallAsync("ZREMRANGEBYLEX", "l", "-", "+"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "l"));
        Assert.Equal(0L, await client.CallAsync("ZREMRANGEBYRANK", "nokey", "0", "-1"));
        Assert.Equal("ERR min or max is not a float", Error(await client.CallAsync("ZREMRANGEBYSCORE", "z", "x", "1")));
        Assert.Equal("ERR min or max not valid string range item", Error(await client.CallAsync("ZREMRANGEBYLEX", "z", "x", "+")));
    }

    [Fact]
    public async Task ZPopMinAndMaxPopInOrder()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        Assert.Equal(new object?[] { "a", "1" }, Array(await client.CallAsync("ZPOPMIN", "z")));
        Assert.Equal(new object?[] { "e", "5", "d", "4" }, Array(await client.CallAsync("ZPOPMAX", "z", "2")));
        Assert.Empty(Array(await client.CallAsync("ZPOPMIN", "z", "0")));
        Assert.Equal("ERR value is out of range, must be positive", Error(await client.CallAsync("ZPOPMIN", "z", "-1")));
        Assert.Equal(new object?[] { "b", "2", "c", "3" }, Array(await client.CallAsync("ZPOPMIN", "z", "10")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "z"));
        Assert.Empty(Array(await client.CallAsync("ZPOPMIN", "z")));
    }

    [Fact]
    public async Task ZMPopPopsFromTheFirstNonEmptyKey()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        var reply = Array(await client.CallAsync("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2"));
        Assert.Equal("z", reply[0]);
        var entries = Array(reply[1]);
        Assert.Equal(new object?[] { "e", "5" }, Array(entries[0]));
        Assert.Equal(new object?[] { "d", "4" }, Array(entries[1]));
        reply = Array(await client.CallAsync("ZMPOP", "1", "z", "MIN"));
        Assert.Equal(new object?[] { "a", "1" }, Array(Array(reply[1])[0]));
        Assert.Null(await client.CallAsync("ZMPOP", "1", "nokey", "MIN"));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("ZMPOP", "0", "z", "MIN")));
        Assert.Equal("ERR count should be greater than 0", Error(await client.CallAsync("ZMPOP", "1", "z", "MIN", "COUNT", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZMPOP", "1", "z", "MIDDLE")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZMPOP", "3", "z", "MIN")));
    }

    [Fact]
    public async Task ZRandMemberPicksDistinctOrRepeatedMembers()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await SeedAsync(node);
        Assert.Contains(await client.CallAsync("ZRANDMEMBER", "z"), new object?[] { "a", "b", "c", "d", "e" });
        Assert.Null(await client.CallAsync("ZRANDMEMBER", "nokey"));
        Assert.Empty(Array(await client.CallAsync("ZRANDMEMBER", "nokey", "3")));
        Assert.Equal(3, Array(await client.CallAsync("ZRANDMEMBER", "z", "3")).Distinct().Count());
        Assert.Equal(5, Array(await client.CallAsync("ZRANDMEMBER", "z", "50")).Length);
        Assert.Equal(20, Array(await client.CallAsync("ZRANDMEMBER", "z", "-20")).Length);
        var withScores = Array(await client.CallAsync("ZRANDMEMBER", "z", "2", "WITHSCORES"));
        Assert.Equal(4, withScores.Length);
        Assert.Empty(Array(await client.CallAsync("ZRANDMEMBER", "z", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANDMEMBER", "z", "2", "WITHSCORE")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("ZRANDMEMBER", "z", "x")));
    }

    [Fact]
    public async Task ZScanReturnsEveryMemberOfALargeSet()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var args = new List<object> { "ZADD", "big" };
        for (var i = 0; i < 500; i++)
        {
            args.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add("m" + i);
        }

        await client.CallAsync([.. args]);
        var seen = new HashSet<string>();
        var cursor = "0";
        do
        {
            var reply = Array(await client.CallAsync("ZSCAN", "big", cursor, "COUNT", "50"));
            cursor = (string)reply[0]!;
            var items = Array(reply[1]);
            for (var i = 0; i < items.Length; i += 2)
            {
                seen.Add((string)items[i]!);
            }
        }
        while (cursor != "0");
        Assert.Equal(500, seen.Count);
        var matched = Array(Array(await client.CallAsync("ZSCAN", "big", "0", "MATCH", "m1?", "COUNT", "1000"))[1]);
        Assert.Equal(20, matched.Length);
        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("ZSCAN", "big", "x")));
    }
}
