using System.Globalization;
using Hoard.Cluster.Node;

namespace Hoard.Cli;

/// <summary>
/// What <c>hoard up [--shards 3] [--port 7000] [--dir PATH] [--&lt;redis.conf name&gt; value …]</c> starts: the
/// nodes' ports, where they keep their data and logs, and the settings passed to every node.
/// </summary>
/// <param name="Shards">How many nodes (each a primary with its share of the slots).</param>
/// <param name="Port">The first node's client port; the others follow.</param>
/// <param name="Directory">Where the nodes' data directories and logs go.</param>
/// <param name="NodeSettings">The other flags, passed to every node.</param>
internal sealed record UpOptions(int Shards, int Port, string Directory, IReadOnlyList<(string Name, string Value)> NodeSettings)
{
    /// <summary>The address every node listens on and announces.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The most nodes one <c>hoard up</c> starts: each is a process of its own on this machine.</summary>
    public const int MaxShards = 100;

    /// <summary>Settings <c>hoard up</c> gives each node itself (besides <c>port</c> and <c>dir</c>, which are its own flags).</summary>
    private static readonly string[] SetPerNode = ["cluster-enabled", "cluster-port", "cluster-voters"];

    /// <summary>The nodes' client ports.</summary>
    public IEnumerable<int> Ports => Enumerable.Range(Port, Shards);

    /// <summary>
    /// The consensus voters every node is given: the first three nodes, or the first alone below three nodes (two
    /// voters would stop with either one, so a second voter adds nothing but a way to lose the majority).
    /// </summary>
    public string Voters => string.Join(',', Ports.Take(Shards >= 3 ? 3 : 1).Select(p => new VoterAddress(Host, p, ClusterPort(p))));

    /// <summary>The nodes' <c>requirepass</c>, which <c>hoard up</c> needs to talk to them.</summary>
    public string? Password => NodeSettings.LastOrDefault(s => s.Name == "requirepass").Value;

    /// <summary>Parses the arguments after <c>up</c>.</summary>
    /// <exception cref="ConfigurationException">A flag is malformed, out of range, or one <c>hoard up</c> sets itself.</exception>
    public static UpOptions Parse(IReadOnlyList<string> args)
    {
        int? shards = null;
        int? port = null;
        string? directory = null;
        var settings = new List<(string Name, string Value)>();
        foreach (var (name, value) in ConfigFile.FromFlags(args))
        {
            switch (name)
            {
                case "shards":
                    shards = Number(value, 1, MaxShards, $"--shards needs a number of nodes from 1 to {MaxShards}");
                    break;
                case "port":
                    port = Number(value, 1, 65535, "--port needs a port number");
                    break;
                case "dir":
                    directory = Path.GetFullPath(value);
                    break;
                case var reserved when SetPerNode.Contains(reserved):
                    throw new ConfigurationException($"--{reserved} is set by hoard up for each node; leave it out");
                default:
                    settings.Add((name, value));
                    break;
            }
        }

        var (count, first) = (shards ?? 3, port ?? 7000);
        var lastClusterPort = ClusterPort(first + count - 1);
        if (lastClusterPort > 65535)
        {
            throw new ConfigurationException(
                $"--port {first} with {count} shards needs cluster ports up to {lastClusterPort} (client port + " +
                $"{VoterAddress.ClusterPortOffset}); choose a --port of at most {65535 - VoterAddress.ClusterPortOffset - count + 1}");
        }

        return new UpOptions(count, first, directory ?? Path.Combine(Path.GetTempPath(), $"hoard-up-{first}"), settings);
    }

    /// <summary>The cluster (consensus) port of the node on client port <paramref name="port"/>.</summary>
    public static int ClusterPort(int port) => port + VoterAddress.ClusterPortOffset;

    /// <summary>The data directory of the node on <paramref name="port"/>.</summary>
    public string NodeDirectory(int port) => Path.Combine(Directory, $"node-{Text(port)}");

    /// <summary>The log file of the node on <paramref name="port"/>: its standard output and error.</summary>
    public string LogPath(int port) => Path.Combine(Directory, $"node-{Text(port)}.log");

    /// <summary>The <c>hoard</c> arguments that run the node on <paramref name="port"/>.</summary>
    public IReadOnlyList<string> ServeArguments(int port) =>
    [
        "serve", "--port", Text(port), "--cluster-enabled", "yes", "--cluster-port", Text(ClusterPort(port)),
        "--cluster-voters", Voters, "--dir", NodeDirectory(port),
        .. NodeSettings.SelectMany(s => new[] { $"--{s.Name}", s.Value }),
    ];

    private static int Number(string text, int min, int max, string message) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ConfigurationException($"{message}, not '{text}'");

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
