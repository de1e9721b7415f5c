using Hoard.Cluster.Node;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// One more node for a cluster <c>hoard up</c> runs, and back: the node is started on the next free port after the
/// cluster's highest (with the cluster's voters, its data and log in <see cref="UpOptions.Directory"/>), met by a
/// node of the cluster as <c>hoard cluster add-node</c> does, and given its share of the slots as <c>hoard cluster
/// rebalance</c> does; later its slots move to the other primaries and the cluster forgets it, as <c>hoard cluster
/// remove-node</c> does.
/// </summary>
/// <param name="options">The ports, directory and node settings of <c>hoard up</c>.</param>
/// <param name="nodes">Calls the nodes.</param>
/// <param name="logger">Where progress goes.</param>
internal sealed class ClusterGrowth(UpOptions options, NodeClient nodes, ILogger logger)
{
    /// <summary>How long a new node may take to start answering.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    /// <summary>The node of the cluster asked for its table and voters, and that meets the new node.</summary>
    public NodeEndpoint Existing { get; } = new(UpOptions.Host, options.Port);

    /// <summary>Checks that a cluster answers at <see cref="Existing"/>, with every slot served.</summary>
    /// <exception cref="CommandFailedException">Nothing answers there, or not a cluster in good health.</exception>
    public async Task RequireClusterAsync(CancellationToken cancellationToken)
    {
        ClusterInfo info;
        try
        {
            info = await nodes.ClusterInfoAsync(Existing, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new CommandFailedException(
                $"no Hoard cluster answers on {Existing}: start one with 'hoard up --port {options.Port}' first, or give the --port of the " +
                $"one that runs ({e.Message})");
        }

        if (info.State != "ok")
        {
            throw new CommandFailedException(
                $"the cluster at {Existing} is not ready to grow: it says cluster_state:{info.State ?? "unknown"} (see 'hoard cluster status {Existing}')");
        }
    }

    /// <summary>
    /// Starts a node on the next port after the cluster's highest whose client and cluster ports are both free, and
    /// waits until it answers. The node is stopped again if it does not.
    /// </summary>
    /// <param name="stopping">Cancelled once this process stops: the node's exit is expected from then on.</param>
    /// <exception cref="CommandFailedException">No port is free, the directory cannot be prepared, or the node did not start.</exception>
    public async Task<NodeProcess> StartNodeAsync(CancellationToken stopping)
    {
        var entries = await nodes.ClusterNodesAsync(Existing, stopping).ConfigureAwait(false);
        var voters = await VotersAsync(stopping).ConfigureAwait(false);
        var port = NextFreePort(entries.Select(e => NodeEndpoint.TryParse(e.Address, out var node) ? node.Port : 0).Append(options.Port).Max());
        UpDirectory.Prepare(options, [port]);
        var child = NodeProcess.Start(new NodeEndpoint(UpOptions.Host, port), options.ServeArguments(port, voters), options.LogPath(port), logger, stopping);
        CliLog.NodeStarted(logger, child.Endpoint, child.Pid, child.LogPath);
        try
        {
            await NodeProcess.WaitUntilAnsweringAsync([child], nodes, StartBound, stopping).ConfigureAwait(false);
            return child;
        }
        catch
        {
            await child.StopAsync(nodes, logger).ConfigureAwait(false);
            child.Dispose();
            throw;
        }
    }

    /// <summary>The node's id (CLUSTER MYID).</summary>
    /// <exception cref="CommandFailedException">The node did not answer.</exception>
    public Task<string> IdAsync(NodeEndpoint node, CancellationToken cancellationToken) =>
        nodes.CallAsync(node, ["CLUSTER", "MYID"], cancellationToken);

    /// <summary>
    /// The cluster meets <paramref name="added"/> (node <paramref name="id"/>), which joins as a primary without slots;
    /// returns once both know the same nodes and the new one says the cluster is ok.
    /// </summary>
    /// <exception cref="CommandFailedException">The node is not empty, a node refused, or they did not agree in time.</exception>
    public async Task JoinAsync(NodeEndpoint added, string id, CancellationToken cancellationToken)
    {
        await ClusterAddNodeCommand.MeetAsync(nodes, logger, added, Existing, cancellationToken).ConfigureAwait(false);
        await Polling.UntilAsync(() => NotJoinedAsync(added, id, cancellationToken), ClusterFormation.Bound, $"{added} did not join the cluster", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Moves slots, with their keys, onto node <paramref name="id"/> until it owns its share: <paramref name="weight"/>
    /// against 1 for each other primary.
    /// </summary>
    /// <param name="id">The joined node.</param>
    /// <param name="weight">Its weight.</param>
    /// <param name="cancellationToken">
    /// Gives up the moves; cancelled half-way, a slot may stay open between two nodes, so only an operator's
    /// insistence (a second Ctrl-C) should cancel it.
    /// </param>
    /// <exception cref="CommandFailedException">A node refused a step.</exception>
    public async Task TakeShareAsync(string id, double weight, CancellationToken cancellationToken)
    {
        var entries = await nodes.ClusterNodesAsync(Existing, cancellationToken).ConfigureAwait(false);
        await ClusterRebalanceCommand.MoveAsync(options.Password, entries, other => other == id ? weight : 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the slots of node <paramref name="id"/> to the other primaries, then the cluster forgets it; nothing when
    /// the cluster does not know it (it never joined).
    /// </summary>
    /// <exception cref="CommandFailedException">A node refused a step.</exception>
    public async Task LeaveAsync(string id, CancellationToken cancellationToken)
    {
        var entries = await nodes.ClusterNodesAsync(Existing, cancellationToken).ConfigureAwait(false);
        if (entries.Any(e => e.Id == id))
        {
            await ClusterRemoveNodeCommand.RemoveAsync(nodes, options.Password, logger, Existing, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The cluster's consensus voters, which every node of it must be given.</summary>
    private async Task<string> VotersAsync(CancellationToken cancellationToken)
    {
        var voters = await nodes.ConfigGetAsync(Existing, "cluster-voters", cancellationToken).ConfigureAwait(false);
        return voters is { Length: > 0 } ? voters : throw new CommandFailedException($"{Existing} did not tell its cluster-voters");
    }

    /// <summary>Null once both nodes know the same number of nodes, the new one among them, and agree the cluster is ok.</summary>
    private async Task<string?> NotJoinedAsync(NodeEndpoint added, string id, CancellationToken cancellationToken)
    {
        var known = await nodes.ClusterNodesAsync(Existing, cancellationToken).ConfigureAwait(false);
        if (!known.Any(e => e.Id == id))
        {
            return $"{Existing} does not list {added} yet";
        }

        var info = await nodes.ClusterInfoAsync(added, cancellationToken).ConfigureAwait(false);
        return info.KnownNodes != known.Count || info.State != "ok"
            ? $"{added} knows {info.KnownNodes} of {known.Count} nodes and says cluster_state:{info.State}"
            : null;
    }

    /// <summary>The first port after <paramref name="highest"/> whose client and cluster ports are both free.</summary>
    private static int NextFreePort(int highest)
    {
        for (var port = highest + 1; UpOptions.ClusterPort(port) <= 65535; port++)
        {
            if (LocalPorts.IsFree(port) && LocalPorts.IsFree(UpOptions.ClusterPort(port)))
            {
                return port;
            }
        }

        throw new CommandFailedException($"no free port after {highest} (client port and client port + {VoterAddress.ClusterPortOffset} both free)");
    }
}
