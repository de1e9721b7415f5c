using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hoard.Cluster.Topology;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// <c>hoard serve</c> processes in cluster mode on free loopback ports, in a temporary directory (one data directory
/// and one log per node); the first <c>voters</c> nodes form the consensus group, the rest follow it. Every process
/// is killed on <see cref="Dispose"/>; the directory is deleted unless <see cref="KeepFiles"/> was set.
/// </summary>
internal sealed class HoardCluster : IDisposable
{
    /// <summary>The longest any wait for the cluster may take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>How long a reply may take: above the server's 10 s proposal timeout, so its own error comes first.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    private readonly string _hoardDll = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
    private readonly Process?[] _processes;
    private readonly string _voters;
    private readonly Lock _gate = new();

    public HoardCluster(int nodes, int voters, int nodeTimeoutMs = 1000)
    {
        NodeTimeoutMs = nodeTimeoutMs;
        var ports = FreePorts(2 * nodes);
        Ports = ports[..nodes];
        ClusterPorts = ports[nodes..];
        VoterCount = voters;
        Ids = new string[nodes];
        _processes = new Process?[nodes];
        _voters = string.Join(',', Enumerable.Range(0, voters).Select(Endpoint));
        Directory = System.IO.Directory.CreateTempSubdirectory("hoard-clusterbench-").FullName;
    }

    public int[] Ports { get; }

    public int[] ClusterPorts { get; }

    public int VoterCount { get; }

    /// <summary>Every node's <c>cluster-node-timeout</c> (ms).</summary>
    public int NodeTimeoutMs { get; }

    public int Count => Ports.Length;

    /// <summary>Each node's CLUSTER MYID, known once <see cref="Form"/> returned.</summary>
    public string[] Ids { get; }

    public string Directory { get; }

    /// <summary>Keep the data directories and logs (set when a run fails, to look at them).</summary>
    public bool KeepFiles { get; set; }

    /// <summary>A node as <c>cluster_consensus_leader</c> names it: <c>127.0.0.1:port@cport</c>.</summary>
    public string Endpoint(int index) => $"127.0.0.1:{Ports[index]}@{ClusterPorts[index]}";

    /// <summary>Which node an endpoint names; -1 for none (e.g. <c>-</c>).</summary>
    public int IndexOf(string endpoint) => Enumerable.Range(0, Count).FirstOrDefault(i => Endpoint(i) == endpoint, -1);

    /// <summary>
    /// Starts every node, then waits until each answers CLUSTER INFO (a starting node accepts connections a moment
    /// before its cluster mode is attached, and answers cluster commands with an error until then).
    /// </summary>
    public void StartAll()
    {
        for (var i = 0; i < Count; i++)
        {
            Start(i);
        }

        WaitUntil("every node answers CLUSTER INFO", () => Enumerable.Range(0, Count).All(i => Call(i, "CLUSTER", "INFO") is string));
    }

    /// <summary>(Re)starts node <paramref name="index"/> over its data directory, appending to its log.</summary>
    public void Start(int index)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            _hoardDll, "serve", "--port", Text(Ports[index]), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
            "--cluster-port", Text(ClusterPorts[index]), "--cluster-voters", _voters, "--cluster-node-timeout", Text(NodeTimeoutMs),
            "--dir", Path.Combine(Directory, Text(index)), "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(Path.Combine(Directory, $"node{index}.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Exited += (_, _) =>
        {
            lock (log)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        lock (_gate)
        {
            process.Start();
            _processes[index] = process;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Kills node <paramref name="index"/> at once (SIGKILL), as a crash would, and waits until it is gone.</summary>
    public void Kill(int index)
    {
        Process? process;
        lock (_gate)
        {
            process = _processes[index];
            _processes[index] = null;
        }

        if (process is null)
        {
            return;
        }

        try
        {
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        process.Dispose();
    }

    /// <summary>Kills every node; safe from a signal handler while the run goes on.</summary>
    public void KillAll()
    {
        for (var i = 0; i < Count; i++)
        {
            Kill(i);
        }
    }

    /// <summary>Whether node <paramref name="index"/> runs (it was started and not killed since).</summary>
    public bool IsRunning(int index)
    {
        lock (_gate)
        {
            return _processes[index] is not null;
        }
    }

    /// <summary>A connection to node <paramref name="index"/>, retrying while it starts.</summary>
    public RespConnection Connect(int index) => RespConnection.Open(Ports[index], Bound, ReplyTimeout);

    /// <summary>One command to node <paramref name="index"/> on a new connection.</summary>
    public object? Call(int index, params object[] args)
    {
        using var connection = Connect(index);
        return connection.Call(args);
    }

    /// <summary>
    /// Forms the cluster as redis-cli --cluster create does for masters only: even slot ranges (ADDSLOTSRANGE on each
    /// node), MEET from the first node, then waits until every node reports cluster_state:ok and knows them all.
    /// </summary>
    public void Form()
    {
        var ranges = SlotRange.SplitEvenly(Count);
        for (var i = 0; i < Count; i++)
        {
            Expect("OK", Call(i, "CLUSTER", "ADDSLOTSRANGE", ranges[i].Start, ranges[i].End), i);
            Ids[i] = (string)Call(i, "CLUSTER", "MYID")!;
        }

        for (var i = 1; i < Count; i++)
        {
            Expect("OK", Call(0, "CLUSTER", "MEET", "127.0.0.1", Ports[i]), 0);
        }

        WaitUntil("every node reports cluster_state:ok and knows every node", () => Enumerable.Range(0, Count).All(i =>
        {
            var info = Info(i);
            return Field(info, "cluster_state") == "ok" && Field(info, "cluster_known_nodes") == Text(Count);
        }));
    }

    /// <summary>CLUSTER INFO of node <paramref name="index"/>; an error reply throws.</summary>
    public string Info(int index) => Call(index, "CLUSTER", "INFO") switch
    {
        string info => info,
        var other => throw new InvalidOperationException($"node {index} answered CLUSTER INFO with {(other as RespError)?.Message ?? other}"),
    };

    /// <summary>One <c>name:value</c> line of CLUSTER INFO.</summary>
    public static string Field(string info, string name)
    {
        var prefix = name + ":";
        return info.Split("\r\n").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
            ?? throw new InvalidDataException($"CLUSTER INFO has no {name}");
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms; throws <see cref="TimeoutException"/> after <see cref="Bound"/>.</summary>
    public static void WaitUntil(string what, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {Bound.TotalSeconds:0} s: {what}");
            }

            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        KillAll();
        if (!KeepFiles)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static void Expect(string expected, object? reply, int index)
    {
        if (reply as string != expected)
        {
            throw new InvalidOperationException($"node {index} answered {reply} where {expected} was expected");
        }
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
                // The process exited and its log was closed.
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Distinct free ports: every listener stays open until all are chosen.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }
}
