using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster remove-node existing-host:port node-id [-a password]</c>: a primary's slots (and keys) move to the
/// other primaries first; then the cluster forgets the node, and the removed node, when it answers, is reset so it can
/// start over.
/// </summary>
internal static class ClusterRemoveNodeCommand
{
    /// <summary>How long the leaving node must redirect no command before it is forgotten: clients have learned the new owners.</summary>
    private static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(3);

    /// <summary>The longest the drain waits for clients that keep sending to the leaving node.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: false);
        if (parsed.Positional.Count != 2)
        {
            throw new ConfigurationException("cluster remove-node needs an existing node's host:port and the id of the node to remove");
        }

        var existing = NodeEndpoint.Parse(parsed.Positional[0]);
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var logger = loggers.CreateLogger("hoard");
        var nodes = new NodeClient(parsed.Password);
        await RemoveAsync(nodes, parsed.Password, logger, existing, parsed.Positional[1], CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, existing, CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Removes the node whose id is, or starts with, <paramref name="id"/> from the cluster <paramref name="existing"/>
    /// belongs to: a primary's slots move to the other primaries first, clients are given time to learn their new
    /// owners, then <paramref name="existing"/> forgets the node and the node, when it answers, is reset.
    /// </summary>
    /// <exception cref="CommandFailedException">No node or several match, the node cannot be removed, or a node refused a step.</exception>
    public static async Task RemoveAsync(
        NodeClient nodes, string? password, ILogger logger, NodeEndpoint existing, string id, CancellationToken cancellationToken)
    {
        var entries = await nodes.ClusterNodesAsync(existing, cancellationToken).ConfigureAwait(false);
        var leaving = Find(entries, id, existing);
        if (leaving.SlotCount > 0 && !leaving.IsReplica && !leaving.IsMyself)
        {
            // Its slots go to the other primaries first, each taking an equal share.
            var primaries = ClusterRebalanceCommand.Primaries(entries, other => other == leaving.Id ? 0 : 1);
            Console.WriteLine($"moving the {leaving.SlotCount} slots of {leaving.Id} ({leaving.Address}) to the other primaries");
            await new SlotMover(password, Console.Out)
                .RunAsync(SlotPlan.Rebalance(primaries), ClusterRebalanceCommand.Addresses(entries), cancellationToken).ConfigureAwait(false);

            // Clients that still send to it learn the new owners from its -MOVED while it is a member; once reset it
            // would know no slots and answer -CLUSTERDOWN.
            await DrainAsync(nodes, leaving, cancellationToken).ConfigureAwait(false);
            entries = await nodes.ClusterNodesAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        var target = FindRemovable(entries, id, existing);
        CliLog.Forgetting(logger, target.Id, existing);
        await nodes.CallAsync(existing, ["CLUSTER", "FORGET", target.Id], cancellationToken).ConfigureAwait(false);
        if (NodeEndpoint.TryParse(target.Address, out var removed))
        {
            try
            {
                await nodes.CallAsync(removed, ["CLUSTER", "RESET"], cancellationToken).ConfigureAwait(false);
                CliLog.Reset(logger, removed);
            }
            catch (CommandFailedException e)
            {
                CliLog.NotReset(logger, removed, e.Message);
            }
        }
    }

    /// <summary>The node whose id is, or starts with, <paramref name="id"/>.</summary>
    /// <exception cref="CommandFailedException">No node or several match.</exception>
    public static ClusterNodeEntry Find(IReadOnlyList<ClusterNodeEntry> entries, string id, NodeEndpoint existing)
    {
        var matches = entries.Where(e => e.Id.StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            0 => throw new CommandFailedException($"{existing} knows no node {id}"),
            1 => matches[0],
            _ => matches.FirstOrDefault(e => e.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
                 ?? throw new CommandFailedException($"'{id}' is the start of {matches.Count} node ids; give more of it"),
        };
    }

    /// <summary>
    /// The node whose id is, or starts with, <paramref name="id"/>, checked to be removable: not the node asked,
    /// and serving no slots.
    /// </summary>
    /// <exception cref="CommandFailedException">No node or several match, or the node cannot be removed.</exception>
    public static ClusterNodeEntry FindRemovable(IReadOnlyList<ClusterNodeEntry> entries, string id, NodeEndpoint existing)
    {
        var target = Find(entries, id, existing);
        if (target.IsMyself)
        {
            throw new CommandFailedException($"{id} is {existing} itself, which cannot forget itself; ask another node of the cluster");
        }

        return target.SlotCount == 0
            ? target
            : throw new CommandFailedException(
                $"node {id} ({target.Address}) serves {target.SlotCount} slots ({string.Join(',', target.Slots)}); " +
                "move them to other nodes before removing it");
    }

    /// <summary>
    /// Waits until the leaving node redirected no command for <see cref="QuietTime"/> (CLUSTER INFO's
    /// <c>cluster_redirected_commands</c> stands still), at most <see cref="DrainLimit"/>.
    /// </summary>
    private static async Task DrainAsync(NodeClient nodes, ClusterNodeEntry leaving, CancellationToken cancellationToken)
    {
        if (!NodeEndpoint.TryParse(leaving.Address, out var node))
        {
            return;
        }

        Console.WriteLine($"letting clients learn the new owners: waiting until {leaving.Address} redirects nothing for {QuietTime.TotalSeconds:0} s (at most {DrainLimit.TotalSeconds:0} s)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long last = -1;
        var quietSince = TimeSpan.Zero;
        while (clock.Elapsed < DrainLimit)
        {
            var redirected = (await nodes.ClusterInfoAsync(node, cancellationToken).ConfigureAwait(false)).RedirectedCommands ?? 0;
            if (redirected != last)
            {
                (last, quietSince) = (redirected, clock.Elapsed);
            }
            else if (clock.Elapsed - quietSince >= QuietTime)
            {
                return;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"clients still send to {leaving.Address} after {DrainLimit.TotalSeconds:0} s; removing it anyway");
    }
}
