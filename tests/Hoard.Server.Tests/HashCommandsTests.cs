using Hoard.Protocol;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class HashCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>Switches the only connected client to RESP3 (HELLO lives on another branch).</summary>
    internal static async Task UseResp3Async(TestNode node, RespClient client)
    {
        Assert.Equal("PONG", await client.CallAsync("PING"));
        node.Server.Clients.Single().Protocol = RespVersion.Resp3;
    }

    [Fact]
    public async Task HSetAddsPairsAndCountsNewFields()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(2L, await client.CallAsync("HSET", "h", "a", "1", "b", "2"));
        Assert.Equal(1L, await client.CallAsync("HSET", "h", "a", "9", "c", "3"));
        Assert.Equal("9", await client.CallAsync("HGET", "h", "a"));
        Assert.Null(await client.CallAsync("HGET", "h", "zz"));
        Assert.Null(await client.CallAsync("HGET", "nokey", "a"));
        Assert.Equal("ERR wrong number of arguments for 'hset' command", Error(await client.CallAsync("HSET", "h", "a", "1", "b")));
        Assert.Equal("ERR wrong number of arguments for 'hmset' command", Error(await client.CallAsync("HMSET", "h", "a", "1", "b")));
        Assert.Equal("ERR wrong number of arguments for 'hset' command", Error(await client.CallAsync("HSET", "h", "a")));
        Assert.Equal("OK", await client.CallAsync("HMSET", "h", "d", "4"));
        Assert.Equal(4L, await client.CallAsync("HLEN", "h"));
        Assert.Equal(0L, await client.CallAsync("HLEN", "nokey"));
    }

    [Fact]
    public async Task HSetNxOnlySetsNewFields()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(1L, await client.CallAsync("HSETNX", "h", "a", "1"));
        Assert.Equal(0L, await client.CallAsync("HSETNX", "h", "a", "2"));
        Assert.Equal("1", await client.CallAsync("HGET", "h", "a"));
    }

    [Fact]
    public async Task WrongTypeIsRefused()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "x");
        const string wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
        Assert.Equal(wrongType, Error(await client.CallAsync("HSET", "s", "a", "1")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HGET", "s", "a")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HMGET", "s", "a")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HGETALL", "s")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HDEL", "s", "a")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HLEN", "s")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HSCAN", "s", "0")));
        Assert.Equal(wrongType, Error(await client.CallAsync("HRANDFIELD", "s", "2")));
    }

    [Fact]
    public async Task HMGetAnswersNullForMissingFields()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "h", "a", "1", "b", "2");
        Assert.Equal(new object?[] { "1", null, "2" }, await client.CallAsync("HMGET", "h", "a", "x", "b"));
        Assert.Equal(new object?[] { null, null }, await client.CallAsync("HMGET", "nokey", "a", "b"));
    }

    [Fact]
    public async Task HGetAllKeysAndValsKeepInsertionOrder()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.Equal(new object?[] { "a", "1", "b", "2", "c", "3" }, await client.CallAsync("HGETALL", "h"));
        Assert.Equal(new object?[] { "a", "b", "c" }, await client.CallAsync("HKEYS", "h"));
        Assert.Equal(new object?[] { "1", "2", "3" }, await client.CallAsync("HVALS", "h"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("HGETALL", "nokey"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("HKEYS", "nokey"));
    }

    [Fact]
    public async Task HGetAllIsAMapInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await UseResp3Async(node, client);
        await client.CallAsync("HSET", "h", "a", "1", "b", "2");
        var map = Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HGETALL", "h"));
        Assert.Equal("1", map["a"]);
        Assert.Equal("2", map["b"]);
        Assert.Empty(Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("HGETALL", "nokey")));
    }

    [Fact]
    public async Task LargeHashesWorkAfterConversion()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var args = new List<object> { "HSET", "big" };
        for (var i = 0; i < 300; i++)
        {
            args.Add($"f{i}");
            args.Add($"v{i}");
        }

        Assert.Equal(300L, await client.CallAsync([.. args]));
        Assert.Equal("hashtable", node.Server.Keyspace[0].EncodingOf("big"u8));
        Assert.Equal(600, Assert.IsType<object?[]>(await client.CallAsync("HGETALL", "big")).Length);
        Assert.Equal("v7", await client.CallAsync("HGET", "big", "f7"));
        Assert.Equal(2L, await client.CallAsync("HDEL", "big", "f7", "f8", "nothere"));
        Assert.Equal(298L, await client.CallAsync("HLEN", "big"));
    }

    [Fact]
    public async Task HDelRemovesFieldsAndTheEmptyKey()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "h", "a", "1", "b", "2");
        Assert.Equal(1L, await client.CallAsync("HDEL", "h", "a", "x"));
        Assert.Equal(1L, await client.CallAsync("HDEL", "h", "b"));
        Assert.Equal(0L, await client.CallAsync("HDEL", "h", "b"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task HExistsAndHStrLen()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "h", "a", "hello");
        Assert.Equal(1L, await client.CallAsync("HEXISTS", "h", "a"));
        Assert.Equal(0L, await client.CallAsync("HEXISTS", "h", "b"));
        Assert.Equal(0L, await client.CallAsync("HEXISTS", "nokey", "b"));
        Assert.Equal(5L, await client.CallAsync("HSTRLEN", "h", "a"));
        Assert.Equal(0L, await client.CallAsync("HSTRLEN", "h", "b"));
        Assert.Equal(0L, await client.CallAsync("HSTRLEN", "nokey", "b"));
    }

    [Fact]
    public async Task HIncrByFollowsRedisErrors()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(5L, await client.CallAsync("HINCRBY", "h", "n", "5"));
        Assert.Equal(2L, await client.CallAsync("HINCRBY", "h", "n", "-3"));
        await client.CallAsync("HSET", "h", "s", "abc", "max", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ERR hash value is not an integer", Error(await client.CallAsync("HINCRBY", "h", "s", "1")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("HINCRBY", "h", "n", "x")));
        Assert.Equal("ERR increment or decrement would overflow", Error(await client.CallAsync("HINCRBY", "h", "max", "1")));
    }

    [Fact]
    public async Task HIncrByFloatFollowsRedisErrorsAndFormat()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("10.5", await client.CallAsync("HINCRBYFLOAT", "h", "f", "10.5"));
        Assert.Equal("10.6", await client.CallAsync("HINCRBYFLOAT", "h", "f", "0.1"));
        Assert.Equal("5000", await client.CallAsync("HINCRBYFLOAT", "h", "g", "5.0e3"));
        await client.CallAsync("HSET", "h", "s", "abc");
        Assert.Equal("ERR hash value is not a float", Error(await client.CallAsync("HINCRBYFLOAT", "h", "s", "1")));
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("HINCRBYFLOAT", "h", "f", "x")));
        Assert.Equal("ERR increment would produce NaN or Infinity", Error(await client.CallAsync("HINCRBYFLOAT", "h", "f", "inf")));
    }

    [Fact]
    public async Task HRandFieldFollowsCountRules()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.Contains(await client.CallAsync("HRANDFIELD", "h"), new object[] { "a", "b", "c" });
        Assert.Null(await client.CallAsync("HRANDFIELD", "nokey"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("HRANDFIELD", "nokey", "3"));
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("HRANDFIELD", "h", "0"));
        var distinct = Assert.IsType<object?[]>(await client.CallAsync("HRANDFIELD", "h", "2"));
        Assert.Equal(2, distinct.Distinct().Count());
        Assert.Equal(3, Assert.IsType<object?[]>(await client.CallAsync("HRANDFIELD", "h", "10")).Length);
        Assert.Equal(7, Assert.IsType<object?[]>(await client.CallAsync("HRANDFIELD", "h", "-7")).Length);
        var pairs = Assert.IsType<object?[]>(await client.CallAsync("HRANDFIELD", "h", "-4", "WITHVALUES"));
        Assert.Equal(8, pairs.Length);
        for (var i = 0; i < pairs.Length; i += 2)
        {
            Assert.Equal(((string)pairs[i]!)[0] - 'a' + 1, int.Parse((string)pairs[i + 1]!, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("ERR syntax error", Error(await client.CallAsync("HRANDFIELD", "h", "2", "WITHSCORES")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("HRANDFIELD", "h", "x")));
        Assert.Equal("ERR value is out of range", Error(await client.CallAsync("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES")));
    }

    [Fact]
    public async Task HRandFieldWithValuesNestsPairsInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await UseResp3Async(node, client);
        await client.CallAsync("HSET", "h", "a", "1");
        var pairs = Assert.IsType<object?[]>(await client.CallAsync("HRANDFIELD", "h", "-2", "WITHVALUES"));
        Assert.Equal(2, pairs.Length);
        Assert.All(pairs, p => Assert.Equal(new object?[] { "a", "1" }, p));
    }

    [Fact]
    public async Task HScanReturnsEverythingWithMatchAndCount()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HSET", "small", "a1", "1", "b1", "2", "a2", "3");
        var reply = Assert.IsType<object?[]>(await client.CallAsync("HSCAN", "small", "0", "MATCH", "a*"));
        Assert.Equal("0", reply[0]);
        Assert.Equal(new object?[] { "a1", "1", "a2", "3" }, reply[1]);
        Assert.Equal(new object?[] { "0", Array.Empty<object?>() }, await client.CallAsync("HSCAN", "nokey", "0"));

        var args = new List<object> { "HSET", "big" };
        for (var i = 0; i < 500; i++)
        {
            args.Add($"f{i}");
            args.Add("v");
        }

        await client.CallAsync([.. args]);
        var seen = new HashSet<string>();
        var cursor = "0";
        var rounds = 0;
        do
        {
            var step = Assert.IsType<object?[]>(await client.CallAsync("HSCAN", "big", cursor, "COUNT", "50"));
            cursor = (string)step[0]!;
            var items = Assert.IsType<object?[]>(step[1]);
            for (var i = 0; i < items.Length; i += 2)
            {
                seen.Add((string)items[i]!);
            }

            rounds++;
        }
        while (cursor != "0" && rounds < 1000);
        Assert.Equal(500, seen.Count);
        Assert.True(rounds > 1);

        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("HSCAN", "big", "abc")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("HSCAN", "big", "0", "COUNT", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("HSCAN", "big", "0", "BOGUS")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("HSCAN", "big", "0", "COUNT", "x")));
    }
}
