using Hoard.Server.Configuration;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>
/// The keyspace events of the set and sorted set commands, names and order as redis-server 7.0 raised them for the
/// same commands side by side (7.2 raises the same).
/// </summary>
public class SetNotificationsTests
{
    private const string Marker = "__keyevent@0__:zz-marker";

    /// <summary>A node with <c>notify-keyspace-events</c> set to <paramref name="classes"/>, and a client listening to every notification channel.</summary>
    private static async Task<(TestNode Node, RespClient Listener, RespClient Client)> StartAsync(string classes)
    {
        var node = await TestNode.StartAsync(o => ConfigRegistry.Apply(o, "notify-keyspace-events", classes));
        var listener = await node.ConnectAsync();
        await listener.SendAsync("PSUBSCRIBE", "__key*__:*");
        Assert.Equal(new object?[] { "psubscribe", "__key*__:*", 1L }, await listener.ReadAsync());
        var client = await node.ConnectAsync();
        return (node, listener, client);
    }

    /// <summary>The notifications (channel, message) raised before a marker published now, in order.</summary>
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

    private static (string, string) Event(string name, string key) => ($"__keyevent@0__:{name}", key);

    private static async Task RunAsync(RespClient client, params string[][] commands)
    {
        foreach (var command in commands)
        {
            Assert.IsNotType<RespError>(await client.CallAsync(command));
        }
    }

