namespace Hoard.Protocol.Tests;

public sealed class ProtocolErrorTests
{
    [Fact]
    public void The_default_value_is_no_error()
    {
        var none = default(ProtocolError);

        Assert.False(none.IsError);
        Assert.False(none.HasReply);
        Assert.Equal(ProtocolErrorKind.None, none.Kind);
        Assert.Equal("", none.Message);
    }

    [Theory]
    [InlineData(ProtocolErrorKind.TooBigInlineRequest, "Protocol error: too big inline request")]
    [InlineData(ProtocolErrorKind.UnbalancedQuotes, "Protocol error: unbalanced quotes in request")]
    [InlineData(ProtocolErrorKind.TooBigMultibulkCountString, "Protocol error: too big mbulk count string")]
    [InlineData(ProtocolErrorKind.InvalidMultibulkLength, "Protocol error: invalid multibulk length")]
    [InlineData(ProtocolErrorKind.UnauthenticatedMultibulkLength, "Protocol error: unauthenticated multibulk length")]
    [InlineData(ProtocolErrorKind.TooBigBulkCountString, "Protocol error: too big bulk count string")]
    [InlineData(ProtocolErrorKind.InvalidBulkLength, "Protocol error: invalid bulk length")]
    [InlineData(ProtocolErrorKind.UnauthenticatedBulkLength, "Protocol error: unauthenticated bulk length")]
    public void Every_replied_error_has_the_Redis_text(ProtocolErrorKind kind, string message)
    {
        var error = ProtocolError.Of(kind);

        Assert.True(error.IsError);
        Assert.True(error.HasReply);
        Assert.Equal(message, error.Message);
        Assert.Equal(message, error.ToString());
    }

    [Theory]
    [InlineData((byte)'f', "Protocol error: expected '$', got 'f'")]
    [InlineData((byte)'\r', "Protocol error: expected '$', got ' '")]
    [InlineData((byte)'\n', "Protocol error: expected '$', got ' '")]
    [InlineData((byte)0xE9, "Protocol error: expected '$', got '\xE9'")]
    public void An_unexpected_byte_is_quoted_with_CR_and_LF_shown_as_spaces(byte got, string message)
    {
        var error = ProtocolError.ExpectedDollar(got);

        Assert.Equal(ProtocolErrorKind.ExpectedDollar, error.Kind);
        Assert.Equal(got, error.UnexpectedByte);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Exceeding_the_query_buffer_limit_closes_without_a_reply()
    {
        var error = ProtocolError.Of(ProtocolErrorKind.QueryBufferLimitExceeded);

        Assert.True(error.IsError);
        Assert.False(error.HasReply);
        Assert.Equal("Closing client that reached max query buffer length", error.Message);
    }

    [Fact]
    public void Errors_are_equal_when_kind_and_byte_are()
    {
        Assert.Equal(ProtocolError.ExpectedDollar((byte)'x'), ProtocolError.ExpectedDollar((byte)'x'));
        Assert.True(ProtocolError.ExpectedDollar((byte)'x') == ProtocolError.ExpectedDollar((byte)'x'));
        Assert.True(ProtocolError.ExpectedDollar((byte)'x') != ProtocolError.ExpectedDollar((byte)'y'));
        Assert.NotEqual(ProtocolError.Of(ProtocolErrorKind.InvalidBulkLength), ProtocolError.Of(ProtocolErrorKind.InvalidMultibulkLength));
        Assert.Equal(ProtocolError.ExpectedDollar(1).GetHashCode(), ProtocolError.ExpectedDollar(1).GetHashCode());
        Assert.False(ProtocolError.ExpectedDollar(1).Equals("not an error"));
        Assert.True(ProtocolError.ExpectedDollar(1).Equals((object)ProtocolError.ExpectedDollar(1)));
    }
}
