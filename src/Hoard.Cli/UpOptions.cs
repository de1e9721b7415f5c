using System.Globalization;
using Hoard.Cluster.Node;

namespace Hoard.Cli;

/// <summary>
/// What <c>hoard up [--shards 3] [--replicas 0] [--port 7000] [--dir PATH] [--&lt;redis.conf name&gt; value …]</c>
/// starts: the nodes' ports, where they keep their data and logs, and the settings passed to every node. With
/// <c>--add-node [--weight 1]</c> it is one more node for the cluster a running <c>hoard up</c> serves on that port.
/// </summary>
/// <param name="Shards">How many primaries, each with its share of the slots.</param>
/// <param name="Replicas">How many replicas each primary gets.</param>
/// <param name="Port">The first node's client port; the others follow.</param>
/// <param name="Directory">Where the nodes' data directories and logs go.</param>
/// <param name="NodeSettings">The other flags, passed to every node.</param>
internal sealed record UpOptions(int Shards, int Replicas, int Port, string Directory, IReadOnlyList<(string Name, string Value)> NodeSettings)
{
    /// <summary>The address every node listens on and announces.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The most nodes one <c>hoard up</c> starts: each is a process of its own on this machine.</summary>
    public const int MaxNodes = 100;

    /// <summary>Settings <c>hoard up</c> gives each node itself (besides <c>port</c> and <c>dir</c>, which are its own flags).</summary>
    private static readonly string[] SetPerNode = ["cluster-enabled", "cluster-port", "cluster-voters"];

    /// <summary>How many nodes: every shard's primary and replicas.</summary>
    public int NodeCount => Shards * (Replicas + 1);

    /// <summary>The nodes' client ports: the primaries' first, then the replicas'.</summary>
    public IEnumerable<int> Ports => Enumerable.Range(Port, NodeCount);

    /// <summary>
    /// The consensus voters every node is given: the first three nodes, or the first alone below three nodes (two
    /// voters would stop with either one, so a second voter adds nothing but a way to lose the majority).
    /// </summary>
    public string Voters => string.Join(',', Ports.Take(NodeCount >= 3 ? 3 : 1).Select(p => new VoterAddress(Host, p, ClusterPort(p))));

    /// <summary>
    /// Whether this is <c>hoard up --add-node</c>: one node joins the running cluster whose first node is on
    /// <see cref="Port"/>, instead of a new cluster.
    /// </summary>
    public bool AddNode { get; init; }

    /// <summary>
    /// For <see cref="AddNode"/>: the added node's share of the slots against 1 for each primary already there
    /// (<c>hoard cluster rebalance --weight</c>).
    /// </summary>
    public double Weight { get; init; } = 1;

    /// <summary>The nodes' <c>requirepass</c>, which <c>hoard up</c> needs to talk to them.</summary>
    public string? Password => NodeSettings.LastOrDefault(s => s.Name == "requirepass").Value;

    /// <summary>Parses the arguments after <c>up</c>.</summary>
    /// <exception cref="ConfigurationException">A flag is malformed, out of range, or one <c>hoard up</c> sets itself.</exception>
    public static UpOptions Parse(IReadOnlyList<string> args)
    {
        // A flag without a value: taken out before the other flags, which all have one.
        var addNode = args.Contains("--add-node");
        args = [.. args.Where(a => a != "--add-node")];
        int? shards = null;
        int? replicas = null;
        double? weight = null;
        int? port = null;
        string? directory = null;
        var settings = new List<(string Name, string Value)>();
        foreach (var (name, value) in ConfigFile.FromFlags(args))
        {
            switch (name)
            {
                case "shards":
                    shards = Number(value, 1, MaxNodes, $"--shards needs a number of primaries from 1 to {MaxNodes}");
                    break;
                case "replicas":
                    replicas = Number(value, 0, MaxNodes - 1, $"--replicas needs a number of replicas per primary from 0 to {MaxNodes - 1}");
                    break;
                case "port":
                    port = Number(value, 1, 65535, "--port needs a port number");
                    break;
                case "dir":
                    directory = Path.GetFullPath(value);
                    break;
                case "weight" when !addNode:
                    throw new ConfigurationException("--weight is the share of the slots of a node added with --add-node");
                case "weight":
                    weight = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w > 0 && double.IsFinite(w)
                        ? w
                        : throw new ConfigurationException($"--weight needs the new node's share of the slots, a number above 0, not '{value}'");
                    break;
                case var reserved when SetPerNode.Contains(reserved):
                    throw new ConfigurationException($"--{reserved} is set by hoard up for each node; leave it out");
                default:
                    settings.Add((name, value));
                    break;
            }
        }

        if (addNode && (shards ?? replicas) is not null)
        {
            throw new ConfigurationException("--add-node adds one primary to the running cluster; --shards and --replicas describe a new cluster, leave them out");
        }

        var (shardCount, replicaCount, first) = (shards ?? 3, replicas ?? 0, port ?? 7000);
        var count = shardCount * (replicaCount + 1);
        if (count > MaxNodes)
        {
            throw new ConfigurationException(
                $"--shards {shardCount} with --replicas {replicaCount} makes {count} nodes; hoard up starts at most {MaxNodes}");
        }

        var lastClusterPort = ClusterPort(first + count - 1);
        if (lastClusterPort > 65535)
        {
            throw new ConfigurationException(
                $"--port {first} with {count} nodes needs cluster ports up to {lastClusterPort} (client port + " +
                $"{VoterAddress.ClusterPortOffset}); choose a --port of at most {65535 - VoterAddress.ClusterPortOffset - count + 1}");
        }

        return new UpOptions(shardCount, replicaCount, first, directory ?? DefaultDirectory(first), settings)
        {
            AddNode = addNode,
            Weight = weight ?? 1,
        };
    }

    /// <summary>Where the nodes of the cluster whose first node is on <paramref name="port"/> go unless <c>--dir</c> says.</summary>
    public static string DefaultDirectory(int port) => Path.Combine(Path.GetTempPath(), $"hoard-up-{Text(port)}");

    /// <summary>The cluster (consensus) port of the node on client port <paramref name="port"/>.</summary>
    public static int ClusterPort(int port) => port + VoterAddress.ClusterPortOffset;

    /// <summary>The data directory of the node on <paramref name="port"/>.</summary>
    public string NodeDirectory(int port) => Path.Combine(Directory, $"node-{Text(port)}");

    /// <summary>The log file of the node on <paramref name="port"/>: its standard output and error.</summary>
    public string LogPath(int port) => Path.Combine(Directory, $"node-{Text(port)}.log");

    /// <summary>The <c>hoard</c> arguments that run the node on <paramref name="port"/>.</summary>
    public IReadOnlyList<string> ServeArguments(int port) => ServeArguments(port, Voters);

    /// <summary>
    /// The <c>hoard</c> arguments that run the node on <paramref name="port"/> with <paramref name="voters"/>, for a
    /// node that joins a running cluster (its voters must be that cluster's).
    /// </summary>
    public IReadOnlyList<string> ServeArguments(int port, string voters) =>
    [
        "serve", "--port", Text(port), "--cluster-enabled", "yes", "--cluster-port", Text(ClusterPort(port)),
        "--cluster-voters", voters, "--dir", NodeDirectory(port),
        .. NodeSettings.SelectMany(s => new[] { $"--{s.Name}", s.Value }),
    ];

    private static int Number(string text, int min, int max, string message) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ConfigurationException($"{message}, not '{text}'");

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
