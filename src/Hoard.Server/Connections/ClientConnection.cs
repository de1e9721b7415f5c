using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hoard.Protocol;
using Hoard.Server.Commands;
using Hoard.Server.PubSub;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Connections;

/// <summary>
/// One client: the socket is read into a <see cref="ReceiveBuffer"/> and every complete command of a receive runs
/// before one send, so pipelining costs nothing extra. A send the client does not take at once makes the loop wait
/// before reading more — backpressure instead of unbounded buffering. (Measured against Kestrel's connection
/// handler and against System.IO.Pipelines over a NetworkStream, this was the fastest: docs/benchmarks.md.)
/// </summary>
/// <remarks>
/// Pub/Sub messages published by other clients arrive through <see cref="Deliver"/>: they are queued (never blocking
/// the publisher) and a pump task writes them under the same output lock as replies, then sends. A client whose
/// queue outgrows the pubsub output buffer limit is disconnected, as Redis does.
/// </remarks>
internal sealed partial class ClientConnection : IAsyncDisposable, IPushTarget
{
    // Most bytes of messages the pump writes before it flushes (and so before it lets replies through again).
    private const int PumpBatchBytes = 64 * 1024;

    // Replies of one receive are sent once this many bytes are waiting, so a pipeline of large GETs does not
    // build an unbounded reply buffer; the rest of the receive runs after the send.
    private const int SendThreshold = 1024 * 1024;
    private const int InitialOutputSize = 16 * 1024;

    private readonly HoardServer _server;
    private readonly Socket _socket;
    private readonly ReceiveBuffer _input = new();
    private ArrayBufferWriter<byte> _output = new(InitialOutputSize);
    private readonly RespReader _reader;
    private readonly CommandBuffer _command = new();

    // One writer at a time: the read loop's replies and, for subscribers, pushed messages. Held across the send on
    // purpose: it keeps replies and messages in order, and only this connection's own writers ever wait for it.
    private readonly SemaphoreSlim _outputLock = new(1, 1);
    private readonly ILogger _logger;

    // Messages waiting for the pump, and their bytes (counted against the output buffer limit).
    private readonly Channel<PubSubMessage> _pushes =
        Channel.CreateUnbounded<PubSubMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private long _pendingBytes;
    private int _overflowed;
    private Task? _feed;

    public ClientConnection(HoardServer server, Socket socket, ILogger logger)
    {
        _server = server;
        _socket = socket;
        _logger = logger;
        _reader = new RespReader(server.ReaderOptions) { AuthRequired = server.Options.RequirePass is not null };
        Session = new ClientSession(socket.RemoteEndPoint, socket.LocalEndPoint, authenticated: server.Options.RequirePass is null)
        {
            FileDescriptor = socket.Handle.ToInt64(),
        };
        Session.PendingOutput = () => Interlocked.Read(ref _pendingBytes);
        Session.Subscriptions.Target = this;
    }

    /// <inheritdoc/>
    public bool HasPending => Interlocked.Read(ref _pendingBytes) > 0;

    public ClientSession Session { get; }

    /// <summary>Reads and runs commands until the client leaves, asks to (QUIT), errs, or the server stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closing.Token);
        var token = linked.Token;
        var pump = PumpAsync(token);
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(_input.FreeSpace(), SocketFlags.None, token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                _input.Received(received);
                bool close, more;
                do
                {
                    await _outputLock.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        // A deferred reply may defer again (a write held by a pause meets the next pause).
                        while (Session.Deferred is not null)
                        {
                            await WriteDeferredAsync(token).ConfigureAwait(false);
                        }

                        var buffer = _input.Data;
                        close = ProcessReceived(ref buffer, out more);
                        _input.ConsumeTo(buffer.Start);
                        await SendAsync(token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _outputLock.Release();
                    }
                }
                while (more && !close);

                if (Session.Feed is { } feed && _feed is null)
                {
                    _feed = FeedAsync(feed, token); // PSYNC: this connection now streams to a replica
                }

                Session.LastActiveAt = DateTimeOffset.UtcNow;
                if (close)
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
        finally
        {
            // No message may reach a closed connection: leave every channel and key queue, then stop the pump.
            _server.Blocking.Unblock(Session, error: null, left: true);
            _server.PubSub.UnsubscribeAll(Session.Subscriptions);
            Session.Subscriptions.Target = null;
            _pushes.Writer.TryComplete();
            await _closing.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            if (_feed is not null)
            {
                await _feed.ConfigureAwait(false);
                _server.Replication.Forget(Session.Id);
            }

            if (Session.SlotImport is { } import)
            {
                Session.SlotImport = null;
                _ = import.EndAsync(); // drops what a move that did not commit brought, in the background
            }
        }
    }

