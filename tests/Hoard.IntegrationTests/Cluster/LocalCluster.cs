using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Hoard.Server.Tests.Support;
using StackExchange.Redis;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// Real <c>hoard serve</c> processes in cluster mode on loopback ports chosen at run time — or each in its own namespace
/// of a <see cref="NamespaceNetwork"/>, on its own address — the first three (or all, if fewer) the consensus voters;
/// every process is killed and every directory deleted on dispose.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The test collection of every class that starts clusters: they run one at a time, since several clusters of
    /// 3–6 processes at once on a 2-core machine delay heartbeats past the write leases and the node timeout.
    /// </summary>
    public const string Collection = "real clusters, one at a time";

    private readonly string _directory = Directory.CreateTempSubdirectory("hoard-cluster-it-").FullName;
    private readonly Process?[] _processes;
    private readonly string _voters;
    private readonly NamespaceNetwork? _network;

    private LocalCluster(int nodes, int voters, NamespaceNetwork? network)
    {
        _network = network;
        if (network is null)
        {
            var ports = HoardProcess.FreePorts(2 * nodes);
            Ports = ports[..nodes];
            ClusterPorts = ports[nodes..];
            Hosts = [.. Enumerable.Repeat("127.0.0.1", nodes)];
        }
        else
        {
            // Each node has an address (and ports) of its own there.
            Ports = [.. Enumerable.Repeat(7000, nodes)];
            ClusterPorts = [.. Enumerable.Repeat(17000, nodes)];
            Hosts = [.. Enumerable.Range(0, nodes).Select(i => NamespaceNetwork.Address(i).ToString())];
        }

        _processes = new Process?[nodes];
        _voters = string.Join(',', Enumerable.Range(0, voters).Select(i => $"{Hosts[i]}:{Ports[i]}@{ClusterPorts[i]}"));
    }

    public int[] Ports { get; }

    public int[] ClusterPorts { get; }

    /// <summary>Each node's address: 127.0.0.1, or its own in a namespace network.</summary>
    public string[] Hosts { get; }

    public string[] Endpoints => [.. Ports.Select((p, i) => $"{Hosts[i]}:{p}")];

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes (up to 3 of them voters) and waits until each answers PING: on loopback, or
    /// node i in namespace i of <paramref name="network"/> (then the cluster's clients are in its hub).
    /// </summary>
    public static async Task<LocalCluster> StartAsync(int nodes = 3, NamespaceNetwork? network = null)
    {
        var cluster = new LocalCluster(nodes, Math.Min(nodes, 3), network);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                cluster.Start(i);
            }

            for (var i = 0; i < nodes; i++)
            {
                await using var client = await cluster.ConnectAsync(i);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts node <paramref name="index"/> over its data directory.</summary>
    public void Start(int index)
    {
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        var bind = _network is null ? "" : $"--bind {Hosts[index]} --cluster-announce-ip {Hosts[index]} ";
        var arguments = string.Create(CultureInfo.InvariantCulture,
            $"\"{hoard}\" serve {bind}--port {Ports[index]} --cluster-enabled yes --cluster-port {ClusterPorts[index]} " +
            $"--cluster-voters {_voters} --cluster-node-timeout 1500 --dir \"{Path.Combine(_directory, index.ToString(CultureInfo.InvariantCulture))}\" --loglevel warning");
        var start = _network?.Inside(index, "dotnet", arguments) ?? new ProcessStartInfo("dotnet", arguments);

        // The node's output is drained into a file: a node writing to a pipe nobody reads would block on its log.
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        // And it stops by itself if this process dies without killing it (hoard up's way: standard input closes).
        start.RedirectStandardInput = true;
        start.Environment["HOARD_STOP_WITH_PARENT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start hoard");
        var log = new StreamWriter(Path.Combine(_directory, $"{index}-{process.Id}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[index] = process;
    }

    /// <summary>
    /// The nodes' log lines at error level or above and those naming an exception (with the two lines after each), for
    /// a failing test's output: the logs themselves go with the cluster's directory.
    /// </summary>
    public string ErrorExcerpt()
    {
        var excerpt = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(_directory, "*.log").Order(StringComparer.Ordinal))
        {
            string[] lines;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                lines = new StreamReader(stream).ReadToEnd().Split('\n');
            }
            catch (IOException)
            {
                continue;
            }

            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Contains(" fail: ", StringComparison.Ordinal) || lines[i].Contains(" crit: ", StringComparison.Ordinal)
                    || lines[i].Contains("Exception", StringComparison.Ordinal))
                {
                    excerpt.AppendLine(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: {string.Join("\n  ", lines[i..Math.Min(lines.Length, i + 3)])}");
                }
            }
        }

        return excerpt.Length == 0 ? "(no error in the nodes' logs)" : excerpt.ToString();
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The node exited.
            }
        }
    }

    /// <summary>Kills node <paramref name="index"/> at once (SIGKILL), as a crash would.</summary>
    public void Kill(int index)
    {
        if (_processes[index] is { } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
            _processes[index] = null;
        }
    }

    /// <summary>Sends node <paramref name="index"/> a signal (STOP, CONT …) with kill(1).</summary>
    public void Signal(int index, string signal) =>
        Assert.Equal(0, HoardProcess.Signal(_processes[index]?.Id ?? throw new InvalidOperationException($"node {index} is not running"), signal));

    /// <summary>A raw client of node <paramref name="index"/>, retrying while the node starts.</summary>
    public async Task<RespClient> ConnectAsync(int index)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                var client = _network is null ? await RespClient.ConnectAsync(Ports[index]) : await _network.ConnectFromHubAsync(index, Ports[index]);
                if (await client.CallAsync("PING") is "PONG")
                {
                    return client;
                }

                await client.DisposeAsync();
            }
            catch (Exception e) when (e is SocketException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>One command to node <paramref name="index"/> on a new connection.</summary>
    public async Task<object?> CallAsync(int index, params object[] args)
    {
        await using var client = await ConnectAsync(index);
        return await client.CallAsync(args);
    }

    /// <summary>Forms the cluster as <c>hoard cluster create</c> and redis-cli do: even slot ranges, then MEET.</summary>
    public async Task FormAsync()
    {
        var ranges = Hoard.Cluster.Topology.SlotRange.SplitEvenly(Ports.Length);
        for (var i = 0; i < Ports.Length; i++)
        {
            Assert.Equal("OK", await CallAsync(i, "CLUSTER", "ADDSLOTSRANGE", ranges[i].Start, ranges[i].End));
        }

        for (var i = 1; i < Ports.Length; i++)
        {
            Assert.Equal("OK", await CallAsync(0, "CLUSTER", "MEET", Hosts[i], Ports[i]));
        }

        await WaitUntilAsync(async () =>
        {
            for (var i = 0; i < Ports.Length; i++)
            {
                if (!(await InfoAsync(i)).Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        });
    }

    /// <summary>A StackExchange.Redis client of the first <paramref name="nodes"/> nodes (all by default).</summary>
    public async Task<ConnectionMultiplexer> ConnectClientAsync(int? nodes = null)
    {
        var options = ConfigurationOptions.Parse(string.Join(',', Endpoints[..(nodes ?? Ports.Length)]));
        options.ConnectTimeout = 10_000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>CLUSTER INFO of node <paramref name="index"/>.</summary>
    public async Task<string> InfoAsync(int index) => (string)(await CallAsync(index, "CLUSTER", "INFO"))!;

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails after <see cref="Bound"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within " + Bound);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _processes.Length; i++)
        {
            Kill(i);
        }

        await Task.Yield();
        Directory.Delete(_directory, recursive: true);
    }
}
