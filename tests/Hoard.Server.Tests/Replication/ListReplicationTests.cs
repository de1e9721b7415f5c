using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests.Replication;

/// <summary>Lists through a real REPLICAOF pair: the full sync, each list write's record, and served blocked pops.</summary>
public class ListReplicationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not reached within " + Bound);
            await Task.Delay(20);
        }
    }

    private static async Task<string> RangeAsync(RespClient client, string key) =>
        string.Join(",", Assert.IsType<object?[]>(await client.CallAsync("LRANGE", key, "0", "-1")).Select(x => (string)x!));

    [Fact]
    public async Task A_replica_holds_the_primary_s_lists_after_every_kind_of_write_and_served_blocked_pops()
    {
        await using var primary = await TestNode.StartAsync();
        await using var writer = await primary.ConnectAsync();
        var big = Enumerable.Range(0, 2000).Select(i => (object)$"element-{i}").Prepend("big").Prepend("RPUSH").ToArray();
        Assert.Equal(2000L, await writer.CallAsync(big));

        await using var replica = await TestNode.StartAsync();
        await using var reader = await replica.ConnectAsync();
        Assert.Equal("OK", await reader.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        await WaitUntilAsync(async () => await reader.CallAsync("LLEN", "big") is 2000L);
        Assert.Equal("quicklist", await reader.CallAsync("OBJECT", "ENCODING", "big"));

        await writer.CallAsync("RPUSH", "l", "a", "b", "c", "d", "e", "f");
        await writer.CallAsync("LPOP", "l");
        await writer.CallAsync("RPOP", "l", "2");
        await writer.CallAsync("LSET", "l", "-1", "D");
        await writer.CallAsync("LINSERT", "l", "BEFORE", "c", "x");
        await writer.CallAsync("LREM", "big", "-1", "element-7");
        await writer.CallAsync("LTRIM", "big", "1", "-2");
        await writer.CallAsync("LMOVE", "l", "m", "LEFT", "RIGHT");
        await writer.CallAsync("LMOVE", "l", "l", "LEFT", "RIGHT");
        await writer.CallAsync("LMPOP", "2", "none", "big", "RIGHT", "COUNT", "3");

        // A blocked BLPOP served by a push replicates as the push and a pop; a BLMOVE as a push, a pop and a push.
        await using var waiter = await primary.ConnectAsync();
        await waiter.SendAsync("BLPOP", "q", "10");
        await primary.WaitForBlockedAsync(1);
        await writer.CallAsync("RPUSH", "q", "job1", "job2");
        Assert.Equal(new object?[] { "q", "job1" }, Assert.IsType<object?[]>(await waiter.ReadAsync()));
        await waiter.SendAsync("BLMOVE", "src", "q", "LEFT", "LEFT", "10");
        await primary.WaitForBlockedAsync(1);
        await writer.CallAsync("RPUSH", "src", "moved");
        Assert.Equal("moved", await waiter.ReadAsync());
        await writer.CallAsync("SET", "done", "1");

        await WaitUntilAsync(async () => await reader.CallAsync("GET", "done") is "1");
        foreach (var key in new[] { "l", "m", "q", "big" })
        {
            Assert.Equal(await RangeAsync(writer, key), await RangeAsync(reader, key));
        }

        Assert.Equal("moved,job2", await RangeAsync(reader, "q"));
        Assert.Equal(0L, await reader.CallAsync("EXISTS", "src"));
    }
}
