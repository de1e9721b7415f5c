using System.Buffers;
using System.Net;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests;

/// <summary>
/// ZADD (changing scores, so every command really writes) and ZSCORE of small values through the whole command path
/// allocate nothing per command in the steady state, as GET and SET do (<see cref="CommandPathAllocationTests"/>).
/// </summary>
public class SortedSetAllocationTests
{
    [Theory]
    [InlineData("ZADD")]
    [InlineData("ZSCORE")]
    public async Task SteadySortedSetCommandsAllocateNothing(string name)
    {
        // No slow log: on a loaded machine a preempted command takes over 10 ms and its entry would count here.
        await using var server = new HoardServer(new ServerOptions { Port = 0, SlowlogLogSlowerThan = -1 });
        var session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);
        var reader = new RespReader(server.ReaderOptions);
        var command = new CommandBuffer();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        byte[] Pipeline(string score)
        {
            var text = new StringBuilder();
            for (var i = 0; i < 1000; i++)
            {
                var key = $"zkey:{i % 50:D4}";
                var member = $"member:{i:D4}";
                text.Append(name == "ZSCORE"
                    ? $"*3\r\n$6\r\nZSCORE\r\n${key.Length}\r\n{key}\r\n${member.Length}\r\n{member}\r\n"
                    : $"*4\r\n$4\r\nZADD\r\n${key.Length}\r\n{key}\r\n${score.Length}\r\n{score}\r\n${member.Length}\r\n{member}\r\n");
            }

            return Encoding.ASCII.GetBytes(text.ToString());
        }

        var pipelines = new[] { Pipeline("1.5"), Pipeline("2.5") };
        void Run(byte[] pipelined)
        {
            output.ResetWrittenCount();
            var buffer = new ReadOnlySequence<byte>(pipelined);
            var writer = new RespWriter(output, session.Protocol);
            while (reader.TryRead(ref buffer, command, out _))
            {
                server.Dispatcher.Execute(session, command, ref writer);
            }

            writer.Commit();
        }

        var seed = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1000).Select(i =>
            $"*4\r\n$4\r\nZADD\r\n$9\r\nzkey:{i % 50:D4}\r\n$3\r\n0.5\r\n$11\r\nmember:{i:D4}\r\n")));
        Run(seed);
        for (var i = 0; i < 200; i++)
        {
            Run(pipelines[i % 2]); // warm: the keys exist, the code is compiled, the buffers are grown
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Run(pipelines[i % 2]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes over 1,000,000 {name} commands");
        Assert.StartsWith(name == "ZADD" ? ":0\r\n" : "$3\r\n0.5\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }
}
