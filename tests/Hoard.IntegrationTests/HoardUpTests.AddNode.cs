using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hoard.Server.Tests.Support;
using static Hoard.IntegrationTests.HoardProcess;

namespace Hoard.IntegrationTests;

/// <summary>
/// <c>hoard up --add-node</c> beside a running <c>hoard up</c>: the new node joins and takes its share of the slots; on
/// SIGTERM its slots move back, the cluster forgets it, and the node stops.
/// </summary>
public partial class HoardUpTests
{
    /// <summary>The new node's share against 1 for each of three primaries: about 270 slots each way, a few seconds.</summary>
    private const string Weight = "0.05";

    private static readonly TimeSpan GrowBound = TimeSpan.FromSeconds(60);

    [Fact]
    [Trait("Category", "Cluster")]
    public async Task AddNodeJoinsTakesSlotsAndGivesThemBackOnSigterm()
    {
        var port = FreeBasePort(4);
        var added = port + 3;

        // As in CI: the first hoard up's standard input is closed, which must not stop it.
        using var up = StartUp(port, out var errors, configure: s => s.RedirectStandardInput = true);
        up.StandardInput.Close();
        var nodes = new List<int>();
        Process? add = null;
        try
        {
            nodes = await WaitUntilReadyAsync(up, errors);
            add = Start($"up --add-node --port {port} --dir \"{DirectoryOf(port)}\" --weight {Weight}");
            var output = Capture(add);
            await WaitForAsync(output, "Ctrl-C or SIGTERM moves its slots", GrowBound);
            var node = NodePid(output, added);
            nodes.Add(node);
            var slots = SlotsByPort(await ClusterNodesAsync(port));
            Assert.Equal([port, port + 1, port + 2, added], slots.Keys.Order());
            Assert.InRange(slots[added], 1, 1000);
            Assert.Equal(16384, slots.Values.Sum());
            Assert.Equal("OK", await CallFollowingMovedAsync(port, "SET", "grown", "yes"));

            Assert.Equal(0, Signal(add.Id, "TERM"));
            await add.WaitForExitAsync().WaitAsync(GrowBound);
            Assert.True(add.ExitCode == 0, $"hoard up --add-node exited with {add.ExitCode}:{Environment.NewLine}{Text(output)}");
            await AssertAllExitAsync([node]);
            slots = SlotsByPort(await ClusterNodesAsync(port));
            Assert.Equal([port, port + 1, port + 2], slots.Keys.Order());
            Assert.Equal(16384, slots.Values.Sum());
            await AssertSlotsCoveredAsync(port);
            Assert.Equal("yes", await CallFollowingMovedAsync(port + 1, "GET", "grown"));
            Assert.False(up.HasExited, "the first hoard up stopped");
        }
        finally
        {
            if (add is not null)
            {
                StopIfRunning(add);
                add.Dispose();
            }

            Cleanup(up, nodes, port);
        }
    }

    [Fact]
    public async Task AddNodeWithoutARunningClusterSaysSoInPlainWords()
    {
        var port = FreeBasePort(1);
        using var add = Start($"up --add-node --port {port} --dir \"{DirectoryOf(port)}\"");
        try
        {
            var errors = await add.StandardError.ReadToEndAsync().WaitAsync(ExitBound);
            await add.WaitForExitAsync().WaitAsync(ExitBound);
            Assert.Equal(1, add.ExitCode);
            Assert.StartsWith($"hoard: no Hoard cluster answers on 127.0.0.1:{port}: start one with 'hoard up --port {port}' first", errors, StringComparison.Ordinal);
        }
        finally
        {
            StopIfRunning(add);
        }
    }

    /// <summary>Collects a process's standard output and error, a line at a time.</summary>
    private static StringBuilder Capture(Process process)
    {
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(text, e.Data);
        process.ErrorDataReceived += (_, e) => Append(text, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return text;
    }

    private static void Append(StringBuilder text, string? line)
    {
        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static async Task WaitForAsync(StringBuilder output, string line, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!Text(output).Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no '{line}' within {bound.TotalSeconds} s:{Environment.NewLine}{Text(output)}");
            await Task.Delay(100);
        }
    }

    /// <summary>The process id printed on the node's line: <c>127.0.0.1:port  pid N  log …</c>.</summary>
    private static int NodePid(StringBuilder output, int port)
    {
        var line = Text(output).Split('\n').First(l => l.TrimStart().StartsWith($"127.0.0.1:{port} ", StringComparison.Ordinal) && l.Contains(" pid ", StringComparison.Ordinal));
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(words[Array.IndexOf(words, "pid") + 1], CultureInfo.InvariantCulture);
    }

    private static async Task<string> ClusterNodesAsync(int port)
    {
        await using var client = await RespClient.ConnectAsync(port);
        return (string)(await client.CallAsync("CLUSTER", "NODES"))!;
    }

    /// <summary>How many slots each node of a CLUSTER NODES reply serves, by client port.</summary>
    private static Dictionary<int, int> SlotsByPort(string nodes) => nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' '))
        .ToDictionary(
            w => int.Parse(w[1][(w[1].LastIndexOf(':') + 1)..w[1].IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture),
            w => w.Skip(8).Where(s => s.Length > 0 && !s.StartsWith('[')).Sum(Count));

    private static int Count(string range) => range.Split('-') is [var start, var end]
        ? int.Parse(end, CultureInfo.InvariantCulture) - int.Parse(start, CultureInfo.InvariantCulture) + 1
        : 1;
}
