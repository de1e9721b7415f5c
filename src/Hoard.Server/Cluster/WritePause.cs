using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Cluster;

/// <summary>
/// Writes held during a manual failover (CLUSTER FAILOVER); a held write runs again once the pause ended
/// (<see cref="Commands.CommandDispatcher"/>). On the primary (asked by its replica with HOARD.PAUSEWRITES), writes
/// stop and, once the writes already running have finished, the stream offset is the replica's target: every write
/// this primary acknowledged lies before it. On the replica, writes wait while its failover commits.
/// </summary>
/// <remarks>
/// The primary's pause ends when the shard's configuration moves past the epoch it was taken on: by the failover
/// (held writes are then moved to the new primary), or — when the handover has not happened within the asked time —
/// by a <see cref="HandoverCancelled"/> this node commits itself, after which the replica's failover is stale and held
/// writes run here. It never ends on a clock alone: a failover committed late would meet a primary that had
/// taken writes past the replica's offset, and those would be lost.
/// </remarks>
internal sealed class WritePause
{
    // The longest a held write waits: the pause outlasts its time while the group cannot commit the cancellation.
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly HoardServer _server;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private Pause? _current; // read on every write in cluster mode; null but for a handover's few milliseconds
    private ClusterTopology _routed = ClusterTopology.Empty; // the topology the node's routes were last built from

    public WritePause(HoardServer server, ILogger logger, CancellationToken stopping)
    {
        _server = server;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>Whether writes are paused now.</summary>
    public bool IsActive => Volatile.Read(ref _current) is not null;

    /// <summary>
    /// HOARD.PAUSEWRITES: stops writes, waits for the running ones and answers where the stream stopped. After
    /// <paramref name="duration"/> without a handover, the handover is cancelled and writes resume.
    /// </summary>
    /// <param name="cluster">This node's cluster service; the node is a primary.</param>
    /// <param name="duration">How long the replica may take.</param>
    /// <returns>Where writes stopped, or null when a pause is already under way.</returns>
    public async Task<PausePoint?> BeginAsync(ClusterNodeService cluster, TimeSpan duration)
    {
        var shard = cluster.MyShardId;
        var pause = new Pause(shard, Volatile.Read(ref _routed).ShardEpoch(shard));

        // A full fence, paired with ClientSession.BeginWrite: a write either sees the pause or is waited for below.
        if (Interlocked.CompareExchange(ref _current, pause, null) is not null)
        {
            return null;
        }

        EndIfMovedOn(); // the shard may have moved on since its epoch was read
        _ = CancelWhenOverdueAsync(cluster, pause, duration);
        await _server.WaitForRunningWritesAsync(_stopping).ConfigureAwait(false);

        var replication = _server.Replication;
        var point = new PausePoint(replication.ReplicationId, replication.Backlog?.Offset ?? 0, pause.Epoch);
        ServerLog.WritesPaused(_logger, point.Offset, point.Epoch, (long)duration.TotalMilliseconds);
        return point;
    }

    /// <summary>
    /// On a replica taking over: holds writes until its routes follow its failover, or the failover failed. The old
    /// primary, once it learns it stepped down, moves its held writes here; this node may learn it is the primary a
    /// moment later, and would move them back — which clients that follow one redirect only (StackExchange.Redis)
    /// report as an error.
    /// </summary>
    /// <param name="shardId">This replica's shard.</param>
    /// <param name="epoch">The shard epoch the failover is decided on.</param>
    /// <param name="failover">Commits the failover: null on success, else the error.</param>
    /// <returns>The failover's answer.</returns>
    public async Task<string?> HoldWritesDuringAsync(string shardId, long epoch, Func<Task<string?>> failover)
    {
        var pause = new Pause(shardId, epoch);
        if (Interlocked.CompareExchange(ref _current, pause, null) is not null)
        {
            return "ERR a manual failover of this shard is already under way";
        }

        try
        {
            return await failover().ConfigureAwait(false);
        }
        finally
        {
            End(pause); // if the routes following the failover have not ended it already
        }
    }

    /// <summary>For a held write: waits until the pause ended; false when it still lasts after <see cref="HoldLimit"/>.</summary>
    /// <returns>Whether the write may run again.</returns>
    public async Task<bool> WaitAsync()
    {
        if (Volatile.Read(ref _current) is not { } pause)
        {
            return true;
        }

        try
        {
            await pause.Ended.Task.WaitAsync(HoldLimit, _stopping).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>After each topology change, once the routes follow it: a pause ends when its shard moved past its epoch.</summary>
    /// <param name="topology">The new topology.</param>
    public void OnTopologyChanged(ClusterTopology topology)
    {
        Volatile.Write(ref _routed, topology);
        EndIfMovedOn();
    }

    /// <summary>
    /// Ends the pause if the shard moved past its epoch in the topology the routes follow — not in the node's newest
    /// one, which is published a moment before the routes: a held write must not run again on the old routes.
    /// </summary>
    private void EndIfMovedOn()
    {
        var topology = Volatile.Read(ref _routed);
        if (Volatile.Read(ref _current) is { } pause && topology.ShardEpoch(pause.ShardId) > pause.Epoch && End(pause))
        {
            ServerLog.WritesResumed(_logger, topology.ShardEpoch(pause.ShardId));
        }
    }

    /// <summary>Ends <paramref name="pause"/> if it is the current one: held writes run again.</summary>
    private bool End(Pause pause)
    {
        if (Interlocked.CompareExchange(ref _current, null, pause) != pause)
        {
            return false;
        }

        pause.Ended.TrySetResult();
        return true;
    }

    /// <summary>
    /// Once <paramref name="duration"/> passed without a handover: commits <see cref="HandoverCancelled"/> until the
    /// shard moved past the paused epoch (it committed, or something else did, such as the failover itself).
    /// </summary>
    private async Task CancelWhenOverdueAsync(ClusterNodeService cluster, Pause pause, TimeSpan duration)
    {
        try
        {
            if (await EndsWithinAsync(pause, duration).ConfigureAwait(false))
            {
                return;
            }

            ServerLog.HandoverOverdue(_logger, pause.Epoch);
            do
            {
                // Committed, stale or refused for want of a majority: the topology tells which, the loop tries again.
                await cluster.ProposeAsync(new HandoverCancelled(pause.ShardId, pause.Epoch), _stopping).ConfigureAwait(false);
                EndIfMovedOn();
            }
            while (!await EndsWithinAsync(pause, RetryDelay).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The node stops.
        }
    }

    private async Task<bool> EndsWithinAsync(Pause pause, TimeSpan time)
    {
        await Task.WhenAny(pause.Ended.Task, Task.Delay(time, _stopping)).ConfigureAwait(false);
        _stopping.ThrowIfCancellationRequested();
        return pause.Ended.Task.IsCompleted;
    }

    /// <summary>One pause: the shard and the epoch it was taken on, and the signal held writes wait for.</summary>
    private sealed class Pause(string shardId, long epoch)
    {
        public string ShardId { get; } = shardId;

        public long Epoch { get; } = epoch;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
