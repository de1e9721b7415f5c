using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>Error texts and limits, checked against Redis 7 networking.c and tests/unit/protocol.tcl.</summary>
public sealed partial class RespReaderTests
{
    private const int Limit = RespReader.MaxLineLength;

    // Long inputs are cut at these offsets only, and fed 997 bytes at a time: every offset would take minutes.
    private static readonly int[] BoundaryCuts = [0, 1, 2, 5, 1000, Limit - 1, Limit, Limit + 1, Limit + 2, Limit + 3, Limit + 10];

    [Theory]
    [InlineData("*3000000000\r\n")]
    [InlineData("*2147483648\r\n")]
    [InlineData("*abc\r\n")]
    [InlineData("*\r\n")]
    [InlineData("*+1\r\n")]
    [InlineData("*01\r\n")]
    [InlineData("*-0\r\n")]
    [InlineData("* 1\r\n")]
    [InlineData("*1 \r\n")]
    [InlineData("*-\r\n")]
    [InlineData("*123456789012345678901\r\n")]
    [InlineData("*99999999999999999999\r\n")]
    public void A_bad_multibulk_count_is_an_invalid_multibulk_length(string wire) =>
        AssertError(wire, "Protocol error: invalid multibulk length");

    [Fact]
    public void The_largest_multibulk_count_is_int_max() =>
        AssertWaits("*2147483647\r\n", 13);

