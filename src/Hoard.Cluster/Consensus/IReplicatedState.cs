namespace Hoard.Cluster.Consensus;

/// <summary>
/// The state a consensus log drives: every member applies the same committed entries in the same order and so
/// holds the same state.
/// </summary>
public interface IReplicatedState
{
    /// <summary>
    /// Applies one committed entry. Called in log order, never concurrently. After a restart the log replays the
    /// entries that follow the last snapshot, so applying must not depend on anything but the state and the entry.
    /// </summary>
    /// <param name="entry">The bytes that were replicated.</param>
    void Apply(ReadOnlySpan<byte> entry);

    /// <summary>Serializes the whole state, for a snapshot that lets the log drop the entries it covers.</summary>
    /// <returns>Bytes that <see cref="Restore"/> turns back into this state.</returns>
    byte[] Snapshot();

    /// <summary>Replaces the state with one <see cref="Snapshot"/> produced.</summary>
    /// <param name="snapshot">The snapshot's bytes.</param>
    void Restore(ReadOnlySpan<byte> snapshot);
}
