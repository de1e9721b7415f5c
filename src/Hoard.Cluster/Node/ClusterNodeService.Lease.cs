using System.Globalization;
using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Node;

/// <summary>
/// Heartbeats and fencing. Every member of the cluster sends the consensus leader a heartbeat (its id and
/// replication offset) each quarter of the node timeout; the leader's answer grants a write lease of half the node
/// timeout, counted from when the node <i>sent</i> the heartbeat, so an answer that arrives late (the node was
/// paused, or the network slow) grants nothing it should not. A primary whose shard has replicas takes writes only
/// while its lease runs. The leader replaces a primary only after a whole node timeout without a heartbeat, counted
/// from when the last one arrived — after that primary's lease ran out: a paused or cut-off primary cannot accept a
/// write that its replacement will never see.
/// </summary>
public sealed partial class ClusterNodeService
{
    private long _leaseUntil; // Environment.TickCount64 at which the write lease runs out
    private bool _needsLease;
    private NodeRole? _lastRole; // this node's role in the last topology this process saw (none after a restart)
    private LeaderAnswer? _lastLeaderAnswer; // the last leader that answered a heartbeat, and when (one reference: no tearing)

    /// <summary>
    /// Whether this node may take writes now: always, unless it is a primary with replicas whose lease ran out.
    /// A shard without replicas has no one to fail over to, so it keeps taking writes whatever the group does.
    /// </summary>
    public bool HoldsWriteLease => !Volatile.Read(ref _needsLease) || Environment.TickCount64 < Interlocked.Read(ref _leaseUntil);

    /// <summary>
    /// How long a lease lasts: half the node timeout, renewed by heartbeats every quarter of it, and over well before
    /// a replacement can be decided.
    /// </summary>
    public TimeSpan LeaseDuration => _settings.NodeTimeout / 2;

    /// <summary>The heartbeats the leader has received: when (its clock) and the node's replication offset.</summary>
    private readonly Dictionary<string, (long At, long Offset)> _heartbeats = new(StringComparer.Ordinal);

    /// <summary>This node's replication offset, for its heartbeats (set by the server; 0 until then).</summary>
    public Func<long> ReplicationOffset { get; set; } = () => 0;

    /// <summary>
    /// HOARD.HEARTBEAT from a node: on the leader, records it and answers the lease granted in ms (0 for a node that
    /// is not a primary it can vouch for); elsewhere, or while the leader cannot confirm a majority itself, null (the
    /// node tries again, and gets no lease).
    /// </summary>
    /// <param name="nodeId">The node's id.</param>
    /// <param name="offset">Its replication offset.</param>
    /// <returns>The lease in milliseconds, or null.</returns>
    public long? AcceptHeartbeat(string nodeId, long offset)
    {
        if (!IsLeader)
        {
            return null;
        }

        var topology = Topology;
        lock (_heartbeats)
        {
            _heartbeats[nodeId] = (Environment.TickCount64, offset);
        }

        // Only a primary of this leader's topology gets a lease: a primary replaced while it was paused or cut off
        // must not be able to write again before it learns it is a replica now.
        var grant = topology.Nodes.TryGetValue(nodeId, out var node) && node.Role == NodeRole.Primary;
        if (!grant)
        {
            return 0; // heard (the node is alive), but no lease: it is not a primary this leader can vouch for
        }

        // A leader that lost touch with its majority holds no lease of its own, and grants none.
        return Environment.TickCount64 < Interlocked.Read(ref _leaseUntil) ? (long)LeaseDuration.TotalMilliseconds : null;
    }

    /// <summary>Sends a heartbeat to the leader each quarter of the node timeout while this node is a member.</summary>
    private async Task BeatAsync(CancellationToken stopping)
    {
        var voters = _settings.EffectiveVoters;
        var next = 0; // the voter to try when the leader is unknown (a follower, or during an election)
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_settings.NodeTimeout / 4, stopping).ConfigureAwait(false);
                if (!IsMember || IsLeader)
                {
                    continue; // the leader's own lease comes from the voters' heartbeats
                }

                if (Leader is { } leader)
                {
                    await BeatOnceAsync(leader, stopping).ConfigureAwait(false);
                    continue;
                }

                // A node that does not know the leader (a follower outside the group, or a voter during an election)
                // keeps to the voter that answered last and, when it no longer does, tries the others at once: after
                // a leader change it must reach the new one well within the node timeout, or be judged failed.
                for (var attempt = 0; attempt < voters.Count && !await BeatOnceAsync(voters[next], stopping).ConfigureAwait(false); attempt++)
                {
                    next = (next + 1) % voters.Count;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ClusterLog.HeartbeatFailed(_logger, e); // never let the heartbeat stop: the node would be failed over
            }
        }
    }

    /// <summary>One heartbeat; true when <paramref name="target"/> led and granted a lease.</summary>
    private async Task<bool> BeatOnceAsync(VoterAddress target, CancellationToken stopping)
    {
        var sent = Environment.TickCount64;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(_settings.NodeTimeout / 4);
        try
        {
            var reply = await _peers.CallAsync(target.ClientEndPoint,
                ["HOARD.HEARTBEAT", MyId, ReplicationOffset().ToString(CultureInfo.InvariantCulture)], bounded.Token).ConfigureAwait(false);
            if (reply.IsError || !long.TryParse(reply.Text, CultureInfo.InvariantCulture, out var lease))
            {
                return false;
            }

            RenewLeaseFrom(sent, TimeSpan.FromMilliseconds(lease));
            _lastLeaderAnswer = new LeaderAnswer(target, Environment.TickCount64);
            return true;
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            return false; // unreachable or too slow: another voter is tried next time
        }
    }

    /// <summary>A heartbeat from the leader granted a lease of <paramref name="duration"/> from now.</summary>
    /// <param name="duration">The lease's length.</param>
    public void RenewLease(TimeSpan duration) => RenewLeaseFrom(Environment.TickCount64, duration);

    /// <summary>Extends the lease to <paramref name="startTicks"/> + <paramref name="duration"/> (never shortens it).</summary>
    private void RenewLeaseFrom(long startTicks, TimeSpan duration)
    {
        var until = startTicks + (long)duration.TotalMilliseconds;
        long current;
        do
        {
            current = Interlocked.Read(ref _leaseUntil);
        }
        while (until > current && Interlocked.CompareExchange(ref _leaseUntil, until, current) != current);
    }

    /// <summary>Recomputes whether this node needs a lease: it is a primary and its shard has a replica.</summary>
    private void UpdateLeaseNeed(ClusterTopology topology)
    {
        var me = topology.Nodes.GetValueOrDefault(MyId);
        var needs = me is { Role: NodeRole.Primary } && topology.NodesOf(me.ShardId).Any(n => n.Role == NodeRole.Replica);
        if (needs && !Volatile.Read(ref _needsLease) && _lastRole is not null)
        {
            // Just promoted, or a running primary that just got a replica: it holds its shard's data, so it takes
            // writes at once. Not after a restart (no role seen yet): that waits for the leader's first lease.
            RenewLease(LeaseDuration);
        }

        _lastRole = me?.Role;
        Volatile.Write(ref _needsLease, needs);
    }

    /// <summary>A leader that answered a heartbeat, at <see cref="Environment.TickCount64"/> <paramref name="At"/>.</summary>
    private sealed record LeaderAnswer(VoterAddress Leader, long At);
}
