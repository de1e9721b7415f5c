using System.Globalization;

namespace Hoard.Bench.ClusterBench;

/// <summary>One line of CLUSTER NODES: who a node is, its role, whose replica it is and which slots it serves.</summary>
internal sealed record NodeRow(string Id, int Port, string Flags, string PrimaryId, IReadOnlyList<(int Start, int End)> Slots)
{
    public bool IsPrimary => Flags.Contains("master", StringComparison.Ordinal);

    public bool IsFailed => Flags.Split(',').Any(f => f is "fail" or "fail?");

    /// <summary>The shard's name for printing and rotation: its lowest slot (slots do not move in these runs).</summary>
    public int FirstSlot => Slots.Count == 0 ? -1 : Slots.Min(s => s.Start);

    public bool Owns(int slot) => Slots.Any(s => slot >= s.Start && slot <= s.End);

    public static NodeRow Parse(string line)
    {
        var fields = line.Split(' ');
        var address = fields[1];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var slots = fields[8..].Where(f => !f.StartsWith('[')).Select(f =>
        {
            var bounds = f.Split('-').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            return (bounds[0], bounds[^1]);
        }).ToList();
        return new NodeRow(fields[0], port, fields[2].Replace("myself,", "", StringComparison.Ordinal), fields[3], slots);
    }
}

/// <summary>A node's CLUSTER NODES, parsed: the primaries, and each primary's replicas.</summary>
internal sealed class NodeTable
{
    private NodeTable(IReadOnlyList<NodeRow> rows) => Rows = rows;

    public IReadOnlyList<NodeRow> Rows { get; }

    public IEnumerable<NodeRow> Primaries => Rows.Where(r => r.IsPrimary && r.Slots.Count > 0).OrderBy(r => r.FirstSlot);

    public IEnumerable<NodeRow> ReplicasOf(string primaryId) => Rows.Where(r => !r.IsPrimary && r.PrimaryId == primaryId);

    public NodeRow ById(string id) => Rows.Single(r => r.Id == id);

    public NodeRow ByPort(int port) => Rows.Single(r => r.Port == port);

    /// <summary>The primary serving <paramref name="slot"/>, or null.</summary>
    public NodeRow? OwnerOf(int slot) => Primaries.FirstOrDefault(p => p.Owns(slot));

    /// <summary>
    /// Whether the cluster is whole: <paramref name="shards"/> primaries, each with exactly one replica, and no node
    /// flagged failed.
    /// </summary>
    public bool IsWhole(int shards) =>
        Rows.All(r => !r.IsFailed) && Primaries.Count() == shards && Primaries.All(p => ReplicasOf(p.Id).Count() == 1);

    public static NodeTable Parse(string text) =>
        new([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NodeRow.Parse)]);
}
