using System.Buffers;

namespace Hoard.Protocol.Tests.Support;

/// <summary>What a reader made of some input: the requests, then the error or what was left unconsumed.</summary>
public sealed record ParseOutcome(IReadOnlyList<string[]> Commands, ProtocolError Error, long Unconsumed, long BytesNeeded)
{
    public bool Equals(ParseOutcome? other) =>
        other is not null && Error == other.Error && Unconsumed == other.Unconsumed && BytesNeeded == other.BytesNeeded
        && Commands.Count == other.Commands.Count && Commands.Zip(other.Commands).All(p => p.First.SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Error, Unconsumed, Commands.Count);

    public override string ToString() =>
        $"[{string.Join(" | ", Commands.Select(c => string.Join(' ', c)))}] error={Error.Kind} unconsumed={Unconsumed} needed={BytesNeeded}";
}

/// <summary>Feeds wire bytes to a <see cref="RespReader"/> whole, split, or a few bytes at a time.</summary>
public static class ReaderHarness
{
    /// <summary>Parses <paramref name="input"/> until the reader stops.</summary>
    public static ParseOutcome Drain(RespReader reader, CommandBuffer command, ReadOnlySequence<byte> input)
    {
        var commands = new List<string[]>();
        ProtocolError error;
        while (reader.TryRead(ref input, command, out error))
        {
            commands.Add(Wire.Args(command));
        }

        return new ParseOutcome(commands, error, error.IsError ? -1 : input.Length, reader.BytesNeeded);
    }

    public static ParseOutcome Whole(byte[] wire, Action<RespReader>? configure = null) =>
        Drain(NewReader(configure), new CommandBuffer(), new ReadOnlySequence<byte>(wire));

    /// <summary>The input as two segments, cut at <paramref name="cut"/>.</summary>
    public static ParseOutcome Split(byte[] wire, int cut, Action<RespReader>? configure = null) =>
        Drain(NewReader(configure), new CommandBuffer(), Sequences.SplitAt(wire, cut));

    /// <summary>
    /// Appends <paramref name="step"/> bytes at a time and parses after each append, passing the unconsumed input
    /// again as a pipe would: in one segment per append, or as one contiguous segment.
    /// </summary>
    public static ParseOutcome Incremental(byte[] wire, int step, bool segmentPerStep, Action<RespReader>? configure = null)
    {
        var reader = NewReader(configure);
        var command = new CommandBuffer();
        var commands = new List<string[]>();
        var consumed = 0;
        var available = 0;
        var error = default(ProtocolError);
        while (available < wire.Length && !error.IsError)
        {
            available = Math.Min(wire.Length, available + step);
            var input = segmentPerStep ? Steps(wire, consumed, available, step) : new ReadOnlySequence<byte>(wire, consumed, available - consumed);
            while (reader.TryRead(ref input, command, out error))
            {
                commands.Add(Wire.Args(command));
            }

            consumed = available - (int)input.Length;
        }

        return new ParseOutcome(commands, error, error.IsError ? -1 : available - consumed, reader.BytesNeeded);
    }

    /// <summary>
    /// Parses <paramref name="wire"/> whole, split at every offset (or the given ones), and incrementally one byte at a
    /// time in both segmentations; asserts that every way gives the same outcome, and returns it.
    /// </summary>
    public static ParseOutcome ParseEveryWay(byte[] wire, Action<RespReader>? configure = null, IEnumerable<int>? cuts = null, int step = 1)
    {
        var whole = Whole(wire, configure);
        foreach (var cut in (cuts ?? Enumerable.Range(0, wire.Length + 1)).Where(cut => cut <= wire.Length))
        {
            AssertSame(whole, Split(wire, cut, configure), $"split at {cut}");
        }

        AssertSame(whole, Incremental(wire, step, segmentPerStep: true, configure), $"{step} byte(s) per segment");
        AssertSame(whole, Incremental(wire, step, segmentPerStep: false, configure), $"{step} byte(s) at a time, contiguous");
        return whole;
    }

    private static void AssertSame(ParseOutcome expected, ParseOutcome actual, string how)
    {
        Assert.True(expected.Equals(actual), $"{how}: expected {expected}, got {actual}");
    }

    private static RespReader NewReader(Action<RespReader>? configure)
    {
        var reader = new RespReader();
        configure?.Invoke(reader);
        return reader;
    }

    /// <summary>wire[from..to] in segments whose boundaries are the multiples of <paramref name="step"/>.</summary>
    private static ReadOnlySequence<byte> Steps(byte[] wire, int from, int to, int step)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        for (var start = from; start < to;)
        {
            var end = Math.Min(to, ((start / step) + 1) * step);
            segments.Add(wire.AsMemory(start, end - start));
            start = end;
        }

        return Sequences.Create([.. segments]);
    }
}
