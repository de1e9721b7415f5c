using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>DUMP / RESTORE in Hoard's payload form, and MIGRATE between two standalone nodes.</summary>
public class DumpRestoreTests
{
    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static async Task<byte[]> DumpAsync(RespClient client, string key)
    {
        client.BulkAsBytes = true;
        try
        {
            return Assert.IsType<byte[]>(await client.CallAsync("DUMP", key));
        }
        finally
        {
            client.BulkAsBytes = false;
        }
    }

    [Fact]
    public async Task Restore_recreates_strings_integers_and_hashes_with_their_ttl()
    {
        await using var node = await TestNode.StartAsync(o => o.Storage.HashMaxListpackEntries = 4);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "s", "text\r\nwith\0bytes", "PX", "600000");
        await client.CallAsync("INCRBY", "n", "-42");
        await client.CallAsync("HSET", "small", "a", "1", "b", "2");
        await client.CallAsync("HSET", "large", "f1", "1", "f2", "2", "f3", "3", "f4", "4", "f5", "5");
        Assert.Null(await client.CallAsync("DUMP", "missing"));

        foreach (var key in new[] { "s", "n", "small", "large" })
        {
            var payload = await DumpAsync(client, key);
            Assert.Equal("OK", await client.CallAsync("RESTORE", key + ":copy", "0", payload));
        }

        Assert.Equal("text\r\nwith\0bytes", await client.CallAsync("GET", "s:copy"));
        Assert.Equal(-1L, await client.CallAsync("TTL", "s:copy")); // RESTORE's ttl, not the dumped key's
        Assert.Equal("-41", (await client.CallAsync("INCR", "n:copy"))?.ToString());
        Assert.Equal("2", await client.CallAsync("HGET", "small:copy", "b"));
        Assert.Equal(5L, await client.CallAsync("HLEN", "large:copy"));
        Assert.Equal("hashtable", await client.CallAsync("OBJECT", "ENCODING", "large:copy"));

        var dumped = await DumpAsync(client, "s");
        Assert.Equal("OK", await client.CallAsync("RESTORE", "t", "5000", dumped));
        Assert.InRange(Assert.IsType<long>(await client.CallAsync("PTTL", "t")), 1, 5000);
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000;
        Assert.Equal("OK", await client.CallAsync("RESTORE", "abs", at.ToString(System.Globalization.CultureInfo.InvariantCulture), dumped, "ABSTTL"));
        Assert.InRange(Assert.IsType<long>(await client.CallAsync("PTTL", "abs")), 50_000, 60_000);

