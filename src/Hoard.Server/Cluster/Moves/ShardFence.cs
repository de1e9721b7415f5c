using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// Makes every <see cref="SlotsHandedOver"/> of a shard decided on an epoch up to <c>epoch</c> stale for good, when a
/// node cannot tell whether one committed (its proposal timed out, or the other side of the move vanished): it commits
/// <see cref="HandoverCancelled"/> until the shard's epoch moved past it. Afterwards the topology says for sure who
/// owns the slots.
/// </summary>
internal static class ShardFence
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once the shard's epoch, in this node's topology, is past <paramref name="epoch"/>.</summary>
    public static async Task FenceAsync(ClusterNodeService cluster, string shardId, long epoch, CancellationToken token)
    {
        while (true)
        {
            // Committed, stale (something else moved the shard on) or refused for want of a majority: the topology,
            // brought up to date, tells which; the loop tries again.
            await cluster.ProposeAsync(new HandoverCancelled(shardId, epoch), token).ConfigureAwait(false);
            await cluster.SyncTopologyAsync(token).ConfigureAwait(false);
            if (cluster.Topology.ShardEpoch(shardId) > epoch)
            {
                return;
            }

            await Task.Delay(RetryDelay, token).ConfigureAwait(false);
        }
    }
}
