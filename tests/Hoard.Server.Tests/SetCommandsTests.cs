using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests;

/// <summary>SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SPOP, SRANDMEMBER, SMOVE, SSCAN in raw RESP.</summary>
public partial class SetCommandsTests
{
    private const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static string[] Sorted(object? reply) =>
        [.. Assert.IsType<object?[]>(reply).Select(x => Assert.IsType<string>(x)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Sends <paramref name="commands"/> on a fresh RESP3 connection (the node's only one) and reads exactly
    /// <paramref name="expected"/>'s length of reply bytes: the RESP3 type bytes (<c>~</c>, <c>*</c>, <c>_</c>) show.
    /// </summary>
    private static async Task<string> Resp3RawAsync(TestNode node, string commands, string expected)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, node.Port).WaitAsync(RespClient.Timeout);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray()).AsTask().WaitAsync(RespClient.Timeout);
        var pong = new byte[7];
        await stream.ReadExactlyAsync(pong).AsTask().WaitAsync(RespClient.Timeout);
        node.Server.Clients.Single().Protocol = RespVersion.Resp3;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(commands)).AsTask().WaitAsync(RespClient.Timeout);
        var reply = new byte[expected.Length];
        await stream.ReadExactlyAsync(reply).AsTask().WaitAsync(RespClient.Timeout);
        return Encoding.ASCII.GetString(reply);
    }

    [Fact]
    public async Task SAddCountsNewMembersAndSRemCountsRemovedOnes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal(3L, await client.CallAsync("SADD", "s", "a", "b", "c"));
        Assert.Equal(1L, await client.CallAsync("SADD", "s", "a", "d", "d"));
        Assert.Equal(4L, await client.CallAsync("SCARD", "s"));
        Assert.Equal(2L, await client.CallAsync("SREM", "s", "a", "b", "zz", "a"));
        Assert.Equal(0L, await client.CallAsync("SREM", "nokey", "a"));
        Assert.Equal(new[] { "c", "d" }, Sorted(await client.CallAsync("SMEMBERS", "s")));
        Assert.Equal(2L, await client.CallAsync("SREM", "s", "c", "d"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "s"));
        Assert.Equal(0L, await client.CallAsync("SCARD", "s"));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SMEMBERS", "s")));
        Assert.Equal("ERR wrong number of arguments for 'sadd' command", Error(await client.CallAsync("SADD", "s")));
        Assert.Equal("ERR wrong number of arguments for 'srem' command", Error(await client.CallAsync("SREM", "s")));
    }

    [Fact]
    public async Task SIsMemberAndSMIsMemberAnswerPerMember()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "s", "a", "1", "-5");
        Assert.Equal(1L, await client.CallAsync("SISMEMBER", "s", "a"));
        Assert.Equal(1L, await client.CallAsync("SISMEMBER", "s", "-5"));
        Assert.Equal(0L, await client.CallAsync("SISMEMBER", "s", "01"));
        Assert.Equal(0L, await client.CallAsync("SISMEMBER", "nokey", "a"));
        Assert.Equal(new object?[] { 1L, 0L, 1L }, await client.CallAsync("SMISMEMBER", "s", "a", "b", "1"));
        Assert.Equal(new object?[] { 0L, 0L }, await client.CallAsync("SMISMEMBER", "nokey", "a", "b"));
        Assert.Equal("ERR wrong number of arguments for 'smismember' command", Error(await client.CallAsync("SMISMEMBER", "s")));
    }

    [Fact]
    public async Task EveryCommandRefusesAKeyOfAnotherType()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "str", "x");
        await client.CallAsync("SADD", "s", "a");
        string[][] commands =
        [
            ["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
            ["SCARD", "str"], ["SMEMBERS", "str"], ["SPOP", "str"], ["SPOP", "str", "2"], ["SPOP", "str", "0"],
            ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"], ["SRANDMEMBER", "str", "0"], ["SSCAN", "str", "0"],
            ["SMOVE", "str", "s", "a"], ["SMOVE", "s", "str", "a"], ["SINTER", "s", "str"], ["SINTER", "nokey", "str"],
            ["SUNION", "s", "str"], ["SDIFF", "s", "str"], ["SDIFF", "nokey", "str"], ["SINTERSTORE", "d", "s", "str"],
            ["SUNIONSTORE", "d", "str"], ["SDIFFSTORE", "d", "s", "str"], ["SINTERCARD", "2", "s", "str"],
        ];
        foreach (var command in commands)
        {
            Assert.Equal(WrongType, Error(await client.CallAsync(command)));
        }

        Assert.Equal(0L, await client.CallAsync("EXISTS", "d"));
        Assert.Equal("a", await client.CallAsync("SPOP", "s"));
    }

    [Fact]
    public async Task SPopRemovesRandomMembersAndDeletesTheEmptiedKey()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "s", "a", "b", "c", "d", "e");
        var one = Assert.IsType<string>(await client.CallAsync("SPOP", "s"));
        Assert.Equal(0L, await client.CallAsync("SISMEMBER", "s", one));
        var two = Sorted(await client.CallAsync("SPOP", "s", "2"));
        Assert.Equal(2, two.Distinct().Count());
        Assert.Equal(2L, await client.CallAsync("SCARD", "s"));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SPOP", "s", "0")));
        var rest = Sorted(await client.CallAsync("SPOP", "s", "10"));
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, rest.Concat(two).Append(one).Order(StringComparer.Ordinal));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "s"));
        Assert.Null(await client.CallAsync("SPOP", "s"));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SPOP", "s", "3")));
        Assert.Equal("ERR value is out of range, must be positive", Error(await client.CallAsync("SPOP", "s", "-1")));
        Assert.Equal("ERR value is out of range, must be positive", Error(await client.CallAsync("SPOP", "s", "x")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SPOP", "s", "1", "2")));
    }

    [Fact]
    public async Task SRandMemberFollowsRedisCountRules()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "s", "a", "b", "c");
        Assert.Contains(Assert.IsType<string>(await client.CallAsync("SRANDMEMBER", "s")), new[] { "a", "b", "c" });
        var two = Sorted(await client.CallAsync("SRANDMEMBER", "s", "2"));
        Assert.Equal(2, two.Distinct().Count());
        Assert.Equal(new[] { "a", "b", "c" }, Sorted(await client.CallAsync("SRANDMEMBER", "s", "10")));
        var repeats = Sorted(await client.CallAsync("SRANDMEMBER", "s", "-20"));
        Assert.Equal(20, repeats.Length);
        Assert.All(repeats, m => Assert.Contains(m, new[] { "a", "b", "c" }));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SRANDMEMBER", "s", "0")));
        Assert.Equal(3L, await client.CallAsync("SCARD", "s"));
        Assert.Null(await client.CallAsync("SRANDMEMBER", "nokey"));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SRANDMEMBER", "nokey", "5")));
        Assert.Empty(Assert.IsType<object?[]>(await client.CallAsync("SRANDMEMBER", "nokey", "-5")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("SRANDMEMBER", "s", "x")));
        Assert.Equal("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            Error(await client.CallAsync("SRANDMEMBER", "s", "-9223372036854775808")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SRANDMEMBER", "s", "1", "2")));
    }

    [Fact]
    public async Task SMoveMovesOneMemberBetweenSets()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SADD", "src", "a", "b");
        await client.CallAsync("SET", "str", "x");
        Assert.Equal(1L, await client.CallAsync("SMOVE", "src", "dst", "a"));
        Assert.Equal(0L, await client.CallAsync("SMOVE", "src", "dst", "a"));
        Assert.Equal(new[] { "a" }, Sorted(await client.CallAsync("SMEMBERS", "dst")));
        Assert.Equal(1L, await client.CallAsync("SMOVE", "src", "src", "b"));
        Assert.Equal(0L, await client.CallAsync("SMOVE", "src", "src", "zz"));
        Assert.Equal(0L, await client.CallAsync("SMOVE", "nokey", "str", "a")); // a missing source wins over the type
        Assert.Equal(1L, await client.CallAsync("SMOVE", "src", "dst", "b"));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "src"));
        Assert.Equal(new[] { "a", "b" }, Sorted(await client.CallAsync("SMEMBERS", "dst")));
    }

    [Fact]
    public async Task SScanWalksASetWithMatchAndCount()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var members = Enumerable.Range(0, 300).Select(i => $"m:{i}").ToArray();
        await client.CallAsync(["SADD", "big", .. members]);
        await client.CallAsync("SADD", "small", "a", "b", "x1");
        var seen = new HashSet<string>();
        var cursor = "0";
        var steps = 0;
        do
        {
            var reply = Assert.IsType<object?[]>(await client.CallAsync("SSCAN", "big", cursor, "COUNT", "50"));
            cursor = Assert.IsType<string>(reply[0]);
            foreach (var member in Assert.IsType<object?[]>(reply[1]))
            {
                seen.Add(Assert.IsType<string>(member));
            }

            steps++;
        }
        while (cursor != "0");
        Assert.Equal(members.Order(), seen.Order());
        Assert.True(steps > 1);

        var small = Assert.IsType<object?[]>(await client.CallAsync("SSCAN", "small", "0", "MATCH", "x*"));
        Assert.Equal("0", small[0]);
        Assert.Equal(new object?[] { "x1" }, small[1]);
        Assert.Equal(new object?[] { "0", Array.Empty<object?>() }, await client.CallAsync("SSCAN", "nokey", "0"));
        Assert.Equal(new object?[] { "0", Array.Empty<object?>() }, await client.CallAsync("SSCAN", "nokey", "0", "BADOPTION"));
        Assert.Equal("ERR invalid cursor", Error(await client.CallAsync("SSCAN", "small", "x")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SSCAN", "small", "0", "COUNT", "0")));
        Assert.Equal("ERR syntax error", Error(await client.CallAsync("SSCAN", "small", "0", "MATCH")));
        Assert.Equal("ERR value is not an integer or out of range", Error(await client.CallAsync("SSCAN", "small", "0", "COUNT", "x")));
    }

    [Fact]
    public async Task Resp3RepliesSetsWhereRedisDoes()
    {
        await using var node = await TestNode.StartAsync();
        await using (var client = await node.ConnectAsync())
        {
            await client.CallAsync("SADD", "s", "1", "2", "3");
        }

        await WaitForNoClientsAsync(node);
        var expected = "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n" // SMEMBERS: an intset, ascending
            + "~0\r\n" // SMEMBERS of a missing key
            + "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n" // SINTER
            + "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n" // SRANDMEMBER count: an array
            + "_\r\n" // SPOP of a missing key
            + "~0\r\n" // SPOP count of a missing key
            + "*0\r\n" // SRANDMEMBER count of a missing key
            + "*2\r\n:1\r\n:0\r\n"; // SMISMEMBER
        Assert.Equal(expected, await Resp3RawAsync(node,
            "SMEMBERS s\r\nSMEMBERS nokey\r\nSINTER s\r\nSRANDMEMBER s 3\r\nSPOP nokey\r\nSPOP nokey 2\r\nSRANDMEMBER nokey 2\r\nSMISMEMBER s 1 9\r\n",
            expected));
    }

    private static async Task WaitForNoClientsAsync(TestNode node)
    {
        var deadline = DateTime.UtcNow + RespClient.Timeout;
        while (node.Server.Clients.Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
