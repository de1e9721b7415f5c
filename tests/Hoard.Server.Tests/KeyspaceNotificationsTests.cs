using Hoard.Server.Configuration;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

public class KeyspaceNotificationsTests
{
    private const string Marker = "__keyevent@0__:zz-marker";

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>A node with <c>notify-keyspace-events</c> set to <paramref name="classes"/>, and a client listening to every notification channel.</summary>
    private static async Task<(TestNode Node, RespClient Listener, RespClient Client)> StartAsync(string classes, TimeProvider? time = null, int hz = 10)
    {
        var node = await TestNode.StartAsync(
            o =>
            {
                ConfigRegistry.Apply(o, "notify-keyspace-events", classes);
                o.Hz = hz;
            },
            time);
        var listener = await node.ConnectAsync();
        await listener.SendAsync("PSUBSCRIBE", "__key*__:*");
        Assert.Equal(new object?[] { "psubscribe", "__key*__:*", 1L }, await listener.ReadAsync());
        var client = await node.ConnectAsync();
        return (node, listener, client);
    }

    /// <summary>
    /// Reads messages up to a marker published after them: exactly the notifications (channel, message) the commands
    /// before it raised, in order.
    /// </summary>
    private static async Task<List<(string Channel, string Message)>> DrainAsync(RespClient listener, RespClient client)
    {
        Assert.Equal(1L, await client.CallAsync("PUBLISH", Marker, "end"));
        var seen = new List<(string, string)>();
        while (true)
        {
            var frame = Assert.IsType<object?[]>(await listener.ReadAsync());
            Assert.Equal("pmessage", frame[0]);
            var channel = (string)frame[2]!;
            if (channel == Marker)
            {
                return seen;
            }

            seen.Add((channel, (string)frame[3]!));
        }
    }

    private static (string, string) Event(string name, string key, int db = 0) => ($"__keyevent@{db}__:{name}", key);

    [Fact]
    public async Task ConfigSetParsesTheClassesAndConfigGetPrintsRedisCanonicalForm()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(new object?[] { "notify-keyspace-events", "" }, await client.CallAsync("CONFIG", "GET", "notify-keyspace-events"));
        (string Given, string Printed)[] cases =
        [
            ("KEA", "AKE"), ("KEAn", "AKE"), ("EAK$", "AKE"), ("g$lshzxetd", "A"), ("mEg", "gEm"), ("Elx$", "$lxE"),
            ("nK", "nK"), ("KEAnm", "AKEm"), ("", ""), ("hhKK", "hK"),
        ];
        foreach (var (given, printed) in cases)
        {
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", given));
            Assert.Equal(new object?[] { "notify-keyspace-events", printed }, await client.CallAsync("CONFIG", "GET", "notify-keyspace-events"));
        }

        Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Kh"));
        Assert.Equal(
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
            Error(await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Kq")));
        Assert.Equal(
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
            Error(await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "ke")));
        Assert.Equal(new object?[] { "notify-keyspace-events", "hK" }, await client.CallAsync("CONFIG", "GET", "notify-keyspace-events"));
    }

