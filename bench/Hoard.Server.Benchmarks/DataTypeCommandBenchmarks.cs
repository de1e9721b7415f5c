using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Benchmarks;

/// <summary>
/// The list, set and sorted set commands redis-benchmark measures (LPUSH, LPOP, SADD, ZADD, LRANGE 0 99), through the
/// whole command path in process as <see cref="CommandPathBenchmarks"/> does, next to SET for scale. Each pipeline
/// keeps the data steady (a push per pop; members added that exist) so every invocation does the same work.
/// Shows their steady-state allocations (target: 0 bytes) and their cost per command.
/// </summary>
[MemoryDiagnoser]
public class DataTypeCommandBenchmarks
{
    private const int Commands = 1000;
    private HoardServer _server = null!;
    private ClientSession _session = null!;
    private RespReader _reader = null!;
    private CommandBuffer _command = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private byte[] _set = null!;
    private byte[] _pushPop = null!;
    private byte[] _sadd = null!;
    private byte[] _zadd = null!;
    private byte[] _lrange = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = new HoardServer(new ServerOptions { Port = 0, SlowlogLogSlowerThan = -1 });
        _session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true);
        _reader = new RespReader(_server.ReaderOptions);
        _command = new CommandBuffer();
        _output = new ArrayBufferWriter<byte>(1024 * 1024);
        var value = new string('v', 3);
        _set = Pipeline(i => ["SET", $"key:{i % 100:D8}", value]);
        _pushPop = Pipeline(i => i % 2 == 0 ? ["LPUSH", "mylist", value] : ["LPOP", "mylist"]);
        _sadd = Pipeline(i => ["SADD", "myset", $"element:{i % 100}"]);
        _zadd = Pipeline(i => ["ZADD", "myzset", $"{i % 7}", $"element:{i % 100}"]);
        _lrange = Pipeline(_ => ["LRANGE", "biglist", "0", "99"]);
        Run(Pipeline(i => ["RPUSH", "biglist", $"{value}{i}"]));
        Run(Pipeline(i => ["RPUSH", "mylist", $"{value}{i % 100}"]));
        Check("+OK\r\n", _set);
        Check($":{Commands + 1}\r\n", _pushPop); // the list never empties: a key created anew allocates its object
        Run(_sadd);
        Check(":0\r\n", _sadd);
        Run(_zadd);
        Check(":0\r\n", _zadd);
        Check("*100\r\n", _lrange);
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public void Set() => Run(_set);

    [Benchmark(OperationsPerInvoke = Commands)]
    public void LPushLPop() => Run(_pushPop);

    [Benchmark(OperationsPerInvoke = Commands)]
    public void SAdd() => Run(_sadd);

    [Benchmark(OperationsPerInvoke = Commands)]
    public void ZAdd() => Run(_zadd);

    [Benchmark(OperationsPerInvoke = Commands)]
    public void LRange100() => Run(_lrange);

    private static byte[] Pipeline(Func<int, string[]> command)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Commands; i++)
        {
            var args = command(i);
            text.Append($"*{args.Length}\r\n");
            foreach (var arg in args)
            {
                text.Append($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private void Check(string firstReply, byte[] pipelined)
    {
        Run(pipelined);
        if (!Encoding.ASCII.GetString(_output.WrittenSpan).StartsWith(firstReply, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unexpected replies: {Encoding.ASCII.GetString(_output.WrittenSpan[..Math.Min(40, _output.WrittenCount)])}");
        }
    }

    private void Run(byte[] pipelined)
    {
        _output.ResetWrittenCount();
        var buffer = new ReadOnlySequence<byte>(pipelined);
        var writer = new RespWriter(_output, _session.Protocol);
        while (_reader.TryRead(ref buffer, _command, out _))
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
