using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Hoard.Protocol;
using Hoard.Storage.Replication;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Replication;

/// <summary>
/// A replica's connection to its primary: PSYNC, then the snapshot (on a full sync) and the stream of records,
/// applied to the local keyspace in order, with REPLCONF ACK after every burst and at least every second (INFO's
/// <c>lag</c> on the primary counts from the last one, as with Redis). Reconnects (with a partial sync when the primary
/// still holds the offset) until disposed.
/// </summary>
public sealed class ReplicaLink : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AckPeriod = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _ackGate = new(1, 1); // the stream's reader and the idle timer both acknowledge
    private readonly ArrayBufferWriter<byte> _ack = new(64); // REPLCONF ACK is encoded here: no allocation per acknowledgement
    private long _lastAckTicks;
    private readonly HoardServer _server;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;
    private long _offset;
    private long _syncKeysTotal;
    private long _syncKeysLoaded;
    private long _syncBytesRead;

    internal ReplicaLink(HoardServer server, string host, int port, ILogger logger)
    {
        _server = server;
        Host = host;
        Port = port;
        _logger = logger;
    }

    /// <summary>The primary's address.</summary>
    public string Host { get; }

    /// <summary>The primary's client port.</summary>
    public int Port { get; }

    /// <summary>The primary's replication id once a sync began, else null (the next PSYNC asks for a full sync).</summary>
    public string? ReplicationId { get; private set; }

    /// <summary>The stream offset up to which this replica applied records.</summary>
    public long Offset => Interlocked.Read(ref _offset);

    /// <summary>Redis's link states: <c>connect</c>, <c>sync</c> (full sync under way), <c>connected</c>.</summary>
    public string State { get; private set; } = "connect";

    /// <summary>Whether the stream flows (INFO's <c>master_link_status:up</c>).</summary>
    public bool IsUp => State == "connected";

    /// <summary>During a full sync: the keys the primary's walk started with (its <c>#keys</c> line), else 0.</summary>
    public long SyncKeysTotal => Interlocked.Read(ref _syncKeysTotal);

    /// <summary>During a full sync: the snapshot's keys applied so far.</summary>
    public long SyncKeysLoaded => Interlocked.Read(ref _syncKeysLoaded);

    /// <summary>During a full sync: the bytes of snapshot and stream frames read so far.</summary>
    public long SyncBytesRead => Interlocked.Read(ref _syncBytesRead);

    /// <summary>When the last bytes came from the primary.</summary>
    public DateTime LastIo { get; private set; } = DateTime.UtcNow;

    internal void Start() => _run = Task.Run(() => RunAsync(_stopping.Token));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stopping.Dispose();
        _ackGate.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or FormatException)
            {
                ServerLog.ReplicaLinkLost(_logger, Host, Port, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            State = "connect";
            try
            {
                await Task.Delay(RetryDelay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SyncAsync(CancellationToken stopping)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(Host, Port, stopping).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamReaderBuffer(stream);
        if (_server.Options.RequirePass is { } password)
        {
            await SendAsync(stream, stopping, "AUTH", password).ConfigureAwait(false);
            Expect(await reader.ReadLineAsync(stopping).ConfigureAwait(false), "+OK");
        }

        var myPort = _server.EndPoints[0].Port.ToString(CultureInfo.InvariantCulture);
        await SendAsync(stream, stopping, "REPLCONF", "listening-port", myPort).ConfigureAwait(false);
        Expect(await reader.ReadLineAsync(stopping).ConfigureAwait(false), "+OK");
        await SendAsync(stream, stopping, "PSYNC", ReplicationId ?? "?", Offset.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var answer = await reader.ReadLineAsync(stopping).ConfigureAwait(false);
        var words = answer.Split(' ');
        if (words[0] == "+FULLRESYNC" && words.Length == 3
            && ReplicationId is not null && words[1] != ReplicationId && long.Parse(words[2], CultureInfo.InvariantCulture) < Offset)
        {
            // A primary that restarted empty (a new history, shorter than ours): copying it would wipe writes this
            // replica holds. Keep them; the consensus leader promotes this replica instead.
            throw new InvalidDataException($"the primary's new history ({words[2]}) is shorter than this replica's ({Offset}): not resyncing from it");
        }

        if (words[0] == "+FULLRESYNC" && words.Length == 3)
        {
            // Until the snapshot is complete this replica holds no history it could continue from.
            State = "sync";
            ReplicationId = null;
            _server.Keyspace.FlushAll();
            var streamed = await ApplySnapshotAsync(reader, stopping).ConfigureAwait(false);
            Interlocked.Exchange(ref _offset, long.Parse(words[2], CultureInfo.InvariantCulture) + streamed);
            ReplicationId = words[1];
        }
        else if (words[0] != "+CONTINUE")
        {
            throw new InvalidDataException($"PSYNC answered '{answer}'");
        }

        State = "connected";
        ServerLog.ReplicaLinkUp(_logger, Host, Port, Offset);
        await SendAckAsync(stream, stopping).ConfigureAwait(false);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var idleAcks = AckWhileIdleAsync(stream, connection.Token);
        try
        {
            await ApplyStreamAsync(reader, stream, stopping).ConfigureAwait(false);
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await idleAcks.ConfigureAwait(false);
        }
    }

    /// <summary>An ACK each second in which the stream brought nothing (and so no burst was acknowledged).</summary>
    private async Task AckWhileIdleAsync(NetworkStream stream, CancellationToken connection)
    {
        try
        {
            while (true)
            {
                await Task.Delay(AckPeriod, connection).ConfigureAwait(false);
                if (Environment.TickCount64 - Interlocked.Read(ref _lastAckTicks) >= (long)AckPeriod.TotalMilliseconds)
                {
                    await SendAckAsync(stream, connection).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection ended: the stream's reader reports why.
        }
    }

    /// <summary>
    /// Snapshot frames (<c>$n</c> bulks of whole records) with the stream since the snapshot's offset interleaved
    /// (<c>@n</c>, whole records too), until an empty snapshot frame; returns the bytes of stream applied.
    /// </summary>
    private async Task<long> ApplySnapshotAsync(StreamReaderBuffer reader, CancellationToken stopping)
    {
        long streamed = 0;
        Interlocked.Exchange(ref _syncKeysTotal, 0);
        Interlocked.Exchange(ref _syncKeysLoaded, 0);
        Interlocked.Exchange(ref _syncBytesRead, 0);
        while (true)
        {
            var header = await reader.ReadLineAsync(stopping).ConfigureAwait(false);
            if (header.Length < 2 || header[0] is not ('$' or '@' or '#'))
            {
                throw new InvalidDataException($"expected a snapshot or stream frame, got '{header}'");
            }

            if (!long.TryParse(header.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > int.MaxValue && header[0] != '#')
            {
                throw new InvalidDataException($"a sync frame's length is malformed: '{header}'");
            }

            if (header[0] == '#')
            {
                Interlocked.Exchange(ref _syncKeysTotal, number); // the keys the walk starts with: progress for INFO
                continue;
            }

            var length = (int)number;
            if (length == 0 && header[0] == '$')
            {
                await reader.ReadExactlyAsync(2, stopping).ConfigureAwait(false);
                return streamed;
            }

            var applied = await ApplyFrameAsync(reader, length, stopping).ConfigureAwait(false);
            await reader.ReadExactlyAsync(2, stopping).ConfigureAwait(false);
            Interlocked.Add(ref _syncBytesRead, length);
            if (header[0] == '@')
            {
                streamed += length;
            }
            else
            {
                Interlocked.Add(ref _syncKeysLoaded, applied);
            }

            LastIo = DateTime.UtcNow;
            await Task.Yield(); // see ApplyStreamAsync
        }
    }

    /// <summary>A frame's records, applied from the read buffer as they arrive (not copied into an array of their own); returns how many.</summary>
    private async Task<int> ApplyFrameAsync(StreamReaderBuffer reader, int length, CancellationToken stopping)
    {
        var remaining = length;
        var records = 0;
        while (true)
        {
            var buffered = reader.Buffered;
            records += ApplyRecords(buffered.Span[..Math.Min(buffered.Length, remaining)], out var used);
            reader.Consume(used);
            remaining -= used;
            if (remaining == 0)
            {
                return records;
            }

            if (buffered.Length >= remaining + used)
            {
                throw new InvalidDataException("a sync frame ends inside a record");
            }

            await reader.FillAsync(stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The stream: raw records, applied as they complete; an ACK after every burst.</summary>
    private async Task ApplyStreamAsync(StreamReaderBuffer reader, NetworkStream stream, CancellationToken stopping)
    {
        while (true)
        {
            var data = await reader.ReadAvailableAsync(stopping).ConfigureAwait(false);
            LastIo = DateTime.UtcNow;
            _ = ApplyRecords(data.Span, out var used);
            reader.Consume(used);
            Interlocked.Add(ref _offset, used);
            await SendAckAsync(stream, stopping).ConfigureAwait(false);

            // While the primary sends faster than this replica applies, every read completes at once and this loop
            // never gives its thread-pool thread back: on a one-core node (one pool thread) clients, INFO and the
            // cluster heartbeat waited for the whole full sync (3-6 s for 1 GiB). Queue the next round behind them.
            await Task.Yield();
        }
    }

    /// <summary>
    /// Applies the whole records at the start of <paramref name="data"/>; returns how many were upserts (in a
    /// snapshot, the keys: the other pieces of a large hash are fields-set records).
    /// </summary>
    private int ApplyRecords(ReadOnlySpan<byte> data, out int used)
    {
        used = 0;
        var upserts = 0;
        while (ReplicationRecord.TryGetLength(data[used..], out var length))
        {
            var record = data.Slice(used, length);
            _server.Keyspace.Apply(record);
            upserts += record[0] == (byte)RecordKind.Upsert ? 1 : 0;
            used += length;
        }

        return upserts;
    }

    private async Task SendAckAsync(NetworkStream stream, CancellationToken stopping)
    {
        await _ackGate.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            EncodeAck(Offset);
            await stream.WriteAsync(_ack.WrittenMemory, stopping).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastAckTicks, Environment.TickCount64);
        }
        finally
        {
            _ackGate.Release();
        }
    }

    /// <summary>Encodes <c>REPLCONF ACK offset</c> into the reused buffer.</summary>
    private void EncodeAck(long offset)
    {
        _ack.ResetWrittenCount();
        var writer = new RespWriter(_ack);
        writer.WriteArrayHeader(3);
        writer.WriteBulkString("REPLCONF"u8);
        writer.WriteBulkString("ACK"u8);
        writer.WriteBulkString(offset);
        writer.Commit();
    }

    private static async Task SendAsync(NetworkStream stream, CancellationToken stopping, params string[] args)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), stopping).ConfigureAwait(false);
    }

    private static void Expect(string line, string expected)
    {
        if (line != expected)
        {
            throw new InvalidDataException($"the primary answered '{line}'");
        }
    }
}
