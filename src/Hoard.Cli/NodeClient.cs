using System.Net.Sockets;
using System.Text;
using Hoard.Cluster.Node;

namespace Hoard.Cli;

/// <summary>
/// The operator commands' calls to nodes: one RESP command per call, a node that does not answer or answers with an
/// error turned into a <see cref="CommandFailedException"/> naming the node and the command.
/// </summary>
internal sealed class NodeClient
{
    /// <summary>Longer than a node waits for its consensus group to commit a change (10 s), so a slow commit is not cut short.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    private readonly PeerClient _peers;

    /// <summary>Creates a client that authenticates with <paramref name="password"/> when one is given.</summary>
    /// <param name="password">The nodes' password, or null.</param>
    /// <param name="callTimeout">How long a call may take (15 s unless given).</param>
    public NodeClient(string? password, TimeSpan? callTimeout = null) => _peers = new PeerClient(password, callTimeout ?? CallTimeout);

    /// <summary>Sends one command and returns the reply's text (status, integer or bulk).</summary>
    /// <exception cref="CommandFailedException">The node did not answer or answered with an error.</exception>
    public async Task<string> CallAsync(NodeEndpoint node, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        (await SendAsync(node, [.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))], cancellationToken).ConfigureAwait(false)).Text ?? "";

    /// <summary>Sends one command given as bytes (keys are bytes) and returns the whole reply (an array's items too).</summary>
    /// <exception cref="CommandFailedException">The node did not answer or answered with an error.</exception>
    public async Task<PeerReply> SendAsync(NodeEndpoint node, IReadOnlyList<ReadOnlyMemory<byte>> args, CancellationToken cancellationToken)
    {
        PeerReply reply;
        try
        {
            reply = await _peers.CallAsync(node.EndPoint, args, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException) // PeerClient passes SocketException on once the caller gave up
        {
            throw new CommandFailedException($"{node} did not answer ({e.InnerException?.Message ?? e.Message})");
        }

        return reply.IsError
            ? throw new CommandFailedException($"{node} refused {Describe(args)}: {reply.Text}")
            : reply;
    }

    /// <summary>A command for an error message: its first words, not a thousand keys.</summary>
    private static string Describe(IReadOnlyList<ReadOnlyMemory<byte>> args) =>
        string.Join(' ', args.Take(6).Select(a => Encoding.UTF8.GetString(a.Span))) + (args.Count > 6 ? $" … ({args.Count} arguments)" : "");

    /// <summary>The node's CLUSTER INFO.</summary>
    public async Task<ClusterInfo> ClusterInfoAsync(NodeEndpoint node, CancellationToken cancellationToken) =>
        ClusterInfo.Parse(await CallAsync(node, ["CLUSTER", "INFO"], cancellationToken).ConfigureAwait(false));

    /// <summary>The node's CLUSTER NODES, parsed.</summary>
    public async Task<IReadOnlyList<ClusterNodeEntry>> ClusterNodesAsync(NodeEndpoint node, CancellationToken cancellationToken)
    {
        var text = await CallAsync(node, ["CLUSTER", "NODES"], cancellationToken).ConfigureAwait(false);
        try
        {
            return ClusterNodeEntry.ParseAll(text);
        }
        catch (FormatException e)
        {
            throw new CommandFailedException($"{node} answered CLUSTER NODES in an unexpected format: {e.Message}");
        }
    }

    /// <summary>The value of one setting (CONFIG GET); null when the node has no such setting.</summary>
    /// <exception cref="CommandFailedException">The node did not answer or answered with an error.</exception>
    public async Task<string?> ConfigGetAsync(NodeEndpoint node, string name, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(node, [.. new[] { "CONFIG", "GET", name }.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))], cancellationToken)
            .ConfigureAwait(false);
        return reply.Items is [_, var value] ? value.Text : null;
    }

    /// <summary>Asks the node to stop without saving. A node that already stopped, or closed the connection as it stopped, is fine.</summary>
    public async Task ShutdownAsync(NodeEndpoint node, CancellationToken cancellationToken)
    {
        try
        {
            await _peers.CallAsync(node.EndPoint, ["SHUTDOWN", "NOSAVE"], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // SHUTDOWN has no reply on success: the node closes the connection. Refused: it has already stopped.
        }
    }
}
