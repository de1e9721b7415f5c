using System.Buffers.Binary;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.SortedSets;

/// <summary>
/// The small encoding of a sorted set (Redis's "listpack"): entries in order in one byte array, each
/// <c>varint length, member, score as a float64 LE</c> — the record form of <see cref="Replication.RecordValueType.SortedSet"/>
/// without its count. Every operation is a linear walk, which at most zset-max-listpack-entries entries keep cheap.
/// </summary>
internal static class PackedSortedSet
{
    /// <summary>The bytes one entry takes.</summary>
    public static int EntrySize(int memberLength) => VarInt.SizeOf((ulong)memberLength) + memberLength + sizeof(double);

    /// <summary>Reads the entry at <paramref name="offset"/>; <paramref name="next"/> is the offset of the one after.</summary>
    public static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> data, int offset, out double score, out int next)
    {
        var p = offset + VarInt.Read(data[offset..], out var length);
        var member = data.Slice(p, (int)length);
        score = BinaryPrimitives.ReadDoubleLittleEndian(data[(p + (int)length)..]);
        next = p + (int)length + sizeof(double);
        return member;
    }

    /// <summary>Writes one entry; returns its size.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> member, double score)
    {
        var p = VarInt.Write(destination, (ulong)member.Length);
        member.CopyTo(destination[p..]);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[(p + member.Length)..], score);
        return p + member.Length + sizeof(double);
    }

    /// <summary>The index and offset of <paramref name="member"/>, or -1.</summary>
    public static int Find(ReadOnlySpan<byte> data, int count, ReadOnlySpan<byte> member, out int offset, out double score)
    {
        offset = 0;
        for (var i = 0; i < count; i++)
        {
            var next = 0;
            if (Read(data, offset, out score, out next).SequenceEqual(member))
            {
                return i;
            }

            offset = next;
        }

        score = 0;
        return -1;
    }

    /// <summary>The offset of entry <paramref name="index"/>.</summary>
    public static int OffsetOf(ReadOnlySpan<byte> data, int index)
    {
        var offset = 0;
        for (var i = 0; i < index; i++)
        {
            Read(data, offset, out _, out offset);
        }

        return offset;
    }

    /// <summary>The number of entries before <paramref name="bound"/>.</summary>
    public static int CountBefore<TBound>(ReadOnlySpan<byte> data, int count, in TBound bound) where TBound : IEntryBound, allows ref struct
    {
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var member = Read(data, offset, out var score, out offset);
            if (!bound.Before(score, member))
            {
                return i;
            }
        }

        return count;
    }

    /// <summary>The position (index, offset) where (score, member) goes.</summary>
    public static int InsertPosition(ReadOnlySpan<byte> data, int count, double score, ReadOnlySpan<byte> member, out int offset)
    {
        offset = 0;
        for (var i = 0; i < count; i++)
        {
            var m = Read(data, offset, out var s, out var next);
            if (ScoredEntry.Compare(s, m, score, member) > 0)
            {
                return i;
            }

            offset = next;
        }

        return count;
    }
}
