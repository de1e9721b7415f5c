using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>
/// Tests of <see cref="RespReader"/>, split by concern across partial files. Every wire string is parsed whole, split
/// in two at every offset, and one byte at a time (one segment per byte, and contiguous), and all must agree.
/// </summary>
public sealed partial class RespReaderTests
{
    private static ParseOutcome Parse(string wire, Action<RespReader>? configure = null) =>
        ReaderHarness.ParseEveryWay(Wire.Bytes(wire), configure);

    private static void AssertCommands(string wire, params string[][] expected) => AssertCommands(wire, null, expected);

    private static void AssertCommands(string wire, Action<RespReader>? configure, params string[][] expected)
    {
        var outcome = Parse(wire, configure);
        Assert.False(outcome.Error.IsError, outcome.Error.Message);
        Assert.Equal(expected, outcome.Commands);
        Assert.Equal(0, outcome.Unconsumed);
    }

    private static void AssertError(string wire, string message, params string[][] before) => AssertError(wire, null, message, before);

    private static void AssertError(string wire, Action<RespReader>? configure, string message, params string[][] before)
    {
        var outcome = Parse(wire, configure);
        Assert.True(outcome.Error.IsError, $"no error: {outcome}");
        Assert.Equal(message, outcome.Error.Message);
        Assert.Equal(before, outcome.Commands);
    }

    /// <summary>Asserts the input parses to the given commands and then waits for more, keeping the rest.</summary>
    private static void AssertWaits(string wire, long unconsumed, params string[][] before)
    {
        var outcome = Parse(wire);
        Assert.False(outcome.Error.IsError, outcome.Error.Message);
        Assert.Equal(before, outcome.Commands);
        Assert.Equal(unconsumed, outcome.Unconsumed);
    }
}
