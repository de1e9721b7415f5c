using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Server.Tests.Support;

/// <summary>
/// A minimal RESP client for tests: sends commands as multibulk (or raw bytes) and parses one reply into plain
/// objects: <see cref="string"/> for simple strings and bulk strings (UTF-8), <see cref="RespError"/> for errors,
/// <see cref="long"/> for integers, <see cref="double"/>, <see cref="bool"/>, null, <see cref="object"/>[] for
/// arrays/sets/pushes, <see cref="Dictionary{TKey,TValue}"/> (object → object) for RESP3 maps. Every read is
/// bounded by <see cref="Timeout"/>.
/// </summary>
public sealed class RespClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;

    /// <summary>Bulk strings come back as <see cref="byte"/>[] instead of text (binary values such as DUMP's).</summary>
    public bool BulkAsBytes { get; set; }

    private RespClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _input = new BufferedStream(_stream, 64 * 1024);
    }

    /// <summary>Longest wait for one reply.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Connects to a loopback port.</summary>
    public static async Task<RespClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true, ReceiveTimeout = (int)Timeout.TotalMilliseconds };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        return new RespClient(tcp);
    }

    /// <summary>
    /// Connects a socket the caller made (one made inside a network namespace, say) to <paramref name="endpoint"/>;
    /// the client owns the socket from here on, and disposes it if the connection fails.
    /// </summary>
    public static async Task<RespClient> ConnectAsync(Socket socket, EndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var tcp = new TcpClient { Client = socket, NoDelay = true, ReceiveTimeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await socket.ConnectAsync(endpoint).WaitAsync(Timeout);
            return new RespClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<object?> CallAsync(params object[] args)
    {
        await SendAsync(args);
        return await ReadAsync();
    }

    /// <summary>Sends a command without reading a reply (pipelining, subscriptions).</summary>
    public async Task SendAsync(params object[] args)
    {
        var buffer = new MemoryStream();
        Write(buffer, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            var bytes = arg as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(arg, System.Globalization.CultureInfo.InvariantCulture)!);
            Write(buffer, $"${bytes.Length}\r\n");
            buffer.Write(bytes);
            Write(buffer, "\r\n");
        }

        await SendRawAsync(buffer.ToArray());
    }

    /// <summary>Sends raw bytes (inline commands, malformed input).</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);
    }

    /// <summary>Reads one reply.</summary>
    /// <remarks>
    /// The parser reads the socket synchronously, so it runs on a thread of its own (LongRunning): on a thread-pool
    /// thread, a few clients waiting at once would starve the in-process node's continuations of threads (the pool
    /// adds one every ~0.5 s), and delay its replies by that much.
    /// </remarks>
    public Task<object?> ReadAsync() =>
        Task.Factory.StartNew(Parse, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(Timeout);

    /// <summary>True when the server closed the connection (reads 0 bytes within the timeout).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            var one = new byte[1];
            var n = await _input.ReadAsync(one).AsTask().WaitAsync(Timeout);
            return n == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private object? Parse()
    {
        var line = ReadLine();
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                return new RespError(body);
            case ':':
                return long.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
            case '$':
            case '=':
                var length = int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var data = new byte[length + 2];
                var read = 0;
                while (read < data.Length)
                {
                    var n = _input.Read(data, read, data.Length - read);
                    if (n == 0)
                    {
                        throw new IOException("connection closed in a bulk string");
                    }

                    read += n;
                }

                return BulkAsBytes ? data[..length] : Encoding.UTF8.GetString(data, 0, length);
            case '*':
            case '~':
            case '>':
                var count = int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = Parse();
                }

                return line[0] == '>' ? new RespPush(items) : items;
            case '%':
                var pairs = int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
                var map = new Dictionary<object, object?>();
                for (var i = 0; i < pairs; i++)
                {
                    map[Parse()!] = Parse();
                }

                return map;
            case '_':
                return null;
            case ',':
                return body switch
                {
                    "inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    "nan" => double.NaN,
                    _ => double.Parse(body, System.Globalization.CultureInfo.InvariantCulture),
                };
            case '#':
                return body == "t";
            default:
                throw new InvalidDataException($"unexpected reply line '{line}'");
        }
    }

    private string ReadLine()
    {
        var text = new StringBuilder();
        while (true)
        {
            var b = _input.ReadByte();
            if (b < 0)
            {
                throw new IOException("connection closed");
            }

            if (b == '\r')
            {
                _input.ReadByte();
                return text.ToString();
            }

            text.Append((char)b);
        }
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync();
        _tcp.Dispose();
    }
}

/// <summary>An error reply, e.g. <c>ERR syntax error</c>.</summary>
public sealed record RespError(string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>A RESP3 push frame.</summary>
public sealed record RespPush(object?[] Items);