        // An absolute expiry in the past: nothing is created; with REPLACE, an existing key goes.
        Assert.Equal("OK", await client.CallAsync("RESTORE", "past", "1", dumped, "ABSTTL"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "past"));
        Assert.Equal("OK", await client.CallAsync("RESTORE", "abs", "1", dumped, "ABSTTL", "REPLACE"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "abs"));
    }

    [Fact]
    public async Task Restore_refuses_existing_keys_bad_payloads_and_bad_options_in_redis_words()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        var payload = await DumpAsync(client, "k");

        Assert.Equal("BUSYKEY Target key name already exists.", Error(await client.CallAsync("RESTORE", "k", "0", payload)));
        await client.CallAsync("SET", "other", "x");
        Assert.Equal("OK", await client.CallAsync("RESTORE", "other", "0", payload, "REPLACE"));
        Assert.Equal("v", await client.CallAsync("GET", "other"));

        var corrupt = (byte[])payload.Clone();
        corrupt[1] ^= 0x20;
        Assert.Equal("ERR DUMP payload version or checksum are wrong", Error(await client.CallAsync("RESTORE", "x", "0", corrupt)));
        Assert.Equal("ERR DUMP payload version or checksum are wrong", Error(await client.CallAsync("RESTORE", "x", "0", payload[..5])));
        Assert.Equal("ERR DUMP payload version or checksum are wrong", Error(await client.CallAsync("RESTORE", "x", "0", "not a payload")));
        Assert.Equal("ERR Invalid TTL value, must be >= 0", Error(await client.CallAsync("RESTORE", "x", "-1", payload)));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("RESTORE", "x", "soon", payload)));
        Assert.Equal("ERR Invalid IDLETIME value, must be >= 0", Error(await client.CallAsync("RESTORE", "x", "0", payload, "IDLETIME", "-5")));
        Assert.Equal("ERR Invalid FREQ value, must be >= 0 and <= 255", Error(await client.CallAsync("RESTORE", "x", "0", payload, "FREQ", "256")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("RESTORE", "x", "0", payload, "IDLETIME", "1", "FREQ", "1")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("RESTORE", "x", "0", payload, "SOON")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "x"));
        Assert.Equal("OK", await client.CallAsync("RESTORE", "x", "0", payload, "IDLETIME", "10"));
    }

    [Fact]
    public async Task Migrate_moves_keys_with_their_ttl_and_honours_copy_replace_and_keys()
    {
        await using var source = await TestNode.StartAsync();
        await using var target = await TestNode.StartAsync();
        await using var from = await source.ConnectAsync();
        await using var to = await target.ConnectAsync();
        var port = target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await from.CallAsync("SET", "a", "1", "PX", "600000");
        await from.CallAsync("HSET", "h", "f", "v");
        await from.CallAsync("SET", "kept", "mine");
        await to.CallAsync("SET", "kept", "theirs");

        Assert.Equal("OK", await from.CallAsync("MIGRATE", "127.0.0.1", port, "a", "0", "5000"));
        Assert.Equal(0L, await from.CallAsync("EXISTS", "a"));
        Assert.Equal("1", await to.CallAsync("GET", "a"));
        Assert.InRange(Assert.IsType<long>(await to.CallAsync("PTTL", "a")), 500_000, 600_000);

        Assert.Equal("NOKEY", await from.CallAsync("MIGRATE", "127.0.0.1", port, "missing", "0", "5000"));
        Assert.Equal("OK", await from.CallAsync("MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "KEYS", "h", "missing"));
        Assert.Equal("v", await from.CallAsync("HGET", "h", "f"));
        Assert.Equal("v", await to.CallAsync("HGET", "h", "f"));

        // The target holds "kept": without REPLACE its error comes back and the key stays here.
        Assert.Equal("ERR Target instance replied with error: BUSYKEY Target key name already exists.",
            Error(await from.CallAsync("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "kept")));
        Assert.Equal("mine", await from.CallAsync("GET", "kept"));
        Assert.Equal("OK", await from.CallAsync("MIGRATE", "127.0.0.1", port, "", "0", "5000", "REPLACE", "KEYS", "kept", "h"));
        Assert.Equal("mine", await to.CallAsync("GET", "kept"));
        Assert.Equal(0L, await from.CallAsync("EXISTS", "kept", "h"));

        Assert.Equal("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
            Error(await from.CallAsync("MIGRATE", "127.0.0.1", port, "x", "0", "5000", "KEYS", "kept")));
        Assert.Equal("ERR syntax error", Error(await from.CallAsync("MIGRATE", "127.0.0.1", port, "x", "0", "5000", "SOON")));
    }

    [Fact]
    public async Task Migrate_authenticates_selects_the_database_and_reports_an_unreachable_target()
    {
        await using var source = await TestNode.StartAsync();
        await using var target = await TestNode.StartAsync(o => o.RequirePass = "secret");
        await using var from = await source.ConnectAsync();
        var port = target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await from.CallAsync("SET", "a", "1");

        Assert.StartsWith("ERR Target instance replied with error: ",
            Error(await from.CallAsync("MIGRATE", "127.0.0.1", port, "a", "0", "5000", "AUTH", "wrong")), StringComparison.Ordinal);
        Assert.Equal("1", await from.CallAsync("GET", "a"));
        Assert.Equal("OK", await from.CallAsync("MIGRATE", "127.0.0.1", port, "a", "3", "5000", "AUTH2", "default", "secret"));
        await using var to = await target.ConnectAsync();
        Assert.Equal("OK", await to.CallAsync("AUTH", "secret"));
        Assert.Equal("OK", await to.CallAsync("SELECT", "3"));
        Assert.Equal("1", await to.CallAsync("GET", "a"));

        await from.CallAsync("SET", "b", "2");
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var unused = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        closed.Stop(); // nothing listens there now
        Assert.StartsWith("IOERR error or timeout", Error(await from.CallAsync("MIGRATE", "127.0.0.1", unused, "b", "0", "1000")), StringComparison.Ordinal);
        Assert.Equal("2", await from.CallAsync("GET", "b"));
    }
}
