using System.Buffers;

namespace Hoard.Storage.Lists;

/// <summary>Removal and search: LREM, LTRIM, LPOS.</summary>
internal sealed partial class ListObject
{
    /// <summary>
    /// LREM: removes up to |<paramref name="count"/>| elements equal to <paramref name="element"/>, from the head when
    /// positive, from the tail when negative, all when 0. Returns the number removed.
    /// </summary>
    public int Remove(long count, ReadOnlySpan<byte> element)
    {
        var budget = count == 0 ? long.MaxValue : Math.Abs(count);
        var removed = 0;
        var backward = count < 0;
        for (var step = 0; step < _chunkCount && budget > 0;)
        {
            var chunk = backward ? _chunkCount - 1 - step : step;
            var gone = RemoveFromChunk(chunk, element, backward, ref budget);
            removed += gone;
            if (At(chunk).Count == 0)
            {
                // The chunks after it move down by one: forward, the next one takes its position; backward, the next
                // one (the one before it) is again _chunkCount - 1 - step.
                RemoveChunk(chunk);
                continue;
            }

            step++;
        }

        if (removed > 0)
        {
            ForgetTail();
            MaybeListpack();
        }

        return removed;
    }

    /// <summary>Removes matches from one chunk (at most <paramref name="budget"/>), compacting it in place.</summary>
    private int RemoveFromChunk(int chunk, ReadOnlySpan<byte> element, bool backward, ref long budget)
    {
        ref var c = ref At(chunk);
        var buffer = c.Buffer;
        var offsets = ArrayPool<int>.Shared.Rent(c.Count);
        try
        {
            var offset = c.Start;
            for (var i = 0; i < c.Count; i++)
            {
                offsets[i] = offset;
                offset = Next(buffer, offset);
            }

            var removed = 0;
            for (var k = 0; k < c.Count && budget > 0; k++)
            {
                var i = backward ? c.Count - 1 - k : k;
                if (ElementAt(buffer, offsets[i]).SequenceEqual(element))
                {
                    offsets[i] = -1;
                    removed++;
                    budget--;
                }
            }

            if (removed == 0)
            {
                return 0;
            }

            var write = c.Start;
            for (var i = 0; i < c.Count; i++)
            {
                if (offsets[i] < 0)
                {
                    continue;
                }

                var size = Next(buffer, offsets[i]) - offsets[i];
                Buffer.BlockCopy(buffer, offsets[i], buffer, write, size);
                write += size;
            }

            c.End = write;
            c.Count -= removed;
            _count -= removed;
            return removed;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
        }
    }

    /// <summary>LTRIM: keeps the elements <c>[start, stop]</c> (negative from the end); may leave the list empty.</summary>
    public void Trim(long start, long stop)
    {
        if (!Normalize(start, stop, out var from, out var to))
        {
            while (_chunkCount > 0)
            {
                RemoveChunk(_chunkCount - 1);
            }

            _count = 0;
            MaybeListpack();
            return;
        }

        var right = _count - 1 - to;
        DropLeft(from);
        DropRight(right);
        MaybeListpack();
    }

    /// <summary>Removes <paramref name="n"/> elements from the head.</summary>
    private void DropLeft(int n)
    {
        while (n > 0)
        {
            ref var c = ref At(0);
            if (c.Count <= n)
            {
                n -= c.Count;
                _count -= c.Count;
                RemoveChunk(0);
                continue;
            }

            c.Start = OffsetOf(in c, n);
            c.Count -= n;
            _count -= n;
            if (_chunkCount == 1 && _tailValid > c.Count)
            {
                _tailValid = c.Count;
            }

            n = 0;
        }
    }

    /// <summary>Removes <paramref name="n"/> elements from the tail.</summary>
    private void DropRight(int n)
    {
        if (n == 0)
        {
            return;
        }

        ForgetTail();
        while (n > 0)
        {
            ref var c = ref At(_chunkCount - 1);
            if (c.Count <= n)
            {
                n -= c.Count;
                _count -= c.Count;
                RemoveChunk(_chunkCount - 1);
                continue;
            }

            c.End = OffsetOf(in c, c.Count - n);
            c.Count -= n;
            _count -= n;
            n = 0;
        }
    }

    /// <summary>
    /// LPOS: the positions of <paramref name="element"/>, skipping the first |<paramref name="rank"/>|-1 matches (from
    /// the tail when negative), at most <paramref name="count"/> of them (0: all), comparing at most
    /// <paramref name="maxLength"/> elements (0: all).
    /// </summary>
    public void Positions(ReadOnlySpan<byte> element, long rank, long count, long maxLength, List<long> positions)
    {
        var skip = Math.Abs(rank) - 1;
        var compared = 0L;
        var limit = maxLength == 0 ? long.MaxValue : maxLength;
        var wanted = count == 0 ? long.MaxValue : count;
        if (rank > 0)
        {
            long index = 0;
            for (var chunk = 0; chunk < _chunkCount; chunk++)
            {
                ref var c = ref At(chunk);
                for (var offset = c.Start; offset < c.End; offset = Next(c.Buffer, offset), index++)
                {
                    if (compared++ >= limit)
                    {
                        return;
                    }

                    if (ElementAt(c.Buffer, offset).SequenceEqual(element) && skip-- <= 0)
                    {
                        positions.Add(index);
                        if (positions.Count >= wanted)
                        {
                            return;
                        }
                    }
                }
            }

            return;
        }

        var last = (long)_count - 1;
        for (var chunk = _chunkCount - 1; chunk >= 0; chunk--)
        {
            ref var c = ref At(chunk);
            var offsets = ArrayPool<int>.Shared.Rent(c.Count);
            try
            {
                var offset = c.Start;
                for (var i = 0; i < c.Count; i++)
                {
                    offsets[i] = offset;
                    offset = Next(c.Buffer, offset);
                }

                for (var i = c.Count - 1; i >= 0; i--, last--)
                {
                    if (compared++ >= limit)
                    {
                        return;
                    }

                    if (ElementAt(c.Buffer, offsets[i]).SequenceEqual(element) && skip-- <= 0)
                    {
                        positions.Add(last);
                        if (positions.Count >= wanted)
                        {
                            return;
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(offsets);
            }
        }
    }
}
