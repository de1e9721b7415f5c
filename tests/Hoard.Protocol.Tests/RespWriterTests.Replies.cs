using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

public sealed partial class RespWriterTests
{
    [Fact]
    public void A_simple_string_is_a_plus_line() =>
        AssertBoth("+PONG\r\n", (ref RespWriter w) => w.WriteSimpleString("PONG"u8));

    [Fact]
    public void A_simple_string_cannot_break_its_line()
    {
        AssertBoth("+a b  c\r\n", (ref RespWriter w) => w.WriteSimpleString("a\rb\r\nc"u8));
        AssertBoth("+h\xC3\xA9 llo\r\n", (ref RespWriter w) => w.WriteSimpleString("hé\nllo"));
    }

    [Fact]
    public void Ok_is_the_cached_simple_string() =>
        AssertBoth("+OK\r\n", (ref RespWriter w) => w.WriteOk());

    [Fact]
    public void An_error_is_a_minus_line_with_its_code_given_by_the_caller()
    {
        AssertBoth("-ERR unknown command 'foo'\r\n", (ref RespWriter w) => w.WriteError("ERR unknown command 'foo'"u8));
        AssertBoth("-WRONGTYPE Operation\r\n", (ref RespWriter w) => w.WriteError("WRONGTYPE Operation"));
        AssertBoth("-ERR a b \r\n", (ref RespWriter w) => w.WriteError("ERR a\nb\r"));
    }

    [Fact]
    public void A_long_error_is_masked_across_output_spans()
    {
        var text = string.Concat(Enumerable.Repeat("ERR x\r\ny", 1000));
        AssertBoth("-" + text.Replace('\r', ' ').Replace('\n', ' ') + "\r\n", (ref RespWriter w) => w.WriteError(text));
    }

