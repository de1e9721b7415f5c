namespace Hoard.Cluster.Node;

/// <summary>How a node outside the consensus group keeps its topology: pushes from the leader, and pulls.</summary>
public sealed partial class ClusterNodeService
{
    /// <summary>Pulls the topology from the voters every half node timeout, so a missed push is made up quickly.</summary>
    private async Task FollowAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await PullAsync(stopping).ConfigureAwait(false);
                await Task.Delay(_settings.NodeTimeout / 2, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The node stops.
        }
    }

    /// <summary>Asks the voters (<paramref name="first"/> first), one after another, for their topology; adopts it if newer.</summary>
    private async Task PullAsync(CancellationToken token, VoterAddress? first = null)
    {
        IEnumerable<VoterAddress> voters = first is { } leader ? [leader, .. _settings.EffectiveVoters.Where(v => v != leader)] : _settings.EffectiveVoters;
        foreach (var voter in voters)
        {
            try
            {
                var reply = await _peers.CallAsync(voter.ClientEndPoint, ["HOARD.TOPOLOGY"], token).ConfigureAwait(false);
                if (!reply.IsError && reply.Text is not null)
                {
                    AcceptTopology(reply.Bulk.Span);
                    return;
                }
            }
            catch (IOException e)
            {
                ClusterLog.PeerUnreachable(_logger, voter.ToString(), e.Message);
            }
        }
    }
}
