using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public partial class SortedSetCommandsTests
{
    private const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static object?[] Array(object? reply) => Assert.IsType<object?[]>(reply);

    [Fact]
    public async Task ZAddAddsMembersAndUpdatesScores()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(3L, await client.CallAsync("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal(1L, await client.CallAsync("ZADD", "z", "5", "a", "4", "d"));
        Assert.Equal(2L, await client.CallAsync("ZADD", "z", "CH", "6", "a", "4", "d", "7", "e"));
        Assert.Equal("6", await client.CallAsync("ZSCORE", "z", "a"));
        Assert.Equal(5L, await client.CallAsync("ZCARD", "z"));
        Assert.Equal(0L, await client.CallAsync("ZCARD", "nokey"));
        Assert.Null(await client.CallAsync("ZSCORE", "z", "zz"));
        Assert.Null(await client.CallAsync("ZSCORE", "nokey", "a"));
        Assert.Equal("zset", await client.CallAsync("TYPE", "z"));
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "z"));
    }

    [Fact]
    public async Task ZAddConditionsFollowRedis()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "5", "a");
        Assert.Equal(1L, await client.CallAsync("ZADD", "z", "NX", "1", "a", "1", "b"));
        Assert.Equal("5", await client.CallAsync("ZSCORE", "z", "a"));
        Assert.Equal(0L, await client.CallAsync("ZADD", "z", "XX", "2", "a", "2", "c"));
        Assert.Equal("2", await client.CallAsync("ZSCORE", "z", "a"));
        Assert.Null(await client.CallAsync("ZSCORE", "z", "c"));
        Assert.Equal(0L, await client.CallAsync("ZADD", "z", "GT", "CH", "1", "a"));
        Assert.Equal(1L, await client.CallAsync("ZADD", "z", "GT", "CH", "3", "a"));
        Assert.Equal(0L, await client.CallAsync("ZADD", "z", "LT", "CH", "9", "a"));
        Assert.Equal(1L, await client.CallAsync("ZADD", "z", "LT", "CH", "0", "a"));
        Assert.Equal(1L, await client.CallAsync("ZADD", "z", "GT", "7", "new"));
        Assert.Equal(0L, await client.CallAsync("ZADD", "xx", "XX", "1", "a"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "xx"));
        Assert.Equal("ERR XX and NX options at the same time are not compatible", Error(await client.CallAsync("ZADD", "z", "XX", "NX", "1", "a")));
        Assert.Equal("ERR GT, LT, and/or NX options at the same time are not compatible", Error(await client.CallAsync("ZADD", "z", "GT", "LT", "1", "a")));
        Assert.Equal("ERR GT, LT, and/or NX options at the same time are not compatible", Error(await client.CallAsync("ZADD", "z", "NX", "GT", "1", "a")));
        Assert.Equal("ERR INCR option supports a single increment-element pair", Error(await client.CallAsync("ZADD", "z", "INCR", "1", "a", "2", "b")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZADD", "z", "1", "a", "2")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZADD", "z", "NX", "CH")));
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("ZADD", "z", "x", "a")));
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("ZADD", "z", "nan", "a")));
        Assert.Equal("ERR wrong number of arguments for 'zadd' command", Error(await client.CallAsync("ZADD", "z", "1")));
    }

    [Fact]
    public async Task ZAddIncrRepliesTheScoreOrNil()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("1.5", await client.CallAsync("ZADD", "z", "INCR", "1.5", "a"));
        Assert.Equal("3", await client.CallAsync("ZADD", "z", "INCR", "1.5", "a"));
        Assert.Equal("3", await client.CallAsync("ZADD", "z", "INCR", "0", "a"));
        Assert.Null(await client.CallAsync("ZADD", "z", "INCR", "NX", "1", "a"));
        Assert.Null(await client.CallAsync("ZADD", "z", "INCR", "XX", "1", "b"));
        Assert.Null(await client.CallAsync("ZADD", "z", "INCR", "GT", "-1", "a"));
        Assert.Equal("inf", await client.CallAsync("ZADD", "z", "INCR", "+inf", "a"));
        Assert.Equal("ERR resulting score is not a number (NaN)", Error(await client.CallAsync("ZADD", "z", "INCR", "-inf", "a")));
        Assert.Equal("inf", await client.CallAsync("ZSCORE", "z", "a"));
    }

    [Fact]
    public async Task ZIncrByAddsToTheScore()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("2.5", await client.CallAsync("ZINCRBY", "z", "2.5", "a"));
        Assert.Equal("-0.5", await client.CallAsync("ZINCRBY", "z", "-3", "a"));
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("ZINCRBY", "z", "abc", "a")));
        Assert.Equal("inf", await client.CallAsync("ZINCRBY", "z", "inf", "a"));
        Assert.Equal("ERR resulting score is not a number (NaN)", Error(await client.CallAsync("ZINCRBY", "z", "-inf", "a")));
    }

    [Fact]
    public async Task NegativeZeroIsStoredAsZero()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(2L, await client.CallAsync("ZADD", "z", "-0", "a", "0", "b"));
        Assert.Equal("0", await client.CallAsync("ZSCORE", "z", "a"));
        Assert.Equal(new object?[] { "a", "b" }, Array(await client.CallAsync("ZRANGEBYSCORE", "z", "0", "0")));
    }

    [Fact]
    public async Task ZRemRemovesMembersAndTheEmptyKey()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a", "2", "b");
        Assert.Equal(1L, await client.CallAsync("ZREM", "z", "a", "zz"));
        Assert.Equal(0L, await client.CallAsync("ZREM", "nokey", "a"));
        Assert.Equal(1L, await client.CallAsync("ZREM", "z", "b", "b"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "z"));
    }

    [Fact]
    public async Task ZMScoreRepliesNilForMissingMembers()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a", "-inf", "b");
        Assert.Equal(new object?[] { "1", null, "-inf" }, Array(await client.CallAsync("ZMSCORE", "z", "a", "x", "b")));
        Assert.Equal(new object?[] { null, null }, Array(await client.CallAsync("ZMSCORE", "nokey", "a", "b")));
    }

    [Fact]
    public async Task ZRankAndZRevRankWithScores()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal(0L, await client.CallAsync("ZRANK", "z", "a"));
        Assert.Equal(2L, await client.CallAsync("ZREVRANK", "z", "a"));
        Assert.Equal(new object?[] { 1L, "2" }, Array(await client.CallAsync("ZRANK", "z", "b", "WITHSCORE")));
        Assert.Equal(new object?[] { 0L, "3" }, Array(await client.CallAsync("ZREVRANK", "z", "c", "WITHSCORE")));
        Assert.Null(await client.CallAsync("ZRANK", "z", "zz"));
        Assert.Null(await client.CallAsync("ZRANK", "z", "zz", "WITHSCORE"));
        Assert.Null(await client.CallAsync("ZRANK", "nokey", "a"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("ZRANK", "z", "a", "WITHSCORES")));
    }

    [Fact]
    public async Task ZCountAndZLexCountTakeRanges()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "-inf", "m", "1", "a", "2", "b", "3", "c", "+inf", "n");
        Assert.Equal(5L, await client.CallAsync("ZCOUNT", "z", "-inf", "+inf"));
        Assert.Equal(3L, await client.CallAsync("ZCOUNT", "z", "1", "3"));
        Assert.Equal(1L, await client.CallAsync("ZCOUNT", "z", "(1", "(3"));
        Assert.Equal(0L, await client.CallAsync("ZCOUNT", "z", "3", "1"));
        Assert.Equal(1L, await client.CallAsync("ZCOUNT", "z", "(3", "inf"));
        Assert.Equal(0L, await client.CallAsync("ZCOUNT", "nokey", "1", "3"));
        Assert.Equal("ERR min or max is not a float", Error(await client.CallAsync("ZCOUNT", "z", "x", "3")));
        Assert.Equal("ERR min or max is not a float", Error(await client.CallAsync("ZCOUNT", "z", "(", "3")));
        await client.CallAsync("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d");
        Assert.Equal(4L, await client.CallAsync("ZLEXCOUNT", "l", "-", "+"));
        Assert.Equal(2L, await client.CallAsync("ZLEXCOUNT", "l", "[b", "[c"));
        Assert.Equal(1L, await client.CallAsync("ZLEXCOUNT", "l", "(b", "[c"));
        Assert.Equal(0L, await client.CallAsync("ZLEXCOUNT", "l", "+", "-"));
        Assert.Equal("ERR min or max not valid string range item", Error(await client.CallAsync("ZLEXCOUNT", "l", "b", "[c")));
        Assert.Equal("ERR min or max not valid string range item", Error(await client.CallAsync("ZLEXCOUNT", "l", "[a", "++")));
    }

    [Fact]
    public async Task WrongTypeIsRefused()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "x");
        string[][] commands =
        [
            ["ZADD", "s", "1", "a"], ["ZINCRBY", "s", "1", "a"], ["ZREM", "s", "a"], ["ZSCORE", "s", "a"], ["ZMSCORE", "s", "a"],
            ["ZCARD", "s"], ["ZCOUNT", "s", "0", "1"], ["ZLEXCOUNT", "s", "-", "+"], ["ZRANK", "s", "a"], ["ZRANGE", "s", "0", "1"],
            ["ZRANGEBYSCORE", "s", "0", "1"], ["ZRANGEBYLEX", "s", "-", "+"], ["ZPOPMIN", "s"], ["ZPOPMAX", "s", "2"],
            ["ZMPOP", "1", "s", "MIN"], ["ZRANDMEMBER", "s"], ["ZRANDMEMBER", "s", "2"], ["ZSCAN", "s", "0"], ["ZUNION", "1", "s"],
            ["ZINTER", "1", "s"], ["ZDIFF", "1", "s"], ["ZUNIONSTORE", "d", "1", "s"], ["ZINTERCARD", "1", "s"],
            ["ZREMRANGEBYRANK", "s", "0", "1"], ["ZREMRANGEBYSCORE", "s", "0", "1"], ["ZREMRANGEBYLEX", "s", "-", "+"],
            ["ZRANGESTORE", "d", "s", "0", "1"],
        ];
        foreach (var command in commands)
        {
            Assert.Equal(WrongType, Error(await client.CallAsync(command)));
        }

        await client.CallAsync("ZADD", "z", "1", "a");
        Assert.Equal(WrongType, Error(await client.CallAsync("GET", "z")));
        Assert.Equal(WrongType, Error(await client.CallAsync("HGET", "z", "a")));
    }

    [Fact]
    public async Task LargeSetsSwitchToSkiplistEncoding()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        for (var i = 0; i < 128; i++)
        {
            await client.CallAsync("ZADD", "z", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i);
        }

        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "z"));
        await client.CallAsync("ZADD", "z", "1000", "last");
        Assert.Equal("skiplist", await client.CallAsync("OBJECT", "ENCODING", "z"));
        Assert.Equal(129L, await client.CallAsync("ZCARD", "z"));
        Assert.Equal(128L, await client.CallAsync("ZRANK", "z", "last"));
        await client.CallAsync("ZADD", "long", "1", new string('x', 65));
        Assert.Equal("skiplist", await client.CallAsync("OBJECT", "ENCODING", "long"));
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "zset-max-listpack-entries", "2"));
        Assert.Equal(new object?[] { "zset-max-listpack-entries", "2" }, Array(await client.CallAsync("CONFIG", "GET", "zset-max-listpack-entries")));
        Assert.Equal(new object?[] { "zset-max-listpack-value", "64" }, Array(await client.CallAsync("CONFIG", "GET", "zset-max-listpack-value")));
        await client.CallAsync("ZADD", "small", "1", "a", "2", "b", "3", "c");
        Assert.Equal("skiplist", await client.CallAsync("OBJECT", "ENCODING", "small"));
        Assert.True((long)(await client.CallAsync("MEMORY", "USAGE", "z"))! > 129 * 4);
    }

    [Fact]
    public async Task ScanTypeFindsSortedSets()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("ZADD", "z", "1", "a");
        await client.CallAsync("SET", "s", "1");
        var found = new List<object?>();
        var cursor = "0";
        do
        {
            var reply = Array(await client.CallAsync("SCAN", cursor, "TYPE", "zset", "COUNT", "100"));
            cursor = (string)reply[0]!;
            found.AddRange(Array(reply[1]));
        }
        while (cursor != "0");
        Assert.Equal(new object?[] { "z" }, found);
    }
}