    [Fact]
    public void AStartupSettingIsParsedAndABadOneRefused()
    {
        var options = new ServerOptions();
        ConfigRegistry.Apply(options, "notify-keyspace-events", "Ex");
        Assert.Equal(Notifications.NotifyClass.Keyevent | Notifications.NotifyClass.Expired, options.NotifyKeyspaceEvents);
        var error = Assert.Throws<ArgumentException>(() => ConfigRegistry.Apply(options, "notify-keyspace-events", "E?"));
        Assert.Contains("Invalid event class character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyspaceChannelCarriesTheEventAndKeyeventChannelTheKey()
    {
        var (node, listener, client) = await StartAsync("KE$");
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
            Assert.Equal([("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k")], await DrainAsync(listener, client));

            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "K$"));
            Assert.Equal(2L, await client.CallAsync("APPEND", "k", "w"));
            Assert.Equal([("__keyspace@0__:k", "append")], await DrainAsync(listener, client));

            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "E$"));
            Assert.Equal(3L, await client.CallAsync("APPEND", "k", "x"));
            Assert.Equal([Event("append", "k")], await DrainAsync(listener, client));

            // A class without K or E publishes nothing, as Redis.
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "A"));
            Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
            Assert.Empty(await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task StringCommandsRaiseRedisEvents()
    {
        var (node, listener, client) = await StartAsync("E$g");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "a", "1");
            await client.CallAsync("SET", "a", "2", "EX", "100");
            await client.CallAsync("SET", "a", "3", "KEEPTTL");
            await client.CallAsync("SET", "a", "4", "NX");
            await client.CallAsync("SETNX", "a", "1");
            await client.CallAsync("SETNX", "b", "1");
            await client.CallAsync("SETEX", "c", "10", "x");
            await client.CallAsync("PSETEX", "c", "10000", "x");
            await client.CallAsync("MSET", "a", "1", "d", "2");
            await client.CallAsync("MSETNX", "e", "1", "f", "2");
            await client.CallAsync("MSETNX", "e", "1", "g", "2");
            await client.CallAsync("GETSET", "a", "5");
            await client.CallAsync("GETDEL", "a");
            await client.CallAsync("GETDEL", "a");
            await client.CallAsync("GETEX", "b", "EX", "100");
            await client.CallAsync("GETEX", "b", "PERSIST");
            await client.CallAsync("GETEX", "b", "PERSIST");
            await client.CallAsync("GETEX", "b");
            await client.CallAsync("GETEX", "b", "PXAT", "1");
            await client.CallAsync("SETRANGE", "d", "0", "x");
            await client.CallAsync("SETRANGE", "d", "0", "");
            await client.CallAsync("APPEND", "d", "y");
            await client.CallAsync("INCR", "n");
            await client.CallAsync("DECR", "n");
            await client.CallAsync("INCRBY", "n", "2");
            await client.CallAsync("DECRBY", "n", "1");
            await client.CallAsync("INCRBYFLOAT", "n", "1.5");
            await client.CallAsync("INCR", "d");
            Assert.Equal(
                [
                    Event("set", "a"), Event("set", "a"), Event("expire", "a"), Event("set", "a"), Event("set", "b"),
                    Event("set", "c"), Event("expire", "c"), Event("set", "c"), Event("expire", "c"),
                    Event("set", "a"), Event("set", "d"), Event("set", "e"), Event("set", "f"), Event("set", "a"),
                    Event("del", "a"), Event("expire", "b"), Event("persist", "b"), Event("del", "b"),
                    Event("setrange", "d"), Event("append", "d"),
                    Event("incrby", "n"), Event("incrby", "n"), Event("incrby", "n"), Event("incrby", "n"), Event("incrbyfloat", "n"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task GenericCommandsRaiseRedisEvents()
    {
        var (node, listener, client) = await StartAsync("Eg");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "d", "1");
            await client.CallAsync("EXPIRE", "d", "100");
            await client.CallAsync("PEXPIRE", "d", "100000");
            await client.CallAsync("EXPIRE", "nokey", "100");
            await client.CallAsync("PERSIST", "d");
            await client.CallAsync("PERSIST", "d");
            await client.CallAsync("RENAME", "d", "d2");
            await client.CallAsync("RENAMENX", "d2", "x");
            await client.CallAsync("COPY", "x", "y");
            await client.CallAsync("COPY", "x", "z", "DB", "1");
            client.BulkAsBytes = true;
            var dump = await client.CallAsync("DUMP", "x");
            client.BulkAsBytes = false;
            await client.CallAsync("RESTORE", "r", "0", dump!);
            await client.CallAsync("EXPIREAT", "r", "1");
            await client.CallAsync("DEL", "x", "y", "nope");
            await client.CallAsync("SET", "u", "1");
            await client.CallAsync("UNLINK", "u");
            Assert.Equal(
                [
                    Event("expire", "d"), Event("expire", "d"), Event("persist", "d"),
                    Event("rename_from", "d"), Event("rename_to", "d2"), Event("rename_from", "d2"), Event("rename_to", "x"),
                    Event("copy_to", "y"), Event("copy_to", "z", db: 1), Event("restore", "r"), Event("del", "r"),
                    Event("del", "x"), Event("del", "y"), Event("del", "u"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task HashCommandsRaiseRedisEvents()
    {
        var (node, listener, client) = await StartAsync("KEA");
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Ehg"));
            await client.CallAsync("HSET", "h", "a", "1", "b", "2");
            await client.CallAsync("HSETNX", "h", "c", "3");
            await client.CallAsync("HSETNX", "h", "c", "3");
            await client.CallAsync("HMSET", "h", "d", "4");
            await client.CallAsync("HINCRBY", "h", "a", "1");
            await client.CallAsync("HINCRBYFLOAT", "h", "a", "1.5");
            await client.CallAsync("HDEL", "h", "a", "b");
            await client.CallAsync("HDEL", "h", "nope");
            await client.CallAsync("HDEL", "h", "c", "d");
            Assert.Equal(
                [
                    Event("hset", "h"), Event("hset", "h"), Event("hset", "h"), Event("hincrby", "h"), Event("hincrbyfloat", "h"),
                    Event("hdel", "h"), Event("hdel", "h"), Event("del", "h"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task OnlyTheChosenClassesPublish()
    {
        var (node, listener, client) = await StartAsync("Eh");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "s", "1");
            await client.CallAsync("EXPIRE", "s", "100");
            await client.CallAsync("HSET", "h", "f", "v");
            await client.CallAsync("DEL", "h");
            Assert.Equal([Event("hset", "h")], await DrainAsync(listener, client));

            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "E$"));
            await client.CallAsync("SET", "s", "1");
            await client.CallAsync("HSET", "h", "f", "v");
            Assert.Equal([Event("set", "s")], await DrainAsync(listener, client));

            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", ""));
            await client.CallAsync("SET", "s", "1");
            Assert.Empty(await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task NewKeyEventsComeOnlyWithTheNClassAndBeforeTheCommandsEvent()
    {
        var (node, listener, client) = await StartAsync("E$");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "a", "1");
            await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "En$gh");
            await client.CallAsync("SET", "a", "2");
            await client.CallAsync("SET", "b", "1");
            await client.CallAsync("HSET", "h", "f", "v");
            await client.CallAsync("HSET", "h", "g", "v");
            await client.CallAsync("RENAME", "b", "c");
            Assert.Equal(
                [
                    Event("set", "a"), Event("set", "a"), Event("new", "b"), Event("set", "b"), Event("new", "h"), Event("hset", "h"), Event("hset", "h"),
                    Event("new", "c"), Event("rename_from", "b"), Event("rename_to", "c"),
                ],
                await DrainAsync(listener, client));

            // A destination RENAME or COPY replaces is new too: Redis deletes and adds it.
            await client.CallAsync("SET", "x", "1");
            await client.CallAsync("COPY", "x", "c", "REPLACE");
            await client.CallAsync("RENAME", "x", "h");
            Assert.Equal(
                [
                    Event("new", "x"), Event("set", "x"), Event("new", "c"), Event("copy_to", "c"),
                    Event("new", "h"), Event("rename_from", "x"), Event("rename_to", "h"),
                ],
                await DrainAsync(listener, client));

            // KEA without n (Redis prints AKE for KEAn too, but the n stays on).
            await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "E$");
            await client.CallAsync("SET", "d", "1");
            Assert.Equal([Event("set", "d")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task ReadsThatFindNoKeyRaiseKeymissAsRedis()
    {
        var (node, listener, client) = await StartAsync("KEA");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "s", "v");
            await client.CallAsync("HSET", "h", "f", "v");
            Assert.Equal(2, (await DrainAsync(listener, client)).Count / 2); // set, hset on both channels
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Em"));
            string[][] commands =
            [
                ["GET", "g"], ["GET", "s"], ["MGET", "s", "m1", "m2"], ["HGET", "hg", "f"], ["HGET", "h", "nofield"],
                ["EXISTS", "ex"], ["TYPE", "ty"], ["TTL", "tt"], ["PTTL", "s"], ["STRLEN", "sl"], ["GETRANGE", "gr", "0", "1"],
                ["GETDEL", "gd"], ["HLEN", "hl"], ["HEXISTS", "he", "f"], ["HEXISTS", "h", "nofield"], ["HSTRLEN", "hs", "f"],
                ["HGETALL", "ha"], ["DUMP", "du"], ["TOUCH", "to", "s"], ["COPY", "co", "dest"],
                ["INCR", "w1"], ["APPEND", "w2", "x"], ["DEL", "w3"], ["EXPIRE", "w4", "10"], ["OBJECT", "ENCODING", "ob"],
            ];
            foreach (var command in commands)
            {
                await client.CallAsync(command);
            }

            Assert.Equal(
                [
                    Event("keymiss", "g"), Event("keymiss", "m1"), Event("keymiss", "m2"), Event("keymiss", "hg"),
                    Event("keymiss", "ex"), Event("keymiss", "ty"), Event("keymiss", "tt"), Event("keymiss", "sl"),
                    Event("keymiss", "gr"), Event("keymiss", "gd"), Event("keymiss", "hl"), Event("keymiss", "he"),
                    Event("keymiss", "hs"), Event("keymiss", "ha"), Event("keymiss", "du"), Event("keymiss", "to"),
                    Event("keymiss", "co"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task ExpiredEventsArriveForLazyAndActiveExpiry()
    {
        // A clock moved by hand, and one active expiry cycle a second: the read right after the clock moved finds
        // the key expired itself (lazily); the next cycle finds the other one with nobody asking (actively).
        var clock = new ManualClock();
        var (node, listener, client) = await StartAsync("Ex", clock, hz: 1);
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SET", "lazy", "v", "PX", "100");
            clock.NowMs += 200;
            Assert.Null(await client.CallAsync("GET", "lazy"));
            Assert.Equal([Event("expired", "lazy")], await DrainAsync(listener, client));

            await client.CallAsync("SET", "active", "v", "PX", "100");
            clock.NowMs += 200;
            var frame = Assert.IsType<object?[]>(await listener.ReadAsync());
            Assert.Equal(new object?[] { "pmessage", "__key*__:*", "__keyevent@0__:expired", "active" }, frame);
        }
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long NowMs { get; set; } = 1_700_000_000_000;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }

    [Fact]
    public async Task EvictedEventsArriveWhenTheMemoryLimitEvicts()
    {
        var (node, listener, client) = await StartAsync("Ee");
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "maxmemory", "4mb"));
            var value = new string('v', 10_000);
            for (var i = 0; i < 1_000; i++)
            {
                await client.SendAsync("SET", $"key:{i}", value);
            }

            for (var i = 0; i < 1_000; i++)
            {
                Assert.Equal("OK", await client.ReadAsync());
            }

            var events = await DrainAsync(listener, client);
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.Equal("__keyevent@0__:evicted", e.Channel));
            var info = (string)(await client.CallAsync("INFO", "stats"))!;
            Assert.Contains($"evicted_keys:{events.Count}\r\n", info, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EventsNameTheDatabaseOfTheKey()
    {
        var (node, listener, client) = await StartAsync("KE$");
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal("OK", await client.CallAsync("SELECT", "3"));
            await client.CallAsync("SET", "k", "v");
            Assert.Equal("OK", await client.CallAsync("SELECT", "0"));
            Assert.Equal([("__keyspace@3__:k", "set"), ("__keyevent@3__:set", "k")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task InResp3NotificationsArePushes()
    {
        await using var node = await TestNode.StartAsync(o => ConfigRegistry.Apply(o, "notify-keyspace-events", "E$"));
        await using var listener = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        await listener.CallAsync("HELLO", "3");
        var confirmation = Assert.IsType<RespPush>(await listener.CallAsync("SUBSCRIBE", "__keyevent@0__:set"));
        Assert.Equal(new object?[] { "subscribe", "__keyevent@0__:set", 1L }, confirmation.Items);

        await client.CallAsync("SET", "k", "v");
        Assert.Equal(new object?[] { "message", "__keyevent@0__:set", "k" }, Assert.IsType<RespPush>(await listener.ReadAsync()).Items);

        // The subscriber's own write notifies it too (RESP3 has no subscribed context).
        Assert.Equal("OK", await listener.CallAsync("SET", "mine", "v"));
        Assert.Equal(new object?[] { "message", "__keyevent@0__:set", "mine" }, Assert.IsType<RespPush>(await listener.ReadAsync()).Items);
    }
}
