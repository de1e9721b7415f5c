using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Bench.ClusterBench;

/// <summary>An error reply, e.g. <c>MOVED 0 127.0.0.1:7001</c>.</summary>
internal sealed record RespError(string Message);

/// <summary>
/// A blocking RESP2 connection to one loopback port, for probes that must answer quickly: one command at a time,
/// every read and write bounded by the connection's timeout. Replies are plain objects: <see cref="string"/> (simple
/// and bulk strings), <see cref="RespError"/>, <see cref="long"/>, null, <see cref="object"/>[].
/// </summary>
internal sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespConnection(Socket socket, int port)
    {
        _socket = socket;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Connects, retrying while nothing listens yet, until <paramref name="bound"/> has passed.</summary>
    public static RespConnection Open(int port, TimeSpan bound, TimeSpan replyTimeout)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), connect.Token).AsTask().GetAwaiter().GetResult();
                socket.ReceiveTimeout = socket.SendTimeout = (int)replyTimeout.TotalMilliseconds;
                return new RespConnection(socket, port);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                Thread.Sleep(50);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Sends one command and reads its reply.</summary>
    public object? Call(params object[] args)
    {
        Send(args);
        return Read();
    }

    /// <summary>Sends several commands in one write (a pipeline); read their replies with <see cref="ReadReply"/>.</summary>
    public void SendAll(params object[][] commands)
    {
        var text = new StringBuilder();
        foreach (var command in commands)
        {
            Append(text, command);
        }

        Send(text);
    }

    /// <summary>The next reply.</summary>
    public object? ReadReply() => Read();

    private void Send(object[] args) => Send(Append(new StringBuilder(), args));

    private static StringBuilder Append(StringBuilder text, object[] args)
    {
        text.Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            var value = Convert.ToString(arg, CultureInfo.InvariantCulture)!;
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n");
        }

        return text;
    }

    private void Send(StringBuilder text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += _socket.Send(bytes.AsSpan(sent));
        }
    }

    private object? Read()
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
                return long.Parse(body, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                return length < 0 ? null : Encoding.UTF8.GetString(Take(length + 2), 0, length);
            case '*':
                var count = int.Parse(body, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = Read();
                }

                return items;
            default:
                throw new InvalidDataException($"unexpected reply line '{line}' from port {Port}");
        }
    }

    private string ReadLine()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline > _start)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - 1 - _start);
                _start = newline + 1;
                return line;
            }

            Fill();
        }
    }

    private byte[] Take(int count)
    {
        var bytes = new byte[count];
        for (var copied = 0; copied < count;)
        {
            if (_start == _end)
            {
                Fill();
            }

            var n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, bytes, copied, n);
            _start += n;
            copied += n;
        }

        return bytes;
    }

    private void Fill()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (n == 0)
        {
            throw new IOException($"port {Port} closed the connection");
        }

        _end += n;
    }

    public void Dispose() => _socket.Dispose();
}
