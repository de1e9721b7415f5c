using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Hoard.Server.Tests.Support;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// A private network of Linux network namespaces made for one test: a hub namespace holding a bridge, and one
/// namespace per node joined to the bridge by a veth pair. The addresses (<c>10.213.7.0/24</c>: node i has <c>.i+1</c>,
/// the hub <c>.254</c>) exist only inside these namespaces; nothing is added to the machine's own namespace (where a
/// packet for them would leave by the default route: the test's clients make their sockets inside, see
/// <see cref="NamespaceSocket"/>). Taking the hub end of a node's veth down cuts the node off (its packets are dropped, as on a
/// pulled cable); bringing it up joins it again. The names carry the test process's id and a random suffix, so runs
/// side by side do not collide; dispose kills whatever still runs in the namespaces and deletes them all, and a run
/// deletes the empty namespaces a killed run (whose process is gone) could not.
/// </summary>
public sealed class NamespaceNetwork : IAsyncDisposable
{
    private const string Subnet = "10.213.7";
    private const string Prefix = "hoard-pt-";
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(10);
    private readonly string _ip;
    private readonly List<string> _made = [];

    private NamespaceNetwork(string ip, int nodes)
    {
        _ip = ip;
        var run = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
        Hub = run + "-hub";
        Nodes = [.. Enumerable.Range(0, nodes).Select(i => string.Create(CultureInfo.InvariantCulture, $"{run}-n{i}"))];
    }

    /// <summary>The hub namespace: a client there reaches every node that is not cut off.</summary>
    public string Hub { get; }

    /// <summary>Each node's namespace: a client there reaches only that node while it is cut off.</summary>
    public string[] Nodes { get; }

    /// <summary>The hub's address (on its bridge).</summary>
    public static IPAddress HubAddress { get; } = IPAddress.Parse(Subnet + ".254");

    /// <summary>Node <paramref name="node"/>'s address, in its own namespace.</summary>
    public static IPAddress Address(int node) => IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{node + 1}"));

