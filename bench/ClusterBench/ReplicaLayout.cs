using System.Globalization;
using Hoard.Cluster.Topology;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// 3 primaries with a replica each: nodes 0–2 (the voters) take even slot ranges, node 0 meets the others, and nodes
/// 3–5 replicate 0–2 (CLUSTER REPLICATE, retried until the replica has heard of its primary). Then the checks a
/// failover trial waits for: the cluster is whole and every replica holds its primary's whole stream.
/// </summary>
internal static class ReplicaLayout
{
    public const int Shards = 3;

    public static void Form(HoardCluster cluster)
    {
        var ranges = SlotRange.SplitEvenly(Shards);
        for (var i = 0; i < cluster.Count; i++)
        {
            if (i < Shards)
            {
                Expect("OK", cluster.Call(i, "CLUSTER", "ADDSLOTSRANGE", ranges[i].Start, ranges[i].End), i);
            }

            cluster.Ids[i] = (string)cluster.Call(i, "CLUSTER", "MYID")!;
        }

        for (var i = 1; i < cluster.Count; i++)
        {
            Expect("OK", cluster.Call(0, "CLUSTER", "MEET", "127.0.0.1", cluster.Ports[i]), 0);
        }

        for (var i = Shards; i < cluster.Count; i++)
        {
            var replica = i;
            HoardCluster.WaitUntil($"node {replica} replicates node {replica - Shards}",
                () => cluster.Call(replica, "CLUSTER", "REPLICATE", cluster.Ids[replica - Shards]) as string == "OK");
        }

        WaitUntilWholeAndInSync(cluster);
    }

    /// <summary>CLUSTER NODES as node <paramref name="index"/> sees it.</summary>
    public static NodeTable Nodes(HoardCluster cluster, int index) => TryNodes(cluster, index)
        ?? throw new InvalidOperationException($"node {index} did not answer CLUSTER NODES");

    /// <summary>CLUSTER NODES as node <paramref name="index"/> sees it, or null while it answers with an error (starting).</summary>
    public static NodeTable? TryNodes(HoardCluster cluster, int index) =>
        cluster.Call(index, "CLUSTER", "NODES") is string text ? NodeTable.Parse(text) : null;

    /// <summary>
    /// Every running node says cluster_state:ok and sees the cluster whole (3 primaries, one replica each, nothing
    /// failed), and each primary's replica acknowledged its whole stream (ROLE: the replica's offset equals the
    /// primary's). Call it with no writes going.
    /// </summary>
    public static void WaitUntilWholeAndInSync(HoardCluster cluster) =>
        HoardCluster.WaitUntil("the cluster is whole and every replica is in sync", () =>
        {
            for (var i = 0; i < cluster.Count; i++)
            {
                if (cluster.Call(i, "CLUSTER", "INFO") is not string info || HoardCluster.Field(info, "cluster_state") != "ok"
                    || TryNodes(cluster, i)?.IsWhole(Shards) != true)
                {
                    return false;
                }
            }

            var nodes = Nodes(cluster, 0);
            return nodes.Primaries.All(p => InSync(cluster, p, nodes.ReplicasOf(p.Id).Single()));
        });

    /// <summary>The primary's ROLE lists the replica, acknowledged up to the primary's offset.</summary>
    private static bool InSync(HoardCluster cluster, NodeRow primary, NodeRow replica)
    {
        if (cluster.Call(Array.IndexOf(cluster.Ports, primary.Port), "ROLE") is not object?[] { Length: 3 } role
            || role[0] as string != "master" || role[2] is not object?[] replicas)
        {
            return false;
        }

        var offset = (long)role[1]!;
        return replicas.Cast<object?[]>().Any(r => r[1] as string == replica.Port.ToString(CultureInfo.InvariantCulture)
            && long.Parse((string)r[2]!, CultureInfo.InvariantCulture) == offset);
    }

    private static void Expect(string expected, object? reply, int index)
    {
        if (reply as string != expected)
        {
            throw new InvalidOperationException($"node {index} answered {(reply as RespError)?.Message ?? reply} where {expected} was expected");
        }
    }
}
