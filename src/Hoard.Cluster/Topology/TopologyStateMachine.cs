using Hoard.Cluster.Consensus;

namespace Hoard.Cluster.Topology;

/// <summary>
/// The topology as the consensus log's state: decodes each committed entry, applies it with
/// <see cref="TopologyApply"/> and publishes the result. Readers take <see cref="Current"/> without locks.
/// </summary>
public sealed class TopologyStateMachine : IReplicatedState
{
    private ClusterTopology _current = ClusterTopology.Empty;

    /// <summary>Raised after every applied entry that changed the topology, with the new topology.</summary>
    public event Action<ClusterTopology>? Changed;

    /// <summary>The topology after the last applied entry.</summary>
    public ClusterTopology Current => Volatile.Read(ref _current);

    /// <summary>What the last applied entry did.</summary>
    public ApplyResult LastResult { get; private set; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<byte> entry)
    {
        LastResult = TopologyApply.Apply(Current, EntryCodec.Decode(entry));
        if (LastResult.Outcome == ApplyOutcome.Applied)
        {
            Publish(LastResult.Topology);
        }
    }

    /// <inheritdoc/>
    public byte[] Snapshot() => TopologyCodec.Encode(Current);

    /// <inheritdoc/>
    public void Restore(ReadOnlySpan<byte> snapshot) => Publish(TopologyCodec.Decode(snapshot));

    private void Publish(ClusterTopology topology)
    {
        Volatile.Write(ref _current, topology);
        Changed?.Invoke(topology);
    }
}
