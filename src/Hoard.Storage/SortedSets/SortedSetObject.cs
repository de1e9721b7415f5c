using System.Buffers;
using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage.SortedSets;

/// <summary>
/// A sorted set: members ordered by (score, member bytes), each with a score that is never NaN. Small sets are packed
/// (<see cref="PackedSortedSet"/>, OBJECT ENCODING "listpack") while they have at most zset-max-listpack-entries
/// members none longer than zset-max-listpack-value bytes; past that they become a <see cref="SortedSetTree"/>
/// ("skiplist") for good, as in Redis. Positions are 0-based ascending ranks throughout.
/// </summary>
/// <remarks>Not thread-safe: only the holder of the key's shard lock touches it.</remarks>
internal sealed partial class SortedSetObject : StoredObject
{
    /// <summary>Estimated bytes of this object itself.</summary>
    private const int ObjectBytes = 48;

    private byte[] _packed = [];
    private int _packedLength;
    private int _packedCount;
    private SortedSetTree? _tree;

    /// <inheritdoc/>
    public override ValueKind Kind => ValueKind.SortedSet;

    /// <inheritdoc/>
    public override RecordValueType RecordType => RecordValueType.SortedSet;

    /// <inheritdoc/>
    public override string Encoding => _tree == null ? "listpack" : "skiplist";

    /// <inheritdoc/>
    public override int Count => _tree?.Count ?? _packedCount;

    /// <inheritdoc/>
    public override long ByteSize => ObjectBytes + (_tree?.ByteSize ?? TreeLeaf.DataBytes(_packed.Length));

    /// <summary>Whether the large encoding is in use.</summary>
    public bool IsTree => _tree != null;

    /// <summary>The score of <paramref name="member"/>, if present.</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_tree != null)
        {
            return _tree.TryGetScore(member, out score);
        }

