using System.Buffers;
using System.Net;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests;

/// <summary>
/// GET and SET through the whole command path (RESP framing, dispatcher, handler, engine, reply) allocate nothing in
/// the steady state: bytes counted on this thread over 100,000 commands (bench/server-allocations.sh measures the same
/// with BenchmarkDotNet; a closure the compiler made at the dispatcher's entry once cost 24 B a command).
/// </summary>
public class CommandPathAllocationTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("SET")]
    public async Task SteadyCommandsAllocateNothing(string name)
    {
        // No slow log: on a loaded machine a preempted command takes over 10 ms and its entry would count here.
        await using var server = new HoardServer(new ServerOptions { Port = 0, SlowlogLogSlowerThan = -1 });
        var session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);
        var reader = new RespReader(server.ReaderOptions);
        var command = new CommandBuffer();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var key = $"key:{i:D8}";
            text.Append(name == "GET" ? $"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n" : $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$5\r\nvalue\r\n");
        }

        var pipelined = Encoding.ASCII.GetBytes(text.ToString());
        void Run()
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

        for (var i = 0; i < 200; i++)
        {
            Run(); // warm: the keys exist, the code is compiled, the buffers are grown
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes over 100,000 {name} commands");
    }
}
