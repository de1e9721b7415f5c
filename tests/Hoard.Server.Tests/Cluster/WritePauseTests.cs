using Hoard.Cluster.Topology;
using Hoard.Server.Cluster;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

/// <summary>
/// A primary's side of CLUSTER FAILOVER (HOARD.PAUSEWRITES), its replica a row of the topology at 127.0.0.1:1: writes
/// are held, not refused, until the failover moved them on or the pause ran out and cancelled the handover.
/// </summary>
public class WritePauseTests
{
    private static readonly string Replica = new('d', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>Makes the node the primary of every slot, with a replica, and answers its shard.</summary>
    private static async Task<string> OwnAllSlotsWithAReplicaAsync(ClusterTestNode node, RespClient client)
    {
        var cluster = node.Server.Cluster!;
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(Replica, "127.0.0.1", 1, 10001, new string('c', 40)), default));
        Assert.Null(await cluster.ProposeAsync(new ReplicaAssigned(Replica, cluster.MyId), default));
        return cluster.MyShardId;
    }

    private static async Task<PausePoint> PauseAsync(RespClient client, int milliseconds)
    {
        var reply = await client.CallAsync("HOARD.PAUSEWRITES", milliseconds);
        Assert.True(PausePoint.TryParse(reply as string, out var point), $"HOARD.PAUSEWRITES answered {reply}");
        return point;
    }

    [Fact]
    public async Task A_write_held_by_the_pause_is_moved_to_the_replica_that_took_over()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await using var reader = await node.ConnectAsync();
        var shard = await OwnAllSlotsWithAReplicaAsync(node, admin);
        var cluster = node.Server.Cluster!;
        Assert.Equal("OK", await writer.CallAsync("SET", "k", "before"));

        var point = await PauseAsync(admin, 5000);

        var replication = node.Server.Replication;
        Assert.Equal(new PausePoint(replication.ReplicationId, replication.Backlog?.Offset ?? 0, cluster.Topology.ShardEpoch(shard)), point);
        await writer.SendAsync("SET", "k", "during");
        var held = writer.ReadAsync();
        Assert.Equal("before", await reader.CallAsync("GET", "k")); // reads go on
        await Task.Delay(200);
        Assert.False(held.IsCompleted, "a write was answered during the pause");

        Assert.Null(await cluster.ProposeAsync(new FailoverDecided(shard, Replica, point.Epoch), default));

        Assert.Equal($"MOVED {HashSlot.Of("k"u8)} 127.0.0.1:1", Error(await held));
        Assert.Equal("OK", await reader.CallAsync("READONLY"));
        Assert.Equal("before", await reader.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task A_pause_that_runs_out_cancels_the_handover_and_the_held_write_runs_here()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        var shard = await OwnAllSlotsWithAReplicaAsync(node, admin);
        var cluster = node.Server.Cluster!;

        var point = await PauseAsync(admin, 300);
        await writer.SendAsync("SET", "k", "during");

        Assert.Equal("OK", await writer.ReadAsync());
        Assert.Equal("during", await writer.CallAsync("GET", "k"));
        Assert.True(cluster.Topology.ShardEpoch(shard) > point.Epoch);

        // The failover the replica would have committed on the paused view comes too late.
        Assert.Equal("TRYAGAIN the topology changed while the change was decided",
            await cluster.ProposeAsync(new FailoverDecided(shard, Replica, point.Epoch), default));
        Assert.Equal(NodeRole.Primary, cluster.Self.Role);
        Assert.Equal("OK", await writer.CallAsync("SET", "k", "after"));
    }

    [Fact]
    public async Task Only_a_primary_pauses_once_for_a_bounded_time()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("ERR only a master pauses its writes for a failover", Error(await client.CallAsync("HOARD.PAUSEWRITES", "1000")));
        await OwnAllSlotsWithAReplicaAsync(node, client);
        Assert.Equal("ERR the pause must be 1 to 60000 milliseconds", Error(await client.CallAsync("HOARD.PAUSEWRITES", "0")));
        Assert.Equal("ERR the pause must be 1 to 60000 milliseconds", Error(await client.CallAsync("HOARD.PAUSEWRITES", "soon")));
        await PauseAsync(client, 5000);
        Assert.Equal("ERR a manual failover of this shard is already under way", Error(await client.CallAsync("HOARD.PAUSEWRITES", "1000")));
    }
}