    [Theory]
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "f")]
    [InlineData("*1\r\nfoo\r\n", "f")]
    [InlineData("*1\r\n:1\r\n", ":")]
    [InlineData("*1\r\n\xFF\r\n", "\xFF")]
    [InlineData("*1\r\n\r\n", " ")]
    [InlineData("*1\r\n\n\r\n", " ")]
    public void An_argument_without_a_dollar_is_reported_with_the_byte_found(string wire, string got) =>
        AssertError(wire, $"Protocol error: expected '$', got '{got}'");

    [Theory]
    [InlineData("$-10")]
    [InlineData("$-1")]
    [InlineData("$2000000000")]
    [InlineData("$536870913")]
    [InlineData("$blabla")]
    [InlineData("$")]
    [InlineData("$+3")]
    [InlineData("$03")]
    [InlineData("$-0")]
    [InlineData("$3 ")]
    public void A_bad_bulk_length_is_an_invalid_bulk_length(string header) =>
        AssertError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n" + header + "\r\n", "Protocol error: invalid bulk length");

    [Fact]
    public void The_longest_argument_is_proto_max_bulk_len()
    {
        AssertWaits("*1\r\n$536870912\r\n", 16);
        var atLimit = Parse("*1\r\n$1048576\r\n", r => r.Options.MaxBulkLength = 1024 * 1024);
        Assert.False(atLimit.Error.IsError);
        Assert.Equal(14, atLimit.Unconsumed);
        AssertError("*1\r\n$1048577\r\n", r => r.Options.MaxBulkLength = 1024 * 1024, "Protocol error: invalid bulk length");
    }

    [Fact]
    public void Before_authentication_a_request_may_have_at_most_ten_arguments()
    {
        Action<RespReader> locked = r => r.AuthRequired = true;
        AssertError("*100\r\n", locked, "Protocol error: unauthenticated multibulk length");
        AssertError("*11\r\n", locked, "Protocol error: unauthenticated multibulk length");
        var ten = Wire.Multibulk(Enumerable.Repeat("a", 10).ToArray());
        AssertCommands(ten, locked, Enumerable.Repeat("a", 10).ToArray());
    }

    [Fact]
    public void Before_authentication_an_argument_may_have_at_most_16_KB()
    {
        Action<RespReader> locked = r => r.AuthRequired = true;
        AssertError("*1\r\n$100000000\r\n", locked, "Protocol error: unauthenticated bulk length");
        AssertError("*1\r\n$16385\r\n", locked, "Protocol error: unauthenticated bulk length");
        var value = new string('v', 16384);
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(Wire.Multibulk("AUTH", value)), locked, BoundaryCuts, 997);
        Assert.Equal([["AUTH", value]], outcome.Commands);
    }

    [Fact]
    public void A_multibulk_count_line_may_wait_up_to_64_KB_without_CR()
    {
        var longest = "*" + new string('1', Limit - 1);
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest), cuts: BoundaryCuts, step: 997);
        Assert.False(outcome.Error.IsError);
        Assert.Equal(Limit, outcome.Unconsumed);

        outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest + "1"), cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: too big mbulk count string", outcome.Error.Message);
    }

    [Fact]
    public void A_64_KB_header_line_is_judged_on_its_value_once_its_CR_arrives()
    {
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes("*" + new string('1', Limit - 1) + "\r\n"), cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: invalid multibulk length", outcome.Error.Message);

        outcome = ReaderHarness.ParseEveryWay(Wire.Bytes("*" + new string('1', Limit) + "\r\n"), cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: too big mbulk count string", outcome.Error.Message);
    }

    [Fact]
    public void A_bulk_length_line_may_wait_up_to_64_KB_without_CR()
    {
        const string prefix = "*2\r\n$4\r\nECHO\r\n";
        var longest = prefix + "$" + new string('1', Limit - 1);
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest), cuts: BoundaryCuts, step: 997);
        Assert.False(outcome.Error.IsError);

        outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest + "1"), cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: too big bulk count string", outcome.Error.Message);
    }

    [Fact]
    public void The_bulk_line_limit_applies_before_the_dollar_is_checked()
    {
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes("*1\r\n" + new string('X', 70000)), cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: too big bulk count string", outcome.Error.Message);
    }

    [Fact]
    public void An_inline_line_may_hold_64_KB_before_its_LF()
    {
        var longest = new string('A', Limit);
        var outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest + "\n"), cuts: BoundaryCuts, step: 997);
        Assert.Equal([[longest]], outcome.Commands);

        outcome = ReaderHarness.ParseEveryWay(Wire.Bytes(longest), cuts: BoundaryCuts, step: 997);
        Assert.False(outcome.Error.IsError);
        Assert.Equal(Limit, outcome.Unconsumed);
    }

    [Theory]
    [InlineData(1, "")]
    [InlineData(0, "\r\n")]
    [InlineData(0, "A\n")]
    public void An_inline_line_longer_than_64_KB_is_too_big(int extra, string end)
    {
        var wire = Wire.Bytes(new string('A', Limit + extra) + end);
        var outcome = ReaderHarness.ParseEveryWay(wire, cuts: BoundaryCuts, step: 997);
        Assert.Equal("Protocol error: too big inline request", outcome.Error.Message);
    }

    [Theory]
    [InlineData("\0", 0, "Protocol error: too big inline request")]
    [InlineData("*\0", 0, "Protocol error: too big mbulk count string")]
    [InlineData("$\0", 0, "Protocol error: too big inline request")]
    [InlineData("*1\r\n$\0", 4, "Protocol error: too big bulk count string")]
    [InlineData("GET a\0b\r\n", 0, "Protocol error: too big inline request")]
    public void A_line_with_a_NUL_never_ends_and_fails_at_64_KB_like_the_Redis_desync_tests(string start, int lineStart, string message)
    {
        // Redis finds line ends with strchr, which stops at the NUL: the line waits until the buffer passes 64 KB.
        var payload = string.Concat(Enumerable.Repeat(new string('A', 1024) + "\n", 64));
        var wire = Wire.Bytes(start + payload);
        var waiting = ReaderHarness.Whole(wire[..Limit]);
        Assert.False(waiting.Error.IsError);
        Assert.Equal(lineStart + Limit + 1, waiting.BytesNeeded);

        var outcome = ReaderHarness.ParseEveryWay(wire, cuts: BoundaryCuts, step: 997);
        Assert.Equal(message, outcome.Error.Message);
    }

    [Fact]
    public void An_incomplete_request_beyond_the_query_buffer_limit_is_refused_without_reply()
    {
        Action<RespReader> small = r => r.Options.QueryBufferLimit = 1024 * 1024;
        // The request's announced size alone exceeds the limit.
        var outcome = Parse("*2\r\n$3\r\nSET\r\n$1048576\r\n", small);
        Assert.Equal(ProtocolErrorKind.QueryBufferLimitExceeded, outcome.Error.Kind);
        Assert.False(outcome.Error.HasReply);

        // Many small arguments, the buffer itself outgrowing the limit.
        var many = Wire.Bytes("*1000000\r\n" + string.Concat(Enumerable.Repeat("$0\r\n\r\n", 200_000)));
        outcome = ReaderHarness.ParseEveryWay(many, small, cuts: [0, 100, 500_000], step: 65536);
        Assert.Equal(ProtocolErrorKind.QueryBufferLimitExceeded, outcome.Error.Kind);
    }
}
