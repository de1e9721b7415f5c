using System.Buffers.Text;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Replication;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// The source's connection to the target of a slot move: HOARD.IMPORT commands, records sent a few frames ahead of
/// their replies (the target applies one while the next travels), each reply awaited within a bound.
/// </summary>
internal sealed class ImportChannel : IAsyncDisposable
{
    private const int Window = 4;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly BufferedStream _output;
    private readonly StreamReaderBuffer _input;
    private readonly byte[] _header = new byte[64];
    private int _pending;

    private ImportChannel(Socket socket)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _output = new BufferedStream(_network, 64 * 1024);
        _input = new StreamReaderBuffer(_network);
    }

    /// <summary>Connects to the target (and authenticates with the cluster's password).</summary>
    public static async Task<ImportChannel> OpenAsync(string host, int port, string? password, CancellationToken token)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(ReplyTimeout);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var channel = new ImportChannel(socket);
        if (password is not null)
        {
            await channel.CallAsync(token, "AUTH", password).ConfigureAwait(false);
        }

        return channel;
    }

    /// <summary>Sends a command and waits for its reply (and any replies still due before it).</summary>
    /// <exception cref="SlotMoveException">The target answered an error.</exception>
    public async Task CallAsync(CancellationToken token, params string[] args)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await _output.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), token).ConfigureAwait(false);
        await _output.FlushAsync(token).ConfigureAwait(false);
        _pending++;
        await DrainAsync(token).ConfigureAwait(false);
    }

    /// <summary>HOARD.IMPORT RECORDS with <paramref name="records"/>; waits only when <see cref="Window"/> replies are due.</summary>
    public async Task SendRecordsAsync(ReadOnlyMemory<byte> records, CancellationToken token)
    {
        const string prefix = "*3\r\n$12\r\nHOARD.IMPORT\r\n$7\r\nRECORDS\r\n$";
        var length = Encoding.ASCII.GetBytes(prefix, _header);
        Utf8Formatter.TryFormat(records.Length, _header.AsSpan(length), out var digits);
        length += digits;
        _header[length++] = (byte)'\r';
        _header[length++] = (byte)'\n';
        await _output.WriteAsync(_header.AsMemory(0, length), token).ConfigureAwait(false);
        await _output.WriteAsync(records, token).ConfigureAwait(false);
        await _output.WriteAsync("\r\n"u8.ToArray(), token).ConfigureAwait(false);
        await _output.FlushAsync(token).ConfigureAwait(false);
        if (++_pending >= Window)
        {
            await ReadReplyAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for every reply due: afterwards the target applied everything sent.</summary>
    public async Task DrainAsync(CancellationToken token)
    {
        while (_pending > 0)
        {
            await ReadReplyAsync(token).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _output.DisposeAsync().ConfigureAwait(false);
        await _network.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task ReadReplyAsync(CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(ReplyTimeout);
        string line;
        try
        {
            line = await _input.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new SlotMoveException($"IOERR the target did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }

        _pending--;
        if (line.StartsWith('-'))
        {
            throw new SlotMoveException(line[1..]);
        }
    }
}
