namespace Hoard.Cli;

/// <summary><c>hoard cluster status host:port [-a password]</c>: the cluster as one of its nodes sees it, as a table.</summary>
internal static class ClusterStatusCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: false);
        if (parsed.Positional.Count != 1)
        {
            throw new ConfigurationException("cluster status needs one node's host:port");
        }

        await PrintAsync(new NodeClient(parsed.Password), NodeEndpoint.Parse(parsed.Positional[0]), CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>How long a replica may take to answer INFO replication before it is shown as unreachable.</summary>
    private static readonly TimeSpan ReplicaBound = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Reads CLUSTER NODES and CLUSTER INFO from <paramref name="node"/>, and INFO replication from each replica (at
    /// once, each bounded: one that does not answer is shown as unreachable), and prints the status table.
    /// </summary>
    /// <exception cref="CommandFailedException"><paramref name="node"/> did not answer.</exception>
    public static async Task PrintAsync(NodeClient nodes, NodeEndpoint node, CancellationToken cancellationToken)
    {
        var entries = await nodes.ClusterNodesAsync(node, cancellationToken).ConfigureAwait(false);
        var info = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
        var replicas = entries.Where(e => e.IsReplica).ToList();
        var links = await Task.WhenAll(replicas.Select(r => LinkAsync(nodes, r, cancellationToken))).ConfigureAwait(false);
        Console.Write(StatusTable.Format(entries, info, replicas.Select((r, i) => (r.Id, Link: links[i])).ToDictionary(l => l.Id, l => l.Link)));
    }

    private static async Task<ReplicaLink> LinkAsync(NodeClient nodes, ClusterNodeEntry replica, CancellationToken cancellationToken)
    {
        if (!NodeEndpoint.TryParse(replica.Address, out var endpoint))
        {
            return ReplicaLink.Unreachable;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ReplicaBound);
        try
        {
            return ReplicaLink.Parse(await nodes.CallAsync(endpoint, ["INFO", "replication"], bound.Token).ConfigureAwait(false));
        }
        catch (CommandFailedException)
        {
            return ReplicaLink.Unreachable;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ReplicaLink.Unreachable;
        }
    }
}
