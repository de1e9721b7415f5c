namespace Hoard.Protocol.Tests;

public sealed partial class RespWriterTests
{
    [Theory]
    [InlineData(0, "*0\r\n")]
    [InlineData(3, "*3\r\n")]
    [InlineData(10, "*10\r\n")]
    [InlineData(int.MaxValue, "*2147483647\r\n")]
    public void An_array_header_is_a_star_line(int count, string expected) =>
        AssertBoth(expected, (ref RespWriter w) => w.WriteArrayHeader(count));

    [Fact]
    public void A_map_header_counts_pairs_in_RESP3_and_elements_in_RESP2()
    {
        AssertWrites(V2, "*4\r\n", (ref RespWriter w) => w.WriteMapHeader(2));
        AssertWrites(V3, "%2\r\n", (ref RespWriter w) => w.WriteMapHeader(2));
        AssertWrites(V2, "*4294967294\r\n", (ref RespWriter w) => w.WriteMapHeader(int.MaxValue));
        AssertWrites(V3, "%0\r\n", (ref RespWriter w) => w.WriteMapHeader(0));
    }

    [Fact]
    public void A_set_header_is_an_array_header_in_RESP2_and_a_tilde_line_in_RESP3()
    {
        AssertWrites(V2, "*3\r\n", (ref RespWriter w) => w.WriteSetHeader(3));
        AssertWrites(V3, "~3\r\n", (ref RespWriter w) => w.WriteSetHeader(3));
    }

    [Fact]
    public void A_push_header_is_an_array_header_in_RESP2_and_an_angle_line_in_RESP3()
    {
        AssertWrites(V2, "*3\r\n", (ref RespWriter w) => w.WritePushHeader(3));
        AssertWrites(V3, ">3\r\n", (ref RespWriter w) => w.WritePushHeader(3));
    }

    [Fact]
    public void A_nested_reply_is_written_in_order()
    {
        AssertWrites(V3, "%1\r\n$3\r\nkey\r\n~2\r\n:1\r\n,2.5\r\n", (ref RespWriter w) =>
        {
            w.WriteMapHeader(1);
            w.WriteBulkString("key"u8);
            w.WriteSetHeader(2);
            w.WriteInteger(1);
            w.WriteDouble(2.5);
        });
        AssertWrites(V2, "*2\r\n$3\r\nkey\r\n*2\r\n:1\r\n$3\r\n2.5\r\n", (ref RespWriter w) =>
        {
            w.WriteMapHeader(1);
            w.WriteBulkString("key"u8);
            w.WriteSetHeader(2);
            w.WriteInteger(1);
            w.WriteDouble(2.5);
        });
    }

    [Fact]
    public void A_negative_count_is_refused()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => new RespWriter(output).WriteArrayHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RespWriter(output).WriteMapHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RespWriter(output).WriteSetHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RespWriter(output).WritePushHeader(-1));
    }
}
