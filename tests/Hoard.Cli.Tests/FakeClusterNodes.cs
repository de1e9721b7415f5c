using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Cli.Tests;

/// <summary>
/// Scripted stand-ins for nodes in cluster mode, answering the commands the CLI sends as the cluster contract says:
/// ADDSLOTSRANGE puts a node in a node table the fakes share, MEET adds the named node, REPLICATE makes a node in
/// the table a replica of another, FORGET and RESET take one out, CLUSTER INFO, NODES and MYID report the table. No consensus and no failures: the CLI's side only.
/// </summary>
internal sealed class FakeClusterNodes : IAsyncDisposable
{
    private readonly List<Node> _nodes = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _epoch;

    private FakeClusterNodes()
    {
    }

    /// <summary>Every command received, as "port COMMAND args…".</summary>
    public List<string> Received { get; } = [];

    /// <summary>The fakes' endpoints.</summary>
    internal IReadOnlyList<NodeEndpoint> Endpoints => [.. _nodes.Select(n => new NodeEndpoint("127.0.0.1", n.Port))];

    /// <summary>Starts <paramref name="count"/> fakes on loopback ports chosen at run time.</summary>
    public static FakeClusterNodes Start(int count)
    {
        var fakes = new FakeClusterNodes();
        for (var i = 0; i < count; i++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var node = new Node(listener, ((IPEndPoint)listener.LocalEndpoint).Port, $"{i + 1:x2}{new string('a', 38)}");
            fakes._nodes.Add(node);
            fakes._loops.Add(fakes.AcceptAsync(node));
        }

        return fakes;
    }

    /// <summary>Gives the node at <paramref name="index"/> keys, as DBSIZE reports.</summary>
    public void SetKeys(int index, int keys) => _nodes[index].Keys = keys;

    /// <summary>The id of the node at <paramref name="index"/>.</summary>
    public string IdOf(int index) => _nodes[index].Id;

    /// <summary>Commands received by the node at <paramref name="index"/>.</summary>
    public IEnumerable<string> ReceivedBy(int index)
    {
        var prefix = $"{_nodes[index].Port} ";
        lock (_lock)
        {
            return [.. Received.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Select(c => c[prefix.Length..])];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var node in _nodes)
        {
            node.Listener.Stop();
        }

        await Task.WhenAll(_loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync(Node node)
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await node.Listener.AcceptSocketAsync(_stop.Token);
            _ = ServeAsync(node, socket);
        }
    }

    private async Task ServeAsync(Node node, Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        while (await reader.ReadLineAsync() is { } header)
        {
            var args = new string[int.Parse(header[1..], CultureInfo.InvariantCulture)];
            for (var i = 0; i < args.Length; i++)
            {
                await reader.ReadLineAsync(); // $length
                args[i] = (await reader.ReadLineAsync())!;
            }

            string reply;
            lock (_lock)
            {
                Received.Add($"{node.Port} {string.Join(' ', args)}");
                reply = Answer(node, args);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
        }
    }

    private string Answer(Node node, string[] args) => (args[0].ToUpperInvariant(), args.Length > 1 ? args[1].ToUpperInvariant() : "") switch
    {
        ("PING", _) => "+PONG\r\n",
        ("INFO", _) => Bulk("# Cluster\r\ncluster_enabled:1\r\n"),
        ("DBSIZE", _) => $":{node.Keys}\r\n",
        ("CLUSTER", "INFO") => Bulk(ClusterInfo(node)),
        ("CLUSTER", "NODES") => Bulk(string.Concat(Table(node).Select(n => Line(n, n == node)))),
        ("CLUSTER", "MYID") => Bulk(node.Id),
        ("CLUSTER", "REPLICATE") => Replicate(node, args[2]),
        ("CLUSTER", "ADDSLOTSRANGE") => Join(node, () => node.Slots.Add((Number(args[2]), Number(args[3])))),
        ("CLUSTER", "MEET") => Join(_nodes.Single(n => n.Port == Number(args[3])), () => { }),
        ("CLUSTER", "FORGET") => Leave(_nodes.Single(n => n.Id == args[2])),
        ("CLUSTER", "RESET") => Leave(node),
        _ => "-ERR unknown command\r\n",
    };

    private string Join(Node node, Action change)
    {
        node.InTable = true;
        change();
        _epoch++;
        return "+OK\r\n";
    }

    private string Replicate(Node node, string primaryId)
    {
        if (!node.InTable || !_nodes.Any(n => n.InTable && n.Id == primaryId))
        {
            return $"-ERR Unknown node {primaryId}\r\n";
        }

        node.PrimaryId = primaryId;
        _epoch++;
        return "+OK\r\n";
    }

    private string Leave(Node node)
    {
        node.InTable = false;
        node.PrimaryId = null;
        node.Slots.Clear();
        _epoch++;
        return "+OK\r\n";
    }

    private List<Node> Table(Node asked) => asked.InTable ? [.. _nodes.Where(n => n.InTable)] : [asked];

    private string ClusterInfo(Node node)
    {
        var assigned = Table(node).Sum(n => n.Slots.Sum(s => s.End - s.Start + 1));
        return $"cluster_state:{(node.InTable && assigned == 16384 ? "ok" : "fail")}\r\ncluster_slots_assigned:{assigned}\r\n" +
            $"cluster_known_nodes:{Table(node).Count}\r\ncluster_current_epoch:{(node.InTable ? _epoch : 0)}\r\n" +
            $"cluster_consensus_role:voter\r\ncluster_consensus:ok\r\ncluster_consensus_leader:127.0.0.1:{_nodes[0].Port}\r\n";
    }

    private static string Line(Node node, bool myself) =>
        $"{node.Id} 127.0.0.1:{node.Port}@{node.Port + 10000} {(myself ? "myself," : "")}" +
        $"{(node.PrimaryId is null ? "master -" : $"slave {node.PrimaryId}")} 0 0 1 connected" +
        string.Concat(node.Slots.Select(s => $" {s.Start}-{s.End}")) + "\n";

    private static string Bulk(string text) => $"${Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n";

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private sealed class Node(TcpListener listener, int port, string id)
    {
        public TcpListener Listener { get; } = listener;

        public int Port { get; } = port;

        public string Id { get; } = id;

        public List<(int Start, int End)> Slots { get; } = [];

        public bool InTable { get; set; }

        public string? PrimaryId { get; set; }

        public int Keys { get; set; }
    }
}
