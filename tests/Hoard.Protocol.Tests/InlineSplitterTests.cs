using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>The inline splitter against Redis's sdssplitargs, called directly on a line in a command buffer.</summary>
public sealed class InlineSplitterTests
{
    private static string[]? Split(string line)
    {
        var bytes = Wire.Bytes(line);
        var command = new CommandBuffer();
        command.BeginOwned(inline: true);
        Assert.True(command.TryReserve(bytes.Length, out var start));
        bytes.CopyTo(command.ArenaSpan(start, bytes.Length));
        return InlineSplitter.Split(command, start, bytes.Length) ? Wire.Args(command) : null;
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData(" \t\x0B\x0C\r\n ", new string[0])]
    [InlineData("a", new[] { "a" })]
    [InlineData("  a  b  ", new[] { "a", "b" })]
    [InlineData("a\x0Bb", new[] { "a\x0Bb" })]
    [InlineData("a\rb\nc\td", new[] { "a", "b", "c", "d" })]
    [InlineData("\"\" ''", new[] { "", "" })]
    [InlineData("x\"y z\"", new[] { "xy z" })]
    [InlineData("x'y z'", new[] { "xy z" })]
    [InlineData("\"a\\x\"", new[] { "ax" })]
    [InlineData("\"\\x41\\x4A\\x4a\"", new[] { "AJJ" })]
    [InlineData("'a\\\\b'", new[] { "a\\\\b" })]
    [InlineData("'\\''", new[] { "'" })]
    public void Lines_split_like_sdssplitargs(string line, string[] expected) =>
        Assert.Equal(expected, Split(line));

    [Theory]
    [InlineData("\"")]
    [InlineData("'")]
    [InlineData("\"abc")]
    [InlineData("\"a\"b")]
    [InlineData("'a'\"b\"")]
    [InlineData("\"\\\"")]
    [InlineData("'\\'")]
    public void Unbalanced_quotes_fail(string line) => Assert.Null(Split(line));

    [Fact]
    public void A_NUL_ends_the_line_as_in_C() =>
        Assert.Equal(["a", "b"], Split("a b\0c d")!);

    [Fact]
    public void A_NUL_inside_quotes_leaves_them_unterminated() =>
        Assert.Null(Split("\"a\0\""));
}
