using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;

namespace Hoard.Storage.Lists;

/// <summary>
/// The packed form (<see cref="PackedElements"/>, head first): the chunks' entries are already in that form, so it is
/// the count followed by every chunk's bytes.
/// </summary>
internal sealed partial class ListObject
{
    /// <inheritdoc/>
    public override int GetPackedSize()
    {
        long size = VarInt.SizeOf((uint)_count);
        for (var i = 0; i < _chunkCount; i++)
        {
            size += At(i).Used;
        }

        return checked((int)size);
    }

    /// <inheritdoc/>
    public override int WritePacked(Span<byte> destination)
    {
        var p = PackedElements.WriteCount(destination, _count);
        for (var i = 0; i < _chunkCount; i++)
        {
            ref var c = ref At(i);
            c.Buffer.AsSpan(c.Start, c.Used).CopyTo(destination[p..]);
            p += c.Used;
        }

        return p;
    }

    /// <summary>
    /// An independent copy with the same arrays' sizes, so its <see cref="ByteSize"/> is the original's (COPY and
    /// RENAME count the copy as the bytes they reserved for it).
    /// </summary>
    public override StoredObject Clone()
    {
        var copy = (ListObject)MemberwiseClone();
        copy._chunks = (Chunk[])_chunks.Clone();
        for (var i = 0; i < _chunkCount; i++)
        {
            ref var c = ref copy.At(i);
            c.Buffer = (byte[])c.Buffer.Clone();
        }

        copy._tailOffsets = (int[]?)_tailOffsets?.Clone();
        return copy;
    }

    /// <summary>The list <paramref name="packed"/> describes (head first), chunked by <paramref name="fill"/>.</summary>
    /// <exception cref="InvalidDataException">The packed form is malformed or holds no element.</exception>
    public static ListObject FromPacked(ReadOnlySpan<byte> packed, int fill)
    {
        var reader = new PackedElements.Reader(packed);
        if (reader.Count == 0)
        {
            throw new InvalidDataException("A packed list holds no element.");
        }

        var list = new ListObject(fill);
        while (reader.HasNext)
        {
            list.PushRight(reader.Next());
        }

        reader.EnsureEnd();
        list.SealTail();
        return list;
    }

    /// <summary>Cuts the tail chunk's array to its entries when much of it is free (a list built in one go).</summary>
    private void SealTail()
    {
        if (_chunkCount > 1)
        {
            Seal(ref At(_chunkCount - 1));
        }
    }

    /// <summary>Checks the bookkeeping against the chunks (tests): counts, offsets, the byte estimate.</summary>
    internal void Verify()
    {
        long bytes = ObjectOverhead + (24L * (_chunks.Length - 1)) + 24 + (_tailOffsets is null ? 0 : 24 + (4L * _tailOffsets.Length));
        var total = 0;
        for (var i = 0; i < _chunkCount; i++)
        {
            ref var c = ref At(i);
            var n = 0;
            for (var offset = c.Start; offset < c.End; offset = Next(c.Buffer, offset))
            {
                n++;
            }

            if (n != c.Count || n == 0 || c.Start < 0 || c.End > c.Buffer.Length)
            {
                throw new InvalidOperationException($"chunk {i}: {n} entries walked, {c.Count} counted");
            }

            total += n;
            bytes += 24 + c.Buffer.Length;
        }

        if (total != _count || bytes != _byteSize)
        {
            throw new InvalidOperationException($"{total} entries walked, {_count} counted; {bytes} bytes, {_byteSize} counted");
        }

        for (var j = 0; j < _tailValid; j++)
        {
            ref var t = ref At(_chunkCount - 1);
            if (_tailOffsets![_tailCached - 1 - j] != OffsetOf(in t, t.Count - 1 - j))
            {
                throw new InvalidOperationException($"tail offset {j} from the end is stale");
            }
        }
    }
}
