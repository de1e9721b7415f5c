using System.Globalization;
using System.Text;

namespace Hoard.Cli;

/// <summary>The readable status of a cluster: a line per node, then what the queried node says about the cluster.</summary>
internal static class StatusTable
{
    private static readonly string[] Headers = ["ID", "ENDPOINT", "ROLE", "FLAGS", "EPOCH", "SLOTS", "RANGES"];

    /// <summary>Formats CLUSTER NODES and CLUSTER INFO as one node answered them.</summary>
    public static string Format(IReadOnlyList<ClusterNodeEntry> nodes, ClusterInfo info)
    {
        var rows = InTableOrder(nodes).Select(Row).Prepend(Headers).ToList();
        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).AppendLine();
        }

        var myself = nodes.FirstOrDefault(n => n.IsMyself);
        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"cluster state     {info.State ?? "unknown"}")
            .AppendLine(CultureInfo.InvariantCulture, $"current epoch     {info.CurrentEpoch?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}")
            .AppendLine(CultureInfo.InvariantCulture, $"known nodes       {info.KnownNodes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}")
            .AppendLine(CultureInfo.InvariantCulture, $"consensus leader  {info.ConsensusLeader switch { null => "unknown", "-" => "none", var l => l }}")
            .AppendLine(CultureInfo.InvariantCulture, $"majority          {info.HasMajority switch { true => "yes", false => "no", null => "unknown" }}")
            .AppendLine(CultureInfo.InvariantCulture, $"answered by       {myself?.Address ?? "unknown"} ({info.ConsensusRole ?? "unknown role"})");
        return text.ToString();
    }

    /// <summary>The primaries in slot order, each followed by its replicas; then replicas of a primary not listed.</summary>
    private static IEnumerable<ClusterNodeEntry> InTableOrder(IReadOnlyList<ClusterNodeEntry> nodes)
    {
        var primaries = nodes
            .Where(n => !n.IsReplica)
            .OrderBy(n => n.Slots.Count == 0 ? int.MaxValue : n.Slots.Min(r => r.Start))
            .ThenBy(n => n.Address, StringComparer.Ordinal)
            .ToList();
        var replicas = nodes.Where(n => n.IsReplica).OrderBy(n => n.Address, StringComparer.Ordinal).ToList();
        return primaries
            .SelectMany(p => replicas.Where(r => r.PrimaryId == p.Id).Prepend(p))
            .Concat(replicas.Where(r => !primaries.Any(p => p.Id == r.PrimaryId)));
    }

    private static string[] Row(ClusterNodeEntry node) =>
    [
        node.Id.Length > 8 ? node.Id[..8] : node.Id,
        node.Address,
        node.IsReplica ? $"replica of {(node.PrimaryId is { Length: > 8 } p ? p[..8] : node.PrimaryId)}" : "primary",
        string.Join(',', node.Flags.Where(f => f is not ("master" or "slave" or "noflags"))) is { Length: > 0 } flags ? flags : "-",
        node.ConfigEpoch.ToString(CultureInfo.InvariantCulture),
        node.SlotCount.ToString(CultureInfo.InvariantCulture),
        node.Slots.Count == 0 ? "-" : string.Join(',', node.Slots),
    ];
}
