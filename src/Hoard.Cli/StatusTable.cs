using System.Globalization;
using System.Text;

namespace Hoard.Cli;

/// <summary>The readable status of a cluster: a line per node, then what the queried node says about the cluster.</summary>
internal static class StatusTable
{
    private static readonly string[] Headers = ["ID", "ENDPOINT", "ROLE", "FLAGS", "EPOCH", "SLOTS", "RANGES"];

    /// <summary>The column after ROLE when the table shows replicas' links.</summary>
    private const string LinkHeader = "LINK";

    /// <summary>
    /// Formats CLUSTER NODES and CLUSTER INFO as one node answered them; with <paramref name="links"/> (each replica's
    /// link to its primary, by node id) and replicas in the table, a LINK column says how each replica follows its
    /// primary: up, down, <c>syncing 45% (450000/1000000 keys)</c> during a full sync, or unreachable.
    /// </summary>
    public static string Format(IReadOnlyList<ClusterNodeEntry> nodes, ClusterInfo info, IReadOnlyDictionary<string, ReplicaLink>? links = null)
    {
        var showLinks = links is not null && nodes.Any(n => n.IsReplica);
        var headers = showLinks ? Headers.Take(3).Append(LinkHeader).Concat(Headers.Skip(3)).ToArray() : Headers;
        var rows = InTableOrder(nodes).Select(n => Row(n, showLinks ? links : null)).Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
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

    private static string[] Row(ClusterNodeEntry node, IReadOnlyDictionary<string, ReplicaLink>? links)
    {
        string[] row =
        [
            node.Id.Length > 8 ? node.Id[..8] : node.Id,
            node.Address,
            node.IsReplica ? $"replica of {(node.PrimaryId is { Length: > 8 } p ? p[..8] : node.PrimaryId)}" : "primary",
            string.Join(',', node.Flags.Where(f => f is not ("master" or "slave" or "noflags"))) is { Length: > 0 } flags ? flags : "-",
            node.ConfigEpoch.ToString(CultureInfo.InvariantCulture),
            node.SlotCount.ToString(CultureInfo.InvariantCulture),
            node.Slots.Count == 0 ? "-" : string.Join(',', node.Slots),
        ];
        if (links is null)
        {
            return row;
        }

        var link = node.IsReplica && links.TryGetValue(node.Id, out var known) ? known.ToString() : "-";
        return [.. row.Take(3), link, .. row.Skip(3)];
    }
}
