using System.Text;
using CsCheck;
using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>Generated requests, encoded, cut into random segments and parsed back.</summary>
public sealed partial class RespReaderTests
{
    [Fact]
    public void Any_arguments_sent_as_multibulk_and_cut_anywhere_parse_back_unchanged() =>
        Gen.Select(Gen.Byte.Array[0, 40].Array[1, 6].Array[1, 5], Gen.Int[1, 20].Array[1, 30]).Sample(sample =>
        {
            var (requests, sizes) = sample;
            var wire = new List<byte>();
            foreach (var args in requests)
            {
                wire.AddRange(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
                foreach (var arg in args)
                {
                    wire.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
                    wire.AddRange(arg);
                    wire.AddRange("\r\n"u8.ToArray());
                }
            }

            var outcome = ReaderHarness.Drain(new RespReader(), new CommandBuffer(), Cut([.. wire], sizes));

            Assert.False(outcome.Error.IsError);
            Assert.Equal(0, outcome.Unconsumed);
            Assert.Equal(requests.Select(args => args.Select(a => Wire.Text(a)).ToArray()), outcome.Commands);
        });

    [Fact]
    public void Any_bytes_sent_inline_as_hex_escapes_in_double_quotes_parse_back_unchanged() =>
        Gen.Select(Gen.Byte.Array[0, 60].Array[1, 5], Gen.Int[1, 20].Array[1, 30]).Sample(sample =>
        {
            var (args, sizes) = sample;
            var line = new StringBuilder("ECHO");
            foreach (var arg in args)
            {
                line.Append(" \"");
                foreach (var b in arg)
                {
                    line.Append(b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
                }

                line.Append('"');
            }

            var outcome = ReaderHarness.Drain(new RespReader(), new CommandBuffer(), Cut(Wire.Bytes(line + "\r\n"), sizes));

            Assert.False(outcome.Error.IsError, outcome.Error.Message);
            Assert.Equal([["ECHO", .. args.Select(a => Wire.Text(a))]], outcome.Commands);
        });

    /// <summary>The bytes in segments of the given sizes, used in turn.</summary>
    private static System.Buffers.ReadOnlySequence<byte> Cut(byte[] wire, int[] sizes)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        for (int from = 0, i = 0; from < wire.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], wire.Length - from);
            segments.Add(wire.AsMemory(from, size));
            from += size;
        }

        return Sequences.Create([.. segments]);
    }
}
