using System.Collections.Immutable;

namespace Hoard.Cluster.Topology;

/// <summary>
/// The binary form of <see cref="TopologyEntry"/> in the consensus log: a kind byte, then the fields in
/// declaration order (strings length-prefixed UTF-8, integers little-endian). Kinds are never renumbered: logs on
/// disk outlive versions.
/// </summary>
public static class EntryCodec
{
    private enum Kind : byte
    {
        NodeJoined = 1,
        NodeLeft = 2,
        SlotsAssigned = 3,
        SlotsUnassigned = 4,
        ReplicaAssigned = 5,
        FailoverDecided = 6,
        MigrationBegun = 7,
        MigrationEnded = 8,
        NodeHealthChanged = 9,
        HandoverCancelled = 10,
        SlotsHandedOver = 11,
    }

    /// <summary>Encodes <paramref name="entry"/>.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] Encode(TopologyEntry entry)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (entry)
            {
                case NodeJoined e:
                    w.Write((byte)Kind.NodeJoined);
                    w.Write(e.NodeId);
                    w.Write(e.Host);
                    w.Write(e.Port);
                    w.Write(e.ClusterPort);
                    w.Write(e.ShardId);
                    break;
                case NodeLeft e:
                    w.Write((byte)Kind.NodeLeft);
                    w.Write(e.NodeId);
                    break;
                case SlotsAssigned e:
                    w.Write((byte)Kind.SlotsAssigned);
                    w.Write(e.ShardId);
                    WriteRanges(w, e.Ranges);
                    w.Write(e.BasedOnEpoch);
                    break;
                case SlotsUnassigned e:
                    w.Write((byte)Kind.SlotsUnassigned);
                    WriteRanges(w, e.Ranges);
                    break;
                case ReplicaAssigned e:
                    w.Write((byte)Kind.ReplicaAssigned);
                    w.Write(e.NodeId);
                    w.Write(e.PrimaryId);
                    w.Write(e.BasedOnEpoch);
                    break;
                case FailoverDecided e:
                    w.Write((byte)Kind.FailoverDecided);
                    w.Write(e.ShardId);
                    w.Write(e.NewPrimaryId);
                    w.Write(e.BasedOnEpoch);
                    break;
                case MigrationBegun e:
                    w.Write((byte)Kind.MigrationBegun);
                    w.Write(e.Slot);
                    w.Write(e.SourceShardId);
                    w.Write(e.TargetShardId);
                    w.Write(e.BasedOnEpoch);
                    break;
                case MigrationEnded e:
                    w.Write((byte)Kind.MigrationEnded);
                    w.Write(e.Slot);
                    w.Write(e.OwnerShardId);
                    w.Write(e.BasedOnEpoch);
                    break;
                case NodeHealthChanged e:
                    w.Write((byte)Kind.NodeHealthChanged);
                    w.Write(e.NodeId);
                    w.Write(e.Failed);
                    break;
                case HandoverCancelled e:
                    w.Write((byte)Kind.HandoverCancelled);
                    w.Write(e.ShardId);
                    w.Write(e.BasedOnEpoch);
                    break;
                case SlotsHandedOver e:
                    w.Write((byte)Kind.SlotsHandedOver);
                    w.Write(e.SourceShardId);
                    w.Write(e.TargetShardId);
                    WriteRanges(w, e.Ranges);
                    w.Write(e.BasedOnEpoch);
                    break;
                default:
                    throw new ArgumentException($"No encoding for {entry.GetType().Name}.", nameof(entry));
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes an entry <see cref="Encode"/> produced.</summary>
    /// <param name="bytes">The entry's bytes.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="InvalidDataException">The bytes are not an entry this version knows.</exception>
    public static TopologyEntry Decode(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream);
        try
        {
            var kind = (Kind)r.ReadByte();
            TopologyEntry entry = kind switch
            {
                Kind.NodeJoined => new NodeJoined(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadString()),
                Kind.NodeLeft => new NodeLeft(r.ReadString()),
                Kind.SlotsAssigned => new SlotsAssigned(r.ReadString(), ReadRanges(r), r.ReadInt64()),
                Kind.SlotsUnassigned => new SlotsUnassigned(ReadRanges(r)),
                Kind.ReplicaAssigned => new ReplicaAssigned(r.ReadString(), r.ReadString(), r.ReadInt64()),
                Kind.FailoverDecided => new FailoverDecided(r.ReadString(), r.ReadString(), r.ReadInt64()),
                Kind.MigrationBegun => new MigrationBegun(r.ReadInt32(), r.ReadString(), r.ReadString(), r.ReadInt64()),
                Kind.MigrationEnded => new MigrationEnded(r.ReadInt32(), r.ReadString(), r.ReadInt64()),
                Kind.NodeHealthChanged => new NodeHealthChanged(r.ReadString(), r.ReadBoolean()),
                Kind.HandoverCancelled => new HandoverCancelled(r.ReadString(), r.ReadInt64()),
                Kind.SlotsHandedOver => new SlotsHandedOver(r.ReadString(), r.ReadString(), ReadRanges(r), r.ReadInt64()),
                _ => throw new InvalidDataException($"Unknown topology entry kind {(byte)kind}."),
            };
            return stream.Position == stream.Length
                ? entry
                : throw new InvalidDataException($"{stream.Length - stream.Position} stray bytes after a {kind} entry.");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Truncated topology entry.", e);
        }
    }

    internal static void WriteRanges(BinaryWriter w, IReadOnlyCollection<SlotRange> ranges)
    {
        w.Write(ranges.Count);
        foreach (var range in ranges)
        {
            w.Write(range.Start);
            w.Write(range.End);
        }
    }

    internal static ImmutableArray<SlotRange> ReadRanges(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (count is < 0 or > Storage.Keys.HashSlot.Count)
        {
            throw new InvalidDataException($"Bad slot range count {count}.");
        }

        var ranges = ImmutableArray.CreateBuilder<SlotRange>(count);
        for (var i = 0; i < count; i++)
        {
            ranges.Add(new SlotRange(r.ReadInt32(), r.ReadInt32()));
        }

        return ranges.MoveToImmutable();
    }
}
