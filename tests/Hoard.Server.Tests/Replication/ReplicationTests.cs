using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests.Replication;

/// <summary>Two in-process standalone nodes, one REPLICAOF the other: sync, stream, WAIT, roles, promotion.</summary>
public class ReplicationTests
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

    private static async Task<(TestNode Primary, TestNode Replica)> StartPairAsync()
    {
        var primary = await TestNode.StartAsync();
        var replica = await TestNode.StartAsync();
        await using var client = await replica.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        await WaitUntilAsync(() => Task.FromResult(replica.Server.Replication.Link?.IsUp == true));
        return (primary, replica);
    }

    [Fact]
    public async Task A_replica_gets_the_existing_keys_then_every_change()
    {
        await using var primary = await TestNode.StartAsync();
        await using var writer = await primary.ConnectAsync();
        for (var i = 0; i < 3000; i++)
        {
            await writer.SendAsync("SET", $"before:{i}", $"v{i}");
        }

        for (var i = 0; i < 3000; i++)
        {
            Assert.Equal("OK", await writer.ReadAsync());
        }

        Assert.Equal(3L, await writer.CallAsync("HSET", "h", "a", "1", "b", "2", "c", "3"));
        Assert.Equal(5L, await writer.CallAsync("INCRBY", "n", "5"));
        Assert.Equal("OK", await writer.CallAsync("SET", "ttl", "x", "PX", "600000"));

        await using var replica = await TestNode.StartAsync();
        await using var reader = await replica.ConnectAsync();
        Assert.Equal("OK", await reader.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        await WaitUntilAsync(async () => await reader.CallAsync("DBSIZE") is 3003L);

        Assert.Equal("v2999", await reader.CallAsync("GET", "before:2999"));
        Assert.Equal("2", await reader.CallAsync("HGET", "h", "b"));
        Assert.Equal("5", await reader.CallAsync("GET", "n"));
        Assert.InRange((long)(await reader.CallAsync("PTTL", "ttl"))!, 1, 600000);

        // The stream: writes, deletes and counters after the sync.
        Assert.Equal("OK", await writer.CallAsync("SET", "after", "1"));
        Assert.Equal(1L, await writer.CallAsync("DEL", "before:0"));
        Assert.Equal(6L, await writer.CallAsync("INCR", "n"));
        Assert.Equal(1L, await writer.CallAsync("HDEL", "h", "a"));
        await WaitUntilAsync(async () => await reader.CallAsync("GET", "after") is "1");
        await WaitUntilAsync(async () => await reader.CallAsync("HLEN", "h") is 2L);
        Assert.Null(await reader.CallAsync("GET", "before:0"));
        Assert.Equal("6", await reader.CallAsync("GET", "n"));
        Assert.Equal(1L, primary.Server.Replication.FullSyncs);
    }

    [Fact]
    public async Task A_full_sync_carries_frames_and_values_larger_than_the_read_and_frame_buffers()
    {
        // Frames of 1,024 records of 4 KiB (4 MiB each: many socket reads, a frame buffer that grows) and one
        // value of 3 MiB (larger than the replica's 64 KiB read buffer).
        await using var primary = await TestNode.StartAsync();
        await using var writer = await primary.ConnectAsync();
        var value = new string('v', 4096);
        for (var i = 0; i < 3000; i++)
        {
            await writer.SendAsync("SET", $"big:{i}", value + i);
        }

        for (var i = 0; i < 3000; i++)
        {
            Assert.Equal("OK", await writer.ReadAsync());
        }

        Assert.Equal("OK", await writer.CallAsync("SET", "huge", new string('h', 3 * 1024 * 1024)));

        await using var replica = await TestNode.StartAsync();
        await using var reader = await replica.ConnectAsync();
        Assert.Equal("OK", await reader.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        await WaitUntilAsync(() => Task.FromResult(replica.Server.Replication.Link?.IsUp == true));

        Assert.Equal(3001L, await reader.CallAsync("DBSIZE"));
        Assert.Equal(value + 2999, await reader.CallAsync("GET", "big:2999"));
        Assert.Equal(value + 0, await reader.CallAsync("GET", "big:0"));
        Assert.Equal(3L * 1024 * 1024, await reader.CallAsync("STRLEN", "huge"));
        Assert.Equal(1L, primary.Server.Replication.FullSyncs);
    }

    [Fact]
    public async Task Wait_counts_the_replicas_that_acknowledged_the_last_write()
    {
        var (primary, replica) = await StartPairAsync();
        await using var _ = primary;
        await using var __ = replica;
        await using var client = await primary.ConnectAsync();

        Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
        Assert.Equal(1L, await client.CallAsync("WAIT", "1", "5000"));
        Assert.Equal(1L, await client.CallAsync("WAIT", "2", "100")); // times out with the one it has
        Assert.Equal("ERR timeout is negative", Assert.IsType<RespError>(await client.CallAsync("WAIT", "1", "-1")).Message);
    }

    [Fact]
    public async Task An_idle_replica_acknowledges_every_second_so_its_lag_stays_low()
    {
        var (primary, replica) = await StartPairAsync();
        await using var _ = primary;
        await using var __ = replica;

        // Nothing flows for 2.5 s: without acknowledgements of its own, the replica's last ACK would be that old.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.InRange(Assert.Single(primary.Server.Replication.Replicas).LagSeconds, 0, 1);
        await using var client = await primary.ConnectAsync();
        Assert.Contains(",lag=", (string)(await client.CallAsync("INFO", "replication"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_refuses_writes_and_reports_its_role()
    {
        var (primary, replica) = await StartPairAsync();
        await using var _ = primary;
        await using var __ = replica;
        await using var client = await replica.ConnectAsync();

        Assert.Equal("READONLY You can't write against a read only replica.", Assert.IsType<RespError>(await client.CallAsync("SET", "k", "v")).Message);
        var role = Assert.IsType<object?[]>(await client.CallAsync("ROLE"));
        Assert.Equal(["slave", "127.0.0.1", (long)primary.Port, "connected"], role[..4]);
        var info = (string)(await client.CallAsync("INFO", "replication"))!;
        Assert.Contains("role:slave", info, StringComparison.Ordinal);
        Assert.Contains("master_link_status:up", info, StringComparison.Ordinal);

        await using var primaryClient = await primary.ConnectAsync();
        var primaryRole = Assert.IsType<object?[]>(await primaryClient.CallAsync("ROLE"));
        Assert.Equal("master", primaryRole[0]);
        Assert.Single(Assert.IsType<object?[]>(primaryRole[2]));
        Assert.Contains("connected_slaves:1", (string)(await primaryClient.CallAsync("INFO", "replication"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicaof_no_one_promotes_the_replica_with_its_data()
    {
        var (primary, replica) = await StartPairAsync();
        await using var _ = primary;
        await using var __ = replica;
        await using var writer = await primary.ConnectAsync();
        Assert.Equal("OK", await writer.CallAsync("SET", "k", "v"));
        Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));

        await using var client = await replica.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("REPLICAOF", "NO", "ONE"));
        Assert.Equal("v", await client.CallAsync("GET", "k"));
        Assert.Equal("OK", await client.CallAsync("SET", "k", "mine"));
        Assert.Equal("master", Assert.IsType<object?[]>(await client.CallAsync("ROLE"))[0]);
    }

    [Fact]
    public async Task A_replica_that_reconnects_continues_from_its_offset()
    {
        var (primary, replica) = await StartPairAsync();
        await using var _ = primary;
        await using var __ = replica;
        await using var writer = await primary.ConnectAsync();
        Assert.Equal("OK", await writer.CallAsync("SET", "a", "1"));
        Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));

        var replicaSession = Assert.Single(primary.Server.Replication.Replicas).SessionId;
        Assert.True(primary.Server.Disconnect(replicaSession));
        Assert.Equal("OK", await writer.CallAsync("SET", "b", "2"));

        await using var reader = await replica.ConnectAsync();
        await WaitUntilAsync(async () => await reader.CallAsync("GET", "b") is "2");
        Assert.Equal("1", await reader.CallAsync("GET", "a"));
        Assert.Equal(1L, primary.Server.Replication.FullSyncs);
        Assert.Equal(1L, primary.Server.Replication.PartialSyncs);
    }
}
