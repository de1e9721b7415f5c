namespace Hoard.Server.Replication;

/// <summary>What a PSYNC asked for: the stream from <paramref name="Offset"/>, after a snapshot when <paramref name="FullSync"/>.</summary>
/// <param name="Replica">The replica being fed.</param>
/// <param name="Backlog">The stream.</param>
/// <param name="ReplicationId">The primary's replication id.</param>
/// <param name="Offset">Where the stream starts for this replica.</param>
/// <param name="FullSync">Whether a snapshot of the keyspace goes first.</param>
/// <param name="SwapsBefore">The backlog's SWAPDB count read before <paramref name="Offset"/> (see <see cref="ReplicationBacklog.Swaps"/>).</param>
public sealed record ReplicaFeed(ReplicaInfo Replica, ReplicationBacklog Backlog, string ReplicationId, long Offset, bool FullSync, long SwapsBefore);
