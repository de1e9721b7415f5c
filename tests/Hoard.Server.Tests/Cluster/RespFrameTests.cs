using System.Text;
using Hoard.Server.Cluster.Moves;

namespace Hoard.Server.Tests.Cluster;

/// <summary>A proxied command's reply is passed on whole: <see cref="RespFrame"/> finds where one RESP value ends.</summary>
public class RespFrameTests
{
    [Theory]
    [InlineData("+OK\r\n")]
    [InlineData("-MOVED 1 127.0.0.1:7000\r\n")]
    [InlineData(":42\r\n")]
    [InlineData("$5\r\nhello\r\n")]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("*2\r\n$1\r\na\r\n:1\r\n")]
    [InlineData("*2\r\n*1\r\n+x\r\n$0\r\n\r\n")]
    [InlineData("_\r\n")]
    [InlineData(",1.5\r\n")]
    [InlineData("#t\r\n")]
    [InlineData("(123456789012345678901234567890\r\n")]
    [InlineData("%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n:2\r\n")]
    [InlineData("~1\r\n+a\r\n")]
    [InlineData("=7\r\ntxt:abc\r\n")]
    [InlineData("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n")]
    public void A_whole_value_is_measured_and_any_shorter_prefix_is_incomplete(string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);

        Assert.Equal(bytes.Length, RespFrame.Measure([.. bytes, .. "+next\r\n"u8]));
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Equal(-1, RespFrame.Measure(bytes.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void Bytes_that_are_not_RESP_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => RespFrame.Measure("?x\r\n"u8));
        Assert.Throws<InvalidDataException>(() => RespFrame.Measure("$x\r\n"u8));
    }
}