    [Theory]
    [InlineData(ProtocolErrorKind.InvalidBulkLength, "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData(ProtocolErrorKind.UnbalancedQuotes, "-ERR Protocol error: unbalanced quotes in request\r\n")]
    [InlineData(ProtocolErrorKind.QueryBufferLimitExceeded, "")]
    [InlineData(ProtocolErrorKind.None, "")]
    public void A_protocol_error_is_written_with_the_ERR_code(ProtocolErrorKind kind, string expected) =>
        AssertBoth(expected, (ref RespWriter w) => w.WriteError(ProtocolError.Of(kind)));

    [Fact]
    public void An_unexpected_byte_error_is_written_as_Redis_does() =>
        AssertBoth("-ERR Protocol error: expected '$', got ' '\r\n", (ref RespWriter w) => w.WriteError(ProtocolError.ExpectedDollar((byte)'\r')));

    [Theory]
    [InlineData(0L, ":0\r\n")]
    [InlineData(1L, ":1\r\n")]
    [InlineData(7L, ":7\r\n")]
    [InlineData(10L, ":10\r\n")]
    [InlineData(-1L, ":-1\r\n")]
    [InlineData(1234567890123L, ":1234567890123\r\n")]
    [InlineData(long.MaxValue, ":9223372036854775807\r\n")]
    [InlineData(long.MinValue, ":-9223372036854775808\r\n")]
    public void An_integer_is_a_colon_line(long value, string expected) =>
        AssertBoth(expected, (ref RespWriter w) => w.WriteInteger(value));

    [Fact]
    public void A_bulk_string_is_length_prefixed_and_binary_safe()
    {
        AssertBoth("$5\r\nhello\r\n", (ref RespWriter w) => w.WriteBulkString("hello"u8));
        AssertBoth("$0\r\n\r\n", (ref RespWriter w) => w.WriteBulkString(""u8));
        AssertBoth("$4\r\n\r\n\0\xFF\r\n", (ref RespWriter w) => w.WriteBulkString(Wire.Bytes("\r\n\0\xFF")));
        AssertBoth("$3\r\n\xC3\xA9!\r\n", (ref RespWriter w) => w.WriteBulkString("é!"));
    }

    [Fact]
    public void A_long_string_is_encoded_as_UTF8_in_full()
    {
        var text = string.Concat(Enumerable.Repeat("é", 5000));
        AssertBoth("$10000\r\n" + string.Concat(Enumerable.Repeat("\xC3\xA9", 5000)) + "\r\n", (ref RespWriter w) => w.WriteBulkString(text));
    }

    [Theory]
    [InlineData(0L, "$1\r\n0\r\n")]
    [InlineData(-42L, "$3\r\n-42\r\n")]
    [InlineData(long.MinValue, "$20\r\n-9223372036854775808\r\n")]
    public void An_integer_can_be_sent_as_a_bulk_string(long value, string expected) =>
        AssertBoth(expected, (ref RespWriter w) => w.WriteBulkString(value));

    [Fact]
    public void Null_is_a_null_bulk_string_in_RESP2_and_an_underscore_in_RESP3()
    {
        AssertWrites(V2, "$-1\r\n", (ref RespWriter w) => w.WriteNull());
        AssertWrites(V3, "_\r\n", (ref RespWriter w) => w.WriteNull());
    }

    [Fact]
    public void A_null_array_is_star_minus_one_in_RESP2_and_an_underscore_in_RESP3()
    {
        AssertWrites(V2, "*-1\r\n", (ref RespWriter w) => w.WriteNullArray());
        AssertWrites(V3, "_\r\n", (ref RespWriter w) => w.WriteNullArray());
    }

    [Fact]
    public void A_boolean_is_an_integer_in_RESP2_and_hash_t_or_f_in_RESP3()
    {
        AssertWrites(V2, ":1\r\n:0\r\n", (ref RespWriter w) =>
        {
            w.WriteBoolean(true);
            w.WriteBoolean(false);
        });
        AssertWrites(V3, "#t\r\n#f\r\n", (ref RespWriter w) =>
        {
            w.WriteBoolean(true);
            w.WriteBoolean(false);
        });
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.0, "-0")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void A_double_is_a_bulk_string_in_RESP2_and_a_comma_line_in_RESP3(double value, string text)
    {
        AssertWrites(V2, $"${text.Length}\r\n{text}\r\n", (ref RespWriter w) => w.WriteDouble(value));
        AssertWrites(V3, $",{text}\r\n", (ref RespWriter w) => w.WriteDouble(value));
    }

    [Fact]
    public void A_big_number_is_a_bulk_string_in_RESP2_and_a_parenthesis_line_in_RESP3()
    {
        const string digits = "3492890328409238509324850943850943825024385";
        AssertWrites(V2, $"$43\r\n{digits}\r\n", (ref RespWriter w) => w.WriteBigNumber(Wire.Bytes(digits)));
        AssertWrites(V3, $"({digits}\r\n", (ref RespWriter w) => w.WriteBigNumber(Wire.Bytes(digits)));
        AssertWrites(V3, "(-1\r\n", (ref RespWriter w) => w.WriteBigNumber("-1"u8));
    }

    [Fact]
    public void A_verbatim_string_is_a_bulk_string_in_RESP2_and_carries_its_format_in_RESP3()
    {
        AssertWrites(V2, "$11\r\nSome string\r\n", (ref RespWriter w) => w.WriteVerbatim("Some string"u8));
        AssertWrites(V3, "=15\r\ntxt:Some string\r\n", (ref RespWriter w) => w.WriteVerbatim("Some string"u8));
        AssertWrites(V3, "=6\r\nmkd:# \r\n", (ref RespWriter w) => w.WriteVerbatim("# "u8, "mkd"u8));
        AssertWrites(V3, "=5\r\nmd :x\r\n", (ref RespWriter w) => w.WriteVerbatim("x"u8, "md"u8));
        AssertWrites(V3, "=5\r\nmar:x\r\n", (ref RespWriter w) => w.WriteVerbatim("x"u8, "markdown"u8));
        AssertWrites(V3, "=4\r\ntxt:\r\n", (ref RespWriter w) => w.WriteVerbatim(""u8));
    }
}
