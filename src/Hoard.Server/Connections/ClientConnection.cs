using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Hoard.Protocol;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Connections;

/// <summary>
/// One client: a socket read through System.IO.Pipelines. Every complete command in a receive runs before one
/// flush, so pipelining costs nothing extra; a slow reader makes the flush wait (the pipe's pause threshold),
/// which stops reading from that client — backpressure instead of unbounded buffering.
/// </summary>
internal sealed partial class ClientConnection : IAsyncDisposable
{
    private readonly HoardServer _server;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RespReader _reader;
    private readonly CommandBuffer _command = new();

    // One writer at a time: the read loop's replies and, for subscribers, pushed messages.
    private readonly SemaphoreSlim _outputLock = new(1, 1);
    private readonly ILogger _logger;

    public ClientConnection(HoardServer server, Socket socket, ILogger logger)
    {
        _server = server;
        _socket = socket;
        _logger = logger;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        _reader = new RespReader(server.ReaderOptions) { AuthRequired = server.Options.RequirePass is not null };
        Session = new ClientSession(socket.RemoteEndPoint, socket.LocalEndPoint, authenticated: server.Options.RequirePass is null);
    }

    public ClientSession Session { get; }

    /// <summary>Reads and runs commands until the client leaves, asks to (QUIT), errs, or the server stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(stopping).ConfigureAwait(false);
                var buffer = result.Buffer;
                bool close;
                await _outputLock.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    close = ProcessReceived(ref buffer);
                    _input.AdvanceTo(buffer.Start, buffer.End);
                    var flushed = await _output.FlushAsync(stopping).ConfigureAwait(false);
                    close |= flushed.IsCompleted;
                }
                finally
                {
                    _outputLock.Release();
                }

                if (close || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nothing to report.
        }
        catch (Exception e)
        {
            ServerLog.ClientFailed(_logger, e, Session.Id);
        }
    }

    /// <summary>Runs every complete command in <paramref name="buffer"/>; true when the connection must close.</summary>
    private bool ProcessReceived(ref ReadOnlySequence<byte> buffer)
    {
        var writer = new RespWriter(_output, Session.Protocol);
        try
        {
            while (!Session.CloseRequested)
            {
                if (!_reader.TryRead(ref buffer, _command, out var error))
                {
                    if (!error.IsError)
                    {
                        return false;
                    }

                    if (error.HasReply)
                    {
                        writer.WriteError(in error);
                    }

                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        ServerLog.ProtocolError(_logger, Session.Id, error.Message);
                    }
                    return true;
                }

                _server.Dispatcher.Execute(Session, _command, ref writer);
                _reader.AuthRequired = !Session.Authenticated;
            }

            return true;
        }
        finally
        {
            writer.Commit();
        }
    }

    /// <summary>Closes the socket; the read loop ends.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _command.Dispose();
        _outputLock.Dispose();
    }
}
