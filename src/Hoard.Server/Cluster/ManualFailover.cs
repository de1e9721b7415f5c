using System.Diagnostics;
using System.Globalization;
using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Server.Replication;

namespace Hoard.Server.Cluster;

/// <summary>
/// CLUSTER FAILOVER on a replica (https://redis.io/docs/latest/commands/cluster-failover/). By default a handover
/// that loses nothing: the primary stops its writes and answers the stream offset they stopped at (HOARD.PAUSEWRITES,
/// <see cref="WritePause"/>), this replica waits until it has applied that much, then commits
/// <see cref="FailoverDecided"/> naming itself on the shard epoch the primary paused on. FORCE commits it at once,
/// without the primary.
/// </summary>
internal static class ManualFailover
{
    /// <summary>How long the primary pauses, and so how long this replica has to catch up (Redis's manual failover timeout).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// FORCE: the shard goes to this replica now. Writes its primary acknowledged after the last one this replica
    /// applied are lost, as in Redis; meant for a primary that is down.
    /// </summary>
    /// <param name="server">This node.</param>
    /// <param name="cluster">Its cluster service; the node is a replica.</param>
    /// <returns>Null once the topology names this node the primary, else the error.</returns>
    public static Task<string?> ForceAsync(HoardServer server, ClusterNodeService cluster) =>
        TakeOverAsync(server, cluster, cluster.Topology.ShardEpoch(cluster.MyShardId));

    /// <summary>The graceful handover from <paramref name="primary"/>, abandoned after <see cref="Timeout"/>.</summary>
    /// <param name="server">This node.</param>
    /// <param name="cluster">Its cluster service; the node is a replica of <paramref name="primary"/>.</param>
    /// <param name="primary">The shard's primary.</param>
    /// <returns>Null once the topology names this node the primary, else the error.</returns>
    public static async Task<string?> HandOverAsync(HoardServer server, ClusterNodeService cluster, ClusterNode primary)
    {
        var started = Stopwatch.GetTimestamp();
        PeerReply reply;
        try
        {
            var endpoint = new VoterAddress(primary.Host, primary.Port, primary.ClusterPort).ClientEndPoint;
            var pause = ((long)Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            reply = await new PeerClient(server.Options.RequirePass, Timeout)
                .CallAsync(endpoint, ["HOARD.PAUSEWRITES", pause], CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return $"ERR Manual failover failed: the master at {primary.Endpoint} could not be reached ({e.Message}); CLUSTER FAILOVER FORCE does without it";
        }

        if (reply.IsError || !PausePoint.TryParse(reply.Text, out var point))
        {
            return $"ERR Manual failover failed: the master at {primary.Endpoint} answered: {reply.Text}";
        }

        while (!HasApplied(server.Replication, point))
        {
            if (Stopwatch.GetElapsedTime(started) >= Timeout)
            {
                // The primary cancels the handover itself when its pause runs out, and then takes writes again.
                return "ERR Manual failover timed out: this replica did not reach its master's replication offset in time";
            }

            await Task.Delay(Poll).ConfigureAwait(false);
        }

        ServerLog.TakingOver(server.Logger, primary.Endpoint, point.Offset, point.Epoch);
        return await TakeOverAsync(server, cluster, point.Epoch).ConfigureAwait(false);
    }

    /// <summary>Commits <see cref="FailoverDecided"/> naming this node on <paramref name="epoch"/>, holding writes meanwhile.</summary>
    private static Task<string?> TakeOverAsync(HoardServer server, ClusterNodeService cluster, long epoch)
    {
        var shard = cluster.MyShardId;
        return server.WritePause.HoldWritesDuringAsync(shard, epoch, () =>
            cluster.ProposeAsync(new FailoverDecided(shard, cluster.MyId, epoch), CancellationToken.None));
    }

    /// <summary>Whether this replica applied its primary's stream up to the pause point (of that stream, not an older one).</summary>
    private static bool HasApplied(ReplicationManager replication, PausePoint point) =>
        replication.Link is { } link && link.ReplicationId == point.ReplicationId && link.Offset >= point.Offset;
}
