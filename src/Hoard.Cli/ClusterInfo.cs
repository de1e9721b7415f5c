using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// What CLUSTER INFO says (Redis's lines plus Hoard's <c>cluster_consensus*</c> and <c>cluster_redirected_commands</c>
/// lines); a field the node did not send is null.
/// </summary>
/// <param name="State"><c>cluster_state</c>: ok or fail.</param>
/// <param name="SlotsAssigned"><c>cluster_slots_assigned</c>.</param>
/// <param name="CurrentEpoch"><c>cluster_current_epoch</c>.</param>
/// <param name="KnownNodes"><c>cluster_known_nodes</c>.</param>
/// <param name="ConsensusRole"><c>cluster_consensus_role</c>: voter or follower.</param>
/// <param name="Consensus"><c>cluster_consensus</c>: ok or no-majority.</param>
/// <param name="ConsensusLeader"><c>cluster_consensus_leader</c>: host:port, or - when none is known.</param>
/// <param name="RedirectedCommands"><c>cluster_redirected_commands</c>: commands on slots the node does not serve.</param>
internal sealed record ClusterInfo(
    string? State,
    long? SlotsAssigned,
    long? CurrentEpoch,
    long? KnownNodes,
    string? ConsensusRole,
    string? Consensus,
    string? ConsensusLeader,
    long? RedirectedCommands = null)
{
    /// <summary>Whether the consensus group has a majority; null when the node does not say.</summary>
    public bool? HasMajority => Consensus switch
    {
        "ok" => true,
        "no-majority" => false,
        _ => null,
    };

    /// <summary>Reads the fields out of CLUSTER INFO's text.</summary>
    public static ClusterInfo Parse(string text)
    {
        var fields = Fields(text);
        return new ClusterInfo(
            fields.GetValueOrDefault("cluster_state"),
            Number(fields, "cluster_slots_assigned"),
            Number(fields, "cluster_current_epoch"),
            Number(fields, "cluster_known_nodes"),
            fields.GetValueOrDefault("cluster_consensus_role"),
            fields.GetValueOrDefault("cluster_consensus"),
            fields.GetValueOrDefault("cluster_consensus_leader"),
            Number(fields, "cluster_redirected_commands"));
    }

    private static long? Number(Dictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The <c>name:value</c> lines of an INFO-style text (INFO, CLUSTER INFO); <c>#</c> headers skipped.</summary>
    public static Dictionary<string, string> Fields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.Length > 0 && line[0] != '#' && colon > 0)
            {
                fields[line[..colon]] = line[(colon + 1)..];
            }
        }

        return fields;
    }
}
