using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class StringCommandsTests
{
    private const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private const string NotInteger = "ERR value is not an integer or out of range";

    private static void AddHash(TestNode node, string key) =>
        node.Server.Keyspace[0].HashSet(System.Text.Encoding.UTF8.GetBytes(key), "f"u8, "v"u8, onlyIfNew: false, out _);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    [Fact]
    public async Task SetOptionsFollowRedisRules()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("SET", "k", "v", "EX", "100", "EX", "200"));
        Assert.InRange((long)(await client.CallAsync("TTL", "k"))!, 199, 200);
        Assert.Equal("v", await client.CallAsync("SET", "k", "other", "NX", "NX", "GET"));
        Assert.Equal("v", await client.CallAsync("GET", "k"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "NX", "XX")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "EX", "10", "PX", "100")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "KEEPTTL", "EX", "10")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "PERSIST")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "EX")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("SET", "k", "v", "EX", "abc")));
        Assert.Equal("ERR invalid expire time in 'set' command", Error(await client.CallAsync("SET", "k", "v", "EX", "0")));
        Assert.Equal("ERR invalid expire time in 'set' command", Error(await client.CallAsync("SET", "k", "v", "EX", "9223372036854775807")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SET", "k", "v", "EX", "0", "BAD")));
        Assert.Equal("v", await client.CallAsync("SET", "k", "w", "KEEPTTL", "GET"));
        Assert.True((long)(await client.CallAsync("TTL", "k"))! > 0);
    }

    [Fact]
    public async Task SetNxSetsOnlyMissingKeysWhateverTheirType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Equal(1L, await client.CallAsync("SETNX", "k", "a"));
        Assert.Equal(0L, await client.CallAsync("SETNX", "k", "b"));
        Assert.Equal(0L, await client.CallAsync("SETNX", "h", "b"));
        Assert.Equal("a", await client.CallAsync("GET", "k"));
        Assert.Equal("ERR wrong number of arguments for 'setnx' command", Error(await client.CallAsync("SETNX", "k")));
    }

    [Fact]
    public async Task SetExAndPSetExSetValueAndTtl()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Equal("OK", await client.CallAsync("SETEX", "k", "100", "v"));
        Assert.Equal("v", await client.CallAsync("GET", "k"));
        Assert.InRange((long)(await client.CallAsync("PTTL", "k"))!, 99_000, 100_000);
        Assert.Equal("OK", await client.CallAsync("PSETEX", "p", "5000", "v"));
        Assert.InRange((long)(await client.CallAsync("PTTL", "p"))!, 4_000, 5_000);
        Assert.Equal("OK", await client.CallAsync("SETEX", "h", "100", "v"));
        Assert.Equal("string", await client.CallAsync("TYPE", "h"));
        Assert.Equal("ERR invalid expire time in 'setex' command", Error(await client.CallAsync("SETEX", "k", "0", "v")));
        Assert.Equal("ERR invalid expire time in 'setex' command", Error(await client.CallAsync("SETEX", "k", "-5", "v")));
        Assert.Equal("ERR invalid expire time in 'setex' command", Error(await client.CallAsync("SETEX", "k", "9223372036854775", "v")));
        Assert.Equal("ERR invalid expire time in 'psetex' command", Error(await client.CallAsync("PSETEX", "k", "0", "v")));
        Assert.Equal("ERR invalid expire time in 'psetex' command", Error(await client.CallAsync("PSETEX", "k", "9223372036854775807", "v")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("SETEX", "k", "1.5", "v")));
    }

    [Fact]
    public async Task GetSetReturnsOldValueAndDropsTtl()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Null(await client.CallAsync("GETSET", "k", "a"));
        Assert.Equal("OK", await client.CallAsync("SET", "k", "a", "EX", "100"));
        Assert.Equal("a", await client.CallAsync("GETSET", "k", "b"));
        Assert.Equal("b", await client.CallAsync("GET", "k"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
        Assert.Equal(WrongType, Error(await client.CallAsync("GETSET", "h", "x")));
        Assert.Equal("hash", await client.CallAsync("TYPE", "h"));
    }

    [Fact]
    public async Task GetDelReturnsAndDeletes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "k", "v");
        Assert.Equal("v", await client.CallAsync("GETDEL", "k"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "k"));
        Assert.Null(await client.CallAsync("GETDEL", "k"));
        Assert.Equal(WrongType, Error(await client.CallAsync("GETDEL", "h")));
        Assert.Equal(1L, await client.CallAsync("EXISTS", "h"));
        await client.CallAsync("INCR", "n");
        Assert.Equal("1", await client.CallAsync("GETDEL", "n"));
    }

    [Fact]
    public async Task GetExChangesOrKeepsTheTtl()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "k", "v", "EX", "100");
        Assert.Equal("v", await client.CallAsync("GETEX", "k"));
        Assert.InRange((long)(await client.CallAsync("TTL", "k"))!, 99, 100);
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "PX", "50000"));
        Assert.InRange((long)(await client.CallAsync("PTTL", "k"))!, 49_000, 50_000);
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "PERSIST"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "k"));
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000;
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "EXAT", at));
        Assert.Equal(at, await client.CallAsync("EXPIRETIME", "k"));
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "PXAT", at * 1000 + 1));
        Assert.Equal(at * 1000 + 1, await client.CallAsync("PEXPIRETIME", "k"));
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "EX", "10", "EX", "20"));
        Assert.InRange((long)(await client.CallAsync("TTL", "k"))!, 19, 20);
        Assert.Equal("v", await client.CallAsync("GETEX", "k", "PXAT", "1"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "k"));
        Assert.Null(await client.CallAsync("GETEX", "missing", "EX", "10"));
        Assert.Equal(WrongType, Error(await client.CallAsync("GETEX", "h", "EX", "10")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("GETEX", "k", "KEEPTTL")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("GETEX", "k", "EX", "10", "PERSIST")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("GETEX", "k", "NX")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("GETEX", "k", "PX")));
        Assert.Equal("ERR invalid expire time in 'getex' command", Error(await client.CallAsync("GETEX", "k", "EX", "-1")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("GETEX", "k", "EX", "x")));
    }

    [Fact]
    public async Task MGetAnswersNilForMissingAndOtherTypes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("INCRBY", "n", "42");
        var reply = Assert.IsType<object[]>(await client.CallAsync("MGET", "a", "missing", "h", "n", "a"));
        Assert.Equal(new object?[] { "1", null, null, "42", "1" }, reply);
    }

    [Fact]
    public async Task MSetAndMSetNx()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MSET", "a", "1", "b", "2", "a", "3"));
        Assert.Equal(new object?[] { "3", "2" }, await client.CallAsync("MGET", "a", "b"));
        Assert.Equal("ERR wrong number of arguments for 'mset' command", Error(await client.CallAsync("MSET", "a", "1", "b")));
        Assert.Equal("ERR wrong number of arguments for 'msetnx' command", Error(await client.CallAsync("MSETNX", "a", "1", "b")));
        Assert.Equal(0L, await client.CallAsync("MSETNX", "x", "1", "a", "9"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "x"));
        Assert.Equal(1L, await client.CallAsync("MSETNX", "x", "1", "y", "2"));
        Assert.Equal(new object?[] { "1", "2", "3" }, await client.CallAsync("MGET", "x", "y", "a"));
        await client.CallAsync("EXPIRE", "a", "100");
        await client.CallAsync("MSET", "a", "4");
        Assert.Equal(-1L, await client.CallAsync("TTL", "a"));
    }

    [Fact]
    public async Task AppendAndStrlen()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Equal(0L, await client.CallAsync("STRLEN", "k"));
        Assert.Equal(5L, await client.CallAsync("APPEND", "k", "hello"));
        Assert.Equal(11L, await client.CallAsync("APPEND", "k", " world"));
        Assert.Equal("hello world", await client.CallAsync("GET", "k"));
        Assert.Equal(11L, await client.CallAsync("STRLEN", "k"));
        Assert.Equal(11L, await client.CallAsync("APPEND", "k", ""));
        await client.CallAsync("SET", "n", "-123");
        await client.CallAsync("INCR", "n");
        Assert.Equal(4L, await client.CallAsync("STRLEN", "n"));
        Assert.Equal(5L, await client.CallAsync("APPEND", "n", "9"));
        Assert.Equal("-1229", await client.CallAsync("GET", "n"));
        await client.CallAsync("SET", "t", "x", "EX", "100");
        await client.CallAsync("APPEND", "t", "y");
        Assert.True((long)(await client.CallAsync("TTL", "t"))! > 0);
        Assert.Equal(WrongType, Error(await client.CallAsync("APPEND", "h", "x")));
        Assert.Equal(WrongType, Error(await client.CallAsync("STRLEN", "h")));
    }

    [Fact]
    public async Task IncrementsAndDecrements()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Equal(1L, await client.CallAsync("INCR", "n"));
        Assert.Equal(0L, await client.CallAsync("DECR", "n"));
        Assert.Equal(10L, await client.CallAsync("INCRBY", "n", "10"));
        Assert.Equal(-5L, await client.CallAsync("DECRBY", "n", "15"));
        Assert.Equal(-3L, await client.CallAsync("INCRBY", "n", "2"));
        Assert.Equal(-1L, await client.CallAsync("DECR", "m"));
        await client.CallAsync("SET", "s", "41");
        Assert.Equal(42L, await client.CallAsync("INCR", "s"));
        await client.CallAsync("SET", "t", "10", "EX", "100");
        await client.CallAsync("INCR", "t");
        Assert.True((long)(await client.CallAsync("TTL", "t"))! > 0);
    }

    [Fact]
    public async Task IncrementErrors()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "s", "abc");
        await client.CallAsync("SET", "sp", " 1");
        await client.CallAsync("SET", "max", "9223372036854775807");
        await client.CallAsync("SET", "min", "-9223372036854775808");
        Assert.Equal(NotInteger, Error(await client.CallAsync("INCR", "s")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("INCR", "sp")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("INCRBY", "n", "1.5")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("INCRBY", "h", "x")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("DECRBY", "n", "9223372036854775808")));
        Assert.Equal(WrongType, Error(await client.CallAsync("INCR", "h")));
        Assert.Equal(WrongType, Error(await client.CallAsync("DECRBY", "h", "1")));
        Assert.Equal("ERR increment or decrement would overflow", Error(await client.CallAsync("INCR", "max")));
        Assert.Equal("ERR increment or decrement would overflow", Error(await client.CallAsync("DECR", "min")));
        Assert.Equal("ERR increment or decrement would overflow", Error(await client.CallAsync("INCRBY", "max", "1")));
        Assert.Equal("ERR decrement would overflow", Error(await client.CallAsync("DECRBY", "n", "-9223372036854775808")));
        Assert.Equal("9223372036854775807", await client.CallAsync("GET", "max"));
        Assert.Equal(-9223372036854775808L, await client.CallAsync("INCRBY", "z", "-9223372036854775808"));
    }

    [Fact]
    public async Task IncrementByFloatRepliesTheStoredText()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        Assert.Equal("10.5", await client.CallAsync("INCRBYFLOAT", "f", "10.5"));
        Assert.Equal("10.6", await client.CallAsync("INCRBYFLOAT", "f", "0.1"));
        Assert.Equal("10.6", await client.CallAsync("GET", "f"));
        Assert.Equal("5", await client.CallAsync("INCRBYFLOAT", "f", "-5.6"));
        await client.CallAsync("SET", "i", "3");
        Assert.Equal("3.5", await client.CallAsync("INCRBYFLOAT", "i", "0.5"));
        Assert.Equal("5000", await client.CallAsync("INCRBYFLOAT", "e", "5.0e3"));
        await client.CallAsync("SET", "s", "abc");
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("INCRBYFLOAT", "s", "1")));
        Assert.Equal("ERR value is not a valid float", Error(await client.CallAsync("INCRBYFLOAT", "f", "x")));
        Assert.Equal(WrongType, Error(await client.CallAsync("INCRBYFLOAT", "h", "1")));
        Assert.Equal(WrongType, Error(await client.CallAsync("INCRBYFLOAT", "h", "x")));
        Assert.Equal("ERR increment would produce NaN or Infinity", Error(await client.CallAsync("INCRBYFLOAT", "f", "inf")));
        Assert.Equal("5", await client.CallAsync("GET", "f"));
    }

    [Fact]
    public async Task GetRangeAndSubstr()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "k", "This is a string");
        Assert.Equal("This", await client.CallAsync("GETRANGE", "k", "0", "3"));
        Assert.Equal("ing", await client.CallAsync("GETRANGE", "k", "-3", "-1"));
        Assert.Equal("This is a string", await client.CallAsync("GETRANGE", "k", "0", "-1"));
        Assert.Equal("string", await client.CallAsync("GETRANGE", "k", "10", "100"));
        Assert.Equal("This is a string", await client.CallAsync("GETRANGE", "k", "-100", "100"));
        Assert.Equal("", await client.CallAsync("GETRANGE", "k", "5", "3"));
        Assert.Equal("", await client.CallAsync("GETRANGE", "k", "-1", "-5"));
        Assert.Equal("", await client.CallAsync("GETRANGE", "k", "100", "200"));
        Assert.Equal("T", await client.CallAsync("GETRANGE", "k", "-100", "-100"));
        Assert.Equal("", await client.CallAsync("GETRANGE", "missing", "0", "-1"));
        Assert.Equal("is", await client.CallAsync("SUBSTR", "k", "5", "6"));
        await client.CallAsync("SET", "n", "12345");
        await client.CallAsync("INCR", "n");
        Assert.Equal("234", await client.CallAsync("GETRANGE", "n", "1", "3"));
        Assert.Equal(NotInteger, Error(await client.CallAsync("GETRANGE", "k", "a", "1")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("GETRANGE", "h", "0", "x")));
        Assert.Equal(WrongType, Error(await client.CallAsync("GETRANGE", "h", "0", "1")));
    }

    [Fact]
    public async Task SetRangeOverwritesAndPads()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "k", "Hello World");
        Assert.Equal(11L, await client.CallAsync("SETRANGE", "k", "6", "Redis"));
        Assert.Equal("Hello Redis", await client.CallAsync("GET", "k"));
        Assert.Equal(11L, await client.CallAsync("SETRANGE", "k", "0", ""));
        Assert.Equal(7L, await client.CallAsync("SETRANGE", "p", "2", "abcde"));
        Assert.Equal("\0\0abcde", await client.CallAsync("GET", "p"));
        Assert.Equal(0L, await client.CallAsync("SETRANGE", "empty", "5", ""));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "empty"));
        await client.CallAsync("SET", "n", "100");
        await client.CallAsync("INCR", "n");
        Assert.Equal(3L, await client.CallAsync("SETRANGE", "n", "0", "9"));
        Assert.Equal(902L, await client.CallAsync("INCR", "n"));
        Assert.Equal("ERR offset is out of range", Error(await client.CallAsync("SETRANGE", "k", "-1", "x")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("SETRANGE", "k", "x", "x")));
        Assert.Equal(WrongType, Error(await client.CallAsync("SETRANGE", "h", "0", "x")));
        Assert.Equal(WrongType, Error(await client.CallAsync("SETRANGE", "h", "0", "")));
        Assert.Equal(WrongType, Error(await client.CallAsync("SETRANGE", "h", "9223372036854775807", "x")));
        const string tooLarge = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
        Assert.Equal(tooLarge, Error(await client.CallAsync("SETRANGE", "k", "536870912", "x")));
        Assert.Equal(tooLarge, Error(await client.CallAsync("SETRANGE", "k", "9223372036854775807", "x")));
        Assert.Equal(tooLarge, Error(await client.CallAsync("SETRANGE", "new", "536870912", "x")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "new"));
    }

    [Fact]
    public async Task LcsStringAndLength()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("MSET", "key1", "ohmytext", "key2", "mynewtext");
        Assert.Equal("mytext", await client.CallAsync("LCS", "key1", "key2"));
        Assert.Equal(6L, await client.CallAsync("LCS", "key1", "key2", "LEN"));
        Assert.Equal("", await client.CallAsync("LCS", "key1", "missing"));
        Assert.Equal(0L, await client.CallAsync("LCS", "missing", "other", "LEN"));
        Assert.Equal("ohmytext", await client.CallAsync("LCS", "key1", "key1"));
        await client.CallAsync("MSET", "a", "foo", "b", "fao");
        Assert.Equal("fo", await client.CallAsync("LCS", "a", "b"));
        Assert.Equal("ERR The specified keys must contain string values", Error(await client.CallAsync("LCS", "key1", "h")));
        Assert.Equal("ERR The specified keys must contain string values", Error(await client.CallAsync("LCS", "h", "key1", "LEN")));
        Assert.Equal("ERR If you want both the length and indexes, please just use IDX.", Error(await client.CallAsync("LCS", "key1", "key2", "LEN", "IDX")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LCS", "key1", "key2", "BAD")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("LCS", "key1", "key2", "MINMATCHLEN")));
        Assert.Equal(NotInteger, Error(await client.CallAsync("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "x")));
    }

    [Fact]
    public async Task LcsIndexes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "key1", "ohmytext", "key2", "mynewtext");
        var reply = Assert.IsType<object[]>(await client.CallAsync("LCS", "key1", "key2", "IDX"));
        Assert.Equal("matches", reply[0]);
        var matches = Assert.IsType<object[]>(reply[1]);
        Assert.Equal(2, matches.Length);
        Assert.Equal(new object[] { new object[] { 4L, 7L }, new object[] { 5L, 8L } }, matches[0]);
        Assert.Equal(new object[] { new object[] { 2L, 3L }, new object[] { 0L, 1L } }, matches[1]);
        Assert.Equal("len", reply[2]);
        Assert.Equal(6L, reply[3]);

        reply = Assert.IsType<object[]>(await client.CallAsync("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        matches = Assert.IsType<object[]>(reply[1]);
        Assert.Single(matches);
        Assert.Equal(new object[] { new object[] { 4L, 7L }, new object[] { 5L, 8L }, 4L }, matches[0]);
        Assert.Equal(6L, reply[3]);

        reply = Assert.IsType<object[]>(await client.CallAsync("LCS", "key1", "missing", "IDX", "MINMATCHLEN", "-3"));
        Assert.Empty(Assert.IsType<object[]>(reply[1]));
        Assert.Equal(0L, reply[3]);
    }

    [Fact]
    public async Task StringCommandsReportRedisArityAndKeys()
    {
        await using var node = await TestNode.StartAsync();
        var commands = node.Server.Commands;
        (string Name, int Arity, int First, int Last, int Step)[] expected =
        [
            ("setnx", 3, 1, 1, 1), ("setex", 4, 1, 1, 1), ("psetex", 4, 1, 1, 1), ("getset", 3, 1, 1, 1),
            ("getdel", 2, 1, 1, 1), ("getex", -2, 1, 1, 1), ("mget", -2, 1, -1, 1), ("mset", -3, 1, -1, 2),
            ("msetnx", -3, 1, -1, 2), ("append", 3, 1, 1, 1), ("strlen", 2, 1, 1, 1), ("incr", 2, 1, 1, 1),
            ("decr", 2, 1, 1, 1), ("incrby", 3, 1, 1, 1), ("decrby", 3, 1, 1, 1), ("incrbyfloat", 3, 1, 1, 1),
            ("getrange", 4, 1, 1, 1), ("substr", 4, 1, 1, 1), ("setrange", 4, 1, 1, 1), ("lcs", -3, 1, 2, 1),
        ];
        foreach (var (name, arity, first, last, step) in expected)
        {
            Assert.True(commands.TryGet(name, out var definition), name);
            Assert.Equal((arity, first, last, step), (definition.Arity, definition.FirstKey, definition.LastKey, definition.Step));
        }

        Assert.True(commands.TryGet("mget", out var mget));
        Assert.Equal(["readonly", "fast"], mget.FlagNames());
        Assert.True(commands.TryGet("mset", out var mset));
        Assert.Equal(["write", "denyoom"], mset.FlagNames());
        Assert.True(commands.TryGet("getdel", out var getdel));
        Assert.Equal(["write", "fast"], getdel.FlagNames());
        Assert.True(commands.TryGet("incr", out var incr));
        Assert.Equal(["write", "denyoom", "fast"], incr.FlagNames());
    }
}
