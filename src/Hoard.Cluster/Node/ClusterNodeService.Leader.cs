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
    /// Pings every other node each quarter of the node timeout; a node silent for the whole timeout is judged failed
    /// (one committed entry), and healthy again when it answers.
    /// </summary>
    private async Task WatchHealthAsync(CancellationToken token)
    {
        var lastSeen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var interval = _settings.NodeTimeout / 4;
        while (true)
        {
            var topology = Topology;
            var now = DateTime.UtcNow;
            var others = topology.Nodes.Values.Where(n => n.Id != MyId).ToList();
            var answered = await Task.WhenAll(others.Select(n => PingAsync(n, interval * 2, token))).ConfigureAwait(false);
            for (var i = 0; i < others.Count; i++)
            {
                var node = others[i];
                if (answered[i])
                {
                    lastSeen[node.Id] = now;
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

            await Task.Delay(interval, token).ConfigureAwait(false);
        }
    }

    private async Task<bool> PingAsync(ClusterNode node, TimeSpan timeout, CancellationToken token)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(token);
        bounded.CancelAfter(timeout);
        try
        {
            var reply = await _peers.CallAsync(new VoterAddress(node.Host, node.Port, node.ClusterPort).ClientEndPoint, ["PING"], bounded.Token).ConfigureAwait(false);
            return !reply.IsError;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !token.IsCancellationRequested)
        {
            return false;
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
