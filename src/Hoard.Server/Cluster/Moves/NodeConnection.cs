using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Replication;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// A connection to another node of the cluster: commands written whole (one send each), replies read whole as RESP.
/// A slot move's source sends the target its records on one (<see cref="ImportChannel"/>) and runs commands on slots it
/// just handed over on others (<see cref="SlotProxy"/>).
/// </summary>
internal sealed class NodeConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReaderBuffer _input;
    private readonly ArrayBufferWriter<byte> _output = new(256);

    private NodeConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = new StreamReaderBuffer(_stream);
    }

    /// <summary>Connects, authenticates with the cluster's password and speaks <paramref name="protocol"/>.</summary>
    /// <exception cref="IOException">The node refused AUTH or HELLO.</exception>
    public static async Task<NodeConnection> OpenAsync(string host, int port, string? password, RespVersion protocol, CancellationToken token)
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

        var connection = new NodeConnection(socket);
        try
        {
            if (password is not null)
            {
                Expect(await connection.CallAsync(["AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(password)], token).ConfigureAwait(false));
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
    public async Task<byte[]> CallAsync(IReadOnlyList<ReadOnlyMemory<byte>> args, CancellationToken token)
    {
        await SendAsync(args, token).ConfigureAwait(false);
        return await ReadReplyAsync(token).ConfigureAwait(false);
    }

    /// <summary>Sends the command without waiting for its reply (<see cref="ReadReplyAsync"/> reads replies in order).</summary>
    public async Task SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> args, CancellationToken token)
    {
        _output.ResetWrittenCount();
        var writer = new RespWriter(_output);
        writer.WriteArrayHeader(args.Count);
        foreach (var arg in args)
        {
            writer.WriteBulkString(arg.Span);
        }

        writer.Commit();
        await _stream.WriteAsync(_output.WrittenMemory, token).ConfigureAwait(false);
    }

    /// <summary>The next reply, whole, as RESP.</summary>
    public async Task<byte[]> ReadReplyAsync(CancellationToken token)
    {
        int length;
        while ((length = RespFrame.Measure(_input.Buffered.Span)) < 0)
        {
            await _input.FillAsync(token).ConfigureAwait(false);
        }

        var reply = _input.Buffered[..length].ToArray();
        _input.Consume(length);
        return reply;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    private static void Expect(byte[] reply)
    {
        if (reply[0] == (byte)'-')
        {
            throw new IOException("the node refused the connection: " + Encoding.UTF8.GetString(reply).TrimEnd());
        }
    }
}
