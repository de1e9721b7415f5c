using System.Net;
using Microsoft.Extensions.Logging;

namespace Hoard.Cluster.Consensus;

/// <summary>The consensus log's messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class ConsensusLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "consensus member {LocalEndPoint} started; voters: {Voters}")]
    public static partial void Started(ILogger logger, EndPoint localEndPoint, IEnumerable<EndPoint> voters);

    [LoggerMessage(Level = LogLevel.Information, Message = "consensus leader is now {Leader}")]
    public static partial void LeaderChanged(ILogger logger, EndPoint? leader);

    [LoggerMessage(Level = LogLevel.Debug, Message = "consensus snapshot taken at log index {Index}")]
    public static partial void SnapshotTaken(ILogger logger, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "consensus state restored from snapshot {Snapshot}")]
    public static partial void SnapshotRestored(ILogger logger, string snapshot);
}