        return PackedSortedSet.Find(Packed, _packedCount, member, out _, out score) >= 0;
    }

    /// <summary>Sets <paramref name="member"/>'s score (not NaN; -0 becomes 0), adding it if absent; true if it was added.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score, StorageOptions options)
    {
        score += 0.0; // -0 is stored as 0, as Redis replies it
        if (TryGetScore(member, out var current))
        {
            if (current == score)
            {
                return false;
            }

            Remove(member);
            Insert(member, score, options);
            return false;
        }

        Insert(member, score, options);
        return true;
    }

    /// <summary>Removes <paramref name="member"/>; false if absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_tree != null)
        {
            return _tree.Remove(member);
        }

        if (PackedSortedSet.Find(Packed, _packedCount, member, out var offset, out _) < 0)
        {
            return false;
        }

        RemovePackedAt(offset);
        return true;
    }

    /// <summary>The ascending rank of <paramref name="member"/> and its score, or -1.</summary>
    public int RankOf(ReadOnlySpan<byte> member, out double score)
    {
        if (!TryGetScore(member, out score))
        {
            return -1;
        }

        return CountBefore(new SortedSetTree.ExactBound(score, member));
    }

    /// <summary>The number of entries <paramref name="bound"/> puts before it.</summary>
    public int CountBefore<TBound>(in TBound bound) where TBound : IEntryBound, allows ref struct =>
        _tree?.CountBefore(bound) ?? PackedSortedSet.CountBefore(Packed, _packedCount, bound);

    /// <summary>Entries of ranks <paramref name="start"/> to <paramref name="end"/> (inclusive) in ascending order, or descending.</summary>
    public void Walk<TVisitor>(int start, int end, bool reverse, ref TVisitor visitor) where TVisitor : IScoredVisitor, allows ref struct
    {
        start = Math.Max(start, 0);
        end = Math.Min(end, Count - 1);
        if (start > end)
        {
            return;
        }

        if (_tree != null)
        {
            _tree.Walk(start, end, reverse, ref visitor);
            return;
        }

        var data = Packed;
        if (!reverse)
        {
            var offset = PackedSortedSet.OffsetOf(data, start);
            for (var i = start; i <= end; i++)
            {
                var member = PackedSortedSet.Read(data, offset, out var score, out offset);
                if (!visitor.Visit(member, score))
                {
                    return;
                }
            }

            return;
        }

        var rented = ArrayPool<int>.Shared.Rent(end + 1);
        try
        {
            var o = 0;
            for (var i = 0; i <= end; i++)
            {
                rented[i] = o;
                PackedSortedSet.Read(data, o, out _, out o);
            }

            for (var i = end; i >= start; i--)
            {
                var member = PackedSortedSet.Read(data, rented[i], out var score, out _);
                if (!visitor.Visit(member, score))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Removes the entries of ranks <paramref name="start"/> to <paramref name="end"/> (inclusive, clamped); returns how many.</summary>
    public int RemoveRange(int start, int end)
    {
        start = Math.Max(start, 0);
        end = Math.Min(end, Count - 1);
        if (start > end)
        {
            return 0;
        }

        var removed = end - start + 1;
        if (_tree != null)
        {
            for (var i = 0; i < removed; i++)
            {
                _tree.RemoveAt(start);
            }

            return removed;
        }

        var from = PackedSortedSet.OffsetOf(Packed, start);
        var to = from;
        for (var i = start; i <= end; i++)
        {
            PackedSortedSet.Read(Packed, to, out _, out to);
        }

        _packed.AsSpan(to, _packedLength - to).CopyTo(_packed.AsSpan(from));
        _packedLength -= to - from;
        _packedCount -= removed;
        return removed;
    }

    /// <inheritdoc/>
    public override int GetPackedSize()
    {
        var size = VarInt.SizeOf((ulong)Count);
        if (_tree == null)
        {
            return size + _packedLength;
        }

        var sizer = new PackedSizer();
        _tree.Walk(0, Count - 1, reverse: false, ref sizer);
        return size + sizer.Size;
    }

    /// <inheritdoc/>
    public override int WritePacked(Span<byte> destination)
    {
        var p = VarInt.Write(destination, (ulong)Count);
        if (_tree == null)
        {
            Packed.CopyTo(destination[p..]);
            return p + _packedLength;
        }

        var writer = new PackedWriter(destination[p..]);
        _tree.Walk(0, Count - 1, reverse: false, ref writer);
        return p + writer.Written;
    }

    /// <inheritdoc/>
    public override StoredObject Clone()
    {
        var copy = new SortedSetObject { _packedCount = _packedCount, _packedLength = _packedLength, _tree = _tree?.Clone() };
        copy._packed = _packed.AsSpan(0, _packedLength).ToArray();
        return copy;
    }

    private ReadOnlySpan<byte> Packed => _packed.AsSpan(0, _packedLength);

    private void Insert(ReadOnlySpan<byte> member, double score, StorageOptions options)
    {
        if (_tree == null && (_packedCount + 1 > options.ZSetMaxListpackEntries || member.Length > options.ZSetMaxListpackValue))
        {
            ConvertToTree();
        }

        if (_tree != null)
        {
            _tree.Insert(member, score);
            return;
        }

        PackedSortedSet.InsertPosition(Packed, _packedCount, score, member, out var offset);
        var size = PackedSortedSet.EntrySize(member.Length);
        if (_packedLength + size > _packed.Length)
        {
            var bigger = new byte[Math.Max(_packedLength + size, _packedLength + (_packedLength / 2))];
            Packed.CopyTo(bigger);
            _packed = bigger;
        }

        _packed.AsSpan(offset, _packedLength - offset).CopyTo(_packed.AsSpan(offset + size));
        PackedSortedSet.Write(_packed.AsSpan(offset), member, score);
        _packedLength += size;
        _packedCount++;
    }

    private void RemovePackedAt(int offset)
    {
        PackedSortedSet.Read(Packed, offset, out _, out var next);
        _packed.AsSpan(next, _packedLength - next).CopyTo(_packed.AsSpan(offset));
        _packedLength -= next - offset;
        _packedCount--;
        if (_packed.Length > 64 && _packedLength < _packed.Length / 4)
        {
            _packed = Packed.ToArray();
        }
    }

    private void ConvertToTree()
    {
        var tree = new SortedSetTree();
        var offset = 0;
        for (var i = 0; i < _packedCount; i++)
        {
            var member = PackedSortedSet.Read(Packed, offset, out var score, out offset);
            tree.Insert(member, score);
        }

        _tree = tree;
        _packed = [];
        _packedLength = 0;
        _packedCount = 0;
    }
}
