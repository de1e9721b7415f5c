using System.Collections.Immutable;

namespace Hoard.Cluster.Topology;

/// <summary>
/// One change to the topology, as it travels through the consensus log. <see cref="BasedOnEpoch"/> is the epoch of
/// the view the change was decided on: an entry that touches a shard whose epoch has since moved past it is stale
/// and applies as a no-op (0 means "unconditional", for idempotent administrative changes).
/// </summary>
/// <param name="BasedOnEpoch">The proposer's epoch for the shard it touches, or 0.</param>
public abstract record TopologyEntry(long BasedOnEpoch);

/// <summary>A node enters the node table (CLUSTER MEET, add-node), or a known node reports a new address.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="Host">Its client address.</param>
/// <param name="Port">Its client port.</param>
/// <param name="ClusterPort">Its cluster port.</param>
/// <param name="ShardId">The shard it starts in as the primary (a replica is made with <see cref="ReplicaAssigned"/>).</param>
public sealed record NodeJoined(string NodeId, string Host, int Port, int ClusterPort, string ShardId) : TopologyEntry(0);

/// <summary>A node leaves the node table (CLUSTER FORGET, remove-node). A primary that owns slots cannot leave.</summary>
/// <param name="NodeId">The node's id.</param>
public sealed record NodeLeft(string NodeId) : TopologyEntry(0);

/// <summary>Free slots go to a shard (CLUSTER ADDSLOTS / ADDSLOTSRANGE). All or nothing: one busy slot rejects it.</summary>
/// <param name="ShardId">The shard that takes them.</param>
/// <param name="Ranges">The slots.</param>
/// <param name="BasedOnEpoch">The proposer's epoch for the shard, or 0.</param>
public sealed record SlotsAssigned(string ShardId, ImmutableArray<SlotRange> Ranges, long BasedOnEpoch = 0) : TopologyEntry(BasedOnEpoch);

/// <summary>Slots stop being served by anyone (CLUSTER DELSLOTS / DELSLOTSRANGE).</summary>
/// <param name="Ranges">The slots.</param>
public sealed record SlotsUnassigned(ImmutableArray<SlotRange> Ranges) : TopologyEntry(0);

/// <summary>A node that owns no slots becomes a replica in another node's shard (CLUSTER REPLICATE).</summary>
/// <param name="NodeId">The node to turn into a replica.</param>
/// <param name="PrimaryId">The primary it copies.</param>
/// <param name="BasedOnEpoch">The proposer's epoch for the primary's shard, or 0.</param>
public sealed record ReplicaAssigned(string NodeId, string PrimaryId, long BasedOnEpoch = 0) : TopologyEntry(BasedOnEpoch);

/// <summary>A replica takes over its shard; the old primary becomes its replica.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="NewPrimaryId">The replica that becomes primary.</param>
/// <param name="BasedOnEpoch">The shard epoch the decision was made on.</param>
public sealed record FailoverDecided(string ShardId, string NewPrimaryId, long BasedOnEpoch) : TopologyEntry(BasedOnEpoch);

/// <summary>
/// A primary that paused its writes for a manual failover (CLUSTER FAILOVER on its replica) takes them back when the
/// handover did not happen in time: only the shard's epoch moves on, which makes the <see cref="FailoverDecided"/> its
/// replica may still propose on the paused view stale — so the primary never writes again under a failover decided
/// on data it has since moved past.
/// </summary>
/// <param name="ShardId">The shard.</param>
/// <param name="BasedOnEpoch">The shard epoch the pause was taken on.</param>
public sealed record HandoverCancelled(string ShardId, long BasedOnEpoch) : TopologyEntry(BasedOnEpoch);

/// <summary>A slot starts moving between shards (CLUSTER SETSLOT MIGRATING / IMPORTING).</summary>
/// <param name="Slot">The slot, which <paramref name="SourceShardId"/> must own.</param>
/// <param name="SourceShardId">Its owner.</param>
/// <param name="TargetShardId">Where it goes.</param>
/// <param name="BasedOnEpoch">The proposer's epoch for the source shard, or 0.</param>
public sealed record MigrationBegun(int Slot, string SourceShardId, string TargetShardId, long BasedOnEpoch = 0) : TopologyEntry(BasedOnEpoch);

/// <summary>A slot settles on an owner and any move of it ends (CLUSTER SETSLOT NODE / STABLE).</summary>
/// <param name="Slot">The slot.</param>
/// <param name="OwnerShardId">The shard that owns it from now on.</param>
/// <param name="BasedOnEpoch">The proposer's epoch for the slot's current owner, or 0.</param>
public sealed record MigrationEnded(int Slot, string OwnerShardId, long BasedOnEpoch = 0) : TopologyEntry(BasedOnEpoch);

/// <summary>
/// Slots a shard streamed to another (Hoard's own slot move) change owner at once: decided by the source's primary
/// while it holds the slots' commands, on one exact configuration of its shard — so a <see cref="HandoverCancelled"/>
/// it commits when unsure whether this committed (or any other change to its shard) makes it stale for good.
/// </summary>
/// <param name="SourceShardId">The shard that owns every one of the slots.</param>
/// <param name="TargetShardId">The shard that owns them afterwards.</param>
/// <param name="Ranges">The slots.</param>
/// <param name="BasedOnEpoch">The source shard's epoch when the handover was decided.</param>
public sealed record SlotsHandedOver(string SourceShardId, string TargetShardId, ImmutableArray<SlotRange> Ranges, long BasedOnEpoch) : TopologyEntry(BasedOnEpoch);

/// <summary>The group's failure detector judged a node unreachable, or reachable again.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Failed">Whether it is now judged failed.</param>
public sealed record NodeHealthChanged(string NodeId, bool Failed) : TopologyEntry(0);
