using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ListCommandsTests
{
    private const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static string[] Strings(object? reply) => Assert.IsType<object?[]>(reply).Select(x => (string)x!).ToArray();

    [Fact]
    public async Task PushesAddAtEitherEndAndReturnTheLength()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(3L, await client.CallAsync("LPUSH", "l", "a", "b", "c"));
        Assert.Equal(5L, await client.CallAsync("RPUSH", "l", "d", "e"));
        Assert.Equal(new[] { "c", "b", "a", "d", "e" }, Strings(await client.CallAsync("LRANGE", "l", "0", "-1")));
        Assert.Equal(0L, await client.CallAsync("LPUSHX", "nokey", "a"));
        Assert.Equal(0L, await client.CallAsync("RPUSHX", "nokey", "a"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "nokey"));
        Assert.Equal(6L, await client.CallAsync("LPUSHX", "l", "z"));
        Assert.Equal(8L, await client.CallAsync("RPUSHX", "l", "y", "x"));
        Assert.Equal(8L, await client.CallAsync("LLEN", "l"));
        Assert.Equal(0L, await client.CallAsync("LLEN", "nokey"));
        Assert.Equal("ERR wrong number of arguments for 'lpush' command", Error(await client.CallAsync("LPUSH", "l")));
    }

    [Fact]
    public async Task PopsTakeFromEitherEndWithAndWithoutACount()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "l", "a", "b", "c", "d", "e");
        Assert.Equal("a", await client.CallAsync("LPOP", "l"));
        Assert.Equal("e", await client.CallAsync("RPOP", "l"));
        Assert.Equal(new[] { "b", "c" }, Strings(await client.CallAsync("LPOP", "l", "2")));
        Assert.Empty(Strings(await client.CallAsync("LPOP", "l", "0")));
        Assert.Equal(new[] { "d" }, Strings(await client.CallAsync("RPOP", "l", "10")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "l"));
        Assert.Null(await client.CallAsync("LPOP", "l"));
        Assert.Null(await client.CallAsync("RPOP", "l", "3"));
        Assert.Equal("ERR value is out of range, must be positive", Error(await client.CallAsync("LPOP", "l", "-1")));
        Assert.Equal("ERR value is out of range, must be positive", Error(await client.CallAsync("RPOP", "l", "x")));
        Assert.Equal("ERR wrong number of arguments for 'lpop' command", Error(await client.CallAsync("LPOP", "l", "1", "2")));
    }

    [Fact]
    public async Task RangeAndIndexAcceptNegativeAndOutOfRangeIndexes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "l", "a", "b", "c", "d");
        Assert.Equal(new[] { "c", "d" }, Strings(await client.CallAsync("LRANGE", "l", "-2", "100")));
        Assert.Equal(new[] { "a", "b", "c", "d" }, Strings(await client.CallAsync("LRANGE", "l", "-100", "100")));
        Assert.Empty(Strings(await client.CallAsync("LRANGE", "l", "3", "1")));
        Assert.Empty(Strings(await client.CallAsync("LRANGE", "l", "10", "20")));
        Assert.Empty(Strings(await client.CallAsync("LRANGE", "nokey", "0", "-1")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("LRANGE", "l", "x", "1")));
        Assert.Equal("a", await client.CallAsync("LINDEX", "l", "0"));
        Assert.Equal("d", await client.CallAsync("LINDEX", "l", "-1"));
        Assert.Null(await client.CallAsync("LINDEX", "l", "4"));
        Assert.Null(await client.CallAsync("LINDEX", "l", "-5"));
        Assert.Null(await client.CallAsync("LINDEX", "nokey", "0"));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("LINDEX", "l", "1.5")));
    }

    [Fact]
    public async Task SetInsertRemoveAndTrimChangeTheListAsRedisDoes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "l", "a", "b", "a", "c", "a");
        Assert.Equal("OK", await client.CallAsync("LSET", "l", "-1", "z"));
        Assert.Equal("ERR index out of range", Error(await client.CallAsync("LSET", "l", "5", "x")));
        Assert.Equal("ERR no such key", Error(await client.CallAsync("LSET", "nokey", "0", "x")));
        Assert.Equal(6L, await client.CallAsync("LINSERT", "l", "BEFORE", "c", "new"));
        Assert.Equal(7L, await client.CallAsync("LINSERT", "l", "after", "z", "end"));
        Assert.Equal(-1L, await client.CallAsync("LINSERT", "l", "AFTER", "missing", "x"));
        Assert.Equal(0L, await client.CallAsync("LINSERT", "nokey", "AFTER", "a", "x"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LINSERT", "l", "MIDDLE", "a", "x")));
        Assert.Equal(new[] { "a", "b", "a", "new", "c", "z", "end" }, Strings(await client.CallAsync("LRANGE", "l", "0", "-1")));
        Assert.Equal(1L, await client.CallAsync("LREM", "l", "-1", "a"));
        Assert.Equal(new[] { "a", "b", "new", "c", "z", "end" }, Strings(await client.CallAsync("LRANGE", "l", "0", "-1")));
        Assert.Equal(1L, await client.CallAsync("LREM", "l", "0", "a"));
        Assert.Equal(0L, await client.CallAsync("LREM", "nokey", "0", "a"));
        Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "1", "-2"));
        Assert.Equal(new[] { "new", "c", "z" }, Strings(await client.CallAsync("LRANGE", "l", "0", "-1")));
        Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "5", "1"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "l"));
        Assert.Equal("OK", await client.CallAsync("LTRIM", "nokey", "0", "1"));
    }

    [Fact]
    public async Task PositionsHonourRankCountAndMaxLength()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
        Assert.Equal(2L, await client.CallAsync("LPOS", "l", "c"));
        Assert.Equal(6L, await client.CallAsync("LPOS", "l", "c", "RANK", "2"));
        Assert.Equal(7L, await client.CallAsync("LPOS", "l", "c", "RANK", "-1"));
        Assert.Equal(new object?[] { 2L, 6L }, Assert.IsType<object?[]>(await client.CallAsync("LPOS", "l", "c", "COUNT", "2")));
        Assert.Equal(new object?[] { 7L, 6L, 2L }, Assert.IsType<object?[]>(await client.CallAsync("LPOS", "l", "c", "RANK", "-1", "COUNT", "0")));
        Assert.Equal(new object?[] { 2L }, Assert.IsType<object?[]>(await client.CallAsync("LPOS", "l", "c", "COUNT", "0", "MAXLEN", "6")));
        Assert.Null(await client.CallAsync("LPOS", "l", "x"));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("LPOS", "l", "x", "COUNT", "0")));
        Assert.Null(await client.CallAsync("LPOS", "nokey", "x"));
        Assert.StartsWith("ERR RANK can't be zero", Error(await client.CallAsync("LPOS", "l", "c", "RANK", "0")));
        Assert.Equal("ERR COUNT can't be negative", Error(await client.CallAsync("LPOS", "l", "c", "COUNT", "-1")));
        Assert.Equal("ERR MAXLEN can't be negative", Error(await client.CallAsync("LPOS", "l", "c", "MAXLEN", "-1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LPOS", "l", "c", "FOO", "1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LPOS", "l", "c", "RANK")));
    }

    [Fact]
    public async Task MoveTakesFromOneListToAnotherAndRotatesOne()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "src", "a", "b", "c");
        Assert.Equal("a", await client.CallAsync("LMOVE", "src", "dst", "LEFT", "RIGHT"));
        Assert.Equal("c", await client.CallAsync("RPOPLPUSH", "src", "dst"));
        Assert.Equal(new[] { "c", "a" }, Strings(await client.CallAsync("LRANGE", "dst", "0", "-1")));
        Assert.Equal("b", await client.CallAsync("LMOVE", "src", "dst", "right", "left"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "src"));
        Assert.Null(await client.CallAsync("LMOVE", "src", "dst", "LEFT", "LEFT"));
        Assert.Equal("b", await client.CallAsync("LMOVE", "dst", "dst", "LEFT", "RIGHT"));
        Assert.Equal(new[] { "c", "a", "b" }, Strings(await client.CallAsync("LRANGE", "dst", "0", "-1")));
        Assert.Equal("b", await client.CallAsync("RPOPLPUSH", "dst", "dst"));
        Assert.Equal(new[] { "b", "c", "a" }, Strings(await client.CallAsync("LRANGE", "dst", "0", "-1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LMOVE", "dst", "x", "UP", "LEFT")));
        await client.CallAsync("SET", "s", "x");
        Assert.Equal(WrongType, Error(await client.CallAsync("LMOVE", "dst", "s", "LEFT", "LEFT")));
        Assert.Equal(WrongType, Error(await client.CallAsync("LMOVE", "s", "dst", "LEFT", "LEFT")));
        Assert.Null(await client.CallAsync("LMOVE", "nokey", "s", "LEFT", "LEFT"));
        Assert.Equal(3L, await client.CallAsync("LLEN", "dst"));
    }

    [Fact]
    public async Task MoveBetweenKeysOfManyShardsKeepsEveryElement()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        for (var i = 0; i < 50; i++)
        {
            await client.CallAsync("RPUSH", $"k{i % 7}", $"e{i}");
        }

        for (var i = 0; i < 200; i++)
        {
            await client.CallAsync("LMOVE", $"k{i % 7}", $"k{(i * 3) % 7}", i % 2 == 0 ? "LEFT" : "RIGHT", "LEFT");
        }

        long total = 0;
        for (var k = 0; k < 7; k++)
        {
            total += (long)(await client.CallAsync("LLEN", $"k{k}"))!;
        }

        Assert.Equal(50L, total);
    }

    [Fact]
    public async Task MultiPopTakesFromTheFirstNonEmptyList()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "b", "1", "2", "3");
        var reply = Assert.IsType<object?[]>(await client.CallAsync("LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"));
        Assert.Equal("b", reply[0]);
        Assert.Equal(new[] { "1", "2" }, Strings(reply[1]));
        reply = Assert.IsType<object?[]>(await client.CallAsync("LMPOP", "1", "b", "RIGHT"));
        Assert.Equal(new[] { "3" }, Strings(reply[1]));
        Assert.Null(await client.CallAsync("LMPOP", "2", "a", "b", "LEFT"));
        Assert.Equal("ERR numkeys should be greater than 0", Error(await client.CallAsync("LMPOP", "0", "a", "LEFT")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LMPOP", "3", "a", "LEFT")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LMPOP", "1", "a", "MIDDLE")));
        Assert.Equal("ERR count should be greater than 0", Error(await client.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "2")));
        await client.CallAsync("SET", "s", "x");
        Assert.Equal(WrongType, Error(await client.CallAsync("LMPOP", "2", "s", "b", "LEFT")));
        Assert.Equal(new object?[] { "a", "s" }, Assert.IsType<object?[]>(await client.CallAsync("COMMAND", "GETKEYS", "LMPOP", "2", "a", "s", "LEFT")));
    }

    [Fact]
    public async Task EveryListCommandRefusesAnotherType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "x");
        foreach (var command in new[]
        {
            new[] { "LPUSH", "s", "a" }, ["RPUSH", "s", "a"], ["LPUSHX", "s", "a"], ["LPOP", "s"], ["RPOP", "s", "2"], ["LLEN", "s"],
            ["LRANGE", "s", "0", "1"], ["LINDEX", "s", "0"], ["LSET", "s", "0", "a"], ["LINSERT", "s", "BEFORE", "a", "b"],
            ["LREM", "s", "0", "a"], ["LTRIM", "s", "0", "1"], ["LPOS", "s", "a"], ["BLPOP", "s", "0"], ["BRPOP", "s", "0"],
        })
        {
            Assert.Equal(WrongType, Error(await client.CallAsync(command)));
        }

        await client.CallAsync("RPUSH", "l", "a");
        Assert.Equal(WrongType, Error(await client.CallAsync("GET", "l")));
        Assert.Equal(WrongType, Error(await client.CallAsync("HGET", "l", "a")));
    }

    [Fact]
    public async Task TypeEncodingMemoryAndScanKnowLists()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("RPUSH", "l", "a");
        await client.CallAsync("SET", "s", "x");
        Assert.Equal("list", await client.CallAsync("TYPE", "l"));
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "l"));
        var small = (long)(await client.CallAsync("MEMORY", "USAGE", "l"))!;
        var value = new string('v', 100);
        for (var i = 0; i < 200; i++)
        {
            await client.CallAsync("RPUSH", "l", value);
        }

        Assert.Equal("quicklist", await client.CallAsync("OBJECT", "ENCODING", "l"));
        var large = (long)(await client.CallAsync("MEMORY", "USAGE", "l"))!;
        Assert.True(large > small + (200 * 100), $"{small} → {large}");
        Assert.True(large < small + (200 * 100 * 2), $"{small} → {large}");
        var found = new List<string>();
        var cursor = "0";
        do
        {
            var scan = Assert.IsType<object?[]>(await client.CallAsync("SCAN", cursor, "TYPE", "list", "COUNT", "100"));
            cursor = (string)scan[0]!;
            found.AddRange(Strings(scan[1]));
        }
        while (cursor != "0");

        Assert.Equal(new[] { "l" }, found);

        Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "0", "9"));
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "l"));
    }

    [Fact]
    public async Task ListMaxListpackSizeIsAConfigSetting()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "list-max-listpack-size", "-2" }, Assert.IsType<object?[]>(await client.CallAsync("CONFIG", "GET", "list-max-listpack-size")));
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "list-max-listpack-size", "4"));
        await client.CallAsync("RPUSH", "l", "a", "b", "c", "d");
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "l"));
        await client.CallAsync("RPUSH", "l", "e");
        Assert.Equal("quicklist", await client.CallAsync("OBJECT", "ENCODING", "l"));
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, Strings(await client.CallAsync("LRANGE", "l", "0", "-1")));
    }

    [Fact]
    public async Task DumpAndRestoreRoundTripAListAndRejectACorruptOne()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        client.BulkAsBytes = true;
        for (var i = 0; i < 300; i++)
        {
            await client.CallAsync("RPUSH", "l", $"element-{i}-" + new string('x', i % 50));
        }

        var payload = Assert.IsType<byte[]>(await client.CallAsync("DUMP", "l"));
        Assert.Equal("OK", await client.CallAsync("RESTORE", "copy", "0", payload));
        client.BulkAsBytes = false;
        Assert.Equal(Strings(await client.CallAsync("LRANGE", "l", "0", "-1")), Strings(await client.CallAsync("LRANGE", "copy", "0", "-1")));
        Assert.Equal("quicklist", await client.CallAsync("OBJECT", "ENCODING", "copy"));

        var corrupt = (byte[])payload.Clone();
        corrupt[3] ^= 0x55;
        Assert.Equal("ERR DUMP payload version or checksum are wrong", Error(await client.CallAsync("RESTORE", "bad", "0", corrupt)));

        // A well-formed payload whose list is not: its count claims more elements than follow, or none.
        var malformed = Commands.Keys.DumpPayload.Encode(Storage.Replication.RecordValueType.List, [3, 1, (byte)'a']);
        Assert.Equal("ERR Bad data format", Error(await client.CallAsync("RESTORE", "bad", "0", malformed)));
        var empty = Commands.Keys.DumpPayload.Encode(Storage.Replication.RecordValueType.List, [0]);
        Assert.Equal("ERR Bad data format", Error(await client.CallAsync("RESTORE", "bad", "0", empty)));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "bad"));
    }

    [Fact]
    public async Task ListsCountInUsedMemoryAndCanBeEvicted()
    {
        await using var node = await TestNode.StartAsync(o => { o.Storage.MaxMemory = 4 << 20; o.Storage.Policy = Storage.EvictionPolicy.AllKeysLru; });
        await using var client = await node.ConnectAsync();
        var value = new string('v', 1000);
        var rejected = false;
        for (var k = 0; k < 20 && !rejected; k++)
        {
            var args = new List<object> { "RPUSH", $"list{k}" };
            args.AddRange(Enumerable.Repeat<object>(value, 400));
            rejected = await client.CallAsync([.. args]) is RespError;
        }

        Assert.False(rejected);
        var keys = (long)(await client.CallAsync("DBSIZE"))!;
        Assert.True(keys < 20, $"{keys} lists of 400 KB kept under a 4 MB limit");
        Assert.Equal(400L, await client.CallAsync("LLEN", "list19"));
    }
}
