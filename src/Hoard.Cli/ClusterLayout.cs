using Hoard.Cluster.Topology;

namespace Hoard.Cli;

/// <summary>
/// The shape of a new cluster, as <c>redis-cli --cluster create --cluster-replicas N</c> lays one out: of M nodes,
/// M/(N+1) are primaries, picked one host at a time so that they spread over the hosts, with the slots split evenly
/// between them; every other node replicates the primary with the fewest replicas so far, on another host when one
/// is as free (N per primary, a remainder spread from the first).
/// </summary>
/// <param name="Primaries">The primaries and their slots, in slot order.</param>
/// <param name="Replicas">The other nodes and the primary each replicates.</param>
internal sealed record ClusterLayout(
    IReadOnlyList<(NodeEndpoint Node, SlotRange Slots)> Primaries,
    IReadOnlyList<(NodeEndpoint Node, NodeEndpoint Primary)> Replicas)
{
    /// <summary>Every node: the primaries, then the replicas.</summary>
    public IReadOnlyList<NodeEndpoint> Nodes => [.. Primaries.Select(p => p.Node), .. Replicas.Select(r => r.Node)];

    /// <summary>Lays out <paramref name="nodes"/> with <paramref name="replicas"/> replicas per primary.</summary>
    /// <exception cref="ConfigurationException">There are fewer nodes than one primary and its replicas.</exception>
    public static ClusterLayout Plan(IReadOnlyList<NodeEndpoint> nodes, int replicas)
    {
        var primaryCount = nodes.Count / (replicas + 1);
        if (primaryCount == 0)
        {
            throw new ConfigurationException(
                $"--replicas {replicas} needs at least {replicas + 1} nodes (a primary and its replicas), not {nodes.Count}");
        }

        var ordered = AcrossHosts(nodes);
        var slots = SlotRange.SplitEvenly(primaryCount);
        var primaries = ordered.Take(primaryCount).Select((node, i) => (node, slots[i])).ToList();
        var replicaCounts = new int[primaryCount];
        var assigned = new List<(NodeEndpoint, NodeEndpoint)>();
        foreach (var node in ordered.Skip(primaryCount))
        {
            var chosen = Enumerable.Range(0, primaryCount)
                .OrderBy(i => replicaCounts[i])
                .ThenBy(i => SameHost(primaries[i].node, node))
                .First();
            replicaCounts[chosen]++;
            assigned.Add((node, primaries[chosen].node));
        }

        return new ClusterLayout(primaries, assigned);
    }

    /// <summary>The nodes one host at a time: each host's first node in the order hosts first appear, then each one's second, ….</summary>
    private static List<NodeEndpoint> AcrossHosts(IReadOnlyList<NodeEndpoint> nodes)
    {
        var hosts = nodes.GroupBy(n => n.Host, StringComparer.OrdinalIgnoreCase).Select(g => g.ToList()).ToList();
        return [.. Enumerable.Range(0, hosts.Max(h => h.Count)).SelectMany(i => hosts.Where(h => i < h.Count).Select(h => h[i]))];
    }

    private static bool SameHost(NodeEndpoint a, NodeEndpoint b) => string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);
}
