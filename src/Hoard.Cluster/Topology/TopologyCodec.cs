namespace Hoard.Cluster.Topology;

/// <summary>
/// The binary form of a whole <see cref="ClusterTopology"/>: consensus snapshots and the leader's pushes to nodes
/// outside the consensus group. A format byte first, so a later version can read older snapshots.
/// </summary>
public static class TopologyCodec
{
    private const byte Format = 1;

    /// <summary>Encodes <paramref name="topology"/>.</summary>
    /// <param name="topology">The topology.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] Encode(ClusterTopology topology)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Format);
            w.Write(topology.Epoch);
            w.Write(topology.Nodes.Count);
            foreach (var node in topology.Nodes.Values)
            {
                w.Write(node.Id);
                w.Write(node.Host);
                w.Write(node.Port);
                w.Write(node.ClusterPort);
                w.Write(node.ShardId);
                w.Write((byte)node.Role);
                w.Write(node.Failed);
            }

            w.Write(topology.ShardEpochs.Count);
            foreach (var (shard, epoch) in topology.ShardEpochs)
            {
                w.Write(shard);
                w.Write(epoch);
                EntryCodec.WriteRanges(w, [.. topology.SlotRangesOf(shard)]);
            }

            w.Write(topology.Migrations.Count);
            foreach (var migration in topology.Migrations.Values)
            {
                w.Write(migration.Slot);
                w.Write(migration.SourceShardId);
                w.Write(migration.TargetShardId);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes a topology <see cref="Encode"/> produced.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The topology.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a topology this version reads.</exception>
    public static ClusterTopology Decode(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream);
        try
        {
            if (r.ReadByte() != Format)
            {
                throw new InvalidDataException("Unknown topology format.");
            }

            var epoch = r.ReadInt64();
            var nodes = ClusterTopology.Empty.Nodes.ToBuilder();
            for (var count = r.ReadInt32(); count > 0; count--)
            {
                var node = new ClusterNode(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadString(), (NodeRole)r.ReadByte(), r.ReadBoolean());
                nodes[node.Id] = node;
            }

            var shardEpochs = ClusterTopology.Empty.ShardEpochs.ToBuilder();
            var owners = ClusterTopology.Empty.CopySlotOwners();
            for (var count = r.ReadInt32(); count > 0; count--)
            {
                var shard = r.ReadString();
                shardEpochs[shard] = r.ReadInt64();
                foreach (var range in EntryCodec.ReadRanges(r))
                {
                    if (!range.IsValid)
                    {
                        throw new InvalidDataException($"Bad slot range {range}.");
                    }

                    owners.AsSpan(range.Start, range.Count).Fill(shard);
                }
            }

            var migrations = ClusterTopology.Empty.Migrations.ToBuilder();
            for (var count = r.ReadInt32(); count > 0; count--)
            {
                var migration = new SlotMigration(r.ReadInt32(), r.ReadString(), r.ReadString());
                migrations[migration.Slot] = migration;
            }

            return ClusterTopology.Empty.With(epoch, nodes.ToImmutable(), shardEpochs.ToImmutable(), owners, migrations.ToImmutable());
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Truncated topology.", e);
        }
    }
}
