using System.Net;

namespace Hoard.Cluster.Consensus;

/// <summary>
/// A replicated log whose committed entries every member applies to its <see cref="IReplicatedState"/>: Raft
/// among the voters in production, one process in memory in unit tests. Data never goes through it, only
/// topology changes.
/// </summary>
public interface IConsensusLog : IAsyncDisposable
{
    /// <summary>This member's own consensus endpoint.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>The members that vote (this one included).</summary>
    IReadOnlyList<EndPoint> Members { get; }

    /// <summary>The current leader's consensus endpoint, or <see langword="null"/> while none is known.</summary>
    EndPoint? Leader { get; }

    /// <summary>Whether this member is the leader now.</summary>
    bool IsLeader { get; }

    /// <summary>Raised (on any thread) when the known leader changes; the argument is the new one or null.</summary>
    event Action<EndPoint?>? LeaderChanged;

    /// <summary>Restores the state from the last snapshot and the log on disk, then joins the group.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once the member runs (a leader may not be known yet).</returns>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="entry"/>, waits until a majority has it and until this member has applied it.
    /// </summary>
    /// <param name="entry">The entry's bytes.</param>
    /// <param name="cancellationToken">Gives up waiting (the entry may still commit later).</param>
    /// <returns>A task that completes after the entry is committed and applied here.</returns>
    /// <exception cref="NotLeaderException">
    /// This member is not the leader, or stopped leading before the entry committed; send the entry to
    /// <see cref="Leader"/>. In the second case the entry may still commit under the next leader, so a retried entry
    /// can be applied twice: entries must be no-ops when they are stale (topology entries carry epochs for that).
    /// </exception>
    Task ReplicateAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until this member has applied everything the group committed before the call: a linearizable read of
    /// the state follows.
    /// </summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>A task that completes when the state is current.</returns>
    Task ReadBarrierAsync(CancellationToken cancellationToken);

    /// <summary>Waits until this member leads the group.</summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>A token that is cancelled when this member stops leading.</returns>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);
}
