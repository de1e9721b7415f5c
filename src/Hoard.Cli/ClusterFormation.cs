using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// Forms a cluster out of empty nodes in cluster mode, for <c>hoard cluster create</c> and <c>hoard up</c>, as a
/// <see cref="ClusterLayout"/> says: every primary takes its share of the 16384 slots (joining the node table as it
/// does), the first primary meets the other nodes, each replica is told its primary (CLUSTER REPLICATE) once it knows
/// it, and the nodes are asked until they all agree.
/// </summary>
/// <param name="nodes">Calls the nodes.</param>
/// <param name="logger">Where progress goes.</param>
internal sealed class ClusterFormation(NodeClient nodes, ILogger logger)
{
    /// <summary>How long the consensus group may take to find a majority, and the nodes to agree once they joined.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>Forms the cluster; returns once every node says cluster_state:ok with the same current epoch.</summary>
    /// <exception cref="CommandFailedException">A node is unreachable, not in cluster mode or not empty, or the nodes did not agree in time.</exception>
    public async Task CreateAsync(ClusterLayout layout, CancellationToken cancellationToken)
    {
        var endpoints = layout.Nodes;
        foreach (var node in endpoints)
        {
            await RequireEmptyClusterNodeAsync(node, cancellationToken).ConfigureAwait(false);
        }

        await Polling.UntilAsync(() => NoMajorityAsync(endpoints, cancellationToken), Bound,
            "the consensus group found no majority (are the voters in --cluster-voters running?)", cancellationToken).ConfigureAwait(false);
        foreach (var (node, slots) in layout.Primaries)
        {
            CliLog.AssigningSlots(logger, slots, node);
            await nodes.CallAsync(node, ["CLUSTER", "ADDSLOTSRANGE", Text(slots.Start), Text(slots.End)], cancellationToken).ConfigureAwait(false);
        }

        var first = endpoints[0];
        foreach (var other in endpoints.Skip(1))
        {
            CliLog.Meeting(logger, first, other);
            await nodes.CallAsync(first, ["CLUSTER", "MEET", other.Host, Text(other.Port)], cancellationToken).ConfigureAwait(false);
        }

        if (layout.Replicas.Count > 0)
        {
            await ReplicateAsync(layout, cancellationToken).ConfigureAwait(false);
        }

        CliLog.WaitingForAgreement(logger, endpoints.Count);
        await Polling.UntilAsync(() => NotFormedAsync(endpoints, cancellationToken), Bound, "the nodes did not agree on the cluster", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Checks that a node answers, runs in cluster mode, and knows no other node, serves no slot and holds no key.</summary>
    /// <exception cref="CommandFailedException">It does not.</exception>
    public async Task RequireEmptyClusterNodeAsync(NodeEndpoint node, CancellationToken cancellationToken)
    {
        var info = ClusterInfo.Fields(await nodes.CallAsync(node, ["INFO", "cluster"], cancellationToken).ConfigureAwait(false));
        if (info.GetValueOrDefault("cluster_enabled") != "1")
        {
            throw new CommandFailedException($"{node} is not in cluster mode (start it with --cluster-enabled yes)");
        }

        var cluster = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
        if (cluster.KnownNodes != 1 || cluster.SlotsAssigned is > 0)
        {
            throw new CommandFailedException(
                $"{node} is not empty: it knows {cluster.KnownNodes} nodes and serves {cluster.SlotsAssigned} slots, so it belongs to a cluster " +
                "(CLUSTER RESET it, or restart it with an empty --dir)");
        }

        var keys = await nodes.CallAsync(node, ["DBSIZE"], cancellationToken).ConfigureAwait(false);
        if (keys != "0")
        {
            throw new CommandFailedException($"{node} is not empty: it holds {keys} keys (a new cluster node must hold none; FLUSHALL it first)");
        }
    }

    private async Task<string?> NoMajorityAsync(IReadOnlyList<NodeEndpoint> endpoints, CancellationToken cancellationToken)
    {
        foreach (var node in endpoints)
        {
            var info = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
            if (info.HasMajority == false)
            {
                return $"{node} says cluster_consensus:{info.Consensus}";
            }
        }

        return null;
    }

    /// <summary>
    /// Once every node knows the others (a replica must know its primary, and it learns the topology from the
    /// consensus group a moment after the first primary met it), each replica is told its primary's id.
    /// </summary>
    private async Task ReplicateAsync(ClusterLayout layout, CancellationToken cancellationToken)
    {
        await Polling.UntilAsync(() => NotAllKnownAsync(layout.Nodes, cancellationToken), Bound, "the nodes did not all meet", cancellationToken)
            .ConfigureAwait(false);
        foreach (var (replica, primary) in layout.Replicas)
        {
            var primaryId = await nodes.CallAsync(primary, ["CLUSTER", "MYID"], cancellationToken).ConfigureAwait(false);
            CliLog.Replicating(logger, replica, primary);
            await nodes.CallAsync(replica, ["CLUSTER", "REPLICATE", primaryId], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> NotAllKnownAsync(IReadOnlyList<NodeEndpoint> endpoints, CancellationToken cancellationToken)
    {
        foreach (var node in endpoints)
        {
            var info = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
            if (info.KnownNodes != endpoints.Count)
            {
                return $"{node} knows {info.KnownNodes} of {endpoints.Count} nodes";
            }
        }

        return null;
    }

    private async Task<string?> NotFormedAsync(IReadOnlyList<NodeEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var epochs = new List<(NodeEndpoint Node, long? Epoch)>();
        foreach (var node in endpoints)
        {
            var info = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
            if (info.State != "ok")
            {
                return $"{node} says cluster_state:{info.State}";
            }

            if (info.KnownNodes != endpoints.Count)
            {
                return $"{node} knows {info.KnownNodes} of {endpoints.Count} nodes";
            }

            epochs.Add((node, info.CurrentEpoch));
        }

        return epochs.DistinctBy(e => e.Epoch).Count() == 1
            ? null
            : $"the nodes' current epochs differ ({string.Join(", ", epochs.Select(e => $"{e.Node}: {e.Epoch}"))})";
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
