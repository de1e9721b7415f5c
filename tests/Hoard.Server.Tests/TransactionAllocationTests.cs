using System.Buffers;
using System.Net;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests;

/// <summary>
/// Transactions cost a plain command nothing: SETs allocate nothing while another client WATCHes a key (the registry
/// then listens to every write) and has a MULTI open. The slow log is off: a preempted command on a loaded machine
/// would otherwise be recorded, which allocates.
/// </summary>
public class TransactionAllocationTests
{
    private static void Feed(HoardServer server, ClientSession session, RespReader reader, CommandBuffer command, ArrayBufferWriter<byte> output, byte[] requests)
    {
        output.ResetWrittenCount();
        var buffer = new ReadOnlySequence<byte>(requests);
        var writer = new RespWriter(output, session.Protocol);
        while (reader.TryRead(ref buffer, command, out _))
        {
            server.Dispatcher.Execute(session, command, ref writer);
        }

        writer.Commit();
    }

    private static ClientSession NewSession() =>
        new(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);

    [Fact]
    public async Task SetsAllocateNothingWhileAnotherClientWatchesAndQueues()
    {
        await using var server = new HoardServer(new ServerOptions { Port = 0, SlowlogLogSlowerThan = -1 });
        var output = new ArrayBufferWriter<byte>(64 * 1024);

        var watcher = NewSession();
        Feed(server, watcher, new RespReader(server.ReaderOptions), new CommandBuffer(), output,
            Encoding.ASCII.GetBytes("*2\r\n$5\r\nWATCH\r\n$7\r\nwatched\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n"));
        Assert.Equal("+OK\r\n+OK\r\n+QUEUED\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
        Assert.Equal(1, server.Watches.Count);

        var session = NewSession();
        var reader = new RespReader(server.ReaderOptions);
        var command = new CommandBuffer();
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var key = $"key:{i:D8}";
            text.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$5\r\nvalue\r\n");
        }

        var pipelined = Encoding.ASCII.GetBytes(text.ToString());
        for (var i = 0; i < 200; i++)
        {
            Feed(server, session, reader, command, output, pipelined);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Feed(server, session, reader, command, output, pipelined);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes over 100,000 SET commands");
        Assert.True(watcher.InTransaction);
        Assert.False(watcher.Transaction!.Dirty);
    }
}
