namespace Hoard.Cluster.Topology;

/// <summary>One row of the node table.</summary>
/// <param name="Id">The node's id (40 hex digits), chosen by the node when it first starts.</param>
/// <param name="Host">The address clients reach it on.</param>
/// <param name="Port">Its client (RESP) port.</param>
/// <param name="ClusterPort">Its cluster port (the consensus endpoint for a voter).</param>
/// <param name="ShardId">The shard it belongs to (40 hex digits).</param>
/// <param name="Role">Primary or replica within the shard.</param>
/// <param name="Failed">Whether the group has judged it unreachable.</param>
public sealed record ClusterNode(string Id, string Host, int Port, int ClusterPort, string ShardId, NodeRole Role, bool Failed = false)
{
    /// <summary><c>host:port</c> (an IPv6 host in brackets), as MOVED and ASK redirects name the node.</summary>
    public string Endpoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
