namespace Hoard.Cluster.Topology;

/// <summary>What a node does for its shard.</summary>
public enum NodeRole : byte
{
    /// <summary>Serves the shard's slots and takes its writes (Redis says "master").</summary>
    Primary = 0,

    /// <summary>Copies its primary and may serve reads (Redis says "slave").</summary>
    Replica = 1,
}
