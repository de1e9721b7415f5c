using System.Buffers;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

public sealed partial class RespReaderTests
{
    [Fact]
    public void An_inline_command_is_split_on_spaces() =>
        AssertCommands("SET key value\r\n", ["SET", "key", "value"]);

    [Fact]
    public void An_inline_command_may_end_with_a_bare_LF() =>
        AssertCommands("PING\nECHO hi\n", ["PING"], ["ECHO", "hi"]);

    [Fact]
    public void Runs_of_spaces_and_tabs_separate_inline_arguments() =>
        AssertCommands("  SET\t\tkey   value \t\r\n", ["SET", "key", "value"]);

    [Fact]
    public void A_CR_inside_an_inline_line_separates_arguments() =>
        AssertCommands("GET\ra\r\r\n", ["GET", "a"]);

    [Fact]
    public void Blank_inline_lines_are_skipped() =>
        AssertCommands("\r\n\n   \r\n\t\r\nPING\r\n\r\n", ["PING"]);

    [Fact]
    public void A_parsed_inline_command_is_flagged_as_inline()
    {
        var reader = new RespReader();
        var command = new CommandBuffer();
        var input = new ReadOnlySequence<byte>(Wire.Bytes("ping\r\n"));

        Assert.True(reader.TryRead(ref input, command, out _));

        Assert.True(command.IsInline);
        Assert.False(command.IsBorrowed);
        Assert.True(command.NameEquals("PING"u8));
    }

    [Fact]
    public void Inline_and_multibulk_requests_may_follow_each_other() =>
        AssertCommands("PING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nGET k\r\n", ["PING"], ["GET", "k"], ["GET", "k"]);

    [Theory]
    [InlineData("SET k \"hello world\"\r\n", "hello world")]
    [InlineData("SET k \"a\\nb\\rc\\td\\be\\af\"\r\n", "a\nb\rc\td\be\af")]
    [InlineData("SET k \"\\x41\\x7a\\xFF\\x00\"\r\n", "Az\xFF\0")]
    [InlineData("SET k \"\\x4g\"\r\n", "x4g")]
    [InlineData("SET k \"\\\"quoted\\\" \\\\ \\q\"\r\n", "\"quoted\" \\ q")]
    [InlineData("SET k \"single ' inside\"\r\n", "single ' inside")]
    [InlineData("SET k 'it\\'s'\r\n", "it's")]
    [InlineData("SET k 'no \\n escapes \\x41'\r\n", "no \\n escapes \\x41")]
    [InlineData("SET k 'double \" inside'\r\n", "double \" inside")]
    [InlineData("SET k \"\"\r\n", "")]
    [InlineData("SET k ''\r\n", "")]
    [InlineData("SET k a\"b c\"\r\n", "ab c")]
    [InlineData("SET k a\x0Bb\r\n", "a\x0Bb")]
    [InlineData("SET k \xC3\xA9t\xE9\r\n", "\xC3\xA9t\xE9")]
    public void Inline_quotes_and_escapes_follow_sdssplitargs(string wire, string value) =>
        AssertCommands(wire, ["SET", "k", value]);

    [Fact]
    public void A_closing_quote_may_be_followed_by_any_C_whitespace() =>
        AssertCommands("ECHO \"a\"\x0B'b'\x0C\"c\"\r\n", ["ECHO", "a", "b", "c"]);

    [Theory]
    [InlineData("SET k \"abc\r\n")]
    [InlineData("SET k 'abc\r\n")]
    [InlineData("SET k \"a\"b\r\n")]
    [InlineData("SET k 'a'b\r\n")]
    [InlineData("SET k \"abc\\\r\n")]
    [InlineData("set \"\"\"test-key\"\"\" test-value\r\nping\r\n")]
    public void Unbalanced_inline_quotes_are_a_protocol_error(string wire) =>
        AssertError(wire, "Protocol error: unbalanced quotes in request");

    [Fact]
    public void Commands_before_an_unbalanced_inline_line_are_still_read() =>
        AssertError("PING\r\nECHO \"x\r\nPING\r\n", "Protocol error: unbalanced quotes in request", ["PING"]);

    [Fact]
    public void An_incomplete_inline_line_waits_for_its_LF() =>
        AssertWaits("PING\r\nGET ke", 6, ["PING"]);
}
