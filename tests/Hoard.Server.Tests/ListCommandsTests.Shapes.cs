using System.Buffers;
using System.Net;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Tests;

/// <summary>
/// The exact bytes of list replies in RESP2 and RESP3 (null bulk vs null array, as Redis 7 answers), and the
/// allocation budget of LPUSH, LPOP and LRANGE: commands run through the dispatcher, the reply bytes compared whole.
/// </summary>
public class ListReplyShapeTests
{
    private sealed class Harness : IAsyncDisposable
    {
        private readonly HoardServer _server = new(new ServerOptions { Port = 0 });
        private readonly RespReader _reader;
        private readonly CommandBuffer _command = new();
        private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);

        public Harness(RespVersion version)
        {
            _reader = new RespReader(_server.ReaderOptions);
            Session = new ClientSession(new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), authenticated: true)
            {
                Protocol = version,
            };
        }

        public ClientSession Session { get; }

        public string Run(params string[] args)
        {
            var text = new StringBuilder($"*{args.Length}\r\n");
            foreach (var arg in args)
            {
                text.Append($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
            }

            Execute(Encoding.UTF8.GetBytes(text.ToString()));
            return Encoding.UTF8.GetString(_output.WrittenSpan);
        }

        /// <summary>Runs pipelined commands; their replies stay in the output buffer (not decoded: no allocation).</summary>
        public void Execute(byte[] pipelined)
        {
            _output.ResetWrittenCount();
            var buffer = new ReadOnlySequence<byte>(pipelined);
            var writer = new RespWriter(_output, Session.Protocol);
            while (_reader.TryRead(ref buffer, _command, out _))
            {
                _server.Dispatcher.Execute(Session, _command, ref writer);
            }

            writer.Commit();
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }

    [Theory]
    [InlineData(RespVersion.Resp2, "$-1\r\n", "*-1\r\n")]
    [InlineData(RespVersion.Resp3, "_\r\n", "_\r\n")]
    public async Task MissingValuesHaveRedisNullShapes(RespVersion version, string nullBulk, string nullArray)
    {
        await using var h = new Harness(version);
        Assert.Equal(nullBulk, h.Run("LPOP", "nokey"));
        Assert.Equal(nullArray, h.Run("LPOP", "nokey", "1"));
        Assert.Equal(nullBulk, h.Run("RPOP", "nokey"));
        Assert.Equal(nullArray, h.Run("LMPOP", "1", "nokey", "LEFT"));
        Assert.Equal(nullBulk, h.Run("LINDEX", "nokey", "0"));
        Assert.Equal(nullBulk, h.Run("LMOVE", "nokey", "x", "LEFT", "LEFT"));
        Assert.Equal(nullBulk, h.Run("LPOS", "nokey", "a"));
        Assert.Equal("*0\r\n", h.Run("LPOS", "nokey", "a", "COUNT", "0"));
        Assert.Equal("*0\r\n", h.Run("LRANGE", "nokey", "0", "-1"));
        Assert.Equal(":0\r\n", h.Run("LINSERT", "nokey", "BEFORE", "a", "b"));
        Assert.Equal(":2\r\n", h.Run("RPUSH", "l", "a", "b"));
        Assert.Equal("*0\r\n", h.Run("LPOP", "l", "0"));
        Assert.Equal("*1\r\n$1\r\nb\r\n", h.Run("RPOP", "l", "1"));
        Assert.Equal("*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n", h.Run("LMPOP", "1", "l", "LEFT", "COUNT", "5"));
        Assert.Equal(":1\r\n", h.Run("RPUSH", "l", "x"));
        Assert.Equal("*2\r\n$1\r\nl\r\n$1\r\nx\r\n", h.Run("BLPOP", "l", "0"));
    }

    [Theory]
    [InlineData(RespVersion.Resp2, "*-1\r\n", "$-1\r\n")]
    [InlineData(RespVersion.Resp3, "_\r\n", "_\r\n")]
    public async Task BlockingCommandsInsideATransactionAnswerAtOnce(RespVersion version, string nullArray, string nullMove)
    {
        await using var h = new Harness(version);
        Assert.Equal("+OK\r\n", h.Run("MULTI"));
        Assert.Equal("+QUEUED\r\n", h.Run("BLPOP", "nokey", "0"));
        Assert.Equal("+QUEUED\r\n", h.Run("BLMPOP", "0", "1", "nokey", "LEFT"));
        Assert.Equal("+QUEUED\r\n", h.Run("BRPOPLPUSH", "nokey", "x", "0"));
        Assert.Equal("+QUEUED\r\n", h.Run("BLMOVE", "nokey", "x", "LEFT", "LEFT", "0"));
        Assert.Equal("*4\r\n" + nullArray + nullArray + nullMove + nullMove, h.Run("EXEC"));
        Assert.Null(h.Session.Deferred);
    }

    [Theory]
    [InlineData("LPUSH")]
    [InlineData("LPOP")]
    [InlineData("LRANGE")]
    public async Task SteadyListCommandsAllocateNothing(string name)
    {
        await using var h = new Harness(RespVersion.Resp2);
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var key = $"list:{i % 10:D4}";
            text.Append(name switch
            {
                "LPUSH" => $"*3\r\n$5\r\nLPUSH\r\n${key.Length}\r\n{key}\r\n$5\r\nvalue\r\n",
                "LPOP" => $"*3\r\n$5\r\nRPUSH\r\n${key.Length}\r\n{key}\r\n$5\r\nvalue\r\n*2\r\n$4\r\nLPOP\r\n${key.Length}\r\n{key}\r\n",
                _ => $"*4\r\n$6\r\nLRANGE\r\n${key.Length}\r\n{key}\r\n$1\r\n0\r\n$2\r\n10\r\n",
            });
        }

        var pipelined = Encoding.ASCII.GetBytes(text.ToString());
        if (name != "LPUSH")
        {
            for (var i = 0; i < 10; i++)
            {
                h.Run("RPUSH", $"list:{i:D4}", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
            }
        }

        for (var i = 0; i < 50; i++)
        {
            h.Execute(pipelined); // warm: the lists exist, the code is compiled, the buffers are grown
        }

        if (name == "LPUSH")
        {
            for (var i = 0; i < 10; i++)
            {
                h.Run("DEL", $"list:{i:D4}"); // start the measured run from lists whose chunks have room again
            }

            h.Execute(pipelined);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            h.Execute(pipelined);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // LPUSH grows its lists (new chunk arrays, about 8 KB per 1,000 pushes of a key): allow that, nothing per command.
        var budget = name == "LPUSH" ? 20 * 10 * 16 * 1024 : 1000;
        Assert.True(allocated < budget, $"{allocated} bytes over 20,000 {name} commands");
    }
}
