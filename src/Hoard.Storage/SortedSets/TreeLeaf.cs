using Hoard.Storage.Hashes;

namespace Hoard.Storage.SortedSets;

/// <summary>
/// A leaf of <see cref="SortedSetTree"/>: up to <see cref="SortedSetTree.LeafCapacity"/> entries in order, the scores in
/// an array and the members packed one after another (<c>varint length, bytes</c>) in one byte array, so that a member
/// costs its bytes plus a byte or two rather than an object of its own. Linked to its neighbours for range walks.
/// </summary>
internal sealed class TreeLeaf : TreeNode
{
    /// <summary>Estimated fixed bytes: this object (64) and its score array (24 + 8 a slot).</summary>
    public const int Bytes = 64 + 24 + (8 * SortedSetTree.LeafCapacity);

    /// <summary>The scores, <see cref="TreeNode.Count"/> of them used.</summary>
    public readonly double[] Scores = new double[SortedSetTree.LeafCapacity];

    /// <summary>The packed members, <see cref="DataLength"/> bytes used.</summary>
    public byte[] Data = [];

    /// <summary>The leaf's number in its tree's <see cref="MemberIndex"/>.</summary>
    public int Id;

    /// <summary>Bytes of <see cref="Data"/> in use.</summary>
    public int DataLength;

    /// <summary>The next leaf in order.</summary>
    public TreeLeaf? Next;

    /// <summary>The previous leaf in order.</summary>
    public TreeLeaf? Prev;

    /// <summary>Estimated bytes of a data array of <paramref name="length"/> bytes.</summary>
    public static long DataBytes(int length) => length == 0 ? 0 : 24 + ((length + 7) & ~7);

    /// <summary>The member at <paramref name="offset"/>; <paramref name="next"/> is the offset of the one after.</summary>
    public ReadOnlySpan<byte> MemberAt(int offset, out int next)
    {
        var p = offset + VarInt.Read(Data.AsSpan(offset, DataLength - offset), out var length);
        next = p + (int)length;
        return Data.AsSpan(p, (int)length);
    }

    /// <summary>The offset of entry <paramref name="index"/> (a walk from the first).</summary>
    public int OffsetOf(int index)
    {
        var offset = 0;
        for (var i = 0; i < index; i++)
        {
            MemberAt(offset, out offset);
        }

        return offset;
    }

    /// <summary>The index of <paramref name="member"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> member)
    {
        var offset = 0;
        for (var i = 0; i < Count; i++)
        {
            if (MemberAt(offset, out offset).SequenceEqual(member))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Inserts an entry as <paramref name="index"/> (at data <paramref name="offset"/>); returns the growth in bytes.</summary>
    public long InsertAt(int index, int offset, double score, ReadOnlySpan<byte> member)
    {
        var entry = VarInt.SizeOf((ulong)member.Length) + member.Length;
        long grown = 0;
        if (DataLength + entry > Data.Length)
        {
            var capacity = Math.Max(DataLength + entry, Math.Max(32, DataLength + (DataLength / 2)));
            var bigger = new byte[capacity];
            Data.AsSpan(0, DataLength).CopyTo(bigger);
            grown = DataBytes(capacity) - DataBytes(Data.Length);
            Data = bigger;
        }

        Data.AsSpan(offset, DataLength - offset).CopyTo(Data.AsSpan(offset + entry));
        var p = offset + VarInt.Write(Data.AsSpan(offset), (ulong)member.Length);
        member.CopyTo(Data.AsSpan(p));
        DataLength += entry;
        Array.Copy(Scores, index, Scores, index + 1, Count - index);
        Scores[index] = score;
        Count++;
        return grown;
    }

    /// <summary>Gives back the unused tail of <see cref="Data"/> (a leaf that will not grow soon); returns the change in bytes.</summary>
    public long Trim()
    {
        if (Data.Length == DataLength)
        {
            return 0;
        }

        var exact = Data.AsSpan(0, DataLength).ToArray();
        var change = DataBytes(exact.Length) - DataBytes(Data.Length);
        Data = exact;
        return change;
    }

    /// <summary>Removes entry <paramref name="index"/> (at data <paramref name="offset"/>); returns the change in bytes.</summary>
    public long RemoveAt(int index, int offset)
    {
        MemberAt(offset, out var end);
        Data.AsSpan(end, DataLength - end).CopyTo(Data.AsSpan(offset));
        DataLength -= end - offset;
        Array.Copy(Scores, index + 1, Scores, index, Count - index - 1);
        Count--;
        return Shrink();
    }

    /// <summary>Moves entries from <paramref name="index"/> on to the end of <paramref name="destination"/>; returns the change in bytes of both.</summary>
    public long MoveTail(int index, TreeLeaf destination)
    {
        var offset = OffsetOf(index);
        var moved = Count - index;
        var bytes = DataLength - offset;
        long change = destination.Reserve(destination.DataLength + bytes);
        Data.AsSpan(offset, bytes).CopyTo(destination.Data.AsSpan(destination.DataLength));
        Array.Copy(Scores, index, destination.Scores, destination.Count, moved);
        destination.DataLength += bytes;
        destination.Count += moved;
        DataLength = offset;
        Count = index;
        return change + Shrink();
    }

    private long Reserve(int length)
    {
        if (length <= Data.Length)
        {
            return 0;
        }

        var bigger = new byte[length];
        Data.AsSpan(0, DataLength).CopyTo(bigger);
        var change = DataBytes(length) - DataBytes(Data.Length);
        Data = bigger;
        return change;
    }

    private long Shrink()
    {
        if (Data.Length <= 64 || DataLength > Data.Length / 4)
        {
            return 0;
        }

        var smaller = new byte[Math.Max(32, DataLength * 2)];
        Data.AsSpan(0, DataLength).CopyTo(smaller);
        var change = DataBytes(smaller.Length) - DataBytes(Data.Length);
        Data = smaller;
        return change;
    }
}
