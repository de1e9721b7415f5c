namespace Hoard.Cluster.Topology;

/// <summary>What applying one entry did.</summary>
public enum ApplyOutcome
{
    /// <summary>The topology changed and the epoch moved on.</summary>
    Applied,

    /// <summary>The topology already said what the entry says (a repeated entry): nothing changed.</summary>
    Unchanged,

    /// <summary>The entry was decided on an older view of the shard it touches: nothing changed.</summary>
    Stale,

    /// <summary>The entry contradicts the topology (e.g. a busy slot): nothing changed.</summary>
    Rejected,
}

/// <summary>The topology after one entry, and what the entry did.</summary>
/// <param name="Topology">The resulting topology (the same instance unless <see cref="Outcome"/> is Applied).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Reason">Why an entry was rejected, in words an operator can act on.</param>
public readonly record struct ApplyResult(ClusterTopology Topology, ApplyOutcome Outcome, string? Reason = null);
