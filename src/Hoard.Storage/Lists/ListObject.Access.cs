namespace Hoard.Storage.Lists;

/// <summary>Index and range access: LINDEX, LRANGE, LSET, LINSERT.</summary>
internal sealed partial class ListObject
{
    /// <summary>
    /// Normalizes Redis's start/stop (negative from the end) to <c>[from, to]</c> within the list; false when the
    /// range is empty.
    /// </summary>
    public bool Normalize(long start, long stop, out int from, out int to)
    {
        if (start < 0)
        {
            start += _count;
        }

        if (stop < 0)
        {
            stop += _count;
        }

        start = Math.Max(0, start);
        stop = Math.Min(stop, _count - 1L);
        from = (int)Math.Min(start, int.MaxValue);
        to = (int)Math.Max(stop, -1);
        return start <= stop && start < _count;
    }

    /// <summary>
    /// Finds element <paramref name="index"/> (0-based from the head): its chunk and offset. Chunks are counted from
    /// the nearer end; inside the chunk the entries are walked (or read from the tail cache).
    /// </summary>
    private void Locate(int index, out int chunk, out int offset)
    {
        int inChunk;
        if (index < _count / 2)
        {
            chunk = 0;
            inChunk = index;
            while (inChunk >= At(chunk).Count)
            {
                inChunk -= At(chunk).Count;
                chunk++;
            }
        }
        else
        {
            chunk = _chunkCount - 1;
            var fromEnd = _count - 1 - index;
            while (fromEnd >= At(chunk).Count)
            {
                fromEnd -= At(chunk).Count;
                chunk--;
            }

            inChunk = At(chunk).Count - 1 - fromEnd;
            if (chunk == _chunkCount - 1 && fromEnd < _tailValid)
            {
                offset = _tailOffsets![_tailCached - 1 - fromEnd];
                return;
            }
        }

        offset = OffsetOf(in At(chunk), inChunk);
    }

    /// <summary>LINDEX: element <paramref name="index"/> (negative from the end) into <paramref name="sink"/>; false if out of range.</summary>
    public bool Get<TSink>(long index, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        if (index < 0)
        {
            index += _count;
        }

        if (index < 0 || index >= _count)
        {
            return false;
        }

        Locate((int)index, out var chunk, out var offset);
        sink.Write(ElementAt(At(chunk).Buffer, offset));
        return true;
    }

    /// <summary>LRANGE: the elements <c>[from, to]</c> (as <see cref="Normalize"/> gave them) into <paramref name="sink"/>.</summary>
    public void Range<TSink>(int from, int to, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        Locate(from, out var chunk, out var offset);
        var left = to - from + 1;
        while (true)
        {
            ref var c = ref At(chunk);
            var buffer = c.Buffer;
            while (offset < c.End)
            {
                var size = Header(buffer, offset, out var length);
                sink.Write(buffer.AsSpan(offset + size, length));
                if (--left == 0)
                {
                    return;
                }

                offset += size + length;
            }

            chunk++;
            offset = At(chunk).Start;
        }
    }

    /// <summary>Every element, head first, into <paramref name="sink"/>.</summary>
    public void ForEach<TSink>(ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        if (_count > 0)
        {
            Range(0, _count - 1, ref sink);
        }
    }

    /// <summary>LSET: replaces element <paramref name="index"/>; false if out of range.</summary>
    public bool Set(long index, ReadOnlySpan<byte> element)
    {
        if (index < 0)
        {
            index += _count;
        }

        if (index < 0 || index >= _count)
        {
            return false;
        }

        Locate((int)index, out var chunk, out var offset);
        ref var c = ref At(chunk);
        var old = Next(c.Buffer, offset) - offset;
        var entry = EntrySize(element.Length);
        if (old == entry)
        {
            WriteEntry(c.Buffer, offset, element); // same size: in place, the tail cache still holds
            return true;
        }

        var at = Splice(chunk, offset, old, entry);
        WriteEntry(At(chunk).Buffer, at, element);
        SplitIfOver(chunk);
        return true;
    }

    /// <summary>
    /// LINSERT: inserts <paramref name="element"/> before or after the first <paramref name="pivot"/>; false when the
    /// pivot is missing.
    /// </summary>
    public bool Insert(ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element, bool before)
    {
        for (var chunk = 0; chunk < _chunkCount; chunk++)
        {
            ref var c = ref At(chunk);
            for (var offset = c.Start; offset < c.End;)
            {
                var next = Next(c.Buffer, offset);
                if (ElementAt(c.Buffer, offset).SequenceEqual(pivot))
                {
                    var at = before ? offset : next;
                    var entry = EntrySize(element.Length);
                    at = Splice(chunk, at, 0, entry);
                    WriteEntry(At(chunk).Buffer, at, element);
                    At(chunk).Count++;
                    _count++;
                    SplitIfOver(chunk);
                    return true;
                }

                offset = next;
            }
        }

        return false;
    }

    /// <summary>
    /// Replaces <paramref name="remove"/> bytes at <paramref name="offset"/> of chunk <paramref name="chunk"/> by
    /// <paramref name="insert"/> bytes of space (moving what follows, or copying into a larger array); returns where
    /// that space now starts in the chunk's array. The count is the caller's.
    /// </summary>
    private int Splice(int chunk, int offset, int remove, int insert)
    {
        ref var c = ref At(chunk);
        var delta = insert - remove;
        var tail = c.End - (offset + remove);
        ForgetTail();
        if (c.End + delta <= c.Buffer.Length)
        {
            Buffer.BlockCopy(c.Buffer, offset + remove, c.Buffer, offset + insert, tail);
            c.End += delta;
            return offset;
        }

        var used = c.Used + delta;
        var capacity = Math.Max(used, Math.Min(Math.Max(LimitBytes, used), c.Buffer.Length * 2));
        var target = new byte[capacity];
        var head = offset - c.Start;
        Buffer.BlockCopy(c.Buffer, c.Start, target, 0, head);
        Buffer.BlockCopy(c.Buffer, offset + remove, target, head + insert, tail);
        _byteSize += target.Length - c.Buffer.Length;
        c.Buffer = target;
        c.Start = 0;
        c.End = used;
        return head;
    }

    /// <summary>Splits chunk <paramref name="chunk"/> in two when it outgrew the limit and holds more than one entry.</summary>
    private void SplitIfOver(int chunk)
    {
        ref var c = ref At(chunk);
        if ((c.Used <= LimitBytes && (Fill <= 0 || c.Count <= Fill)) || c.Count < 2)
        {
            if (_chunkCount == 1 && c.Used > LimitBytes)
            {
                _quick = true;
            }

            return;
        }

        var half = c.Count / 2;
        var middle = OffsetOf(in c, half);
        var second = new Chunk { Buffer = new byte[c.End - middle], Start = 0, End = c.End - middle, Count = c.Count - half };
        Buffer.BlockCopy(c.Buffer, middle, second.Buffer, 0, second.Used);
        var first = new byte[middle - c.Start];
        Buffer.BlockCopy(c.Buffer, c.Start, first, 0, first.Length);
        _byteSize += first.Length - c.Buffer.Length;
        c.Buffer = first;
        c.End = first.Length;
        c.Start = 0;
        c.Count = half;
        InsertChunk(chunk + 1, second);
        _quick = true;
        ForgetTail();
    }
}
