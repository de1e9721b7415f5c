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
    /// Heartbeats every other node each quarter of the node timeout (learning its replication offset); a node
    /// silent for the whole timeout is judged failed (one committed entry), and healthy again when it answers. A
    /// shard whose primary is judged failed is handed to its live replica with the highest offset.
    /// </summary>
    private async Task WatchHealthAsync(CancellationToken token)
    {
        var lastSeen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var interval = _settings.NodeTimeout / 4;
        while (true)
        {
            var topology = Topology;
            var now = DateTime.UtcNow;
            var others = topology.Nodes.Values.Where(n => n.Id != MyId).ToList();
            var answers = await Task.WhenAll(others.Select(n => HeartbeatAsync(n, interval * 2, token))).ConfigureAwait(false);
            for (var i = 0; i < others.Count; i++)
            {
                var node = others[i];
                if (answers[i] is { } offset)
                {
                    lastSeen[node.Id] = now;
                    offsets[node.Id] = offset;
                }
                else
                {
                    lastSeen.TryAdd(node.Id, now); // first look after gaining leadership: give it the full timeout
                }

                var failed = now - lastSeen[node.Id] > _settings.NodeTimeout;
                if (failed != node.Failed)
                {
                    ClusterLog.NodeHealth(_logger, node.Id, node.Endpoint, failed ? "failed" : "reachable again");
                    await ProposeAsLeaderAsync(new NodeHealthChanged(node.Id, failed), EntryCodec.Encode(new NodeHealthChanged(node.Id, failed)), token).ConfigureAwait(false);
                }
            }

            await FailOverFailedPrimariesAsync(offsets, token).ConfigureAwait(false);
            await Task.Delay(interval, token).ConfigureAwait(false);
        }
    }

    /// <summary>For each shard whose primary is judged failed: promote the live replica that has the most of the stream.</summary>
    private async Task FailOverFailedPrimariesAsync(Dictionary<string, long> offsets, CancellationToken token)
    {
        var topology = Topology;
        if (LocalReplicationOffset is { } local)
        {
            offsets[MyId] = local(); // heartbeats go to the other nodes only: the leader's own node may be the best replica
        }

        foreach (var primary in topology.Nodes.Values.Where(n => n.Role == NodeRole.Primary && n.Failed).ToList())
        {
            var candidate = topology.NodesOf(primary.ShardId)
                .Where(n => n.Role == NodeRole.Replica && !n.Failed && offsets.ContainsKey(n.Id))
                .OrderByDescending(n => offsets[n.Id])
                .ThenBy(n => n.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (candidate is null)
            {
                continue;
            }

            var entry = new FailoverDecided(primary.ShardId, candidate.Id, topology.ShardEpoch(primary.ShardId));
            ClusterLog.FailingOver(_logger, primary.Id, candidate.Id, offsets[candidate.Id]);
            await ProposeAsLeaderAsync(entry, EntryCodec.Encode(entry), token).ConfigureAwait(false);
        }
    }

    /// <summary>HOARD.HEARTBEAT: the node's replication offset, or null when it did not answer in time.</summary>
    private async Task<long?> HeartbeatAsync(ClusterNode node, TimeSpan timeout, CancellationToken token)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(token);
        bounded.CancelAfter(timeout);
        try
        {
            var reply = await _peers.CallAsync(new VoterAddress(node.Host, node.Port, node.ClusterPort).ClientEndPoint, ["HOARD.HEARTBEAT"], bounded.Token).ConfigureAwait(false);
            return !reply.IsError && long.TryParse(reply.Text, System.Globalization.CultureInfo.InvariantCulture, out var offset) ? offset : null;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !token.IsCancellationRequested)
        {
            return null;
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
