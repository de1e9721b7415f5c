using System.Buffers;
using System.Text;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

public sealed partial class RespReaderTests
{
    [Fact]
    public void Parsing_a_pipeline_of_1000_GET_and_SET_commands_allocates_nothing_after_warm_up()
    {
        var multibulk = new StringBuilder();
        var inline = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            multibulk.Append(Wire.Multibulk("GET", "key:" + i)).Append(Wire.Multibulk("SET", "key:" + i, "value:" + i));
            inline.Append("GET key:").Append(i).Append("\r\nSET key:").Append(i).Append(" \"value ").Append(i).Append("\"\r\n");
        }

        var wire = Wire.Bytes(multibulk.ToString());
        ReadOnlySequence<byte>[] inputs =
        [
            new(wire), // the zero-copy path
            Sequences.Chunked(wire, 4096), // requests straddling segments are copied into the pooled buffer
            Sequences.Chunked(wire, 7),
            Sequences.Chunked(Wire.Bytes(inline.ToString()), 4096),
        ];
        var reader = new RespReader();
        var command = new CommandBuffer();

        var counts = new int[inputs.Length];
        var allocated = new long[inputs.Length];
        for (var round = 0; round < 120; round++)
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                // The first 20 rounds warm up (pool, arena, ranges, tiered JIT); the last 100 are measured.
                var before = GC.GetAllocatedBytesForCurrentThread();
                var input = inputs[i];
                var count = 0;
                while (reader.TryRead(ref input, command, out _))
                {
                    count += command.Count > 1 ? 1 : 0;
                }

                var after = GC.GetAllocatedBytesForCurrentThread();
                counts[i] = count;
                allocated[i] += round < 20 ? 0 : after - before;
            }
        }

        Assert.All(counts, count => Assert.Equal(1000, count));
        Assert.Equal(new long[inputs.Length], allocated);
    }
}
