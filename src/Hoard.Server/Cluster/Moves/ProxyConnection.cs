using System.Buffers;
using System.Net.Sockets;
using Hoard.Protocol;
using Hoard.Server.Replication;

namespace Hoard.Server.Cluster.Moves;

/// <summary>A connection to another node that runs commands for clients of this one (<see cref="SlotProxy"/>), one at a time.</summary>
internal sealed class ProxyConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReaderBuffer _input;
    private readonly ArrayBufferWriter<byte> _output = new(256);

    private ProxyConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = new StreamReaderBuffer(_stream);
    }

    /// <summary>Connects, authenticates with the cluster's password and speaks <paramref name="protocol"/> (the clients' own).</summary>
    public static async Task<ProxyConnection> OpenAsync(string host, int port, string? password, RespVersion protocol, CancellationToken token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new ProxyConnection(socket);
        try
        {
            if (password is not null)
            {
                Expect(await connection.CallAsync(["AUTH"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(password)], token).ConfigureAwait(false));
            }

            if (protocol == RespVersion.Resp3)
            {
                Expect(await connection.CallAsync(["HELLO"u8.ToArray(), "3"u8.ToArray()], token).ConfigureAwait(false));
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Sends the command and returns its whole reply, as RESP.</summary>
    public async Task<byte[]> CallAsync(IReadOnlyList<byte[]> args, CancellationToken token)
    {
        _output.ResetWrittenCount();
        var writer = new RespWriter(_output);
        writer.WriteArrayHeader(args.Count);
        foreach (var arg in args)
        {
            writer.WriteBulkString(arg);
        }

        writer.Commit();
        await _stream.WriteAsync(_output.WrittenMemory, token).ConfigureAwait(false);
        int length;
        while ((length = RespFrame.Measure(_input.Buffered.Span)) < 0)
        {
            await _input.FillAsync(token).ConfigureAwait(false);
        }

        var reply = _input.Buffered[..length].ToArray();
        _input.Consume(length);
        return reply;
    }

    private static void Expect(byte[] reply)
    {
        if (reply[0] == (byte)'-')
        {
            throw new IOException("the node refused the connection: " + System.Text.Encoding.UTF8.GetString(reply).TrimEnd());
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
