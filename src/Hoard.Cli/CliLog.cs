using Hoard.Cluster.Topology;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>The executable's own log messages.</summary>
internal static partial class CliLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "standard input closed: the hoard up that started this node is gone")]
    public static partial void ParentGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "assigning slots {Range} to {Node}")]
    public static partial void AssigningSlots(ILogger logger, SlotRange range, NodeEndpoint node);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} meets {Other}")]
    public static partial void Meeting(ILogger logger, NodeEndpoint node, NodeEndpoint other);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} replicates {Primary}")]
    public static partial void Replicating(ILogger logger, NodeEndpoint node, NodeEndpoint primary);

    [LoggerMessage(Level = LogLevel.Information, Message = "waiting for the {Count} nodes to agree")]
    public static partial void WaitingForAgreement(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "started node {Node} (pid {Pid}, log {Log})")]
    public static partial void NodeStarted(ILogger logger, NodeEndpoint node, int pid, string log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Node} exited with code {Code}; see {Log}")]
    public static partial void NodeExited(ILogger logger, NodeEndpoint node, int code, string log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Node} did not stop within {Seconds} s; killed it")]
    public static partial void NodeKilled(ILogger logger, NodeEndpoint node, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping {Count} nodes")]
    public static partial void StoppingNodes(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} forgets node {Id}")]
    public static partial void Forgetting(ILogger logger, string id, NodeEndpoint node);

    [LoggerMessage(Level = LogLevel.Information, Message = "reset {Node}: it is a node of no cluster now")]
    public static partial void Reset(ILogger logger, NodeEndpoint node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the removed node {Node} was not reset: {Reason}")]
    public static partial void NotReset(ILogger logger, NodeEndpoint node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node} leaves the cluster: its slots move to the other primaries")]
    public static partial void NodeLeaving(ILogger logger, NodeEndpoint node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    public static partial void NotLeft(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command}: {Problem}")]
    public static partial void TypedCommandFailed(ILogger logger, string command, string problem);
}
