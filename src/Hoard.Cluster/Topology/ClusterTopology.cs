using System.Collections.Immutable;
using Hoard.Storage.Keys;

namespace Hoard.Cluster.Topology;

/// <summary>
/// Who owns which key: the node table, the slot → shard map, each shard's nodes, slots on the move, and the epochs
/// that order changes. Immutable: <see cref="TopologyApply"/> makes a new one per committed entry, so readers
/// hold a consistent picture without locks.
/// </summary>
public sealed class ClusterTopology
{
    private readonly string?[] _slotOwners;

    private ClusterTopology(
        long epoch,
        ImmutableSortedDictionary<string, ClusterNode> nodes,
        ImmutableSortedDictionary<string, long> shardEpochs,
        string?[] slotOwners,
        ImmutableSortedDictionary<int, SlotMigration> migrations)
    {
        Epoch = epoch;
        Nodes = nodes;
        ShardEpochs = shardEpochs;
        _slotOwners = slotOwners;
        Migrations = migrations;
    }

    /// <summary>A cluster with no nodes and no assigned slots, at epoch 0.</summary>
    public static ClusterTopology Empty { get; } = new(
        0,
        ImmutableSortedDictionary.Create<string, ClusterNode>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal),
        new string?[HashSlot.Count],
        ImmutableSortedDictionary<int, SlotMigration>.Empty);

    /// <summary>The global configuration epoch: one more for every entry that changed the topology.</summary>
    public long Epoch { get; }

    /// <summary>The node table, by node id.</summary>
    public ImmutableSortedDictionary<string, ClusterNode> Nodes { get; }

    /// <summary>Each shard's configuration epoch: the global epoch of the last change to its slots or nodes.</summary>
    public ImmutableSortedDictionary<string, long> ShardEpochs { get; }

    /// <summary>Slots being moved, by slot.</summary>
    public ImmutableSortedDictionary<int, SlotMigration> Migrations { get; }

    /// <summary>The shard that owns <paramref name="slot"/>, or null when no shard serves it.</summary>
    /// <param name="slot">A hash slot.</param>
    /// <returns>The shard id or null.</returns>
    public string? ShardOfSlot(int slot) => _slotOwners[slot];

    /// <summary>How many slots some shard owns.</summary>
    public int AssignedSlotCount => _slotOwners.Count(owner => owner is not null);

    /// <summary>The node that serves <paramref name="shardId"/>'s slots, or null.</summary>
    /// <param name="shardId">A shard id.</param>
    /// <returns>The primary or null.</returns>
    public ClusterNode? PrimaryOf(string shardId) =>
        Nodes.Values.FirstOrDefault(n => n.ShardId == shardId && n.Role == NodeRole.Primary);

    /// <summary>The nodes of <paramref name="shardId"/>, primary first.</summary>
    /// <param name="shardId">A shard id.</param>
    /// <returns>The shard's nodes.</returns>
    public IEnumerable<ClusterNode> NodesOf(string shardId) =>
        Nodes.Values.Where(n => n.ShardId == shardId).OrderBy(n => n.Role);

    /// <summary>The slots <paramref name="shardId"/> owns, as ascending runs.</summary>
    /// <param name="shardId">A shard id.</param>
    /// <returns>The ranges.</returns>
    public IReadOnlyList<SlotRange> SlotRangesOf(string shardId)
    {
        var ranges = new List<SlotRange>();
        var start = -1;
        for (var slot = 0; slot <= HashSlot.Count; slot++)
        {
            var owned = slot < HashSlot.Count && _slotOwners[slot] == shardId;
            if (owned && start < 0)
            {
                start = slot;
            }
            else if (!owned && start >= 0)
            {
                ranges.Add(new SlotRange(start, slot - 1));
                start = -1;
            }
        }

        return ranges;
    }

    /// <summary>Whether <paramref name="shardId"/> owns at least one slot.</summary>
    /// <param name="shardId">A shard id.</param>
    /// <returns><see langword="true"/> if it does.</returns>
    public bool OwnsSlots(string shardId) => Array.IndexOf(_slotOwners, shardId) >= 0;

    /// <summary>The epoch of <paramref name="shardId"/>, 0 for an unknown shard.</summary>
    /// <param name="shardId">A shard id.</param>
    /// <returns>The shard's configuration epoch.</returns>
    public long ShardEpoch(string shardId) => ShardEpochs.GetValueOrDefault(shardId);

    internal ClusterTopology With(
        long? epoch = null,
        ImmutableSortedDictionary<string, ClusterNode>? nodes = null,
        ImmutableSortedDictionary<string, long>? shardEpochs = null,
        string?[]? slotOwners = null,
        ImmutableSortedDictionary<int, SlotMigration>? migrations = null) =>
        new(epoch ?? Epoch, nodes ?? Nodes, shardEpochs ?? ShardEpochs, slotOwners ?? _slotOwners, migrations ?? Migrations);

    /// <summary>A copy of the slot → shard map, for a change to edit.</summary>
    internal string?[] CopySlotOwners() => (string?[])_slotOwners.Clone();
}