    /// <inheritdoc/>
    public void Deliver(PubSubMessage message, long limit)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _overflowed) != 0)
        {
            return;
        }

        var pending = Interlocked.Add(ref _pendingBytes, message.Size);
        if (limit > 0 && pending > limit)
        {
            if (Interlocked.Exchange(ref _overflowed, 1) == 0)
            {
                ServerLog.OutputLimitReached(_logger, Session.Id, pending);
                Session.CloseRequested = true;

                // Not on the publisher's thread: it holds the hub's lock, and closing runs continuations.
                ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Abort(), this, preferLocal: false);
            }

            return;
        }

        if (!_pushes.Writer.TryWrite(message))
        {
            Interlocked.Add(ref _pendingBytes, -message.Size);
        }
    }

    /// <summary>Writes queued messages under the output lock and flushes them, until the connection closes.</summary>
    private async Task PumpAsync(CancellationToken token)
    {
        var queue = _pushes.Reader;
        try
        {
            while (await queue.WaitToReadAsync(token).ConfigureAwait(false))
            {
                bool completed;
                await _outputLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    WriteQueued(queue);
                    await SendAsync(token).ConfigureAwait(false);
                    completed = false;
                }
                finally
                {
                    _outputLock.Release();
                }

                if (completed)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closing; queued messages are dropped with it.
        }
    }

    /// <summary>Writes up to <see cref="PumpBatchBytes"/> of queued messages in the session's protocol.</summary>
    private void WriteQueued(ChannelReader<PubSubMessage> queue)
    {
        var writer = new RespWriter(_output, Session.Protocol);
        var written = 0;
        while (written < PumpBatchBytes && queue.TryRead(out var message))
        {
            PubSubHub.WriteMessage(ref writer, message);
            written += message.Size;
            Interlocked.Add(ref _pendingBytes, -message.Size);
        }

        writer.Commit();
    }

    /// <summary>Runs every complete command in <paramref name="buffer"/>; true when the connection must close.</summary>
    private bool ProcessReceived(ref ReadOnlySequence<byte> buffer, out bool more)
    {
        more = false;
        var writer = new RespWriter(_output, Session.Protocol);
        try
        {
            while (!Session.CloseRequested)
            {
                if (_output.WrittenCount + writer.Uncommitted > SendThreshold)
                {
                    more = true; // send what is waiting first; the rest of the receive runs after
                    return false;
                }

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
                if (Session.Feed is not null && _feed is null)
                {
                    return false; // PSYNC: the feed starts after this batch's replies are sent
                }

                if (Session.Deferred is not null)
                {
                    more = true; // send what came before; the deferred reply and the rest follow in order
                    return false;
                }
            }

            return true;
        }
        finally
        {
            writer.Commit();
        }
    }

    /// <summary>Waits for the reply a command deferred, if any, and writes it. Called with the output lock held.</summary>
    private async Task WriteDeferredAsync(CancellationToken token)
    {
        var deferred = Session.Deferred!;
        DeferredReply reply;
        try
        {
            if (!deferred.IsCompleted && _server.Blocking.IsBlocked(Session))
            {
                await WatchWhileBlockedAsync(deferred, token).ConfigureAwait(false);
            }

            reply = await deferred.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reply = DeferredReplies.Error("ERR " + e.Message.ReplaceLineEndings(" "));
        }
        finally
        {
            Session.Deferred = null;
        }

        var writer = new RespWriter(_output, Session.Protocol);
        reply(ref writer);
        writer.Commit();
    }

    /// <summary>
    /// While the client is blocked (BLPOP …) the read loop waits for the reply, not for the socket: a peek at the socket
    /// notices a client that closed (or a server stopping) and takes it out of the key queues. A client that sends more
    /// while blocked is not watched further; what it sent waits in the socket until the reply.
    /// </summary>
    private async Task WatchWhileBlockedAsync(Task deferred, CancellationToken token)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(token);
        var probe = new byte[1];
        var peek = _socket.ReceiveAsync(probe, SocketFlags.Peek, watching.Token).AsTask();
        if (await Task.WhenAny(deferred, peek).ConfigureAwait(false) == peek)
        {
            bool gone;
            try
            {
                gone = await peek.ConfigureAwait(false) == 0;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                gone = true;
            }

            if (gone)
            {
                Session.CloseRequested = true;
                _server.Blocking.Unblock(Session, error: null, left: true);
            }

            return;
        }

        await watching.CancelAsync().ConfigureAwait(false);
        try
        {
            await peek.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peek was cancelled: the reply came first.
        }
    }

    /// <summary>
    /// Sends the waiting replies. Completes at once when the kernel takes them (the usual case, no allocation);
    /// otherwise the caller waits — and reads nothing more — until the client has read: backpressure.
    /// Called with the output lock held.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(CancellationToken token)
    {
        var pending = _output.WrittenMemory;
        while (!pending.IsEmpty)
        {
            var sent = await _socket.SendAsync(pending, SocketFlags.None, token).ConfigureAwait(false);
            pending = pending[sent..];
        }

        if (_output.Capacity > SendThreshold)
        {
            _output = new ArrayBufferWriter<byte>(InitialOutputSize); // give a one-off large reply's memory back
        }
        else
        {
            _output.ResetWrittenCount();
        }
    }

    /// <summary>Closes the socket; the read loop and the message pump end.</summary>
    public void Abort()
    {
        try
        {
            _ = _closing.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _input.Dispose();
        _command.Dispose();
        _outputLock.Dispose();
        _closing.Dispose();
        return ValueTask.CompletedTask;
    }
}
