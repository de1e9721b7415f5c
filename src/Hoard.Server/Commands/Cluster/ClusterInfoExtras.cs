namespace Hoard.Server.Commands.Cluster;

/// <summary>What CLUSTER INFO reports beyond the topology: this node's place in the consensus group and its traffic.</summary>
/// <param name="IsVoter">Whether this node votes in the consensus group (else it follows the leader's pushes).</param>
/// <param name="HasQuorum">Whether a majority of the voters is reachable, so topology changes can commit.</param>
/// <param name="LeaderEndpoint">The consensus leader's <c>host:port</c>, or null when none is known.</param>
/// <param name="MessagesSent">Messages this node sent to other nodes.</param>
/// <param name="MessagesReceived">Messages this node received from other nodes.</param>
/// <param name="Redirected">Commands on slots this node does not serve that it moved (or ran at their owner): clients still sending here.</param>
internal readonly record struct ClusterInfoExtras(
    bool IsVoter,
    bool HasQuorum,
    string? LeaderEndpoint,
    long MessagesSent = 0,
    long MessagesReceived = 0,
    long Redirected = 0);
