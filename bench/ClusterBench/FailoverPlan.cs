namespace Hoard.Bench.ClusterBench;

/// <summary>
/// What one trial kills: <see cref="Kill"/> (node indexes, killed in this order at t0), of which
/// <see cref="Primary"/> is the primary whose shard must fail over to <see cref="Replica"/>.
/// </summary>
internal sealed record FailoverPlan(string Kind, int[] Kill, NodeRow Primary, NodeRow Replica)
{
    public const string PrimaryOnly = "primary (not the leader)";
    public const string LeaderPrimary = "leader's node, a primary";
    public const string LeaderAndPrimary = "leader (a replica) + a primary";
    public const string Rearrange = "primary (rearranging)";

    /// <summary>
    /// A primary that does not lead the consensus group, preferring the shard <paramref name="trial"/> points at
    /// (shards in slot order, one after another).
    /// </summary>
    public static FailoverPlan PrimaryNotLeading(HoardCluster cluster, NodeTable nodes, int leader, int trial)
    {
        var primaries = nodes.Primaries.ToList();
        for (var k = 0; k < primaries.Count; k++)
        {
            var primary = primaries[(trial - 1 + k) % primaries.Count];
            if (IndexOf(cluster, primary) != leader)
            {
                return new FailoverPlan(PrimaryOnly, [IndexOf(cluster, primary)], primary, nodes.ReplicasOf(primary.Id).Single());
            }
        }

        throw new InvalidOperationException("every primary leads the consensus group?");
    }

    /// <summary>
    /// The leader with a primary: the leader's own node when it is a primary; else the leader and a primary of
    /// another shard that does not vote (killing two of the three voters would leave no majority). Null when no
    /// such primary exists: <see cref="MakeRoom"/> first.
    /// </summary>
    public static FailoverPlan? LeaderWithPrimary(HoardCluster cluster, NodeTable nodes, int leader)
    {
        var leaderRow = nodes.ByPort(cluster.Ports[leader]);
        if (leaderRow.IsPrimary)
        {
            return new FailoverPlan(LeaderPrimary, [leader], leaderRow, nodes.ReplicasOf(leaderRow.Id).Single());
        }

        var other = nodes.Primaries.FirstOrDefault(p => p.Id != leaderRow.PrimaryId && IndexOf(cluster, p) >= cluster.VoterCount);
        return other is null
            ? null
            : new FailoverPlan(LeaderAndPrimary, [leader, IndexOf(cluster, other)], other, nodes.ReplicasOf(other.Id).Single());
    }

    /// <summary>
    /// When the leader is a replica and both other shards' primaries vote: fail over one of those shards first, so
    /// that its primary becomes a node that does not vote.
    /// </summary>
    public static FailoverPlan MakeRoom(HoardCluster cluster, NodeTable nodes, int leader)
    {
        var leaderRow = nodes.ByPort(cluster.Ports[leader]);
        var primary = nodes.Primaries.First(p => p.Id != leaderRow.PrimaryId);
        return new FailoverPlan(Rearrange, [IndexOf(cluster, primary)], primary, nodes.ReplicasOf(primary.Id).Single());
    }

    private static int IndexOf(HoardCluster cluster, NodeRow row) => Array.IndexOf(cluster.Ports, row.Port);
}
