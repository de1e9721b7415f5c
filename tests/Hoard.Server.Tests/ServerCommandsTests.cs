using System.Globalization;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class ServerCommandsTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static Dictionary<string, string> Fields(string info) => info
        .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
        .Where(l => !l.StartsWith('#'))
        .Select(l => l.Split(':', 2))
        .ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task InfoHasRedisSectionsAndFields()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("SET", "b", "1", "EX", "100");
        await client.CallAsync("GET", "a");
        await client.CallAsync("GET", "nope");
        var info = Assert.IsType<string>(await client.CallAsync("INFO"));
        Assert.StartsWith("# Server\r\nredis_version:7.2.4\r\n", info, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", info, StringComparison.Ordinal);
        foreach (var header in new[] { "# Clients", "# Memory", "# Stats", "# Replication", "# CPU", "# Keyspace" })
        {
            Assert.Contains("\r\n\r\n" + header + "\r\n", info, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("# Commandstats", info, StringComparison.Ordinal);
        var f = Fields(info);
        Assert.Equal("standalone", f["redis_mode"]);
        Assert.Equal(node.Port.ToString(CultureInfo.InvariantCulture), f["tcp_port"]);
        Assert.Matches("^[0-9a-f]{40}$", f["run_id"]);
        Assert.Equal("1", f["connected_clients"]);
        Assert.Equal("0", f["blocked_clients"]);
        Assert.Equal("master", f["role"]);
        Assert.Equal("0", f["connected_slaves"]);
        Assert.Equal("1", f["keyspace_hits"]);
        Assert.Equal("1", f["keyspace_misses"]);
        Assert.Equal("keys=2,expires=1,avg_ttl=0", f["db0"]);
        Assert.False(f.ContainsKey("db1"));
        Assert.True(long.Parse(f["used_memory"], CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(f["used_memory_rss"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal("s3fifo", f["maxmemory_policy"]);
        Assert.True(long.Parse(f["total_commands_processed"], CultureInfo.InvariantCulture) >= 4);
        Assert.Contains(".", f["used_cpu_user"], StringComparison.Ordinal);

        // The run id is stable for the node.
        Assert.Equal(f["run_id"], Fields(Assert.IsType<string>(await client.CallAsync("INFO", "server")))["run_id"]);
    }

    [Fact]
    public async Task InfoSelectsSectionsAndCommandStats()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("GET", "x");
        await client.CallAsync("GET", "x");
        await client.CallAsync("CONFIG", "GET", "port");
        var info = Assert.IsType<string>(await client.CallAsync("INFO", "commandstats", "KEYSPACE"));
        Assert.StartsWith("# Commandstats\r\n", info, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\n# Keyspace\r\n", info, StringComparison.Ordinal);
        Assert.Matches(@"cmdstat_get:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n", info);
        Assert.Contains("cmdstat_config|get:calls=1,", info, StringComparison.Ordinal);
        Assert.Contains("# Commandstats", Assert.IsType<string>(await client.CallAsync("INFO", "all")), StringComparison.Ordinal);
        Assert.Equal("", await client.CallAsync("INFO", "nosuchsection"));
    }

    [Fact]
    public async Task InfoIsVerbatimInResp3()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await HashCommandsTests.UseResp3Async(node, client);
        await client.SendAsync("INFO", "server");
        // RespClient reads a verbatim string as its text, format prefix included.
        var text = Assert.IsType<string>(await client.ReadAsync());
        Assert.StartsWith("txt:# Server\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstantaneousOpsAreTracked()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        for (var i = 0; i < 300; i++)
        {
            await client.SendAsync("PING");
        }

        for (var i = 0; i < 300; i++)
        {
            await client.ReadAsync();
        }

        // The rate is sampled by a timer: a loaded machine may run it late, so look for up to 5 s.
        var rate = 0L;
        for (var attempt = 0; attempt < 50 && rate == 0; attempt++)
        {
            await Task.Delay(100);
            rate = long.Parse(Fields(Assert.IsType<string>(await client.CallAsync("INFO", "stats")))["instantaneous_ops_per_sec"], CultureInfo.InvariantCulture);
        }

        Assert.True(rate > 0, "instantaneous_ops_per_sec stayed 0 after 300 commands");
    }

    [Fact]
    public async Task DbSizeFlushAndSwap()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "a", "1");
        await client.CallAsync("SET", "b", "1");
        Assert.Equal(2L, await client.CallAsync("DBSIZE"));
        Assert.Equal("OK", await client.CallAsync("SWAPDB", "0", "1"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "1"));
        Assert.Equal(2L, await client.CallAsync("DBSIZE"));
        Assert.Equal("OK", await client.CallAsync("SWAPDB", "0", "0"));
        Assert.Equal("ERR invalid first DB index", Error(await client.CallAsync("SWAPDB", "a", "1")));
        Assert.Equal("ERR invalid second DB index", Error(await client.CallAsync("SWAPDB", "0", "b")));
        Assert.Equal("ERR DB index is out of range", Error(await client.CallAsync("SWAPDB", "0", "44")));
        Assert.Equal("OK", await client.CallAsync("FLUSHDB", "ASYNC"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
        await client.CallAsync("SET", "c", "1");
        await client.CallAsync("SELECT", "0");
        await client.CallAsync("SET", "d", "1");
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("FLUSHALL", "LATER")));
        Assert.Equal("OK", await client.CallAsync("FLUSHALL", "SYNC"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
        Assert.Equal("OK", await client.CallAsync("SELECT", "1"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task TimeAndLastSave()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var time = Assert.IsType<object?[]>(await client.CallAsync("TIME"));
        var seconds = long.Parse((string)time[0]!, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.InRange(long.Parse((string)time[1]!, CultureInfo.InvariantCulture), 0, 999_999);
        Assert.Equal(node.Server.StartedAt.ToUnixTimeSeconds(), await client.CallAsync("LASTSAVE"));
    }

    [Fact]
    public async Task ShutdownClosesWithoutReplyAndSignalsTheHost()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SHUTDOWN", "LATER")));
        Assert.Equal("ERR No shutdown in progress.", Error(await client.CallAsync("SHUTDOWN", "ABORT")));
        Assert.False(node.Server.ShutdownRequested.IsCompleted);
        await client.SendAsync("SHUTDOWN", "NOSAVE");
        Assert.True(await client.IsClosedAsync());
        await node.Server.ShutdownRequested.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SlowLogRecordsGetsAndResets()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        await client.CallAsync("CLIENT_IS_NOT_A_COMMAND_HERE");
        await client.CallAsync("SET", "k", new string('x', 200));
        var entries = Assert.IsType<object?[]>(await client.CallAsync("SLOWLOG", "GET", "1"));
        var entry = Assert.IsType<object?[]>(Assert.Single(entries));
        Assert.Equal(6, entry.Length);
        Assert.IsType<long>(entry[0]);
        Assert.InRange((long)entry[1]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.IsType<long>(entry[2]);
        var args = Assert.IsType<object?[]>(entry[3]);
        Assert.Equal("SET", args[0]);
        Assert.Equal("k", args[1]);
        Assert.Equal(new string('x', 128) + "... (72 more bytes)", args[2]);
        Assert.StartsWith("127.0.0.1:", (string)entry[4]!, StringComparison.Ordinal);
        Assert.Equal("", entry[5]);

        Assert.True((long)(await client.CallAsync("SLOWLOG", "LEN"))! >= 2);
        var wide = new List<object> { "HMGET", "h" };
        wide.AddRange(Enumerable.Range(0, 40).Select(i => (object)$"f{i}"));
        await client.CallAsync([.. wide]);
        var last = Assert.IsType<object?[]>(Assert.IsType<object?[]>(Assert.Single(Assert.IsType<object?[]>(await client.CallAsync("SLOWLOG", "GET", "1"))))[3]);
        Assert.Equal(32, last.Length);
        Assert.Equal("... (11 more arguments)", last[31]);
        Assert.Equal("OK", await client.CallAsync("SLOWLOG", "RESET"));
        var afterReset = Assert.IsType<object?[]>(await client.CallAsync("SLOWLOG", "GET"));
        Assert.Equal(new object?[] { "SLOWLOG", "RESET" }, Assert.IsType<object?[]>(Assert.Single(afterReset))[3]); // logged after it ran
        Assert.Equal("ERR count should be greater than or equal to -1", Error(await client.CallAsync("SLOWLOG", "GET", "-2")));
    }

    [Fact]
    public async Task SlowLogHonoursItsLimits()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3"));
        for (var i = 0; i < 10; i++)
        {
            await client.CallAsync("PING");
        }

        Assert.Equal(3L, await client.CallAsync("SLOWLOG", "LEN"));
        Assert.Equal(3, Assert.IsType<object?[]>(await client.CallAsync("SLOWLOG", "GET", "-1")).Length);
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
        await client.CallAsync("SLOWLOG", "RESET");
        await client.CallAsync("PING");
        Assert.Equal(0L, await client.CallAsync("SLOWLOG", "LEN"));
    }

    [Fact]
    public async Task MemoryUsageAndObject()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "hello");
        await client.CallAsync("HSET", "h", "a", "1");
        var usage = Assert.IsType<long>(await client.CallAsync("MEMORY", "USAGE", "s"));
        Assert.InRange(usage, 10, 200);
        Assert.IsType<long>(await client.CallAsync("MEMORY", "USAGE", "h", "SAMPLES", "0"));
        Assert.Null(await client.CallAsync("MEMORY", "USAGE", "missing"));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("MEMORY", "USAGE", "s", "BOGUS")));
        Assert.Equal("embstr", await client.CallAsync("OBJECT", "ENCODING", "s"));
        Assert.Equal("listpack", await client.CallAsync("OBJECT", "ENCODING", "h"));
        Assert.Null(await client.CallAsync("OBJECT", "ENCODING", "missing"));
        Assert.Equal(1L, await client.CallAsync("OBJECT", "REFCOUNT", "s"));
        Assert.Equal(0L, await client.CallAsync("OBJECT", "IDLETIME", "s"));
        Assert.Equal(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            Error(await client.CallAsync("OBJECT", "FREQ", "s")));
        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
        await client.CallAsync("GET", "s");
        Assert.IsType<long>(await client.CallAsync("OBJECT", "FREQ", "s"));
        Assert.Equal(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            Error(await client.CallAsync("OBJECT", "IDLETIME", "s")));
        Assert.Equal("ERR unknown subcommand 'nope'. Try OBJECT HELP.", Error(await client.CallAsync("OBJECT", "nope", "s")));
        Assert.Equal("ERR wrong number of arguments for 'object|encoding' command", Error(await client.CallAsync("OBJECT", "ENCODING")));
        Assert.StartsWith("OBJECT <subcommand>", (string)Assert.IsType<object?[]>(await client.CallAsync("OBJECT", "HELP"))[0]!, StringComparison.Ordinal);
        Assert.NotEmpty(Assert.IsType<object?[]>(await client.CallAsync("MEMORY", "HELP")));
    }

    [Fact]
    public async Task CommandstatsCountRejectedAndFailedCalls()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "text");
        await client.CallAsync("INCR", "s");          // runs, answers an error: failed
        await client.CallAsync("INCR");               // wrong arity: rejected, not run
        await client.CallAsync("INCR", "n");          // fine
        var info = (string)(await client.CallAsync("INFO", "commandstats"))!;
        var line = info.Split("\r\n").Single(l => l.StartsWith("cmdstat_incr:", StringComparison.Ordinal));
        Assert.Contains("calls=2,", line, StringComparison.Ordinal);
        Assert.EndsWith("rejected_calls=1,failed_calls=1", line, StringComparison.Ordinal);
        Assert.Contains("rejected_calls=0,failed_calls=0", info.Split("\r\n").Single(l => l.StartsWith("cmdstat_set:", StringComparison.Ordinal)),
            StringComparison.Ordinal);
    }
}
