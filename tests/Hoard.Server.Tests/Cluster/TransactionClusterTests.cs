using System.Globalization;
using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

/// <summary>MULTI/EXEC in cluster mode: routing at queue time and again at EXEC, one slot per transaction.</summary>
public class TransactionClusterTests
{
    private static readonly string OtherNode = new('e', 40);
    private static readonly string OtherShard = new('f', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static string Slot(string key) => HashSlot.Of(System.Text.Encoding.UTF8.GetBytes(key)).ToString(CultureInfo.InvariantCulture);

    private static async Task AddOtherShardAsync(ClusterTestNode node, int slot)
    {
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(OtherNode, "127.0.0.1", 7777, 17777, OtherShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(OtherShard, [new SlotRange(slot, slot)]), default));
    }

    [Fact]
    public async Task A_queued_command_on_another_nodes_slot_is_moved_at_once_and_exec_aborts()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", Slot("{a}")));
        var theirs = HashSlot.Of("k"u8);
        await AddOtherShardAsync(node, theirs);

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{a}1", "v"));
        Assert.Equal($"MOVED {theirs} 127.0.0.1:7777", Error(await client.CallAsync("SET", "k", "v")));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("MSET", "{a}1", "1", "k", "2")));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "{a}1"));
    }

    [Fact]
    public async Task Queued_commands_of_two_slots_are_crossslot_at_exec_and_one_slot_runs()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{a}1", "v"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{b}1", "v"));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("EXEC")));
        Assert.Equal(0L, await client.CallAsync("EXISTS", "{a}1"));

        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("WATCH", "{a}1", "{b}1")));
        Assert.Equal("OK", await client.CallAsync("WATCH", "{a}1", "{a}2"));
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{a}1", "v"));
        Assert.Equal("QUEUED", await client.CallAsync("INCR", "{a}2"));
        Assert.Equal("QUEUED", await client.CallAsync("PING"));
        Assert.Equal(new object?[] { "OK", 1L, "PONG" }, await client.CallAsync("EXEC"));
    }

    [Fact]
    public async Task A_slot_that_moved_after_queueing_makes_exec_answer_moved_and_run_nothing()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using var admin = await node.ConnectAsync();
        var slot = Slot("x");
        var other = HashSlot.Of("other"u8);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", slot));
        await AddOtherShardAsync(node, other);

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "x", "v"));
        Assert.Equal("OK", await admin.CallAsync("CLUSTER", "SETSLOT", slot, "NODE", OtherNode));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("EXEC")));
        Assert.Equal("ERR EXEC without MULTI", Error(await client.CallAsync("EXEC")));
        Assert.Equal(0L, node.Server.Keyspace[0].Count);
    }

    [Fact]
    public async Task Topology_changes_are_refused_inside_a_transaction()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("ERR Command not allowed inside a transaction", Error(await client.CallAsync("CLUSTER", "ADDSLOTS", "1")));
        Assert.Equal("QUEUED", await client.CallAsync("CLUSTER", "KEYSLOT", "x"));
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", Error(await client.CallAsync("EXEC")));
        Assert.Equal("CLUSTERDOWN Hash slot not served", Error(await client.CallAsync("GET", "k"))); // the slot was not added
    }

    [Fact]
    public async Task An_exec_with_writes_is_held_by_a_write_pause_and_runs_whole_after_it()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        var cluster = node.Server.Cluster!;
        Assert.Equal("OK", await admin.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(new string('d', 40), "127.0.0.1", 1, 10001, new string('c', 40)), default));
        Assert.Null(await cluster.ProposeAsync(new ReplicaAssigned(new string('d', 40), cluster.MyId), default));

        Assert.Equal("OK", await client.CallAsync("MULTI"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{t}a", "1"));
        Assert.Equal("QUEUED", await client.CallAsync("SET", "{t}b", "2"));
        var paused = await admin.CallAsync("HOARD.PAUSEWRITES", 400);
        Assert.IsType<string>(paused);
        await client.SendAsync("EXEC");
        var exec = client.ReadAsync();
        await Task.Delay(100);
        Assert.False(exec.IsCompleted, "EXEC ran during the pause");
        Assert.Equal(new object?[] { null, null }, await admin.CallAsync("MGET", "{t}a", "{t}b"));

        Assert.Equal(new object?[] { "OK", "OK" }, await exec); // the pause ran out: the handover was cancelled
        Assert.Equal(new object?[] { "1", "2" }, await admin.CallAsync("MGET", "{t}a", "{t}b"));
    }
}
