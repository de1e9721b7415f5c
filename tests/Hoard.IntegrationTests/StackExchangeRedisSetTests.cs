using Hoard.Server.Tests.Support;
using StackExchange.Redis;
using static Hoard.IntegrationTests.StackExchangeConnections;

namespace Hoard.IntegrationTests;

/// <summary>StackExchange.Redis's set APIs against a Hoard node, in RESP2 and RESP3 (where SMEMBERS and friends answer sets).</summary>
public class StackExchangeRedisSetTests
{
    private static string[] Sorted(RedisValue[] values) => [.. values.Select(v => (string)v!).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task SetApisBehaveAsAgainstRedis(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.SetAddAsync("{s}a", ["1", "2", "x"]).WaitAsync(Bound));
        Assert.False(await db.SetAddAsync("{s}a", "x").WaitAsync(Bound));
        Assert.Equal(3, await db.SetAddAsync("{s}b", ["2", "x", "y"]).WaitAsync(Bound));
        Assert.Equal(RedisType.Set, await db.KeyTypeAsync("{s}a").WaitAsync(Bound));
        Assert.Equal(3, await db.SetLengthAsync("{s}a").WaitAsync(Bound));
        Assert.True(await db.SetContainsAsync("{s}a", "1").WaitAsync(Bound));
        var contains = await db.SetContainsAsync("{s}a", ["2", "zz"]).WaitAsync(Bound);
        Assert.Equal(new[] { true, false }, contains);
        Assert.Equal(["1", "2", "x"], Sorted(await db.SetMembersAsync("{s}a").WaitAsync(Bound)));
        Assert.Equal(["2", "x"], Sorted(await db.SetCombineAsync(SetOperation.Intersect, "{s}a", "{s}b").WaitAsync(Bound)));
        Assert.Equal(["1", "2", "x", "y"], Sorted(await db.SetCombineAsync(SetOperation.Union, "{s}a", "{s}b").WaitAsync(Bound)));
        Assert.Equal(["1"], Sorted(await db.SetCombineAsync(SetOperation.Difference, "{s}a", "{s}b").WaitAsync(Bound)));
        Assert.Equal(2, await db.SetCombineAndStoreAsync(SetOperation.Intersect, "{s}d", "{s}a", "{s}b").WaitAsync(Bound));
        Assert.Equal(2, await db.SetIntersectionLengthAsync(["{s}a", "{s}b"]).WaitAsync(Bound));
        Assert.Equal(1, await db.SetIntersectionLengthAsync(["{s}a", "{s}b"], limit: 1).WaitAsync(Bound));
        Assert.True(await db.SetMoveAsync("{s}a", "{s}b", "1").WaitAsync(Bound));
        Assert.Equal(2, await db.SetRemoveAsync("{s}b", ["1", "y", "nope"]).WaitAsync(Bound));

        var random = await db.SetRandomMemberAsync("{s}b").WaitAsync(Bound);
        Assert.Contains((string)random!, new[] { "2", "x" });
        Assert.Equal(5, (await db.SetRandomMembersAsync("{s}b", -5).WaitAsync(Bound)).Length);
        Assert.True((await db.SetRandomMemberAsync("missing").WaitAsync(Bound)).IsNull);

        var popped = await db.SetPopAsync("{s}b", 5).WaitAsync(Bound);
        Assert.Equal(["2", "x"], Sorted(popped));
        Assert.False(await db.KeyExistsAsync("{s}b").WaitAsync(Bound));
        Assert.True((await db.SetPopAsync("{s}b").WaitAsync(Bound)).IsNull);

        await db.SetAddAsync("{s}big", [.. Enumerable.Range(0, 500).Select(i => (RedisValue)$"m{i}")]).WaitAsync(Bound);
        var scanned = new HashSet<string>();
        await foreach (var member in db.SetScanAsync("{s}big", "m1*", pageSize: 50))
        {
            scanned.Add(member!);
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"m{i}").Where(m => m.StartsWith("m1", StringComparison.Ordinal)).Order(), scanned.Order());
        await db.StringSetAsync("{s}str", "v").WaitAsync(Bound);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.SetAddAsync("{s}str", "a").WaitAsync(Bound));
        Assert.StartsWith("WRONGTYPE", error.Message, StringComparison.Ordinal);
    }
}
