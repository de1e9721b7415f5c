using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

public class ClusterModeTests
{
    private static readonly string OtherNode = new('e', 40);
    private static readonly string OtherShard = new('f', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    /// <summary>Adds a second (unreachable) primary at 127.0.0.1:7777 owning <paramref name="slots"/>.</summary>
    private static async Task AddOtherShardAsync(ClusterTestNode node, params SlotRange[] slots)
    {
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(OtherNode, "127.0.0.1", 7777, 17777, OtherShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(OtherShard, [.. slots]), default));
    }

    [Fact]
    public async Task A_node_outside_any_cluster_serves_no_slot()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("CLUSTERDOWN Hash slot not served", Error(await client.CallAsync("GET", "k")));
        Assert.Equal("PONG", await client.CallAsync("PING"));
        Assert.Equal(0L, await client.CallAsync("DBSIZE"));
        Assert.Matches("^[0-9a-f]{40}$", (string)(await client.CallAsync("CLUSTER", "MYID"))!);
    }

    [Fact]
    public async Task Slots_added_to_the_node_are_served()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));

        Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
        Assert.Equal("v", await client.CallAsync("GET", "k"));
        var topology = node.Server.Cluster!.Topology;
        Assert.Equal(HashSlot.Count, topology.AssignedSlotCount);
        Assert.True(node.Server.Cluster.IsMember);
        Assert.Equal("ERR Slot 5 is already busy", Error(await client.CallAsync("CLUSTER", "ADDSLOTS", "5")));
    }

    [Fact]
    public async Task Cluster_mode_has_database_zero_only_and_says_so()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("ERR SELECT is not allowed in cluster mode", Error(await client.CallAsync("SELECT", "1")));
        Assert.Equal("OK", await client.CallAsync("SELECT", "0"));
        Assert.Equal(new object?[] { "databases", "1" }, await client.CallAsync("CONFIG", "GET", "databases"));
        Assert.Contains("cluster_enabled:1", (string)(await client.CallAsync("INFO", "cluster"))!, StringComparison.Ordinal);
        var hello = Assert.IsType<object?[]>(await client.CallAsync("HELLO", "2"));
        Assert.Equal("cluster", hello[Array.IndexOf(hello, "mode") + 1]);
    }

    [Fact]
    public async Task A_key_of_another_shard_is_moved_and_keys_of_two_slots_are_crossslot()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var slot = HashSlot.Of("k"u8);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", slot == 0 ? "1" : "0"));
        await AddOtherShardAsync(node, new SlotRange(slot, slot));

        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("GET", "k")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("SET", "{k}other", "v")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("OBJECT", "ENCODING", "k")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("MEMORY", "USAGE", "k")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("LPUSH", "k", "x")));
        Assert.Equal($"MOVED {slot} 127.0.0.1:7777", Error(await client.CallAsync("BLMPOP", "0", "1", "k", "LEFT")));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("ZUNIONSTORE", "{x}d", "2", "a", "b")));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("MSET", "a", "1", "b", "2")));
        Assert.Equal("CLUSTERDOWN Hash slot not served", Error(await client.CallAsync("MSET", "{x}a", "1", "{x}b", "2")));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", HashSlot.Of("x"u8).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("OK", await client.CallAsync("MSET", "{x}a", "1", "{x}b", "2"));
    }

    [Fact]
    public async Task A_migrating_slot_asks_for_keys_it_no_longer_has_and_an_importing_slot_needs_asking()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var mine = HashSlot.Of("mine"u8);
        var theirs = HashSlot.Of("theirs"u8);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", mine.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await AddOtherShardAsync(node, new SlotRange(theirs, theirs));
        Assert.Equal("OK", await client.CallAsync("SET", "mine", "here"));

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SETSLOT", mine, "MIGRATING", OtherNode));
        Assert.Equal("here", await client.CallAsync("GET", "mine"));
        Assert.Equal($"ASK {mine} 127.0.0.1:7777", Error(await client.CallAsync("GET", "{mine}gone")));

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SETSLOT", theirs, "IMPORTING", OtherNode));
        Assert.Equal($"MOVED {theirs} 127.0.0.1:7777", Error(await client.CallAsync("GET", "theirs")));
        Assert.Equal("OK", await client.CallAsync("ASKING"));
        Assert.Null(await client.CallAsync("GET", "theirs"));
        Assert.Equal($"MOVED {theirs} 127.0.0.1:7777", Error(await client.CallAsync("GET", "theirs"))); // ASKING lasts one command

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SETSLOT", theirs, "NODE", node.Server.Cluster!.MyId));
        Assert.Null(await client.CallAsync("GET", "theirs"));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SETSLOT", mine, "STABLE"));
        Assert.Null(await client.CallAsync("GET", "{mine}gone"));
    }

    [Fact]
    public async Task Slot_commands_report_keys_and_check_their_arguments()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
        Assert.Equal("OK", await client.CallAsync("MSET", "{t}a", "1", "{t}b", "2"));

        Assert.Equal(12739L, await client.CallAsync("CLUSTER", "KEYSLOT", "123456789"));
        Assert.Equal(3443L, await client.CallAsync("CLUSTER", "KEYSLOT", "{user1000}.following"));
        var slot = HashSlot.Of("t"u8);
        Assert.Equal(2L, await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", slot));
        var keys = Assert.IsType<object?[]>(await client.CallAsync("CLUSTER", "GETKEYSINSLOT", slot, "10"));
        Assert.Equal(["{t}a", "{t}b"], keys.Cast<string>().Order(StringComparer.Ordinal));
        Assert.Single(Assert.IsType<object?[]>(await client.CallAsync("CLUSTER", "GETKEYSINSLOT", slot, "1")));

        Assert.Equal("ERR Invalid or out of range slot", Error(await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", "16384")));
        Assert.Equal("ERR Invalid number of keys", Error(await client.CallAsync("CLUSTER", "GETKEYSINSLOT", "1", "-1")));
        Assert.Equal("ERR Slot 3 specified multiple times", Error(await client.CallAsync("CLUSTER", "DELSLOTS", "3", "3")));
        Assert.Equal("ERR start slot number 9 is greater than end slot number 8", Error(await client.CallAsync("CLUSTER", "DELSLOTSRANGE", "9", "8")));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "DELSLOTSRANGE", "0", "9"));
        Assert.Equal("ERR Slot 3 is already unassigned", Error(await client.CallAsync("CLUSTER", "DELSLOTS", "3")));
    }

    [Fact]
    public async Task Forget_reset_and_set_config_epoch_answer_as_redis()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var myId = node.Server.Cluster!.MyId;

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "SET-CONFIG-EPOCH", "1"));
        Assert.Equal("ERR Invalid config epoch specified: -1", Error(await client.CallAsync("CLUSTER", "SET-CONFIG-EPOCH", "-1")));
        Assert.Equal("ERR I tried hard but I can't forget myself...", Error(await client.CallAsync("CLUSTER", "FORGET", myId)));
        Assert.Equal($"ERR Unknown node {OtherNode}", Error(await client.CallAsync("CLUSTER", "FORGET", OtherNode)));

        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", "1"));
        await AddOtherShardAsync(node, new SlotRange(2, 2));
        Assert.Equal("ERR The user can assign a config epoch only when the node does not know any other node.",
            Error(await client.CallAsync("CLUSTER", "SET-CONFIG-EPOCH", "1")));
        Assert.StartsWith("ERR node " + OtherNode + " owns slots", Error(await client.CallAsync("CLUSTER", "FORGET", OtherNode)), StringComparison.Ordinal);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "DELSLOTS", "2"));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "FORGET", OtherNode));
        Assert.False(node.Server.Cluster.Topology.Nodes.ContainsKey(OtherNode));

        Assert.StartsWith("ERR node " + myId + " owns slots", Error(await client.CallAsync("CLUSTER", "RESET")), StringComparison.Ordinal);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "DELSLOTS", "1"));
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "RESET", "SOFT"));
        Assert.False(node.Server.Cluster.IsMember);
    }

    [Fact]
    public async Task A_pipelined_admin_command_replies_in_order()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        await client.SendAsync("PING", "before");
        await client.SendAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        await client.SendAsync("SET", "k", "v");
        await client.SendAsync("GET", "k");

        Assert.Equal("before", await client.ReadAsync());
        Assert.Equal("OK", await client.ReadAsync());
        Assert.Equal("OK", await client.ReadAsync());
        Assert.Equal("v", await client.ReadAsync());
    }

    [Fact]
    public async Task Without_cluster_mode_cluster_commands_say_so_but_keyslot_works()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();

        Assert.Equal("ERR This instance has cluster support disabled", Error(await client.CallAsync("CLUSTER", "NODES")));
        Assert.Equal("ERR This instance has cluster support disabled", Error(await client.CallAsync("READONLY")));
        Assert.Equal(12739L, await client.CallAsync("CLUSTER", "KEYSLOT", "123456789"));
        Assert.Contains("cluster_enabled:0", (string)(await client.CallAsync("INFO", "cluster"))!, StringComparison.Ordinal);
    }
}