    [Fact]
    public async Task SAddSRemAndSPopRaiseTheirEventsOnlyWhenSomethingChangedThenDelWhenEmptied()
    {
        var (node, listener, client) = await StartAsync("Egs");
        await using (node)
        await using (listener)
        await using (client)
        {
            await RunAsync(
                client,
                ["SADD", "s", "a", "b", "c"], ["SADD", "s", "a"], ["SREM", "s", "x"], ["SREM", "nokey", "x"], ["SREM", "s", "a"],
                ["SREM", "s", "b", "c"], ["SADD", "p", "1", "2", "3"], ["SPOP", "p"], ["SPOP", "p", "0"], ["SPOP", "p", "5"],
                ["SPOP", "nokey"], ["SPOP", "nokey", "2"]);
            Assert.Equal(
                [
                    Event("sadd", "s"), Event("srem", "s"), Event("srem", "s"), Event("del", "s"),
                    Event("sadd", "p"), Event("spop", "p"), Event("spop", "p"), Event("del", "p"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task SMoveRaisesSRemOnTheSourceThenDelIfEmptiedThenSAddIfTheDestinationLackedTheMember()
    {
        var (node, listener, client) = await StartAsync("Egs");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SADD", "a", "x", "y", "z");
            await client.CallAsync("SADD", "b", "y");
            await DrainAsync(listener, client);
            await RunAsync(
                client,
                ["SMOVE", "a", "b", "y"], // b has y already: no sadd
                ["SMOVE", "a", "b", "nothere"], ["SMOVE", "a", "a", "x"], ["SMOVE", "nokey", "b", "x"],
                ["SMOVE", "a", "c", "x"], ["SMOVE", "a", "b", "z"]);
            Assert.Equal(
                [
                    Event("srem", "a"),
                    Event("srem", "a"), Event("sadd", "c"),
                    Event("srem", "a"), Event("del", "a"), Event("sadd", "b"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task SetStoreFormsRaiseTheirEventOnTheDestinationOrDelWhenAnEmptyResultDeletedIt()
    {
        var (node, listener, client) = await StartAsync("Egs");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SADD", "i1", "1", "2");
            await client.CallAsync("SADD", "i2", "2", "3");
            await DrainAsync(listener, client);
            await RunAsync(
                client,
                ["SINTERSTORE", "d1", "i1", "i2"], ["SINTERSTORE", "d1", "i1", "nokey"], ["SINTERSTORE", "d1", "i1", "nokey"],
                ["SUNIONSTORE", "d2", "i1", "i2"], ["SDIFFSTORE", "d3", "i1", "i2"], ["SDIFFSTORE", "d3", "i1", "i1"],
                ["SDIFFSTORE", "d4", "i1", "i1"]);
            Assert.Equal(
                [
                    Event("sinterstore", "d1"), Event("del", "d1"), Event("sunionstore", "d2"), Event("sdiffstore", "d3"), Event("del", "d3"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task ZAddAndZIncrByRaiseZAddOrZIncrOnlyWhenAMemberWasAddedOrItsScoreChanged()
    {
        var (node, listener, client) = await StartAsync("Egz");
        await using (node)
        await using (listener)
        await using (client)
        {
            await RunAsync(
                client,
                ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "5", "a"], ["ZADD", "z", "NX", "6", "a"],
                ["ZADD", "z", "GT", "1", "a"], ["ZADD", "z", "XX", "1", "new"], ["ZADD", "z", "INCR", "1", "a"],
                ["ZADD", "z", "INCR", "0", "a"], ["ZINCRBY", "z", "0", "a"], ["ZINCRBY", "z", "1", "c"], ["ZADD", "z", "CH", "9", "b"]);
            Assert.Equal(
                [Event("zadd", "z"), Event("zadd", "z"), Event("zincr", "z"), Event("zincr", "z"), Event("zadd", "z")],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task SortedSetRemovalsAndPopsRaiseTheirEventThenDelWhenEmptied()
    {
        var (node, listener, client) = await StartAsync("Egz");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7", "g");
            await client.CallAsync("ZADD", "r", "1", "a");
            await DrainAsync(listener, client);
            await RunAsync(
                client,
                ["ZREM", "z", "nope"], ["ZREM", "nokey", "a"], ["ZREM", "z", "a"], ["ZREMRANGEBYRANK", "z", "0", "0"],
                ["ZREMRANGEBYRANK", "z", "10", "20"], ["ZREMRANGEBYSCORE", "z", "3", "3"], ["ZREMRANGEBYSCORE", "z", "100", "200"],
                ["ZREMRANGEBYLEX", "z", "[d", "[d"], ["ZPOPMIN", "z"], ["ZPOPMIN", "z", "0"], ["ZPOPMAX", "z"],
                ["ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "5"], ["ZPOPMIN", "z"], ["ZREM", "r", "a"]);
            Assert.Equal(
                [
                    Event("zrem", "z"), Event("zremrangebyrank", "z"), Event("zremrangebyscore", "z"), Event("zremrangebylex", "z"),
                    Event("zpopmin", "z"), Event("zpopmax", "z"), Event("zpopmax", "z"), Event("del", "z"),
                    Event("zrem", "r"), Event("del", "r"),
                ],
                await DrainAsync(listener, client));

            await client.CallAsync("ZADD", "z", "1", "a", "2", "b");
            await client.CallAsync("ZREMRANGEBYSCORE", "z", "-inf", "+inf");
            await client.CallAsync("ZADD", "z", "1", "a", "2", "b");
            await client.CallAsync("ZREMRANGEBYLEX", "z", "-", "+");
            await client.CallAsync("ZADD", "z", "1", "a");
            await client.CallAsync("ZMPOP", "1", "z", "MIN");
            Assert.Equal(
                [
                    Event("zadd", "z"), Event("zremrangebyscore", "z"), Event("del", "z"),
                    Event("zadd", "z"), Event("zremrangebylex", "z"), Event("del", "z"),
                    Event("zadd", "z"), Event("zpopmin", "z"), Event("del", "z"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task SortedSetStoreFormsRaiseTheirEventOnTheDestinationOrDelWhenAnEmptyResultDeletedIt()
    {
        var (node, listener, client) = await StartAsync("Egz");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("ZADD", "za", "1", "a", "2", "b");
            await client.CallAsync("ZADD", "zb", "2", "b", "3", "c");
            await DrainAsync(listener, client);
            await RunAsync(
                client,
                ["ZUNIONSTORE", "zu", "2", "za", "zb"], ["ZINTERSTORE", "zi", "2", "za", "zb"], ["ZDIFFSTORE", "zd", "2", "za", "zb"],
                ["ZDIFFSTORE", "none", "2", "za", "za"], ["ZDIFFSTORE", "zi", "2", "za", "za"], ["ZINTERSTORE", "zu", "2", "za", "nokey"],
                ["ZUNIONSTORE", "zd", "1", "nokey"], ["ZRANGESTORE", "zr", "za", "0", "-1"], ["ZRANGESTORE", "zr", "za", "5", "6"],
                ["ZRANGESTORE", "none", "nokey", "0", "-1"]);
            Assert.Equal(
                [
                    Event("zunionstore", "zu"), Event("zinterstore", "zi"), Event("zdiffstore", "zd"), Event("del", "zi"),
                    Event("del", "zu"), Event("del", "zd"), Event("zrangestore", "zr"), Event("del", "zr"),
                ],
                await DrainAsync(listener, client));
        }
    }

    [Fact]
    public async Task KeyspaceChannelsNamedClassesAndNewFollowTheConfiguration()
    {
        var (node, listener, client) = await StartAsync("Ksn");
        await using (node)
        await using (listener)
        await using (client)
        {
            await client.CallAsync("SADD", "s", "a");
            await client.CallAsync("ZADD", "z", "1", "a"); // class z is off
            await client.CallAsync("SREM", "s", "a"); // del is class g: off
            Assert.Equal(
                [
                    ("__keyspace@0__:s", "new"), ("__keyspace@0__:s", "sadd"), ("__keyspace@0__:z", "new"), ("__keyspace@0__:s", "srem"),
                ],
                await DrainAsync(listener, client));
        }
    }
}
