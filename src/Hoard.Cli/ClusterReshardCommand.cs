using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster reshard host:port --from id --to id --slots N [-a password]</c>: moves N slots, with their keys,
/// from one primary to another while the cluster serves (<see cref="SlotMover"/>), then prints the status table.
/// </summary>
internal static class ClusterReshardCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: false, "--from", "--to", "--slots");
        if (parsed.Positional.Count != 1 || parsed.Single("--from") is not { } fromId || parsed.Single("--to") is not { } toId
            || parsed.Single("--slots") is not { } slotsText)
        {
            throw new ConfigurationException("cluster reshard needs one node's host:port, --from id, --to id and --slots N");
        }

        if (!int.TryParse(slotsText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new ConfigurationException($"--slots needs a positive number, not '{slotsText}'");
        }

        var existing = NodeEndpoint.Parse(parsed.Positional[0]);
        var nodes = new NodeClient(parsed.Password);
        var entries = await nodes.ClusterNodesAsync(existing, CancellationToken.None).ConfigureAwait(false);
        var from = ClusterRemoveNodeCommand.Find(entries, fromId, existing);
        var to = ClusterRemoveNodeCommand.Find(entries, toId, existing);
        if (from.IsReplica || to.IsReplica || from.Id == to.Id)
        {
            throw new CommandFailedException("--from and --to must be two different primaries");
        }

        var plan = SlotPlan.Reshard(new WeightedPrimary(from.Id, from.Slots, 1), to.Id, count);
        Console.WriteLine($"moving {count} slots from {from.Id} ({from.Address}) to {to.Id} ({to.Address})");
        await new SlotMover(parsed.Password, Console.Out).RunAsync(plan, ClusterRebalanceCommand.Addresses(entries), CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, existing, CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
