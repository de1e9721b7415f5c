using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard up</c>: a local cluster in one command. Starts the nodes as child processes, forms the cluster as
/// <c>hoard cluster create</c> does, prints how to reach it, and stops every node on Ctrl-C or SIGTERM. Run from a
/// terminal it also takes typed commands (<see cref="UpConsole"/>): <c>add-node</c> grows the cluster by a node of its
/// own, <c>status</c> prints the status table. <c>hoard up --add-node</c> is <see cref="UpAddNodeCommand"/>.
/// </summary>
internal static class UpCommand
{
    /// <summary>How long the nodes may take to start answering.</summary>
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = UpOptions.Parse(args);
        if (options.AddNode)
        {
            return await UpAddNodeCommand.RunAsync(options).ConfigureAwait(false);
        }

        var busy = options.Ports.SelectMany(p => new[] { p, UpOptions.ClusterPort(p) }).Where(p => !LocalPorts.IsFree(p)).ToList();
        if (busy.Count > 0)
        {
            throw new CommandFailedException(
                $"{(busy.Count == 1 ? "port" : "ports")} {string.Join(", ", busy)} {(busy.Count == 1 ? "is" : "are")} busy " +
                "(another hoard up or server?); choose another --port, or grow the running cluster with hoard up --add-node");
        }

        UpDirectory.Prepare(options, options.Ports);
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var logger = loggers.CreateLogger("hoard");
        using var signals = new StopSignals();
        var stopping = signals.Stopping;
        var nodes = new NodeClient(options.Password);
        var children = new List<NodeProcess>();
        try
        {
            foreach (var port in options.Ports)
            {
                var child = NodeProcess.Start(new NodeEndpoint(UpOptions.Host, port), options.ServeArguments(port), options.LogPath(port), logger, stopping);
                children.Add(child);
                CliLog.NodeStarted(logger, child.Endpoint, child.Pid, child.LogPath);
            }

            await NodeProcess.WaitUntilAnsweringAsync(children, nodes, StartBound, stopping).ConfigureAwait(false);
            var endpoints = children.Select(c => c.Endpoint).ToList();
            await new ClusterFormation(nodes, logger).CreateAsync(ClusterLayout.Plan(endpoints, options.Replicas), stopping).ConfigureAwait(false);
            PrintNodes(options, children);
            await ClusterStatusCommand.PrintAsync(nodes, endpoints[0], stopping).ConfigureAwait(false);

            // Without a terminal (CI, a service manager, input from a file or a closed pipe) nothing is read: a closed
            // input must not look like a request to stop.
            var console = Console.IsInputRedirected ? null : TypedCommands(options, nodes, logger, children, stopping);
            PrintConnect(options, console);
            if (console is not null)
            {
                await console.RunAsync(stopping).ConfigureAwait(false);
            }

            await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
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
            await signals.StopAsync().ConfigureAwait(false); // the nodes' exits from here on are expected
            CliLog.StoppingNodes(logger, children.Count);
            await Task.WhenAll(children.Select(c => c.StopAsync(nodes, logger))).ConfigureAwait(false);
            foreach (var child in children)
            {
                child.Dispose();
            }
        }

        return 0;
    }

    /// <summary>
    /// The commands typed into a <c>hoard up</c> run from a terminal. A node added this way is this process's own, so
    /// it stops with the others; the cluster stops with it, so its slots do not move away first.
    /// </summary>
    private static UpConsole TypedCommands(UpOptions options, NodeClient nodes, ILogger logger, List<NodeProcess> children, CancellationToken stopping)
    {
        var growth = new ClusterGrowth(options, nodes, logger);
        return new UpConsole(Console.In, Console.Out)
            .Add("add-node", "start one more node; it joins as a primary and takes its share of the slots", async cancellationToken =>
            {
                var child = await growth.StartNodeAsync(stopping).ConfigureAwait(false);
                children.Add(child);
                Console.WriteLine($"  {child.Endpoint}  pid {child.Pid}  log {child.LogPath}");
                var id = await growth.IdAsync(child.Endpoint, cancellationToken).ConfigureAwait(false);
                await growth.JoinAsync(child.Endpoint, id, cancellationToken).ConfigureAwait(false);
                await growth.TakeShareAsync(id, weight: 1, cancellationToken).ConfigureAwait(false);
                await ClusterStatusCommand.PrintAsync(nodes, growth.Existing, cancellationToken).ConfigureAwait(false);
            })
            .Add("status", "print the cluster's status table", cancellationToken => ClusterStatusCommand.PrintAsync(nodes, growth.Existing, cancellationToken));
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

    private static void PrintConnect(UpOptions options, UpConsole? console)
    {
        Console.WriteLine();
        Console.WriteLine("Connect with:");
        Console.WriteLine($"  redis-cli -c -p {options.Port}{(options.Password is null ? "" : " --askpass")}");
        var directory = options.Directory == UpOptions.DefaultDirectory(options.Port) ? "" : $" --dir {options.Directory}";
        var password = options.Password is null ? "" : " --requirepass …";
        Console.WriteLine($"Grow it from another terminal with: hoard up --add-node --port {options.Port}{directory}{password}");
        Console.WriteLine("Ctrl-C or SIGTERM stops every node.");
        if (console is not null)
        {
            Console.WriteLine(console.Hint);
        }
    }
}
