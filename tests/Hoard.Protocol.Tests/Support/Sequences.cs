using System.Buffers;

namespace Hoard.Protocol.Tests.Support;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe hands them out.</summary>
public static class Sequences
{
    /// <summary>A sequence of the given segments, in order; empty segments are kept.</summary>
    public static ReadOnlySequence<byte> Create(params ReadOnlyMemory<byte>[] segments)
    {
        if (segments.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (segments.Length == 1)
        {
            return new ReadOnlySequence<byte>(segments[0]);
        }

        var first = new Segment(segments[0]);
        var last = first;
        for (var i = 1; i < segments.Length; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> cut at the given offsets (ascending; 0 or the length make empty segments).</summary>
    public static ReadOnlySequence<byte> SplitAt(ReadOnlyMemory<byte> data, params int[] cuts)
    {
        var segments = new ReadOnlyMemory<byte>[cuts.Length + 1];
        var from = 0;
        for (var i = 0; i < cuts.Length; i++)
        {
            segments[i] = data[from..cuts[i]];
            from = cuts[i];
        }

        segments[^1] = data[from..];
        return Create(segments);
    }

    /// <summary><paramref name="data"/> in segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Chunked(ReadOnlyMemory<byte> data, int size)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        for (var from = 0; from < data.Length; from += size)
        {
            segments.Add(data.Slice(from, Math.Min(size, data.Length - from)));
        }

        return Create([.. segments]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
