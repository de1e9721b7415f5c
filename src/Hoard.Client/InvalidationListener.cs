using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Hoard.Client;

/// <summary>
/// One connection to one node that hears of changes to the cache's keys there: RESP3, <c>CLIENT TRACKING ON BCAST
/// PREFIX prefix</c>, then <c>invalidate</c> pushes until it closes; it reconnects until disposed. While it is not
/// listening, the near cache cannot know what changed on that node.
/// </summary>
internal sealed partial class InvalidationListener : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(3);

    private readonly EndPoint _endpoint;
    private readonly string? _password;
    private readonly string[] _prefixes;
    private readonly Action<string?> _changed;
    private readonly Action<bool> _listeningChanged;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private volatile bool _listening;
    private long _lastRead;
    private bool _reported;

    /// <param name="endpoint">The node.</param>
    /// <param name="password">AUTH's password, if the node wants one.</param>
    /// <param name="prefixes">The keys to hear of: those starting with one of these (which must not overlap).</param>
    /// <param name="changed">Told of each key that changed, null for "every key" (a flush).</param>
    /// <param name="listeningChanged">Told whenever <see cref="IsListening"/> changes, with its new value.</param>
    /// <param name="logger">Where a lost connection is told.</param>
    public InvalidationListener(EndPoint endpoint, string? password, string[] prefixes, Action<string?> changed, Action<bool> listeningChanged, ILogger logger)
    {
        _endpoint = endpoint;
        _password = password;
        _prefixes = prefixes;
        _changed = changed;
        _listeningChanged = listeningChanged;
        _logger = logger;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Whether changes on the node are heard now.</summary>
    public bool IsListening => _listening;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or OperationCanceledException)
            {
                if (!token.IsCancellationRequested && !_reported)
                {
                    _reported = true; // once an outage, not at every retry
                    LogLost(_logger, _endpoint, e.Message);
                }
            }

            SetListening(false);
            try
            {
                await Task.Delay(RetryDelay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken token)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_endpoint, token).ConfigureAwait(false);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        var resp = new RespStream(network);
        if (_password is null)
        {
            await resp.SendAsync(token, "HELLO", "3").ConfigureAwait(false);
        }
        else
        {
            await resp.SendAsync(token, "HELLO", "3", "AUTH", "default", _password).ConfigureAwait(false);
        }

        Expect(await resp.ReadAsync(token).ConfigureAwait(false), "HELLO 3");
        await resp.SendAsync(token, "CLIENT", "SETNAME", "hoard-client-invalidations").ConfigureAwait(false);
        Expect(await resp.ReadAsync(token).ConfigureAwait(false), "CLIENT SETNAME");
        await resp.SendAsync(token, ["CLIENT", "TRACKING", "ON", "BCAST", .. _prefixes.SelectMany(p => new[] { "PREFIX", p })]).ConfigureAwait(false);
        Expect(await resp.ReadAsync(token).ConfigureAwait(false), "CLIENT TRACKING");

        // Heard from now on; whatever changed before is unknown, so the near cache starts empty (SetListening clears it
        // when any listener was down). A node that stops answering is given up after Silence: a PING goes every Beat.
        SetListening(true);
        _reported = false;
        using var alive = CancellationTokenSource.CreateLinkedTokenSource(token);
        var heartbeat = BeatAsync(resp, alive);
        try
        {
            await ReadNoticesAsync(resp, alive.Token).ConfigureAwait(false);
        }
        finally
        {
            await alive.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task BeatAsync(RespStream resp, CancellationTokenSource alive)
    {
        try
        {
            while (!alive.IsCancellationRequested)
            {
                await Task.Delay(Beat, alive.Token).ConfigureAwait(false);
                if (Environment.TickCount64 - Interlocked.Read(ref _lastRead) > Silence.TotalMilliseconds)
                {
                    LogSilent(_logger, _endpoint);
                    await alive.CancelAsync().ConfigureAwait(false); // the read ends, and the connection is made again
                    return;
                }

                await resp.SendAsync(alive.Token, "PING").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // The connection ends; the read loop reports why.
        }
    }

    private async Task ReadNoticesAsync(RespStream resp, CancellationToken token)
    {
        Interlocked.Exchange(ref _lastRead, Environment.TickCount64);
        while (true)
        {
            var frame = await resp.ReadAsync(token).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastRead, Environment.TickCount64);
            if (frame is RespPush { Items: ["invalidate", var keys] })
            {
                if (keys is object?[] changed)
                {
                    foreach (var key in changed)
                    {
                        _changed((string)key!);
                    }
                }
                else
                {
                    _changed(null);
                }
            }
        }
    }

    private static void Expect(object? reply, string command)
    {
        if (reply is RespError error)
        {
            throw new InvalidDataException($"{command}: {error.Message}");
        }
    }

    private void SetListening(bool listening)
    {
        if (_listening != listening)
        {
            _listening = listening;
            _listeningChanged(listening);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard near cache: {EndPoint} answered nothing for 3 s; its notice connection is made again")]
    private static partial void LogSilent(ILogger logger, EndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard near cache: the notice connection to {EndPoint} was lost ({Reason}); the near cache is off until it is back")]
    private static partial void LogLost(ILogger logger, EndPoint endPoint, string reason);
}
