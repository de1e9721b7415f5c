using Hoard.Server.Tests.Support;
using StackExchange.Redis;
using static Hoard.IntegrationTests.StackExchangeConnections;

namespace Hoard.IntegrationTests;

/// <summary>StackExchange.Redis's sorted set APIs, unmodified, against a Hoard node, in both protocols.</summary>
public class StackExchangeRedisSortedSetTests
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task SortedSetApisBehaveAsAgainstRedis(RedisProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var redis = await ConnectAsync(node, protocol);
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.SortedSetAddAsync("z", [new("a", 1), new("b", 2), new("c", 3)]));
        Assert.False(await db.SortedSetAddAsync("z", "a", 5, SortedSetWhen.NotExists));
        Assert.True(await db.SortedSetAddAsync("z", "d", double.PositiveInfinity));
        Assert.Equal(RedisType.SortedSet, await db.KeyTypeAsync("z"));
        Assert.Equal(4, await db.SortedSetLengthAsync("z"));
        Assert.Equal(2, await db.SortedSetLengthAsync("z", 1, 2));
        Assert.Equal(1.0, await db.SortedSetScoreAsync("z", "a"));
        Assert.Null(await db.SortedSetScoreAsync("z", "zz"));
        Assert.Equal(new double?[] { 2, null }, await db.SortedSetScoresAsync("z", ["b", "zz"]));
        Assert.Equal(4.5, await db.SortedSetIncrementAsync("z", "a", 3.5));
        Assert.Equal(2, await db.SortedSetRankAsync("z", "a"));
        Assert.Equal(1, await db.SortedSetRankAsync("z", "a", Order.Descending));

        Assert.Equal(["b", "c", "a", "d"], (await db.SortedSetRangeByRankAsync("z")).Select(v => (string)v!));
        var withScores = await db.SortedSetRangeByRankWithScoresAsync("z", 0, 1, Order.Descending);
        Assert.Equal("d", withScores[0].Element);
        Assert.Equal(double.PositiveInfinity, withScores[0].Score);
        Assert.Equal(4.5, withScores[1].Score);
        Assert.Equal(["c", "a"], (await db.SortedSetRangeByScoreAsync("z", 2, 10, Exclude.Start)).Select(v => (string)v!));
        Assert.Equal(["c"], (await db.SortedSetRangeByScoreAsync("z", 10, 2, Exclude.Stop, Order.Descending, skip: 1, take: 1)).Select(v => (string)v!));

        Assert.Equal(3, await db.SortedSetAddAsync("l", [new("a", 0), new("b", 0), new("c", 0)]));
        Assert.Equal(["b", "c"], (await db.SortedSetRangeByValueAsync("l", "b", default)).Select(v => (string)v!));
        Assert.Equal(2, await db.SortedSetLengthByValueAsync("l", "a", "b"));
        Assert.Equal(1, await db.SortedSetRemoveRangeByValueAsync("l", "a", "a"));

        var popped = await db.SortedSetPopAsync("z", Order.Descending);
        Assert.Equal("d", popped!.Value.Element);
        var two = await db.SortedSetPopAsync("z", 2);
        Assert.Equal(["b", "c"], two.Select(e => (string)e.Element!));
        Assert.True(await db.SortedSetRemoveAsync("z", "a"));
        Assert.False(await db.KeyExistsAsync("z"));

        await db.SortedSetAddAsync("{u}1", [new("x", 1), new("y", 2)]);
        await db.SortedSetAddAsync("{u}2", [new("y", 10), new("w", 5)]);
        var union = await db.SortedSetCombineWithScoresAsync(SetOperation.Union, ["{u}1", "{u}2"]);
        Assert.Equal(["x", "w", "y"], union.Select(e => (string)e.Element!));
        Assert.Equal(12, union[2].Score);
        Assert.Equal(1, await db.SortedSetCombineAndStoreAsync(SetOperation.Intersect, "{u}d", "{u}1", "{u}2", Aggregate.Max));
        Assert.Equal(10.0, await db.SortedSetScoreAsync("{u}d", "y"));
        Assert.Equal(1, await db.SortedSetIntersectionLengthAsync(["{u}1", "{u}2"]));
        Assert.Equal(2, await db.SortedSetRangeAndStoreAsync("{u}1", "{u}r", 0, -1));
        Assert.Equal(2, (await db.SortedSetRandomMembersAsync("{u}1", 5)).Length);
        Assert.Equal(2, (await db.SortedSetRandomMembersWithScoresAsync("{u}1", 2)).Length);
        var scanned = new List<string>();
        await foreach (var entry in db.SortedSetScanAsync("{u}1"))
        {
            scanned.Add(entry.Element!);
        }

        Assert.Equal(["x", "y"], scanned);
        Assert.Equal(1, await db.SortedSetRemoveRangeByRankAsync("{u}1", 0, 0));
        Assert.Equal(1, await db.SortedSetRemoveRangeByScoreAsync("{u}2", 0, 5));
        await Assert.ThrowsAsync<RedisServerException>(() => db.SortedSetAddAsync("{u}1", "m", double.NaN));
    }
}
