using System.Globalization;
using Hoard.Storage.Keys;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// One client of the cluster, as a smart client is: a slot → port map, a <see cref="RespConnection"/> per node it
/// talks to (opened when first needed), and <c>-MOVED slot host:port</c> followed by hand: the map learns the one
/// slot named, and the command is sent again there. Counts the redirects it met per slot. One thread uses it.
/// </summary>
internal sealed class ClusterClient : IDisposable
{
    /// <summary>The most redirects one command may follow before it counts as an error.</summary>
    public const int MaxRedirects = 5;

    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(2);

    private readonly int[] _portOf;
    private readonly Dictionary<int, RespConnection> _connections = [];

    /// <param name="portOf">Each slot's port as the client first believes it (copied).</param>
    public ClusterClient(int[] portOf) => _portOf = (int[])portOf.Clone();

    /// <summary>Redirects met per slot.</summary>
    public int[] Redirects { get; } = new int[HashSlot.Count];

    /// <summary>Opens a connection to every node of the map now, as a smart client does when it starts.</summary>
    public void ConnectAll()
    {
        foreach (var port in _portOf.Distinct())
        {
            Connection(port);
        }
    }

    /// <summary>The connection to the node serving <paramref name="slot"/> as far as the client knows.</summary>
    public RespConnection For(int slot) => Connection(_portOf[slot]);

    /// <summary>
    /// One command on a key of <paramref name="slot"/>, following MOVED: the last reply (an error reply is returned,
    /// not thrown). An I/O failure drops the connection (the next command opens a new one) and throws.
    /// </summary>
    public object? Call(int slot, object[] command)
    {
        var reply = Send(For(slot), command);
        return Follow(slot, command, reply);
    }

    /// <summary>
    /// Follows <paramref name="reply"/> (the answer to <paramref name="command"/> on a key of <paramref name="slot"/>)
    /// when it is a MOVED: learns where the slot is and sends the command there, up to <see cref="MaxRedirects"/> times.
    /// </summary>
    public object? Follow(int slot, object[] command, object? reply)
    {
        for (var hops = 0; hops < MaxRedirects && IsMoved(reply, out var movedSlot, out var port); hops++)
        {
            Redirects[slot]++;
            _portOf[movedSlot] = port;
            reply = Send(Connection(port), command);
        }

        return reply;
    }

    /// <summary>Sends on <paramref name="connection"/> and reads the reply; drops the connection when that fails.</summary>
    public object? Send(RespConnection connection, object[] command)
    {
        try
        {
            return connection.Call(command);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            Drop(connection);
            throw;
        }
    }

    /// <summary>Forgets a connection that failed (its stream may hold half a reply).</summary>
    public void Drop(RespConnection connection)
    {
        _connections.Remove(connection.Port);
        connection.Dispose();
    }

    /// <summary>Whether <paramref name="reply"/> is <c>-MOVED slot host:port</c>, and its slot and port.</summary>
    public static bool IsMoved(object? reply, out int slot, out int port)
    {
        slot = port = 0;
        if (reply is not RespError { Message: var message } || !message.StartsWith("MOVED ", StringComparison.Ordinal))
        {
            return false;
        }

        var fields = message.Split(' ');
        var endpoint = fields[2];
        slot = int.Parse(fields[1], CultureInfo.InvariantCulture);
        port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Closes every connection; the next command opens new ones (the slot map stays).</summary>
    public void Reset()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }

        _connections.Clear();
    }

    public void Dispose() => Reset();

    private RespConnection Connection(int port)
    {
        if (!_connections.TryGetValue(port, out var connection))
        {
            connection = RespConnection.Open(port, ConnectBound, HoardCluster.ReplyTimeout);
            _connections[port] = connection;
        }

        return connection;
    }
}
