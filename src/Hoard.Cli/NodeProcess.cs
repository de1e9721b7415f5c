using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// A node of <c>hoard up</c>: <c>hoard serve</c> run as a child process of this executable, its standard output and
/// error written to its log file, its standard input a pipe nobody writes to, so that the node stops when this
/// process ends in any way (<see cref="StopWithParent"/>).
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    /// <summary>How long a node may take to stop after SHUTDOWN before it is killed.</summary>
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;

    private NodeProcess(Process process, StreamWriter log, NodeEndpoint endpoint, string logPath)
    {
        _process = process;
        _log = log;
        Endpoint = endpoint;
        LogPath = logPath;
    }

    /// <summary>The node's client endpoint.</summary>
    public NodeEndpoint Endpoint { get; }

    /// <summary>The node's log file.</summary>
    public string LogPath { get; }

    /// <summary>The child's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>hoard</c> with <paramref name="arguments"/>. An exit before <paramref name="stopping"/> is
    /// cancelled is logged as a warning.
    /// </summary>
    public static NodeProcess Start(NodeEndpoint endpoint, IReadOnlyList<string> arguments, string logPath, ILogger logger, CancellationToken stopping)
    {
        var (fileName, prefix) = ThisExecutable();
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[StopWithParent.Variable] = "1";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(process, new StreamWriter(logPath, append: false) { AutoFlush = true }, endpoint, logPath);
        process.OutputDataReceived += (_, e) => node.Write(e.Data);
        process.ErrorDataReceived += (_, e) => node.Write(e.Data);
        process.Exited += (_, _) =>
        {
            if (!stopping.IsCancellationRequested)
            {
                CliLog.NodeExited(logger, endpoint, process.ExitCode, logPath);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until every node of <paramref name="children"/> answers PING, for at most <paramref name="bound"/>.</summary>
    /// <exception cref="CommandFailedException">A node exited, or one did not answer in time.</exception>
    public static Task WaitUntilAnsweringAsync(IReadOnlyList<NodeProcess> children, NodeClient nodes, TimeSpan bound, CancellationToken cancellationToken) =>
        Polling.UntilAsync(() => NotAnsweringAsync(children, nodes, cancellationToken), bound,
            children.Count == 1 ? "the node did not start" : "the nodes did not start", cancellationToken);

    /// <summary>Completes when the child exits.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Stops the node: SHUTDOWN NOSAVE, then a kill if it has not exited within the grace period.</summary>
    public async Task StopAsync(NodeClient nodes, ILogger logger)
    {
        using var grace = new CancellationTokenSource(GracePeriod);
        try
        {
            if (!_process.HasExited)
            {
                await nodes.ShutdownAsync(Endpoint, grace.Token).ConfigureAwait(false);
            }

            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            CliLog.NodeKilled(logger, Endpoint, GracePeriod.TotalSeconds);
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>For a node that exited: its exit code and the last lines of its log.</summary>
    public string DescribeExit(int lines)
    {
        _process.WaitForExit(); // the rest of its output reaches the log
        using var file = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        var tail = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines);
        return $"node {Endpoint} exited with code {_process.ExitCode}; the end of {LogPath}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    /// <summary>
    /// This executable and the arguments that come before a command: none for the <c>hoard</c> apphost, the entry
    /// assembly's path when the process is the <c>dotnet</c> host running <c>hoard.dll</c>.
    /// </summary>
    private static (string FileName, string[] Prefix) ThisExecutable()
    {
        var path = Environment.ProcessPath ?? throw new CommandFailedException("cannot tell which executable this process runs");
        if (!Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return (path, []);
        }

        var assembly = Assembly.GetEntryAssembly()?.Location;
        return string.IsNullOrEmpty(assembly) ? throw new CommandFailedException("cannot tell which assembly the dotnet host runs") : (path, [assembly]);
    }

    /// <summary>Null once every node answers PING; else what the first silent node said.</summary>
    /// <exception cref="CommandFailedException">A node exited.</exception>
    private static async Task<string?> NotAnsweringAsync(IReadOnlyList<NodeProcess> children, NodeClient nodes, CancellationToken cancellationToken)
    {
        foreach (var child in children)
        {
            if (child.HasExited)
            {
                throw new CommandFailedException(child.DescribeExit(lines: 20));
            }

            try
            {
                await nodes.CallAsync(child.Endpoint, ["PING"], cancellationToken).ConfigureAwait(false);
            }
            catch (CommandFailedException e)
            {
                return e.Message;
            }
        }

        return null;
    }

    private void Write(string? line)
    {
        lock (_logLock)
        {
            if (line is not null && !_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
