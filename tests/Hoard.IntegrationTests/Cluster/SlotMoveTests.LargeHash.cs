using StackExchange.Redis;
using static Hoard.IntegrationTests.Cluster.ReplicaClusterTests;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>A hash of many megabytes moves in pieces while a client keeps writing its fields.</summary>
public partial class SlotMoveTests
{
    private const string BigHash = "big:hash";
    private const int BigHashFields = 100_000;

    [Fact]
    public async Task ALargeHashMovesInPiecesWhileItsFieldsAreWrittenAndBothShardsReplicasFollow()
    {
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var redis = await cluster.ConnectClientAsync();
        var db = redis.GetDatabase();
        var model = new Dictionary<string, string>();
        await LocalCluster.WaitUntilAsync(async () =>
        {
            try
            {
                await db.HashSetAsync(BigHash, "probe", "x");
                return true;
            }
            catch (RedisServerException e) when (e.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal))
            {
                return false;
            }
        });
        await db.KeyDeleteAsync(BigHash);
        for (var start = 0; start < BigHashFields; start += 1000)
        {
            var entries = Enumerable.Range(start, 1000).Select(i => new HashEntry($"field:{i}", $"{i}:{new string('v', 40)}")).ToArray();
            await db.HashSetAsync(BigHash, entries);
            foreach (var e in entries)
            {
                model[e.Name!] = e.Value!;
            }
        }

        var slot = SlotOf(BigHash);
        var nodes = await NodesAsync(cluster, 0);
        var source = nodes.Single(n => n.Flags.Contains("master") && n.Owns(slot));
        var target = nodes.First(n => n.Flags.Contains("master") && n != source);
        var sourceIndex = IndexOf(cluster, source);
        Assert.Equal("OK", await cluster.CallAsync(sourceIndex, "CONFIG", "SET", "cluster-move-max-rate", "2mb")); // about 3 s for the hash

        // One writer, each write awaited, so the model is exactly what was acknowledged: fields changed, added and
        // removed before, during and after the pieces go.
        var move = cluster.CallAsync(sourceIndex, "HOARD.MOVESLOTS", target.Id, slot, slot);
        var random = new Random(5);
        var writes = 0;
        while (!move.IsCompleted && writes < 200_000)
        {
            var field = $"field:{random.Next(BigHashFields + 20_000)}";
            if (random.Next(3) == 0)
            {
                await db.HashDeleteAsync(BigHash, field);
                model.Remove(field);
            }
            else
            {
                var value = $"w{writes}";
                await db.HashSetAsync(BigHash, field, value);
                model[field] = value;
            }

            writes++;
        }

        var reply = (string)(await move.WaitAsync(LocalCluster.Bound))!;
        Assert.StartsWith("keys=1 ", reply, StringComparison.Ordinal); // the hash counts once, whatever its pieces
        Assert.True(writes > 100, $"only {writes} writes during the move: {reply}");
        Assert.True((await NodesAsync(cluster, 0)).Single(n => n.Id == target.Id).Owns(slot));

        var held = (await db.HashGetAllAsync(BigHash)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(model.Count, held.Count);
        Assert.Equal(model.OrderBy(p => p.Key, StringComparer.Ordinal), held.OrderBy(p => p.Key, StringComparer.Ordinal));

        // The target's replica got the pieces through its stream; the source's replica dropped the hash.
        var targetReplica = IndexOf(cluster, nodes.Single(n => n.PrimaryId == target.Id));
        var sourceReplica = IndexOf(cluster, nodes.Single(n => n.PrimaryId == source.Id));
        await LocalCluster.WaitUntilAsync(async () => Equals(await ReadOnlyCallAsync(cluster, targetReplica, "HLEN", BigHash), (long)model.Count));
        var pairs = (object?[])(await ReadOnlyCallAsync(cluster, targetReplica, "HGETALL", BigHash))!;
        var onReplica = Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => (string)pairs[2 * i]!, i => (string)pairs[(2 * i) + 1]!);
        Assert.Equal(model.OrderBy(p => p.Key, StringComparer.Ordinal), onReplica.OrderBy(p => p.Key, StringComparer.Ordinal));
        await LocalCluster.WaitUntilAsync(async () => Equals(await cluster.CallAsync(sourceReplica, "CLUSTER", "COUNTKEYSINSLOT", slot), 0L));
    }

    /// <summary>A command on a replica, after READONLY (so it is served there instead of redirected).</summary>
    private static async Task<object?> ReadOnlyCallAsync(LocalCluster cluster, int index, params object[] args)
    {
        await using var client = await cluster.ConnectAsync(index);
        Assert.Equal("OK", await client.CallAsync("READONLY"));
        return await client.CallAsync(args);
    }
}
