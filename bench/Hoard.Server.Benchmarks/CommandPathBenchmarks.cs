using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Benchmarks;

/// <summary>
/// What a connection does per receive, in process and without a socket: frame the pipelined commands with the
/// RESP reader, run each through the server's dispatcher (command table, handler, storage engine), write the
/// replies into a reused buffer. Shows the steady-state allocations of GET and SET (target: 0 bytes).
/// </summary>
[MemoryDiagnoser]
public class CommandPathBenchmarks
{
    private const int Commands = 1000;
    private HoardServer _server = null!;
    private ClientSession _session = null!;
    private RespReader _reader = null!;
    private CommandBuffer _command = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private byte[] _gets = null!;
    private byte[] _sets = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = new HoardServer(new ServerOptions { Port = 0 });
        _session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);
        _reader = new RespReader(_server.ReaderOptions);
        _command = new CommandBuffer();
        _output = new ArrayBufferWriter<byte>(64 * 1024);
        var gets = new StringBuilder();
        var sets = new StringBuilder();
        for (var i = 0; i < Commands; i++)
        {
            var key = $"key:{i:D8}";
            gets.Append($"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n");
            sets.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$32\r\n{new string('v', 32)}\r\n");
        }

        _gets = Encoding.ASCII.GetBytes(gets.ToString());
        _sets = Encoding.ASCII.GetBytes(sets.ToString());
        Run(_sets);
        var replies = Encoding.ASCII.GetString(_output.WrittenSpan);
        if (replies != string.Concat(Enumerable.Repeat("+OK\r\n", Commands)))
        {
            throw new InvalidOperationException("SET replies are wrong");
        }

        Run(_gets);
        if (!Encoding.ASCII.GetString(_output.WrittenSpan).StartsWith("$32\r\n" + new string('v', 32), StringComparison.Ordinal))
        {
            throw new InvalidOperationException("GET replies are wrong");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Commands)]
    public void Get() => Run(_gets);

    [Benchmark(OperationsPerInvoke = Commands)]
    public void Set() => Run(_sets);

    private void Run(byte[] pipelined)
    {
        _output.ResetWrittenCount();
        var buffer = new ReadOnlySequence<byte>(pipelined);
        var writer = new RespWriter(_output, _session.Protocol);
        while (_reader.TryRead(ref buffer, _command, out var error))
        {
            _server.Dispatcher.Execute(_session, _command, ref writer);
        }

        writer.Commit();
        if (!buffer.IsEmpty)
        {
            throw new InvalidOperationException("a command was left unparsed");
        }
    }
}