    /// <summary>
    /// Builds the network for <paramref name="nodes"/> nodes, or throws <see cref="SkipException"/> with the reason when
    /// this machine cannot (not Linux, no iproute2, not allowed to make namespaces), having removed what it made.
    /// </summary>
    public static async Task<NamespaceNetwork> CreateAsync(int nodes)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SkipException("network namespaces need Linux");
        }

        var ip = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists)
            ?? throw new SkipException("iproute2's ip is not installed: no network namespaces");
        var network = new NamespaceNetwork(ip, nodes);
        try
        {
            await network.DeleteLeftoversAsync();
            await network.BuildAsync();
            return network;
        }
        catch (NetworkCommandException e)
        {
            await network.DisposeAsync();
            throw new SkipException($"cannot build a network of namespaces on this machine: {e.Message}");
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cuts node <paramref name="node"/> off: the hub end of its veth goes down.</summary>
    public Task CutAsync(int node) => IpAsync("-n", Hub, "link", "set", Port(node), "down");

    /// <summary>Joins node <paramref name="node"/> again.</summary>
    public Task HealAsync(int node) => IpAsync("-n", Hub, "link", "set", Port(node), "up");

    /// <summary>How to run <paramref name="file"/> inside node <paramref name="node"/>'s namespace (<c>ip netns exec</c> execs it in place: same process).</summary>
    public ProcessStartInfo Inside(int node, string file, string arguments) => new(_ip, $"netns exec {Nodes[node]} {file} {arguments}");

    /// <summary>The <c>ip</c> arguments that run <paramref name="file"/> in the hub's namespace.</summary>
    public (string File, string Arguments) InHub(string file, string arguments) => (_ip, $"netns exec {Hub} {file} {arguments}");

    /// <summary>A client in the hub, connected to node <paramref name="node"/>'s <paramref name="port"/>.</summary>
    public Task<RespClient> ConnectFromHubAsync(int node, int port) =>
        RespClient.ConnectAsync(NamespaceSocket.Create(Hub, HubAddress), new IPEndPoint(Address(node), port));

    /// <summary>A client inside node <paramref name="node"/>'s own namespace, connected to it: it still reaches the node when it is cut off.</summary>
    public Task<RespClient> ConnectWithinAsync(int node, int port) =>
        RespClient.ConnectAsync(NamespaceSocket.Create(Nodes[node], Address(node)), new IPEndPoint(Address(node), port));

    /// <summary>Kills every process still in the namespaces, then deletes them (which removes their veths and the bridge).</summary>
    public async ValueTask DisposeAsync()
    {
        var errors = new List<string>();
        foreach (var name in Enumerable.Reverse(_made))
        {
            try
            {
                await KillEverythingInAsync(name);
                await IpAsync("netns", "del", name);
            }
            catch (Exception e) when (e is NetworkCommandException or TimeoutException)
            {
                errors.Add(e.Message);
            }
        }

        _made.Clear();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("network namespaces left behind: " + string.Join("; ", errors));
        }
    }

    private async Task BuildAsync()
    {
        await AddNamespaceAsync(Hub);
        await IpAsync("-n", Hub, "link", "set", "lo", "up");
        await IpAsync("-n", Hub, "link", "add", "br0", "type", "bridge"); // no STP: a port forwards as soon as it is up
        await IpAsync("-n", Hub, "addr", "add", $"{HubAddress}/24", "dev", "br0");
        await IpAsync("-n", Hub, "link", "set", "br0", "up");
        for (var i = 0; i < Nodes.Length; i++)
        {
            await AddNamespaceAsync(Nodes[i]);
            await IpAsync("-n", Hub, "link", "add", Port(i), "type", "veth", "peer", "name", "eth0", "netns", Nodes[i]);
            await IpAsync("-n", Hub, "link", "set", Port(i), "master", "br0", "up");
            await IpAsync("-n", Nodes[i], "link", "set", "lo", "up");
            await IpAsync("-n", Nodes[i], "addr", "add", $"{Address(i)}/24", "dev", "eth0");
            await IpAsync("-n", Nodes[i], "link", "set", "eth0", "up");
        }
    }

    /// <summary>
    /// Deletes the namespaces of earlier runs whose process is gone (killed before it could delete them; its nodes
    /// stopped with it) and in which nothing runs. <c>ip netns list</c> prints one name a line, maybe with an id after it.
    /// </summary>
    private async Task DeleteLeftoversAsync()
    {
        foreach (var line in (await IpAsync("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)
                || !int.TryParse(name.AsSpan(Prefix.Length, Math.Max(0, name.IndexOf('-', Prefix.Length) - Prefix.Length)), CultureInfo.InvariantCulture, out var pid)
                || Directory.Exists($"/proc/{pid}")
                || (await IpAsync("netns", "pids", name)).Trim().Length > 0)
            {
                continue;
            }

            try
            {
                await IpAsync("netns", "del", name);
            }
            catch (NetworkCommandException)
            {
                // Another run deleted it first.
            }
        }
    }

    private async Task AddNamespaceAsync(string name)
    {
        await IpAsync("netns", "add", name);
        _made.Add(name);
    }

    /// <summary>SIGKILL to every process in namespace <paramref name="name"/> (only the test's own can be there), until none is left.</summary>
    private async Task KillEverythingInAsync(string name)
    {
        var deadline = DateTime.UtcNow + CommandBound;
        while (true)
        {
            var pids = (await IpAsync("netns", "pids", name)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (pids.Length == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"processes {string.Join(' ', pids)} still run in network namespace {name}");
            }

            foreach (var pid in pids)
            {
                try
                {
                    using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Already gone.
                }
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The hub end of node <paramref name="node"/>'s veth (names are per namespace: only the hub's must differ).</summary>
    private static string Port(int node) => string.Create(CultureInfo.InvariantCulture, $"n{node}");

    /// <summary>Runs <c>ip</c> with <paramref name="args"/>, bounded; returns its output or throws with its error.</summary>
    private async Task<string> IpAsync(params string[] args)
    {
        var start = new ProcessStartInfo(_ip) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new NetworkCommandException($"could not start {_ip}");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(CommandBound);
            return process.ExitCode == 0
                ? await output
                : throw new NetworkCommandException($"ip {string.Join(' ', args)} exited {process.ExitCode}: {(await error).Trim()}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    /// <summary>An <c>ip</c> command failed.</summary>
    private sealed class NetworkCommandException(string message) : Exception(message);
}
