using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster rebalance host:port [--weight id=w]… [-a password]</c>: moves slots, with their keys, so that each
/// primary owns the assigned slots in proportion to its weight (1 unless given; 0 empties a primary); a primary with
/// no slots yet (just added) takes its share.
/// </summary>
internal static class ClusterRebalanceCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: false, "--weight");
        if (parsed.Positional.Count != 1)
        {
            throw new ConfigurationException("cluster rebalance needs one node's host:port");
        }

        var existing = NodeEndpoint.Parse(parsed.Positional[0]);
        var nodes = new NodeClient(parsed.Password);
        var entries = await nodes.ClusterNodesAsync(existing, CancellationToken.None).ConfigureAwait(false);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var given in parsed.Options.GetValueOrDefault("--weight") ?? [])
        {
            var parts = given.Split('=');
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0)
            {
                throw new ConfigurationException($"--weight needs id=weight with a weight of 0 or more, not '{given}'");
            }

            weights[ClusterRemoveNodeCommand.Find(entries, parts[0], existing).Id] = weight;
        }

        await MoveAsync(parsed.Password, entries, id => weights.GetValueOrDefault(id, 1), CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, existing, CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Moves slots, with their keys, so that each primary of <paramref name="entries"/> (CLUSTER NODES as a node of the
    /// cluster answered it) owns the assigned slots in proportion to its <paramref name="weight"/>; says what it does.
    /// </summary>
    /// <exception cref="CommandFailedException">Every weight is 0, or a node refused a step (see <see cref="SlotMover"/>).</exception>
    public static async Task MoveAsync(
        string? password, IReadOnlyList<ClusterNodeEntry> entries, Func<string, double> weight, CancellationToken cancellationToken)
    {
        var plan = SlotPlan.Rebalance(Primaries(entries, weight));
        if (plan.Count == 0)
        {
            Console.WriteLine("every primary owns its share of the slots: nothing to move");
            return;
        }

        Console.WriteLine($"moving {plan.Count} slots between {plan.Select(m => m.From).Concat(plan.Select(m => m.To)).Distinct().Count()} primaries");
        await new SlotMover(password, Console.Out).RunAsync(plan, Addresses(entries), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The primaries (ordered by id, so a plan does not depend on the order of the reply) with their weights.</summary>
    public static IReadOnlyList<WeightedPrimary> Primaries(IReadOnlyList<ClusterNodeEntry> entries, Func<string, double> weight) =>
        [.. entries.Where(e => !e.IsReplica).OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => new WeightedPrimary(e.Id, e.Slots, weight(e.Id)))];

    /// <summary>The client endpoint of every node that has one, by id.</summary>
    public static IReadOnlyDictionary<string, NodeEndpoint> Addresses(IReadOnlyList<ClusterNodeEntry> entries) =>
        entries.Where(e => NodeEndpoint.TryParse(e.Address, out _)).ToDictionary(e => e.Id, e => NodeEndpoint.Parse(e.Address));
}
