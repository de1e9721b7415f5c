using System.Buffers.Binary;
using Hoard.Storage.Objects;

namespace Hoard.Storage.SortedSets;

/// <summary>The packed form (<see cref="Replication.RecordValueType.SortedSet"/>) in and out, and bulk builds.</summary>
internal sealed partial class SortedSetObject
{
    /// <summary>
    /// The set <paramref name="packed"/> describes (DUMP/RESTORE, snapshots, upserts), checked: at least one entry, in
    /// strictly ascending (score, member) order (so no duplicates), no NaN, nothing after the last entry.
    /// </summary>
    /// <exception cref="InvalidDataException">The packed form is malformed.</exception>
    public static SortedSetObject FromPacked(ReadOnlySpan<byte> packed, StorageOptions options)
    {
        var reader = new PackedElements.Reader(packed);
        if (reader.Count == 0)
        {
            throw new InvalidDataException("A packed sorted set has no members.");
        }

        var set = new SortedSetObject();
        var builder = new Builder(set, options, reader.Count);
        double previousScore = 0;
        ReadOnlySpan<byte> previous = default;
        for (var i = 0; i < reader.Count; i++)
        {
            var member = reader.Next();
            var score = BinaryPrimitives.ReadDoubleLittleEndian(reader.NextRaw(sizeof(double)));
            if (double.IsNaN(score))
            {
                throw new InvalidDataException("A packed sorted set holds a NaN score.");
            }

            if (i > 0 && ScoredEntry.Compare(previousScore, previous, score, member) >= 0)
            {
                throw new InvalidDataException("A packed sorted set is not in strictly ascending order.");
            }

            // A member equal to an earlier one but not adjacent in order would be a duplicate the order check misses.
            if (set.TryGetScore(member, out _))
            {
                throw new InvalidDataException("A packed sorted set holds a member twice.");
            }

            builder.Append(member, score);
            previous = member;
            previousScore = score;
        }

        reader.EnsureEnd();
        return set;
    }

    /// <summary>A set of entries given in strictly ascending order (a store command's result).</summary>
    public static SortedSetObject FromSorted(IReadOnlyList<(byte[] Member, double Score)> entries, StorageOptions options)
    {
        var set = new SortedSetObject();
        var builder = new Builder(set, options, entries.Count);
        foreach (var (member, score) in entries)
        {
            builder.Append(member, score);
        }

        return set;
    }

    /// <summary>Appends entries known to be in order to an empty set, choosing its encoding up front.</summary>
    private readonly ref struct Builder
    {
        private readonly SortedSetObject _set;
        private readonly StorageOptions _options;

        public Builder(SortedSetObject set, StorageOptions options, int count)
        {
            _set = set;
            _options = options;
            if (count > options.ZSetMaxListpackEntries)
            {
                set._tree = new SortedSetTree();
            }
        }

        public void Append(ReadOnlySpan<byte> member, double score)
        {
            var set = _set;
            if (set._tree == null && member.Length > _options.ZSetMaxListpackValue)
            {
                set.ConvertToTree();
            }

            if (set._tree != null)
            {
                set._tree.Insert(member, score);
                return;
            }

            var size = PackedSortedSet.EntrySize(member.Length);
            if (set._packedLength + size > set._packed.Length)
            {
                var bigger = new byte[Math.Max(set._packedLength + size, set._packed.Length * 2)];
                set.Packed.CopyTo(bigger);
                set._packed = bigger;
            }

            set._packedLength += PackedSortedSet.Write(set._packed.AsSpan(set._packedLength), member, score);
            set._packedCount++;
        }
    }

    /// <summary>Adds up the packed size of the entries walked.</summary>
    private struct PackedSizer : IScoredVisitor
    {
        public int Size;

        public bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            Size += PackedSortedSet.EntrySize(member.Length);
            return true;
        }
    }

    /// <summary>Writes the entries walked in the packed form.</summary>
    private ref struct PackedWriter(Span<byte> destination) : IScoredVisitor
    {
        private readonly Span<byte> _destination = destination;

        public int Written;

        public bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            Written += PackedSortedSet.Write(_destination[Written..], member, score);
            return true;
        }
    }
}
