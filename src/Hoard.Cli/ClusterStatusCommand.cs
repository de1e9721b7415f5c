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

    /// <summary>Reads CLUSTER NODES and CLUSTER INFO from <paramref name="node"/> and prints the status table.</summary>
    public static async Task PrintAsync(NodeClient nodes, NodeEndpoint node, CancellationToken cancellationToken)
    {
        var entries = await nodes.ClusterNodesAsync(node, cancellationToken).ConfigureAwait(false);
        var info = await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false);
        Console.Write(StatusTable.Format(entries, info));
    }
}
