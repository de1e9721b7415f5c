using System.Buffers;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>Exact bytes of every reply type, in RESP2 and RESP3. Split by concern across partial files.</summary>
public sealed partial class RespWriterTests
{
    private const RespVersion V2 = RespVersion.Resp2;
    private const RespVersion V3 = RespVersion.Resp3;

    private delegate void WriteAction(ref RespWriter writer);

    private static string Write(RespVersion version, WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output, version);
        write(ref writer);
        writer.Commit();
        return Wire.Text(output.WrittenSpan);
    }

    /// <summary>Asserts the same bytes in both versions, also through an output that offers only tiny spans.</summary>
    private static void AssertBoth(string expected, WriteAction write)
    {
        AssertWrites(V2, expected, write);
        AssertWrites(V3, expected, write);
    }

    private static void AssertWrites(RespVersion version, string expected, WriteAction write)
    {
        Assert.Equal(expected, Write(version, write));
        var tiny = new TinyBufferWriter(1);
        var writer = new RespWriter(tiny, version);
        write(ref writer);
        writer.Commit();
        Assert.Equal(expected, Wire.Text(tiny.Written));
    }

    [Fact]
    public void Nothing_reaches_the_output_before_Commit()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output);
        writer.WriteOk();
        writer.WriteInteger(42);

        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(10, writer.Uncommitted);

        writer.Commit();

        Assert.Equal("+OK\r\n:42\r\n", Wire.Text(output.WrittenSpan));
        Assert.Equal(0, writer.Uncommitted);
        writer.Commit();
        Assert.Equal(10, output.WrittenCount);
    }

    [Fact]
    public void The_version_may_change_between_replies()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output);
        Assert.Equal(V2, writer.Version);

        writer.WriteNull();
        writer.Version = V3;
        writer.WriteNull();
        writer.Commit();

        Assert.Equal("$-1\r\n_\r\n", Wire.Text(output.WrittenSpan));
    }

    [Fact]
    public void Only_RESP2_and_RESP3_are_accepted()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => new RespWriter(output, (RespVersion)1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new RespWriter(output);
            writer.Version = (RespVersion)4;
        });
        Assert.Throws<ArgumentNullException>(() => new RespWriter(null!));
    }

    [Fact]
    public void Raw_bytes_are_written_as_they_are() =>
        AssertBoth("*1\r\n$4\r\nPONG\r\n", (ref RespWriter w) => w.WriteRaw("*1\r\n$4\r\nPONG\r\n"u8));

    [Fact]
    public void A_large_bulk_string_crosses_many_output_spans_intact()
    {
        var value = new byte[1024 * 1024];
        new Random(3).NextBytes(value);
        var tiny = new TinyBufferWriter(4096);
        var writer = new RespWriter(tiny);

        writer.WriteBulkString(value);
        writer.Commit();

        byte[] expected = [.. "$1048576\r\n"u8, .. value, .. "\r\n"u8];
        Assert.Equal(expected, tiny.Written);
    }

    [Fact]
    public void Writing_replies_allocates_nothing_after_warm_up()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        long allocated = 0;
        for (var round = 0; round < 120; round++)
        {
            output.ResetWrittenCount();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var writer = new RespWriter(output, round % 2 == 0 ? V2 : V3);
            for (var i = 0; i < 100; i++)
            {
                writer.WriteArrayHeader(3);
                writer.WriteBulkString("value"u8);
                writer.WriteInteger(i);
                writer.WriteDouble(i / 3.0);
                writer.WriteMapHeader(1);
                writer.WriteSimpleString("OK");
                writer.WriteError("ERR no such key");
                writer.WriteNull();
                writer.WriteBoolean(true);
                writer.WriteBulkString(i * 1000L);
            }

            writer.Commit();
            allocated += round < 20 ? 0 : GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }
}
