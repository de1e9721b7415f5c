using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using static Hoard.IntegrationTests.HoardProcess;

namespace Hoard.IntegrationTests;

/// <summary>
/// <c>hoard up</c> as a real process: three nodes form a cluster that serves every slot, and every node stops with
/// <c>hoard up</c>, whether it is asked to (SIGTERM) or killed (SIGKILL). Needs the server's cluster mode.
/// </summary>
[Collection(Cluster.LocalCluster.Collection)]
public partial class HoardUpTests
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait("Category", "Cluster")]
    public async Task UpFormsAClusterThatServesAndStopsEveryNodeOnSigterm()
    {
        var port = FreeBasePort(3);
        using var up = StartUp(port, out var errors);
        var nodes = new List<int>();
        try
        {
            nodes = await WaitUntilReadyAsync(up, errors);
            Assert.Equal(3, nodes.Count);
            for (var i = 0; i < 3; i++)
            {
                await using var client = await RespClient.ConnectAsync(port + i);
                var info = (string)(await client.CallAsync("CLUSTER", "INFO"))!;
                Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
                Assert.Contains("cluster_known_nodes:3", info, StringComparison.Ordinal);
            }

            await AssertSlotsCoveredAsync(port);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("OK", await CallFollowingMovedAsync(port, "SET", $"key:{i}", $"value:{i}"));
            }

            for (var i = 0; i < 10; i++)
            {
                Assert.Equal($"value:{i}", await CallFollowingMovedAsync(port + 2, "GET", $"key:{i}"));
            }

            Assert.Equal(0, Signal(up.Id, "TERM"));
            await up.WaitForExitAsync().WaitAsync(ExitBound);
            Assert.Equal(0, up.ExitCode);
            await AssertAllExitAsync(nodes);
        }
        finally
        {
            Cleanup(up, nodes, port);
        }
    }

    [Fact]
    [Trait("Category", "Cluster")]
    public async Task NodesStopWhenUpIsKilled()
    {
        var port = FreeBasePort(3);
        using var up = StartUp(port, out var errors);
        var nodes = new List<int>();
        try
        {
            nodes = await WaitUntilReadyAsync(up, errors);
            Assert.Equal(3, nodes.Count);

            Assert.Equal(0, Signal(up.Id, "KILL"));
            await up.WaitForExitAsync().WaitAsync(ExitBound);
            await AssertAllExitAsync(nodes);
        }
        finally
        {
            Cleanup(up, nodes, port);
        }
    }

    [Fact]
    [Trait("Category", "Cluster")]
    public async Task UpWithReplicasStartsEachShardsPrimaryAndReplicas()
    {
        var port = FreeBasePort(4);
        using var up = StartUp(port, out var errors, "--shards 2 --replicas 1");
        var nodes = new List<int>();
        try
        {
            nodes = await WaitUntilReadyAsync(up, errors);
            Assert.Equal(4, nodes.Count);
            await using var client = await RespClient.ConnectAsync(port + 3);
            var lines = ((string)(await client.CallAsync("CLUSTER", "NODES"))!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var primaries = lines.Where(l => l.Split(' ')[2].Contains("master", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
            var replicas = lines.Where(l => l.Split(' ')[2].Contains("slave", StringComparison.Ordinal)).Select(l => l.Split(' ')[3]).ToList();
            Assert.Equal(2, primaries.Count);
            Assert.Equal(primaries.Order(StringComparer.Ordinal), replicas.Order(StringComparer.Ordinal)); // one replica per primary
            await AssertSlotsCoveredAsync(port);

            Assert.Equal(0, Signal(up.Id, "TERM"));
            await up.WaitForExitAsync().WaitAsync(ExitBound);
            await AssertAllExitAsync(nodes);
        }
        finally
        {
            Cleanup(up, nodes, port);
        }
    }

    private static Process StartUp(int port, out StringBuilder errors, string layout = "--shards 3", Action<ProcessStartInfo>? configure = null)
    {
        var up = Start($"up {layout} --port {port} --dir \"{DirectoryOf(port)}\"", configure);
        var captured = new StringBuilder();
        up.ErrorDataReceived += (_, e) =>
        {
            lock (captured)
            {
                captured.AppendLine(e.Data);
            }
        };
        up.BeginErrorReadLine();
        errors = captured;
        return up;
    }

    /// <summary>Reads what <c>hoard up</c> prints until its redis-cli line; returns the nodes' process ids it listed.</summary>
    private static async Task<List<int>> WaitUntilReadyAsync(Process up, StringBuilder errors)
    {
        var pids = new List<int>();
        var reading = Task.Run(async () =>
        {
            while (await up.StandardOutput.ReadLineAsync() is { } line)
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var pid = Array.IndexOf(words, "pid");
                if (pid >= 0 && pid + 1 < words.Length)
                {
                    pids.Add(int.Parse(words[pid + 1], CultureInfo.InvariantCulture));
                }

                if (line.Contains("redis-cli -c -p", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        });
        var ready = await reading.WaitAsync(ReadyBound);
        lock (errors)
        {
            Assert.True(ready, $"hoard up ended before it was ready:{Environment.NewLine}{errors}");
        }

        return pids;
    }

    private static async Task AssertSlotsCoveredAsync(int port)
    {
        await using var client = await RespClient.ConnectAsync(port);
        var ranges = Assert.IsType<object[]>(await client.CallAsync("CLUSTER", "SLOTS"))
            .Cast<object[]>()
            .Select(r => (Start: (long)r[0], End: (long)r[1]))
            .OrderBy(r => r.Start)
            .ToList();
        var next = 0L;
        foreach (var (start, end) in ranges)
        {
            Assert.Equal(next, start);
            next = end + 1;
        }

        Assert.Equal(16384, next);
    }

    /// <summary>Sends a command to the node on <paramref name="port"/>, and once more to the node a MOVED reply names.</summary>
    private static async Task<object?> CallFollowingMovedAsync(int port, params object[] args)
    {
        await using var first = await RespClient.ConnectAsync(port);
        var reply = await first.CallAsync(args);
        if (reply is not RespError { Message: var message } || !message.StartsWith("MOVED ", StringComparison.Ordinal))
        {
            return reply;
        }

        var target = message.Split(' ')[2];
        await using var owner = await RespClient.ConnectAsync(int.Parse(target[(target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        return await owner.CallAsync(args);
    }

    private static async Task AssertAllExitAsync(List<int> pids)
    {
        var deadline = DateTime.UtcNow + ExitBound;
        while (pids.Any(IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(pids, IsRunning);
    }

    /// <summary>A first port such that it, the next ones and their cluster ports (+10000) are free; below Linux's ephemeral ports.</summary>
    private static int FreeBasePort(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(15000, 22000);
            if (Enumerable.Range(first, count).All(p => IsFree(p) && IsFree(p + 10000)))
            {
                return first;
            }
        }

        throw new InvalidOperationException("no free ports for a local cluster");
    }

    private static string DirectoryOf(int port) => Path.Combine(Path.GetTempPath(), $"hoard-up-test-{port}");

    private static void Cleanup(Process up, List<int> nodes, int port)
    {
        StopIfRunning(up);
        foreach (var pid in nodes.Where(p => IsRunning(p) && File.ReadAllText($"/proc/{p}/cmdline").Contains("hoard", StringComparison.Ordinal)))
        {
            using var node = Process.GetProcessById(pid);
            node.Kill();
            node.WaitForExit();
        }

        if (Directory.Exists(DirectoryOf(port)))
        {
            Directory.Delete(DirectoryOf(port), recursive: true);
        }
    }
}
