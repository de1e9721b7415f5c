using System.Text;
using Hoard.Protocol;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// The source's connection to the target of a slot move: HOARD.IMPORT commands, records sent a few frames ahead of
/// their replies (the target applies one while the next travels), each reply awaited within a bound.
/// </summary>
internal sealed class ImportChannel : IDisposable
{
    private const int Window = 4;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private static readonly ReadOnlyMemory<byte> Import = "HOARD.IMPORT"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Records = "RECORDS"u8.ToArray();
    private readonly NodeConnection _connection;
    private int _pending;

    private ImportChannel(NodeConnection connection) => _connection = connection;

    /// <summary>Connects to the target (and authenticates with the cluster's password), within the reply bound.</summary>
    public static async Task<ImportChannel> OpenAsync(string host, int port, string? password, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(ReplyTimeout);
        return new ImportChannel(await NodeConnection.OpenAsync(host, port, password, RespVersion.Resp2, timeout.Token).ConfigureAwait(false));
    }

    /// <summary>Sends a command and waits for its reply (and any replies still due before it).</summary>
    /// <exception cref="SlotMoveException">The target answered an error.</exception>
    public async Task CallAsync(CancellationToken token, params string[] args)
    {
        await _connection.SendAsync([.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))], token).ConfigureAwait(false);
        _pending++;
        await DrainAsync(token).ConfigureAwait(false);
    }

    /// <summary>HOARD.IMPORT RECORDS with <paramref name="records"/>; waits only when <see cref="Window"/> replies are due.</summary>
    public async Task SendRecordsAsync(ReadOnlyMemory<byte> records, CancellationToken token)
    {
        await _connection.SendAsync([Import, Records, records], token).ConfigureAwait(false);
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

    public void Dispose() => _connection.Dispose();

    private async Task ReadReplyAsync(CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(ReplyTimeout);
        byte[] reply;
        try
        {
            reply = await _connection.ReadReplyAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new SlotMoveException($"IOERR the target did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }

        _pending--;
        if (reply[0] == (byte)'-')
        {
            throw new SlotMoveException(Encoding.UTF8.GetString(reply.AsSpan(1)).TrimEnd());
        }
    }
}
