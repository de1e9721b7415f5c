using System.Buffers;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Hoard.Cluster.Consensus;

/// <summary>
/// Drives an <see cref="IReplicatedState"/> from DotNext's write-ahead log: applies Hoard's entries, skips the
/// log's own (the no-op a new leader appends), and snapshots the state every <c>snapshotInterval</c> entries into
/// a folder of its own.
/// </summary>
internal sealed class ReplicatedStateMachine : SimpleStateMachine
{
    /// <summary>The command id that marks the entries <see cref="RaftConsensusLog"/> replicates.</summary>
    public const int EntryCommandId = 1;

    // DotNext applies entries one at a time, but a snapshot sent by the leader is installed from the log's append
    // path, not its applier; the gate keeps IReplicatedState's promise of no concurrent use whatever the path.
    private readonly Lock gate = new();
    private readonly IReplicatedState state;
    private readonly int snapshotInterval;
    private readonly ILogger logger;
    private int appliedSinceSnapshot;
    private byte[]? pendingSnapshot;

    public ReplicatedStateMachine(DirectoryInfo location, IReplicatedState state, int snapshotInterval, ILogger logger)
        : base(location)
    {
        this.state = state;
        this.snapshotInterval = snapshotInterval;
        this.logger = logger;
    }

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.CommandId != EntryCommandId || !entry.TryGetPayload(out var payload))
            return ValueTask.FromResult(false);

        lock (gate)
        {
            if (payload.IsSingleSegment)
                state.Apply(payload.FirstSpan);
            else
                state.Apply(payload.ToArray());

            if (++appliedSinceSnapshot < snapshotInterval)
                return ValueTask.FromResult(false);

            // Serialized here, at this entry's index that names the snapshot file: PersistAsync runs in the
            // background, when the state may have moved on.
            pendingSnapshot = state.Snapshot();
            appliedSinceSnapshot = 0;
        }

        ConsensusLog.SnapshotTaken(logger, entry.Index);
        return ValueTask.FromResult(true);
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        byte[] snapshot;
        lock (gate)
        {
            snapshot = pendingSnapshot ?? throw new InvalidOperationException("No snapshot was taken to persist.");
            pendingSnapshot = null;
        }

        return writer.WriteAsync(snapshot, lengthFormat: null, token);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var snapshot = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        lock (gate)
        {
            state.Restore(snapshot);
            appliedSinceSnapshot = 0;
        }

        ConsensusLog.SnapshotRestored(logger, snapshotFile.Name);
    }
}
