using Hoard.Cluster.Consensus;
using Hoard.Cluster.Topology;

namespace Hoard.Cluster.Node;

/// <summary>What the leader does besides replicating: push topologies to followers and judge nodes' health.</summary>
public sealed partial class ClusterNodeService
{
    /// <summary>Waits for leadership, then runs the leader's duties until it ends; repeats until the node stops.</summary>
    private async Task LeadWhileLeaderAsync(IConsensusLog log, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var leadership = await log.WaitForLeadershipAsync(stopping).ConfigureAwait(false);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(leadership, stopping);
                PushToFollowers(Topology);
                await WatchHealthAsync(both.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Leadership ended or the node stops: wait for the next term (the loop checks stopping).
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ClusterLog.LeaderDutyFailed(_logger, e);
                await Task.Delay(RetryDelay, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Judges nodes, every tenth of the node timeout, by the heartbeats they send each quarter of it (<see cref="AcceptHeartbeat"/>): a
    /// node not heard from for the whole timeout is judged failed (one committed entry), and healthy again when it is
    /// heard from. A shard whose primary is judged failed is handed to its live replica with the highest replication
    /// offset. The leader's own write lease is renewed from the moment a majority of the voters was last heard from.
    /// </summary>
    private async Task WatchHealthAsync(CancellationToken token)
    {
        // A node not heard from yet gets the full timeout from when this leader first saw it in the topology.
        var firstSeen = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_heartbeats)
        {
            _heartbeats.Clear();
        }

        var timeout = (long)_settings.NodeTimeout.TotalMilliseconds;
        if (FormerLeader() is { } former)
        {
            firstSeen[former.Id] = former.LastHeard;
        }

        var leaseMs = (long)LeaseDuration.TotalMilliseconds;
        var previous = Environment.TickCount64;
        var leaseFrom = previous; // heartbeats received earlier do not renew this leader's own lease
        while (true)
        {
            var topology = Topology;
            var now = Environment.TickCount64;
            if (now - previous > leaseMs)
            {
                // This process stood still (a long GC pause, SIGSTOP): heartbeats that waited in its sockets meanwhile
                // are processed now with today's receipt time, though the voters may have elected another leader. Let
                // none renew the lease until half a lease from now, when a deposed leader has learnt the new term.
                // (A shorter stall cannot have let the group promote a replica: that takes an election and then more
                // than 1.5 leases; and a slow round of commits is not taken for a stall.)
                ClusterLog.LeaderStalled(_logger, now - previous);
                leaseFrom = now + (leaseMs / 2);
            }

            previous = now;
            Dictionary<string, (long At, long Offset)> heard;
            lock (_heartbeats)
            {
                heard = new(_heartbeats, StringComparer.Ordinal);
            }

            RenewOwnLease(heard, leaseFrom, now);
            foreach (var node in topology.Nodes.Values.Where(n => n.Id != MyId))
            {
                var since = firstSeen.TryAdd(node.Id, now) ? now : firstSeen[node.Id];
                var last = heard.TryGetValue(node.Id, out var beat) ? Math.Max(beat.At, since) : since;
                var failed = now - last > timeout;
                if (failed != node.Failed)
                {
                    ClusterLog.NodeHealth(_logger, node.Id, node.Endpoint, failed ? "failed" : "reachable again");
                    var entry = new NodeHealthChanged(node.Id, failed);
                    await ProposeAsLeaderAsync(entry, EntryCodec.Encode(entry), token).ConfigureAwait(false);
                }
            }

            await FailOverFailedPrimariesAsync(heard, token).ConfigureAwait(false);
            await Task.Delay(_settings.NodeTimeout / 10, token).ConfigureAwait(false); // checks are local: look often
        }
    }

    /// <summary>
    /// The node that led before this one, if this node's heartbeats last reached it, and from when to count its
    /// silence. Usually it died or was cut off: counting from this node's last answer from it, rather than from this
    /// leadership's start, saves an election's time when it was also a primary. Its write lease ran on the voters'
    /// heartbeats, which stopped reaching it when they elected this leader, so it ends a lease after this leadership
    /// began: its silence counts from no earlier than the timeout less one and a half leases before now, which leaves
    /// half a lease of margin.
    /// </summary>
    private (string Id, long LastHeard)? FormerLeader()
    {
        if (_lastLeaderAnswer is not { } answer)
        {
            return null;
        }

        var node = Topology.Nodes.Values.FirstOrDefault(n => n.Id != MyId && n.Host == answer.Leader.Host && n.Port == answer.Leader.Port);
        if (node is null)
        {
            return null;
        }

        var leaseMs = (long)LeaseDuration.TotalMilliseconds;
        var earliest = Environment.TickCount64 - ((long)_settings.NodeTimeout.TotalMilliseconds - leaseMs - (leaseMs / 2));
        return (node.Id, Math.Max(answer.At, earliest));
    }

    /// <summary>For each shard whose primary is judged failed: promote the live replica that has the most of the stream.</summary>
    private async Task FailOverFailedPrimariesAsync(Dictionary<string, (long At, long Offset)> heard, CancellationToken token)
    {
        var topology = Topology;
        heard[MyId] = (Environment.TickCount64, ReplicationOffset()); // the leader's own node may be the best replica

        foreach (var primary in topology.Nodes.Values.Where(n => n.Role == NodeRole.Primary && n.Failed).ToList())
        {
            var candidate = topology.NodesOf(primary.ShardId)
                .Where(n => n.Role == NodeRole.Replica && !n.Failed && heard.ContainsKey(n.Id))
                .OrderByDescending(n => heard[n.Id].Offset)
                .ThenBy(n => n.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (candidate is null)
            {
                continue;
            }

            var entry = new FailoverDecided(primary.ShardId, candidate.Id, topology.ShardEpoch(primary.ShardId));
            ClusterLog.FailingOver(_logger, primary.Id, candidate.Id, heard[candidate.Id].Offset);
            await ProposeAsLeaderAsync(entry, EntryCodec.Encode(entry), token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The leader is a node too: its write lease runs from the latest moment at which a majority of the voters
    /// (itself included) had been heard from, so a leader cut off from the group stops taking writes like any other
    /// primary — and stops granting leases (<see cref="AcceptHeartbeat"/>) that would outlive its leadership. Only
    /// heartbeats received from <paramref name="from"/> (after a stall's embargo) to <paramref name="now"/> (this
    /// round's start: one received after it may be a stale one processed after a pause within the round) count.
    /// </summary>
    private void RenewOwnLease(Dictionary<string, (long At, long Offset)> heard, long from, long now)
    {
        var voters = _settings.EffectiveVoters;
        var others = Topology.Nodes.Values
            .Where(n => n.Id != MyId && voters.Any(v => v.Host == n.Host && v.Port == n.Port) && heard.ContainsKey(n.Id))
            .Select(n => heard[n.Id].At)
            .Where(at => at >= from && at <= now) // received after a stall's embargo, and before this round began
            .OrderDescending()
            .ToList();
        var needed = voters.Count / 2; // other voters that make a majority with this one
        if (needed == 0)
        {
            RenewLeaseFrom(now, LeaseDuration);
        }
        else if (others.Count >= needed)
        {
            RenewLeaseFrom(others[needed - 1], LeaseDuration);
        }
    }

    /// <summary>Sends <paramref name="topology"/> to every node outside the consensus group, without waiting.</summary>
    private void PushToFollowers(ClusterTopology topology)
    {
        var voters = _settings.EffectiveVoters;
        var followers = topology.Nodes.Values.Where(n => !voters.Any(v => v.Host == n.Host && v.Port == n.Port)).ToList();
        if (followers.Count == 0)
        {
            return;
        }

        var bytes = TopologyCodec.Encode(topology);
        foreach (var node in followers)
        {
            var endpoint = new VoterAddress(node.Host, node.Port, node.ClusterPort).ClientEndPoint;
            _ = Task.Run(async () =>
            {
                try
                {
                    await _peers.CallAsync(endpoint, ["HOARD.TOPOLOGY"u8.ToArray(), bytes], _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    ClusterLog.PeerUnreachable(_logger, endpoint.ToString()!, e.Message); // it pulls when it is back
                }
            });
        }
    }
}
