using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard up</c>: a local cluster in one command. Starts the nodes as child processes, forms the cluster as
/// <c>hoard cluster create</c> does, prints how to reach it, and stops every node on Ctrl-C or SIGTERM.
/// </summary>
internal static class UpCommand
{
    /// <summary>How long the nodes may take to start answering.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = UpOptions.Parse(args);
        var busy = options.Ports.SelectMany(p => new[] { p, UpOptions.ClusterPort(p) }).Where(p => !LocalPorts.IsFree(p)).ToList();
        if (busy.Count > 0)
        {
            throw new CommandFailedException(
                $"{(busy.Count == 1 ? "port" : "ports")} {string.Join(", ", busy)} {(busy.Count == 1 ? "is" : "are")} busy " +
                "(another hoard up or server?); choose another --port");
        }

        PrepareDirectory(options);
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var logger = loggers.CreateLogger("hoard");
        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stopping.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stopping.Cancel();
        });

        var nodes = new NodeClient(options.Password);
        var children = new List<NodeProcess>();
        try
        {
            foreach (var port in options.Ports)
            {
                var child = NodeProcess.Start(new NodeEndpoint(UpOptions.Host, port), options.ServeArguments(port), options.LogPath(port), logger, stopping.Token);
                children.Add(child);
                CliLog.NodeStarted(logger, child.Endpoint, child.Pid, child.LogPath);
            }

            await Polling.UntilAsync(() => NotAnsweringAsync(children, nodes, stopping.Token), StartBound, "the nodes did not start", stopping.Token)
                .ConfigureAwait(false);
            var endpoints = children.Select(c => c.Endpoint).ToList();
            await new ClusterFormation(nodes, logger).CreateAsync(ClusterLayout.Plan(endpoints, options.Replicas), stopping.Token).ConfigureAwait(false);
            PrintNodes(options, children);
            await ClusterStatusCommand.PrintAsync(nodes, endpoints[0], stopping.Token).ConfigureAwait(false);
            PrintConnect(options);
            await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM: stop the nodes below and exit 0.
        }
        catch (CommandFailedException e)
        {
            throw new CommandFailedException($"{e.Message}{Environment.NewLine}(node logs: {options.Directory})");
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false); // the nodes' exits from here on are expected
            CliLog.StoppingNodes(logger, children.Count);
            await Task.WhenAll(children.Select(c => c.StopAsync(nodes, logger))).ConfigureAwait(false);
            foreach (var child in children)
            {
                child.Dispose();
            }
        }

        return 0;
    }

    /// <summary>Makes every <c>up</c> a new cluster: the nodes' data directories and logs of an earlier run are deleted.</summary>
    /// <exception cref="CommandFailedException">The directory cannot be created or cleared.</exception>
    private static void PrepareDirectory(UpOptions options)
    {
        try
        {
            Directory.CreateDirectory(options.Directory);
            foreach (var port in options.Ports)
            {
                if (Directory.Exists(options.NodeDirectory(port)))
                {
                    Directory.Delete(options.NodeDirectory(port), recursive: true);
                }

                File.Delete(options.LogPath(port));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot prepare {options.Directory}: {e.Message}");
        }
    }

    /// <summary>Null once every node answers PING; else what the first silent node said.</summary>
    /// <exception cref="CommandFailedException">A node exited.</exception>
    private static async Task<string?> NotAnsweringAsync(List<NodeProcess> children, NodeClient nodes, CancellationToken cancellationToken)
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

    private static void PrintNodes(UpOptions options, List<NodeProcess> children)
    {
        var replicas = options.Replicas == 0 ? "" : $" ({options.Shards} primaries with {options.Replicas} {(options.Replicas == 1 ? "replica" : "replicas")} each)";
        Console.WriteLine($"Hoard cluster of {children.Count} nodes{replicas} is up; data and logs in {options.Directory}");
        foreach (var child in children)
        {
            Console.WriteLine($"  {child.Endpoint}  pid {child.Pid}  log {child.LogPath}");
        }

        Console.WriteLine();
    }

    private static void PrintConnect(UpOptions options)
    {
        Console.WriteLine();
        Console.WriteLine("Connect with:");
        Console.WriteLine($"  redis-cli -c -p {options.Port}{(options.Password is null ? "" : " --askpass")}");
        Console.WriteLine("Ctrl-C or SIGTERM stops every node.");
    }
}
