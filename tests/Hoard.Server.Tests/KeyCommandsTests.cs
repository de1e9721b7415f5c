using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class KeyCommandsTests
{
    private static void AddHash(TestNode node, string key, int database = 0) =>
        node.Server.Keyspace[database].HashSet(System.Text.Encoding.UTF8.GetBytes(key), "f"u8, "v"u8, onlyIfNew: false, out _);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static string[] Sorted(object? reply) =>
        Assert.IsType<object[]>(reply).Cast<string>().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task DelAndUnlinkCountDeletedKeys()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("MSET", "a", "1", "b", "2", "c", "3");
        Assert.Equal(3L, await client.CallAsync("DEL", "a", "h", "missing", "a", "b"));
        Assert.Equal(0L, await client.CallAsync("DEL", "a"));
        Assert.Equal(1L, await client.CallAsync("UNLINK", "c", "c"));
        Assert.Equal(0L, node.Server.Keyspace[0].Count);
        Assert.Equal("ERR wrong number of arguments for 'del' command", Error(await client.CallAsync("DEL")));
    }

    [Fact]
    public async Task ExistsCountsRepeatsAndTouchCountsExisting()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "a", "1");
        Assert.Equal(4L, await client.CallAsync("EXISTS", "a", "a", "h", "missing", "a"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "missing"));
        Assert.Equal(2L, await client.CallAsync("TOUCH", "a", "h", "missing"));
    }

    [Fact]
    public async Task TypeNamesTheValueKind()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "s", "x");
        await client.CallAsync("INCR", "n");
        Assert.Equal("string", await client.CallAsync("TYPE", "s"));
        Assert.Equal("string", await client.CallAsync("TYPE", "n"));
        Assert.Equal("hash", await client.CallAsync("TYPE", "h"));
        Assert.Equal("none", await client.CallAsync("TYPE", "missing"));
    }

    [Fact]
    public async Task RenameMovesValueAndTtl()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "a", "1", "EX", "100");
        await client.CallAsync("SET", "b", "2");
        Assert.Equal("OK", await client.CallAsync("RENAME", "a", "b"));
        Assert.Equal("1", await client.CallAsync("GET", "b"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "a"));
        Assert.True((long)(await client.CallAsync("TTL", "b"))! > 0);
        Assert.Equal("OK", await client.CallAsync("RENAME", "b", "b"));
        Assert.Equal("1", await client.CallAsync("GET", "b"));
        Assert.Equal("ERR no such key", Error(await client.CallAsync("RENAME", "missing", "x")));
        Assert.Equal("ERR no such key", Error(await client.CallAsync("RENAME", "missing", "missing")));
        Assert.Equal("OK", await client.CallAsync("RENAME", "h", "h2"));
        Assert.Equal("hash", await client.CallAsync("TYPE", "h2"));
        Assert.Equal("OK", await client.CallAsync("RENAME", "b", "h2"));
        Assert.Equal("string", await client.CallAsync("TYPE", "h2"));
    }

    [Fact]
    public async Task RenameNxOnlyWhenDestinationIsMissing()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "a", "1", "b", "2");
        Assert.Equal(0L, await client.CallAsync("RENAMENX", "a", "b"));
        Assert.Equal(0L, await client.CallAsync("RENAMENX", "a", "a"));
        Assert.Equal(1L, await client.CallAsync("RENAMENX", "a", "c"));
        Assert.Equal(new object?[] { null, "2", "1" }, await client.CallAsync("MGET", "a", "b", "c"));
        Assert.Equal("ERR no such key", Error(await client.CallAsync("RENAMENX", "missing", "x")));
    }

    [Fact]
    public async Task CopyWithinAndAcrossDatabases()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        AddHash(node, "h");
        await client.CallAsync("SET", "a", "1", "EX", "100");
        await client.CallAsync("SET", "b", "2");
        Assert.Equal(1L, await client.CallAsync("COPY", "a", "c"));
        Assert.Equal("1", await client.CallAsync("GET", "c"));
        Assert.True((long)(await client.CallAsync("TTL", "c"))! > 0);
        Assert.Equal(0L, await client.CallAsync("COPY", "a", "b"));
        Assert.Equal("2", await client.CallAsync("GET", "b"));
        Assert.Equal(1L, await client.CallAsync("COPY", "a", "b", "REPLACE"));
        Assert.Equal("1", await client.CallAsync("GET", "b"));
        Assert.Equal(0L, await client.CallAsync("COPY", "missing", "x"));
        Assert.Equal(1L, await client.CallAsync("COPY", "h", "h2"));
        Assert.Equal("hash", await client.CallAsync("TYPE", "h2"));
        Assert.Equal(1L, await client.CallAsync("COPY", "a", "a", "db", "3"));
        Assert.Equal(0L, await client.CallAsync("COPY", "a", "a", "DB", "3"));
        Assert.Equal(1L, await client.CallAsync("COPY", "b", "a", "DB", "3", "REPLACE"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "3"));
        Assert.Equal("1", await client.CallAsync("GET", "a"));
        Assert.Equal("ERR source and destination objects are the same", Error(await client.CallAsync("COPY", "a", "a")));
        Assert.Equal("ERR source and destination objects are the same", Error(await client.CallAsync("COPY", "a", "a", "DB", "3")));
        Assert.Equal("ERR DB index is out of range", Error(await client.CallAsync("COPY", "a", "b", "DB", "16")));
        Assert.Equal("ERR DB index is out of range", Error(await client.CallAsync("COPY", "a", "b", "DB", "-1")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("COPY", "a", "b", "DB", "x")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("COPY", "a", "b", "DB", "4294967296")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("COPY", "a", "b", "DB")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("COPY", "a", "b", "NOPE")));
    }

    [Fact]
    public async Task KeysMatchesGlobPatterns()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "one", "1", "two", "2", "three", "3", "four", "4", "", "empty");
        AddHash(node, "hash");
        Assert.Equal(new[] { "", "four", "hash", "one", "three", "two" }, Sorted(await client.CallAsync("KEYS", "*")));
        Assert.Equal(new[] { "three", "two" }, Sorted(await client.CallAsync("KEYS", "t*")));
        Assert.Equal(new[] { "one", "two" }, Sorted(await client.CallAsync("KEYS", "?[nw]?")));
        Assert.Equal(new[] { "" }, Sorted(await client.CallAsync("KEYS", "")));
        Assert.Empty(Sorted(await client.CallAsync("KEYS", "nomatch*")));
        await client.CallAsync("SELECT", "1");
        Assert.Empty(Sorted(await client.CallAsync("KEYS", "*")));
    }

    [Fact]
    public async Task ScanVisitsEveryKeyOnce()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var args = new List<object> { "MSET" };
        for (var i = 0; i < 300; i++)
        {
            args.Add($"key:{i}");
            args.Add(i);
        }

        await client.CallAsync([.. args]);
        AddHash(node, "key:hash");
        var seen = new List<string>();
        var cursor = "0";
        var rounds = 0;
        do
        {
            var reply = Assert.IsType<object[]>(await client.CallAsync("SCAN", cursor, "COUNT", "50"));
            cursor = Assert.IsType<string>(reply[0]);
            seen.AddRange(Assert.IsType<object[]>(reply[1]).Cast<string>());
            rounds++;
        }
        while (cursor != "0" && rounds < 10_000);

        Assert.Equal("0", cursor);
        Assert.Equal(301, seen.Count);
        Assert.Equal(301, seen.Distinct().Count());
    }

    [Fact]
    public async Task ScanFiltersByPatternAndType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("MSET", "a1", "1", "a2", "2", "b1", "3");
        AddHash(node, "a3");
        Assert.Equal(new[] { "a1", "a2", "a3" }, await ScanAll(client, "MATCH", "a*"));
        Assert.Equal(new[] { "a1", "a2", "b1" }, await ScanAll(client, "TYPE", "STRING"));
        Assert.Equal(new[] { "a3" }, await ScanAll(client, "type", "hash", "match", "a*"));
        Assert.Empty(await ScanAll(client, "TYPE", "list"));
        Assert.Empty(await ScanAll(client, "TYPE", "nosuchtype"));
    }

    private static async Task<string[]> ScanAll(RespClient client, params object[] options)
    {
        var seen = new List<string>();
        var cursor = "0";
        do
        {
            var reply = Assert.IsType<object[]>(await client.CallAsync([.. new object[] { "SCAN", cursor }, .. options]));
            cursor = (string)reply[0];
            seen.AddRange(Assert.IsType<object[]>(reply[1]).Cast<string>());
        }
        while (cursor != "0");
        return [.. seen.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task ScanRejectsBadArguments()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("SCAN", "x")));
        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("SCAN", "-1")));
        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("SCAN", "18446744073709551616")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SCAN", "0", "COUNT", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SCAN", "0", "COUNT")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SCAN", "0", "BAD", "x")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("SCAN", "0", "COUNT", "x")));
        var reply = Assert.IsType<object[]>(await client.CallAsync("SCAN", "18446744073709551615"));
        Assert.Equal("0", reply[0]);
        Assert.Empty(Assert.IsType<object[]>(reply[1]));
    }

    [Fact]
    public async Task RandomKeyReturnsAKeyOrNil()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Null(await client.CallAsync("RANDOMKEY"));
        await client.CallAsync("MSET", "a", "1", "b", "2");
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains(await client.CallAsync("RANDOMKEY"), new object[] { "a", "b" });
        }

        await client.CallAsync("SELECT", "1");
        Assert.Null(await client.CallAsync("RANDOMKEY"));
    }

    [Fact]
    public async Task KeyCommandsReportRedisArityAndKeys()
    {
        await using var node = await TestNode.StartAsync();
        var commands = node.Server.Commands;
        (string Name, int Arity, int First, int Last, int Step, string[] Flags)[] expected =
        [
            ("del", -2, 1, -1, 1, ["write"]), ("unlink", -2, 1, -1, 1, ["write", "fast"]),
            ("exists", -2, 1, -1, 1, ["readonly", "fast"]), ("touch", -2, 1, -1, 1, ["readonly", "fast"]),
            ("type", 2, 1, 1, 1, ["readonly", "fast"]), ("rename", 3, 1, 2, 1, ["write"]),
            ("renamenx", 3, 1, 2, 1, ["write", "fast"]), ("copy", -3, 1, 2, 1, ["write", "denyoom"]),
            ("keys", 2, 0, 0, 0, ["readonly"]), ("scan", -2, 0, 0, 0, ["readonly"]),
            ("randomkey", 1, 0, 0, 0, ["readonly"]),
            ("expire", -3, 1, 1, 1, ["write", "fast"]), ("pexpire", -3, 1, 1, 1, ["write", "fast"]),
            ("expireat", -3, 1, 1, 1, ["write", "fast"]), ("pexpireat", -3, 1, 1, 1, ["write", "fast"]),
            ("ttl", 2, 1, 1, 1, ["readonly", "fast"]), ("pttl", 2, 1, 1, 1, ["readonly", "fast"]),
            ("expiretime", 2, 1, 1, 1, ["readonly", "fast"]), ("pexpiretime", 2, 1, 1, 1, ["readonly", "fast"]),
            ("persist", 2, 1, 1, 1, ["write", "fast"]),
        ];
        foreach (var (name, arity, first, last, step, flags) in expected)
        {
            Assert.True(commands.TryGet(name, out var definition), name);
            Assert.Equal((arity, first, last, step), (definition.Arity, definition.FirstKey, definition.LastKey, definition.Step));
            Assert.Equal(flags, definition.FlagNames());
        }
    }
}
