using System.Buffers;
using System.Net;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests;

/// <summary>
/// SADD of members already present and SISMEMBER, through the whole command path (framing, dispatcher, handler, engine,
/// reply), allocate nothing in the steady state, for every encoding (as <see cref="CommandPathAllocationTests"/> does
/// for GET and SET).
/// </summary>
public class SetCommandPathAllocationTests
{
    [Theory]
    [InlineData("SADD", "7")]
    [InlineData("SADD", "member")]
    [InlineData("SADD", "large")]
    [InlineData("SISMEMBER", "7")]
    [InlineData("SISMEMBER", "member")]
    [InlineData("SISMEMBER", "large")]
    public async Task SteadySetCommandsAllocateNothing(string name, string kind)
    {
        // No slow log: on a loaded machine a preempted command takes over 10 ms and its entry would count here.
        await using var server = new HoardServer(new ServerOptions { Port = 0, SlowlogLogSlowerThan = -1 });
        var session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);
        var reader = new RespReader(server.ReaderOptions);
        var command = new CommandBuffer();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var text = new StringBuilder();
        var setup = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var key = kind == "large" ? $"set:{i % 5:D4}" : $"set:{i % 100:D4}";
            var member = kind switch
            {
                "7" => (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture), // intset
                "member" => $"m{i % 7}", // listpack
                _ => $"m{i}", // hashtable: 200 members a key
            };
            text.Append($"*3\r\n${name.Length}\r\n{name}\r\n${key.Length}\r\n{key}\r\n${member.Length}\r\n{member}\r\n");
            setup.Append($"*3\r\n$4\r\nSADD\r\n${key.Length}\r\n{key}\r\n${member.Length}\r\n{member}\r\n");
        }

        var pipelined = Encoding.ASCII.GetBytes(text.ToString());
        void Run(byte[]? commands = null)
        {
            output.ResetWrittenCount();
            var buffer = new ReadOnlySequence<byte>(commands ?? pipelined);
            var writer = new RespWriter(output, session.Protocol);
            while (reader.TryRead(ref buffer, command, out _))
            {
                server.Dispatcher.Execute(session, command, ref writer);
            }

            writer.Commit();
        }

        Run(Encoding.ASCII.GetBytes(setup.ToString()));
        for (var i = 0; i < 200; i++)
        {
            Run(); // warm: the members exist, the code is compiled, the buffers are grown
        }

        Assert.Contains(kind switch { "7" => "intset", "member" => "listpack", _ => "hashtable" },
            server.Keyspace[0].EncodingOf("set:0000"u8));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes over 100,000 {name} commands");
    }
}
