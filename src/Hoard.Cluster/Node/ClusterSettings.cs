namespace Hoard.Cluster.Node;

/// <summary>How one node takes part in a cluster (redis.conf's <c>cluster-*</c> settings and Hoard's own).</summary>
public sealed record ClusterSettings
{
    /// <summary>The address other nodes and clients reach this node on (<c>cluster-announce-ip</c>).</summary>
    public required string Host { get; init; }

    /// <summary>The client (RESP) port.</summary>
    public required int Port { get; init; }

    /// <summary>The cluster port: the consensus endpoint when this node votes (<c>cluster-port</c>).</summary>
    public required int ClusterPort { get; init; }

    /// <summary>
    /// The consensus group's voters (<c>cluster-voters</c>); empty means this node alone. A node whose own address is
    /// in the list votes; any other node follows the group through the voters.
    /// </summary>
    public IReadOnlyList<VoterAddress> Voters { get; init; } = [];

    /// <summary>Where the node keeps its identity and the consensus log (<c>dir</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How long a node may be silent before it is judged failed (<c>cluster-node-timeout</c>).</summary>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long an administrative change may wait for the group before it is reported as failed.</summary>
    public TimeSpan ProposalTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>This node as a voter address.</summary>
    public VoterAddress Self => new(Host, Port, ClusterPort);

    /// <summary>The voters of the group, this node alone when none are configured.</summary>
    public IReadOnlyList<VoterAddress> EffectiveVoters => Voters.Count == 0 ? [Self] : Voters;

    /// <summary>Whether this node is one of the voters.</summary>
    public bool IsVoter => EffectiveVoters.Contains(Self);
}
