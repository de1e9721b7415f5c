using System.Net;
using Microsoft.Extensions.Logging;

namespace Hoard.Server;

/// <summary>The node's log messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint? endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(Level = LogLevel.Debug, Message = "client {Id} closed: {Reason}")]
    public static partial void ProtocolError(ILogger logger, long id, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "client {Id} failed")]
    public static partial void ClientFailed(ILogger logger, Exception exception, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "client {Id} closed for overcoming of output buffer limits ({Pending} bytes of pubsub messages pending)")]
    public static partial void OutputLimitReached(ILogger logger, long id, long pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "replication link to {Host}:{Port} lost: {Reason}")]
    public static partial void ReplicaLinkLost(ILogger logger, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "replicating {Host}:{Port} from offset {Offset}")]
    public static partial void ReplicaLinkUp(ILogger logger, string host, int port, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "replica on client {Id} fell out of the backlog at offset {Offset}: it will resynchronise")]
    public static partial void ReplicaFellBehind(ILogger logger, long id, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "manual failover: writes paused at offset {Offset} (shard epoch {Epoch}) for at most {Milliseconds} ms")]
    public static partial void WritesPaused(ILogger logger, long offset, long epoch, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "manual failover: the handover did not happen in time; cancelling it (shard epoch {Epoch})")]
    public static partial void HandoverOverdue(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "manual failover: writes resumed, the shard's epoch is now {Epoch}")]
    public static partial void WritesResumed(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "manual failover: taking over from {Primary} (offset {Offset}, shard epoch {Epoch})")]
    public static partial void TakingOver(ILogger logger, string primary, long offset, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "slot move: {Slots} slots to {Target}: {Keys} keys ({Bytes} bytes) in {Milliseconds} ms, commands held {HeldMicroseconds} us")]
    public static partial void SlotsMoved(ILogger logger, int slots, string target, long keys, long bytes, long milliseconds, long heldMicroseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "slot move: {Slots} slots to {Target} failed: {Reason}")]
    public static partial void SlotMoveFailed(ILogger logger, int slots, string target, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "slot move: a move of {Slots} slots into this node did not commit; {Keys} keys dropped")]
    public static partial void SlotImportDropped(ILogger logger, int slots, long keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "slot move: a move of {Slots} slots into this node did not commit, and no majority confirmed it never will: its keys stay until a move of these slots begins again")]
    public static partial void SlotImportNotCleaned(ILogger logger, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "slot move: {Keys} keys of {Slots} slots handed over dropped")]
    public static partial void SlotExportDropped(ILogger logger, int slots, long keys);
}
