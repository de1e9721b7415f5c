using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ConfigCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static Dictionary<string, string> Pairs(object? reply)
    {
        var items = Assert.IsType<object?[]>(reply);
        var map = new Dictionary<string, string>();
        for (var i = 0; i < items.Length; i += 2)
        {
            map[(string)items[i]!] = (string)items[i + 1]!;
        }

        return map;
    }

    [Fact]
    public async Task GetAnswersProbedSettings()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var all = Pairs(await client.CallAsync("CONFIG", "GET", "save", "appendonly", "timeout", "databases", "maxmemory", "slave-read-only", "dir"));
        Assert.Equal("", all["save"]);
        Assert.Equal("no", all["appendonly"]);
        Assert.Equal("0", all["timeout"]);
        Assert.Equal("16", all["databases"]);
        Assert.Equal("0", all["maxmemory"]);
        Assert.Equal("yes", all["slave-read-only"]);
        Assert.Equal(Environment.CurrentDirectory, all["dir"]);
        Assert.Empty(Pairs(await client.CallAsync("CONFIG", "GET", "nosuch")));
    }

    [Fact]
    public async Task GetMatchesGlobPatternsOnceEach()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var found = Pairs(await client.CallAsync("CONFIG", "GET", "maxmemory*", "MAXMEMORY-POLICY"));
        Assert.Equal(["maxmemory", "maxmemory-clients", "maxmemory-policy", "maxmemory-samples"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, Assert.IsType<object?[]>(await client.CallAsync("CONFIG", "GET", "maxmemory*", "MAXMEMORY-POLICY")).Length / 2);
        Assert.True(Pairs(await client.CallAsync("CONFIG", "GET", "*")).Count > 30);
    }

    [Fact]
    public async Task GetIsAMapInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await HashCommandsTests.UseResp3Async(node, client);
        var map = Assert.IsType<Dictionary<object, object?>>(await client.CallAsync("CONFIG", "GET", "hz", "port"));
        Assert.Equal("10", map["hz"]);
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public async Task SetChangesSeveralAtOnceOrNone()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "maxmemory", "10mb", "timeout", "30"));
        Assert.Equal(10L << 20, node.Server.Keyspace.MaxMemory);
        Assert.Equal("30", Pairs(await client.CallAsync("CONFIG", "GET", "timeout"))["timeout"]);

        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 1 and 500 inclusive",
            Error(await client.CallAsync("CONFIG", "SET", "timeout", "60", "hz", "0")));
        Assert.Equal("30", Pairs(await client.CallAsync("CONFIG", "GET", "timeout"))["timeout"]);

        Assert.Equal("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'",
            Error(await client.CallAsync("CONFIG", "SET", "nosuch", "1")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
            Error(await client.CallAsync("CONFIG", "SET", "databases", "4")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'appendonly') - Hoard does not persist data (appendonly must be no)",
            Error(await client.CallAsync("CONFIG", "SET", "appendonly", "yes")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'",
            Error(await client.CallAsync("CONFIG", "SET", "protected-mode", "maybe")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter",
            Error(await client.CallAsync("CONFIG", "SET", "timeout", "1", "timeout", "2")));
        Assert.Equal("ERR wrong number of arguments for 'config|set' command", Error(await client.CallAsync("CONFIG", "SET", "timeout", "1", "hz")));
        Assert.Equal("ERR wrong number of arguments for 'config|set' command", Error(await client.CallAsync("CONFIG", "SET", "timeout")));

        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "replica-read-only", "NO"));
        Assert.Equal("no", Pairs(await client.CallAsync("CONFIG", "GET", "slave-read-only"))["slave-read-only"]);
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        Assert.Equal("allkeys-lru", Pairs(await client.CallAsync("CONFIG", "GET", "maxmemory-policy"))["maxmemory-policy"]);
    }

    [Fact]
    public async Task ResetStatRewriteAndErrors()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("GET", "x");
        Assert.Equal("OK", await client.CallAsync("CONFIG", "RESETSTAT"));
        var info = Assert.IsType<string>(await client.CallAsync("INFO", "stats", "commandstats"));
        Assert.Contains("keyspace_misses:0\r\n", info, StringComparison.Ordinal);
        Assert.Contains("total_connections_received:0\r\n", info, StringComparison.Ordinal);
        Assert.DoesNotContain("cmdstat_get:", info, StringComparison.Ordinal);
        Assert.Equal("ERR The server is running without a config file", Error(await client.CallAsync("CONFIG", "REWRITE")));
        Assert.Equal("ERR unknown subcommand 'bogus'. Try CONFIG HELP.", Error(await client.CallAsync("CONFIG", "bogus")));
        Assert.Equal("ERR wrong number of arguments for 'config' command", Error(await client.CallAsync("CONFIG")));
        Assert.Equal("ERR wrong number of arguments for 'config|get' command", Error(await client.CallAsync("CONFIG", "GET")));
        Assert.NotEmpty(Assert.IsType<object?[]>(await client.CallAsync("CONFIG", "HELP")));
    }

    [Fact]
    public async Task ClientOutputBufferLimitReportsRedisDefaultsAndSetsThePubSubLimit()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
            Pairs(await client.CallAsync("CONFIG", "GET", "client-output-buffer-limit"))["client-output-buffer-limit"]);

        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 30"));
        Assert.Equal(1024 * 1024, node.Server.PubSub.OutputLimit);
        Assert.Equal("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 30",
            Pairs(await client.CallAsync("CONFIG", "GET", "client-output-buffer-limit"))["client-output-buffer-limit"]);

        Assert.Contains("Invalid client class", Error(await client.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "bogus 1 1 1")),
            StringComparison.Ordinal);
        Assert.Contains("Wrong number of arguments", Error(await client.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 1")),
            StringComparison.Ordinal);
        Assert.Equal(1024 * 1024, node.Server.PubSub.OutputLimit);
    }
}
