namespace Hoard.Cluster.Topology;

/// <summary>A slot on its way from one shard to another (CLUSTER SETSLOT MIGRATING / IMPORTING).</summary>
/// <param name="Slot">The slot.</param>
/// <param name="SourceShardId">The shard that owns it until the move ends.</param>
/// <param name="TargetShardId">The shard that owns it afterwards.</param>
public sealed record SlotMigration(int Slot, string SourceShardId, string TargetShardId);
