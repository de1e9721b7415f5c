using System.Buffers;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests.Connections;

public class ReceiveBufferTests
{
    [Fact]
    public void UnconsumedBytesSurviveCompactionAndGrowth()
    {
        using var buffer = new ReceiveBuffer();
        var written = 0;
        var consumed = 0;
        for (var round = 0; round < 50; round++)
        {
            // Fill what is free with a running byte pattern, then consume all but a tail.
            var free = buffer.FreeSpace().Span;
            var n = Math.Min(free.Length, 7000);
            for (var i = 0; i < n; i++)
            {
                free[i] = (byte)(written + i);
            }

            buffer.Received(n);
            written += n;
            var data = buffer.Data;
            Assert.Equal(written - consumed, data.Length);
            var bytes = data.ToArray();
            for (var i = 0; i < bytes.Length; i++)
            {
                Assert.Equal((byte)(consumed + i), bytes[i]);
            }

            var keep = round % 3 == 0 ? (int)data.Length : 100;
            var advance = (int)data.Length - Math.Min(keep, (int)data.Length);
            buffer.ConsumeTo(data.GetPosition(advance));
            consumed += advance;
        }
    }

    [Fact]
    public void ABufferGrownForOneLargeRequestShrinksOnceItIsConsumed()
    {
        using var buffer = new ReceiveBuffer();
        while (buffer.Capacity < 4 * 1024 * 1024)
        {
            buffer.Received(buffer.FreeSpace().Length);
        }

        var data = buffer.Data;
        buffer.ConsumeTo(data.End);
        Assert.True(buffer.Capacity <= 1024 * 1024, $"capacity {buffer.Capacity} after consuming everything");
        Assert.Equal(0, buffer.Data.Length);
    }
}
