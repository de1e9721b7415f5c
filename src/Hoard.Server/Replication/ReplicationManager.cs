using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Replication;

/// <summary>
/// A node's replication: as a primary, the stream (created when the first replica connects) and the replicas fed
/// from it; as a replica, the link to its primary. Roles come from the cluster's topology, or from REPLICAOF on a
/// standalone node.
/// </summary>
public sealed class ReplicationManager : IAsyncDisposable
{
    private readonly HoardServer _server;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<long, ReplicaInfo> _replicas = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _acked = NewSignal();
    private bool _waiting; // a new signal is made only when a WAIT waits: no allocation per acknowledgement
    private ReplicaLink? _link;
    private long _fullSyncs;
    private long _partialSyncs;

    internal ReplicationManager(HoardServer server, ILoggerFactory loggers)
    {
        _server = server;
        _loggers = loggers;
        ReplicationId = NewId();
    }

    /// <summary>This node's replication id (a primary's own; a replica's is its primary's once synced).</summary>
    public string ReplicationId { get; private set; }

    /// <summary>Full syncs served (INFO's <c>sync_full</c>).</summary>
    public long FullSyncs => Interlocked.Read(ref _fullSyncs);

    /// <summary>Partial syncs served (INFO's <c>sync_partial_ok</c>).</summary>
    public long PartialSyncs => Interlocked.Read(ref _partialSyncs);

    /// <summary>The stream, once a replica connected; null before.</summary>
    public ReplicationBacklog? Backlog { get; private set; }

    /// <summary>The offset after the last change this node holds: its stream's end, or what a replica applied.</summary>
    public long Offset => _link?.Offset ?? Backlog?.Offset ?? 0;

    /// <summary>The replicas connected to this node.</summary>
    public IReadOnlyCollection<ReplicaInfo> Replicas => [.. _replicas.Values.OrderBy(r => r.SessionId)];

    /// <summary>The link to this node's primary, or null when it is a primary.</summary>
    public ReplicaLink? Link => _link;

    /// <summary>Whether this node copies a primary.</summary>
    public bool IsReplica => _link is not null;

    /// <summary>
    /// PSYNC: decides between a partial sync (the replica's id is ours and its offset is still in the stream) and
    /// a full one, registering the replica; the caller's connection then feeds it.
    /// </summary>
    internal ReplicaFeed StartFeed(long sessionId, IPAddress? address, int listeningPort, string replicationId, long offset)
    {
        var backlog = EnsureBacklog();
        var replica = new ReplicaInfo(sessionId, address, listeningPort);
        _replicas[sessionId] = replica;
        var partial = replicationId == ReplicationId && backlog.Holds(offset);
        Interlocked.Increment(ref partial ? ref _partialSyncs : ref _fullSyncs);
        var swaps = backlog.Swaps; // read before the offset: a swap in between aborts the sync (safe), never slips by
        return new ReplicaFeed(replica, backlog, ReplicationId, partial ? offset : backlog.Offset, !partial, swaps);
    }

    /// <summary>The stream, made now if no replica connected yet (a slot move reads the writes since its walk began from it).</summary>
    internal ReplicationBacklog EnsureBacklog()
    {
        lock (_gate)
        {
            if (Backlog is null)
            {
                Backlog = new ReplicationBacklog(BacklogSize(), 0, _server.Options.ReplicaOutputLimit);
                _server.Keyspace.Replication = Backlog;
            }

            return Backlog;
        }
    }

    /// <summary>REPLCONF ACK from a replica's connection.</summary>
    internal void Acknowledge(long sessionId, long offset)
    {
        if (_replicas.TryGetValue(sessionId, out var replica))
        {
            replica.Acknowledge(offset);
            TaskCompletionSource? acked = null;
            lock (_gate)
            {
                if (_waiting)
                {
                    acked = _acked;
                    _acked = NewSignal();
                    _waiting = false;
                }
            }

            acked?.TrySetResult();
        }
    }

    /// <summary>A replica's connection closed.</summary>
    internal void Forget(long sessionId) => _replicas.TryRemove(sessionId, out _);

    /// <summary>How many replicas acknowledged the stream up to <paramref name="offset"/>.</summary>
    public int CountAcknowledged(long offset) => _replicas.Values.Count(r => r.AckedOffset >= offset);

    /// <summary>WAIT: until <paramref name="replicas"/> replicas acknowledged <paramref name="offset"/>, or the timeout.</summary>
    /// <param name="offset">The stream offset after the client's last write.</param>
    /// <param name="replicas">How many acknowledgements to wait for.</param>
    /// <param name="timeout">How long at most; infinite for Redis's 0.</param>
    /// <returns>How many replicas acknowledged it when the wait ended.</returns>
    public async Task<int> WaitForAcknowledgementsAsync(long offset, int replicas, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task acked;
            lock (_gate)
            {
                acked = _acked.Task;
                _waiting = true;
            }

            var count = CountAcknowledged(offset);
            if (count >= replicas)
            {
                return count;
            }

            try
            {
                await acked.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return CountAcknowledged(offset);
            }
        }
    }

    /// <summary>Makes this node a replica of <paramref name="host"/>:<paramref name="port"/> (or leaves it one).</summary>
    /// <param name="host">The primary's address.</param>
    /// <param name="port">The primary's client port.</param>
    public async Task ReplicateFromAsync(string host, int port)
    {
        if (_link is { } current && current.Host == host && current.Port == port)
        {
            return;
        }

        await StopReplicatingAsync().ConfigureAwait(false);
        _link = new ReplicaLink(_server, host, port, _loggers.CreateLogger<ReplicaLink>());
        _link.Start();
    }

    /// <summary>Stops copying a primary (REPLICAOF NO ONE, promotion): this node keeps its data and starts a new history.</summary>
    public async Task StopReplicatingAsync()
    {
        if (_link is not { } link)
        {
            return;
        }

        _link = null;
        await link.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            ReplicationId = NewId();
            Backlog = new ReplicationBacklog(BacklogSize(), link.Offset, _server.Options.ReplicaOutputLimit);
            _server.Keyspace.Replication = Backlog;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_link is { } link)
        {
            _link = null;
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private int BacklogSize() => (int)Math.Clamp(_server.Options.ReplicationBacklogSize, 16 * 1024, int.MaxValue);

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
