using Hoard.Server.Configuration;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>
/// Keyspace notifications of the list commands: Redis 7.2's event names and order (each sequence below was recorded
/// from redis-server with the same commands), and nothing for a command that changed nothing.
/// </summary>
public class ListNotificationsTests
{
    private const string Marker = "__keyevent@0__:zz-marker";

    /// <summary>A node with <c>notify-keyspace-events</c> set to <paramref name="classes"/>, and a client listening to every notification channel.</summary>
    private static async Task<(TestNode Node, RespClient Listener, RespClient Client)> StartAsync(string classes = "KEA")
    {
        var node = await TestNode.StartAsync(o => ConfigRegistry.Apply(o, "notify-keyspace-events", classes));
        var listener = await node.ConnectAsync();
        await listener.SendAsync("PSUBSCRIBE", "__keyevent*__:*");
        Assert.Equal(new object?[] { "psubscribe", "__keyevent*__:*", 1L }, await listener.ReadAsync());
        var client = await node.ConnectAsync();
        return (node, listener, client);
    }

    /// <summary>The keyevent notifications (event, key) raised before a marker published after them, in order.</summary>
    private static async Task<List<(string Event, string Key)>> DrainAsync(RespClient listener, RespClient client)
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

            seen.Add((channel["__keyevent@0__:".Length..], (string)frame[3]!));
        }
    }

    [Fact]
    public async Task PushesRaiseTheirEventOncePerCommandAndTheXFormsOnlyWhenTheyPushed()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal(0L, await client.CallAsync("LPUSHX", "l", "a"));
            Assert.Equal(0L, await client.CallAsync("RPUSHX", "l", "a"));
            Assert.Empty(await DrainAsync(listener, client));

            Assert.Equal(3L, await client.CallAsync("LPUSH", "l", "a", "b", "c"));
            Assert.Equal(4L, await client.CallAsync("RPUSH", "l", "d"));
            Assert.Equal(5L, await client.CallAsync("LPUSHX", "l", "e"));
            Assert.Equal(7L, await client.CallAsync("RPUSHX", "l", "f", "g"));
            Assert.Equal([("lpush", "l"), ("rpush", "l"), ("lpush", "l"), ("rpush", "l")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task PopsRaiseThePopThenDelWhenTheListIsEmptied()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Null(await client.CallAsync("LPOP", "nope"));
            Assert.Null(await client.CallAsync("RPOP", "nope", "2"));
            Assert.Equal(3L, await client.CallAsync("RPUSH", "l", "a", "b", "c"));
            Assert.Equal(Array.Empty<object?>(), await client.CallAsync("LPOP", "l", "0"));
            Assert.Equal([("rpush", "l")], await DrainAsync(listener, client));

            Assert.Equal("a", await client.CallAsync("LPOP", "l"));
            Assert.Equal(new object?[] { "c", "b" }, await client.CallAsync("RPOP", "l", "5"));
            Assert.Equal([("lpop", "l"), ("rpop", "l"), ("del", "l")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task LMPopRaisesThePopOfTheListItTookFrom()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Null(await client.CallAsync("LMPOP", "2", "x", "y", "LEFT"));
            Assert.Equal(2L, await client.CallAsync("RPUSH", "l", "a", "b"));
            Assert.Equal(new object?[] { "l", new object?[] { "b" } }, await client.CallAsync("LMPOP", "2", "nope", "l", "RIGHT"));
            Assert.Equal(new object?[] { "l", new object?[] { "a" } }, await client.CallAsync("LMPOP", "2", "nope", "l", "LEFT", "COUNT", "3"));
            Assert.Equal([("rpush", "l"), ("rpop", "l"), ("lpop", "l"), ("del", "l")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task LInsertLSetLRemAndLTrimRaiseOnlyWhenTheyApply()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal(2L, await client.CallAsync("RPUSH", "l", "a", "b"));
            Assert.Equal(-1L, await client.CallAsync("LINSERT", "l", "BEFORE", "zz", "q"));
            Assert.Equal(0L, await client.CallAsync("LINSERT", "nope", "BEFORE", "a", "q"));
            Assert.Equal(3L, await client.CallAsync("LINSERT", "l", "AFTER", "a", "q"));
            Assert.Equal("OK", await client.CallAsync("LSET", "l", "0", "w"));
            Assert.Equal("ERR index out of range", Assert.IsType<RespError>(await client.CallAsync("LSET", "l", "9", "w")).Message);
            Assert.Equal("ERR no such key", Assert.IsType<RespError>(await client.CallAsync("LSET", "nope", "0", "w")).Message);
            Assert.Equal(0L, await client.CallAsync("LREM", "l", "0", "nothing"));
            Assert.Equal(0L, await client.CallAsync("LREM", "nope", "0", "q"));
            Assert.Equal(1L, await client.CallAsync("LREM", "l", "0", "q"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "nope", "0", "1"));

            // Redis raises ltrim whenever the key is a list, even when nothing was trimmed.
            Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "0", "-1"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "0", "0"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "5", "10"));
            Assert.Equal(
                [
                    ("rpush", "l"), ("linsert", "l"), ("lset", "l"), ("lrem", "l"),
                    ("ltrim", "l"), ("ltrim", "l"), ("ltrim", "l"), ("del", "l"),
                ],
                await DrainAsync(listener, client));

            Assert.Equal(1L, await client.CallAsync("LPUSH", "s", "1"));
            Assert.Equal(1L, await client.CallAsync("LREM", "s", "1", "1"));
            Assert.Equal([("lpush", "s"), ("lrem", "s"), ("del", "s")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task LMoveRaisesThePushOnTheDestinationBeforeThePopOnTheSource()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Null(await client.CallAsync("LMOVE", "nope", "dst", "LEFT", "LEFT"));
            Assert.Null(await client.CallAsync("RPOPLPUSH", "nope", "dst"));
            Assert.Equal(2L, await client.CallAsync("RPUSH", "src", "a", "b"));
            Assert.Equal(1L, await client.CallAsync("LPUSH", "dst", "x"));
            Assert.Equal("b", await client.CallAsync("LMOVE", "src", "dst", "RIGHT", "LEFT"));
            Assert.Equal("a", await client.CallAsync("LMOVE", "src", "dst", "LEFT", "RIGHT"));
            Assert.Equal("a", await client.CallAsync("RPOPLPUSH", "dst", "dst"));
            Assert.Equal(
                [
                    ("rpush", "src"), ("lpush", "dst"),
                    ("lpush", "dst"), ("rpop", "src"),
                    ("rpush", "dst"), ("lpop", "src"), ("del", "src"),
                    ("lpush", "dst"), ("rpop", "dst"),
                ],
                await DrainAsync(listener, client));

            // A one-element list moved onto itself is never emptied: no del.
            Assert.Equal(1L, await client.CallAsync("RPUSH", "one", "z"));
            Assert.Equal("z", await client.CallAsync("LMOVE", "one", "one", "LEFT", "RIGHT"));
            Assert.Equal([("rpush", "one"), ("rpush", "one"), ("lpop", "one")], await DrainAsync(listener, client));

            // A destination of another type: nothing moved, nothing raised.
            Assert.Equal(1L, await client.CallAsync("HSET", "h", "f", "v"));
            Assert.IsType<RespError>(await client.CallAsync("LMOVE", "one", "h", "LEFT", "LEFT"));
            Assert.Equal([("hset", "h")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task BlockingFormsServedAtOnceRaiseTheNonBlockingEvents()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal(3L, await client.CallAsync("RPUSH", "l", "a", "b", "c"));
            Assert.Equal(new object?[] { "l", "a" }, await client.CallAsync("BLPOP", "nope", "l", "1"));
            Assert.Equal(new object?[] { "l", "c" }, await client.CallAsync("BRPOP", "l", "1"));
            Assert.Equal("b", await client.CallAsync("BLMOVE", "l", "d", "LEFT", "RIGHT", "1"));
            Assert.Equal("b", await client.CallAsync("BRPOPLPUSH", "d", "e", "1"));
            Assert.Equal(new object?[] { "e", new object?[] { "b" } }, await client.CallAsync("BLMPOP", "1", "2", "nope", "e", "LEFT", "COUNT", "2"));
            Assert.Equal(
                [
                    ("rpush", "l"), ("lpop", "l"), ("rpop", "l"),
                    ("rpush", "d"), ("lpop", "l"), ("del", "l"),
                    ("lpush", "e"), ("rpop", "d"), ("del", "d"),
                    ("lpop", "e"), ("del", "e"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task AServedBLPopRaisesItsPopAfterThePushThatServedIt()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        await using (var waiter = await node.ConnectAsync())
        {
            await waiter.SendAsync("BLPOP", "bl", "10");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(2L, await client.CallAsync("RPUSH", "bl", "a", "b"));
            Assert.Equal(new object?[] { "bl", "a" }, await waiter.ReadAsync());
            Assert.Equal([("rpush", "bl"), ("lpop", "bl")], await DrainAsync(listener, client));

            Assert.Equal("b", await client.CallAsync("LPOP", "bl"));
            await waiter.SendAsync("BRPOP", "bl2", "10");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(1L, await client.CallAsync("LPUSH", "bl2", "a"));
            Assert.Equal(new object?[] { "bl2", "a" }, await waiter.ReadAsync());
            Assert.Equal([("lpop", "bl"), ("del", "bl"), ("lpush", "bl2"), ("rpop", "bl2"), ("del", "bl2")], await DrainAsync(listener, client));

            await waiter.SendAsync("BLMPOP", "10", "2", "x", "bmp", "LEFT", "COUNT", "5");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(2L, await client.CallAsync("RPUSH", "bmp", "a", "b"));
            Assert.Equal(new object?[] { "bmp", new object?[] { "a", "b" } }, await waiter.ReadAsync());
            Assert.Equal([("rpush", "bmp"), ("lpop", "bmp"), ("del", "bmp")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task AServedBLMoveRaisesTheMovesEvents()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        await using (var waiter = await node.ConnectAsync())
        {
            await waiter.SendAsync("BLMOVE", "bm", "dst", "RIGHT", "LEFT", "10");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(1L, await client.CallAsync("RPUSH", "bm", "a"));
            Assert.Equal("a", await waiter.ReadAsync());
            Assert.Equal([("rpush", "bm"), ("lpush", "dst"), ("rpop", "bm"), ("del", "bm")], await DrainAsync(listener, client));

            await waiter.SendAsync("BRPOPLPUSH", "bq", "bq", "10");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(1L, await client.CallAsync("RPUSH", "bq", "a"));
            Assert.Equal("a", await waiter.ReadAsync());
            Assert.Equal([("rpush", "bq"), ("lpush", "bq"), ("rpop", "bq")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task DelNeedsTheGenericClassAndListEventsTheListClass()
    {
        var (node, listener, client) = await StartAsync("El");
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal(1L, await client.CallAsync("RPUSH", "l", "a"));
            Assert.Equal("a", await client.CallAsync("LPOP", "l"));
            Assert.Equal([("rpush", "l"), ("lpop", "l")], await DrainAsync(listener, client));

            Assert.Equal("OK", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Eg"));
            Assert.Equal(2L, await client.CallAsync("RPUSH", "l", "a", "b"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "0", "0"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "nope", "0", "0"));
            Assert.Equal("OK", await client.CallAsync("LTRIM", "l", "1", "0"));
            Assert.Equal([("del", "l")], await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task ANewListRaisesNewBeforeThePushAlsoWhenAMoveCreatesIt()
    {
        var (node, listener, client) = await StartAsync("KEAn");
        await using (node)
        await using (listener)
        await using (client)
        await using (var waiter = await node.ConnectAsync())
        {
            Assert.Equal(2L, await client.CallAsync("RPUSH", "s", "a", "b"));
            Assert.Equal("a", await client.CallAsync("LMOVE", "s", "d", "LEFT", "LEFT"));
            Assert.Equal(0L, await client.CallAsync("LPUSHX", "nx", "a"));
            await waiter.SendAsync("BLMOVE", "w", "wd", "LEFT", "LEFT", "10");
            await node.WaitForBlockedAsync(1);
            Assert.Equal(1L, await client.CallAsync("RPUSH", "w", "z"));
            Assert.Equal("z", await waiter.ReadAsync());
            Assert.Equal(
                [
                    ("new", "s"), ("rpush", "s"), ("new", "d"), ("lpush", "d"), ("lpop", "s"),
                    ("new", "w"), ("rpush", "w"), ("new", "wd"), ("lpush", "wd"), ("lpop", "w"), ("del", "w"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task ListCommandsInsideATransactionRaiseTheirEvents()
    {
        var (node, listener, client) = await StartAsync();
        await using (node)
        await using (listener)
        await using (client)
        {
            Assert.Equal("OK", await client.CallAsync("MULTI"));
            Assert.Equal("QUEUED", await client.CallAsync("RPUSH", "l", "a"));
            Assert.Equal("QUEUED", await client.CallAsync("BLPOP", "l", "0"));
            Assert.Equal("QUEUED", await client.CallAsync("BLPOP", "l", "0"));
            Assert.Equal(new object?[] { 1L, new object?[] { "l", "a" }, null }, await client.CallAsync("EXEC"));
            Assert.Equal([("rpush", "l"), ("lpop", "l"), ("del", "l")], await DrainAsync(listener, client));
        }
    }
}
