using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>The header numbers follow Redis's string2ll (util.c) exactly.</summary>
public sealed class RespIntegerTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L)]
    [InlineData("-1", -1L)]
    [InlineData("10", 10L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void A_canonical_decimal_is_parsed(string text, long expected)
    {
        Assert.True(RespInteger.TryParse(Wire.Bytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("00")]
    [InlineData("-0")]
    [InlineData("-01")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1a")]
    [InlineData("a")]
    [InlineData("1.0")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("18446744073709551616")]
    [InlineData("99999999999999999999")]
    [InlineData("123456789012345678901")]
    [InlineData("-00000000000000000001")]
    public void Anything_string2ll_refuses_is_refused(string text) =>
        Assert.False(RespInteger.TryParse(Wire.Bytes(text), out _));
}
