using Hoard.Cluster.Consensus;
using Hoard.Cluster.Node;

namespace Hoard.Server;

/// <summary>A node's cluster settings, named after redis.conf's <c>cluster-*</c> settings where one exists.</summary>
public sealed class ClusterOptions
{
    /// <summary>Whether the node runs in cluster mode (<c>cluster-enabled</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>The cluster (consensus) port (<c>cluster-port</c>); 0 means the client port + 10000.</summary>
    public int Port { get; set; }

    /// <summary>The consensus group's voters (<c>cluster-voters</c>, <c>host:port[@cluster-port]</c>); empty: this node alone.</summary>
    public IList<VoterAddress> Voters { get; } = [];

    /// <summary>Milliseconds a node may be silent before it is judged failed (<c>cluster-node-timeout</c>).</summary>
    public int NodeTimeoutMs { get; set; } = 1500;

    /// <summary>The address announced to clients and other nodes (<c>cluster-announce-ip</c>); null: the bind address.</summary>
    public string? AnnounceIp { get; set; }

    /// <summary>Where the node keeps its identity and consensus log (<c>dir</c>).</summary>
    public string Directory { get; set; } = Environment.CurrentDirectory;

    /// <summary>Makes the consensus member of a voter; the DotNext Raft member unless a test supplies another.</summary>
    internal Func<ClusterSettings, IReplicatedState, IConsensusLog>? ConsensusFactory { get; set; }
}
