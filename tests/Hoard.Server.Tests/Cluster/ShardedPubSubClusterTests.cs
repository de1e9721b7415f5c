using System.Globalization;
using Hoard.Cluster.Topology;
using Hoard.Server.Tests.Support;
using Hoard.Storage.Keys;

namespace Hoard.Server.Tests.Cluster;

public class ShardedPubSubClusterTests
{
    private static readonly string OtherNode = new('e', 40);
    private static readonly string OtherShard = new('f', 40);

    private static string Error(object? reply) => Assert.IsType<RespError>(reply).Message;

    private static string Text(int slot) => slot.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Shard_channels_are_routed_as_keys_and_a_slot_taken_away_unsubscribes_its_channels()
    {
        await using var node = await ClusterTestNode.StartAsync();
        await using var subscriber = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        var mine = HashSlot.Of("mine"u8);
        var theirs = HashSlot.Of("theirs"u8);
        Assert.Equal("OK", await client.CallAsync("CLUSTER", "ADDSLOTS", Text(mine)));
        var cluster = node.Server.Cluster!;
        Assert.Null(await cluster.ProposeAsync(new NodeJoined(OtherNode, "127.0.0.1", 7777, 17777, OtherShard), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(OtherShard, [new SlotRange(theirs, theirs)]), default));

        Assert.Equal($"MOVED {theirs} 127.0.0.1:7777", Error(await client.CallAsync("SPUBLISH", "theirs", "m")));
        Assert.Equal($"MOVED {theirs} 127.0.0.1:7777", Error(await client.CallAsync("SSUBSCRIBE", "theirs")));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("SSUBSCRIBE", "mine", "theirs")));
        Assert.Equal("CROSSSLOT Keys in request don't hash to the same slot", Error(await client.CallAsync("SUNSUBSCRIBE", "mine", "theirs")));
        Assert.Equal("CLUSTERDOWN Hash slot not served", Error(await client.CallAsync("SPUBLISH", "{x}nobody", "m")));

        // Plain Pub/Sub is cluster-wide in Redis and keyless: never redirected.
        Assert.Equal(0L, await client.CallAsync("PUBLISH", "theirs", "m"));

        await subscriber.SendAsync("SSUBSCRIBE", "mine", "{mine}too");
        Assert.Equal(new object?[] { "ssubscribe", "mine", 1L }, await subscriber.ReadAsync());
        Assert.Equal(new object?[] { "ssubscribe", "{mine}too", 2L }, await subscriber.ReadAsync());
        Assert.Equal(1L, await client.CallAsync("SPUBLISH", "mine", "hello"));
        Assert.Equal(new object?[] { "smessage", "mine", "hello" }, await subscriber.ReadAsync());

        // The slot goes to the other shard: its subscribers are told, as Redis does, with unasked sunsubscribes.
        Assert.Null(await cluster.ProposeAsync(new SlotsUnassigned([new SlotRange(mine, mine)]), default));
        Assert.Null(await cluster.ProposeAsync(new SlotsAssigned(OtherShard, [new SlotRange(mine, mine)]), default));
        var first = Assert.IsType<object?[]>(await subscriber.ReadAsync());
        var second = Assert.IsType<object?[]>(await subscriber.ReadAsync());
        Assert.Equal("sunsubscribe", first[0]);
        Assert.Equal("sunsubscribe", second[0]);
        Assert.Equal(["mine", "{mine}too"], new[] { (string)first[1]!, (string)second[1]! }.Order(StringComparer.Ordinal));
        Assert.Equal([1L, 0L], new[] { (long)first[2]!, (long)second[2]! });
        Assert.Equal(Array.Empty<object?>(), await client.CallAsync("PUBSUB", "SHARDCHANNELS"));
        Assert.Equal($"MOVED {mine} 127.0.0.1:7777", Error(await client.CallAsync("SPUBLISH", "mine", "m")));

        // Out of subscribed mode again.
        Assert.Equal("PONG", await subscriber.CallAsync("PING"));
    }
}
