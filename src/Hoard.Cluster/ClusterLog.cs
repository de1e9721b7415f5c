using Microsoft.Extensions.Logging;

namespace Hoard.Cluster;

/// <summary>The cluster's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(100, LogLevel.Information, "Cluster node {NodeId} starting as a {Role} of a {Voters}-voter group")]
    public static partial void Starting(ILogger logger, string nodeId, string role, int voters);

    [LoggerMessage(101, LogLevel.Information, "Consensus leader is now {Leader}")]
    public static partial void LeaderChanged(ILogger logger, string leader);

    [LoggerMessage(102, LogLevel.Information, "Topology epoch {Epoch}: {Nodes} nodes, {Slots} slots assigned")]
    public static partial void TopologyApplied(ILogger logger, long epoch, int nodes, int slots);

    [LoggerMessage(103, LogLevel.Debug, "Could not reach node {Endpoint}: {Reason}")]
    public static partial void PeerUnreachable(ILogger logger, string endpoint, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Node {NodeId} at {Endpoint} judged {State}")]
    public static partial void NodeHealth(ILogger logger, string nodeId, string endpoint, string state);

    [LoggerMessage(105, LogLevel.Warning, "Leader duty stopped by an error")]
    public static partial void LeaderDutyFailed(ILogger logger, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "Primary {PrimaryId} failed: promoting replica {ReplicaId} (offset {Offset})")]
    public static partial void FailingOver(ILogger logger, string primaryId, string replicaId, long offset);

    [LoggerMessage(107, LogLevel.Warning, "Heartbeat to the consensus leader failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(108, LogLevel.Warning, "This leader stood still for {Milliseconds} ms: its own write lease waits for fresh heartbeats")]
    public static partial void LeaderStalled(ILogger logger, long milliseconds);
}
