using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Cluster.Node;

/// <summary>
/// Calls another node over its client port with one RESP command, or a pipeline of them, and reads the replies
/// (status, error, integer, bulk or an array of them). A connection per call: topology traffic is a handful of commands per change,
/// and MIGRATE a batch of keys per call.
/// </summary>
public sealed class PeerClient
{
    private const int MaxBulk = 64 * 1024 * 1024;
    private const int MaxArray = 1024 * 1024;
    private readonly string? _password;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client that authenticates with <paramref name="password"/> when one is given.</summary>
    /// <param name="password">The nodes' <c>requirepass</c>, or null.</param>
    /// <param name="timeout">The longest a call may take.</param>
    public PeerClient(string? password, TimeSpan timeout)
    {
        _password = password;
        _timeout = timeout;
    }

    /// <summary>Sends <paramref name="args"/> to <paramref name="endpoint"/> and returns the reply.</summary>
    /// <param name="endpoint">The node's client endpoint.</param>
    /// <param name="args">The command and its arguments.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="IOException">The node could not be reached or answered something that is not RESP.</exception>
    public async Task<PeerReply> CallAsync(EndPoint endpoint, IReadOnlyList<ReadOnlyMemory<byte>> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        return (await CallManyAsync(endpoint, [args], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Sends <paramref name="commands"/> in one write (a pipeline) and returns their replies in order; after a failed
    /// AUTH, only its reply.
    /// </summary>
    /// <param name="endpoint">The node's client endpoint.</param>
    /// <param name="commands">Each command and its arguments.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>One reply per command.</returns>
    /// <exception cref="IOException">The node could not be reached or answered something that is not RESP.</exception>
    public async Task<IReadOnlyList<PeerReply>> CallManyAsync(EndPoint endpoint, IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> commands, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await using var input = new BufferedStream(stream, 64 * 1024); // replies are read a byte at a time up to CRLF
            var reader = new PeerReplyReader(input);
            if (_password is not null)
            {
                await stream.WriteAsync(Encode([Encoding.UTF8.GetBytes("AUTH"), Encoding.UTF8.GetBytes(_password)]), timeout.Token).ConfigureAwait(false);
                var auth = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (auth.IsError)
                {
                    return [auth];
                }
            }

            using var batch = new MemoryStream();
            foreach (var command in commands)
            {
                batch.Write(Encode(command));
            }

            await stream.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), timeout.Token).ConfigureAwait(false);
            var replies = new PeerReply[commands.Count];
            for (var i = 0; i < replies.Length; i++)
            {
                replies[i] = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            }

            return replies;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"node {endpoint} did not answer: {e.Message}", e);
        }
    }

    /// <summary>Sends a command given as text arguments.</summary>
    /// <param name="endpoint">The node's client endpoint.</param>
    /// <param name="args">The command and its arguments.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>The reply.</returns>
    public Task<PeerReply> CallAsync(EndPoint endpoint, IEnumerable<string> args, CancellationToken cancellationToken) =>
        CallAsync(endpoint, [.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))], cancellationToken);

    private static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> args)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"*{args.Count}\r\n")));
        foreach (var arg in args)
        {
            buffer.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"${arg.Length}\r\n")));
            buffer.Write(arg.Span);
            buffer.Write("\r\n"u8);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads RESP replies from a stream, one at a time.</summary>
    private sealed class PeerReplyReader(Stream stream)
    {
        private readonly byte[] _one = new byte[1];

        public async Task<PeerReply> ReadAsync(CancellationToken token)
        {
            var line = await ReadLineAsync(token).ConfigureAwait(false);
            if (line.Length == 0)
            {
                throw new IOException("empty reply line");
            }

            var text = line[1..];
            switch (line[0])
            {
                case '+':
                case ':':
                    return new PeerReply(false, text, default);
                case '-':
                    return new PeerReply(true, text, default);
                case '$':
                    var length = int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return new PeerReply(false, null, default);
                    }

                    if (length > MaxBulk)
                    {
                        throw new IOException($"bulk reply of {length} bytes is too large");
                    }

                    var bytes = new byte[length + 2];
                    await stream.ReadExactlyAsync(bytes, token).ConfigureAwait(false);
                    return new PeerReply(false, Encoding.UTF8.GetString(bytes, 0, length), bytes.AsMemory(0, length));
                case '*':
                    var count = int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    if (count > MaxArray)
                    {
                        throw new IOException($"array reply of {count} elements is too large");
                    }

                    var items = new PeerReply[Math.Max(count, 0)];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = await ReadAsync(token).ConfigureAwait(false);
                    }

                    return new PeerReply(false, null, default, count < 0 ? null : items);
                default:
                    throw new IOException($"unexpected reply '{line}'");
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken token)
        {
            var line = new StringBuilder();
            while (line.Length < 64 * 1024)
            {
                if (await stream.ReadAsync(_one, token).ConfigureAwait(false) == 0)
                {
                    throw new IOException("the node closed the connection");
                }

                if (_one[0] == '\n' && line.Length > 0 && line[^1] == '\r')
                {
                    return line.ToString(0, line.Length - 1);
                }

                line.Append((char)_one[0]);
            }

            throw new IOException("reply line too long");
        }
    }
}
