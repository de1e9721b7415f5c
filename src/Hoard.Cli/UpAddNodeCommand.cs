using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard up --add-node [--port 7000] [--dir PATH] [--weight 1]</c>, run beside a <c>hoard up</c>: one more node for
/// its cluster (<see cref="ClusterGrowth"/>) that takes its share of the slots and runs in the foreground. On Ctrl-C or
/// SIGTERM the node's slots move back to the other primaries, the cluster forgets it, and the node stops; a second
/// signal stops it at once, slots and all.
/// </summary>
internal static class UpAddNodeCommand
{
    /// <summary>How long moving the node's slots away may take before the node is stopped anyway.</summary>
    private static readonly TimeSpan LeaveBound = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(UpOptions options)
    {
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var logger = loggers.CreateLogger("hoard");
        using var signals = new StopSignals();
        var nodes = new NodeClient(options.Password);
        var growth = new ClusterGrowth(options, nodes, logger);
        NodeProcess? child = null;
        string? id = null;
        string? failure = null;
        try
        {
            await growth.RequireClusterAsync(signals.Stopping).ConfigureAwait(false);
            child = await growth.StartNodeAsync(signals.Stopping).ConfigureAwait(false);
            id = await growth.IdAsync(child.Endpoint, signals.Stopping).ConfigureAwait(false); // from here on it leaves in good order
            await growth.JoinAsync(child.Endpoint, id, signals.Stopping).ConfigureAwait(false);

            // A stop asked for while slots move waits for the moves (only a second signal cuts them short); then the
            // slots move back.
            await growth.TakeShareAsync(id, options.Weight, signals.Aborting).ConfigureAwait(false);
            if (!signals.IsStopping)
            {
                Print(options, child, growth.Existing);
                await ClusterStatusCommand.PrintAsync(nodes, growth.Existing, signals.Stopping).ConfigureAwait(false);
                Console.WriteLine();
                Console.WriteLine("Ctrl-C or SIGTERM moves its slots to the other primaries and stops it.");
                await child.WaitForExitAsync(signals.Stopping).ConfigureAwait(false);
                failure = child.DescribeExit(lines: 20);
            }
        }
        catch (OperationCanceledException) when (signals.IsStopping)
        {
            // Ctrl-C or SIGTERM: the node leaves below.
        }
        catch (CommandFailedException e)
        {
            failure = child is null ? e.Message : $"{e.Message}{Environment.NewLine}(node log: {child.LogPath})";
        }
        finally
        {
            if (child is not null)
            {
                var leaving = await LeaveAsync(growth, nodes, child, id, signals, logger).ConfigureAwait(false);
                if (failure is null)
                {
                    failure = leaving;
                }
                else if (leaving is not null)
                {
                    CliLog.NotLeft(logger, leaving);
                }

                await signals.StopAsync().ConfigureAwait(false); // the node's exit is expected from here on
                CliLog.StoppingNodes(logger, 1);
                await child.StopAsync(nodes, logger).ConfigureAwait(false);
                child.Dispose();
            }
        }

        return failure is null ? 0 : throw new CommandFailedException(failure);
    }

    /// <summary>
    /// Unless the node exited or a second signal came, moves its slots away, has the cluster forget it and prints the
    /// status table. Returns what went wrong, or null.
    /// </summary>
    private static async Task<string?> LeaveAsync(ClusterGrowth growth, NodeClient nodes, NodeProcess child, string? id, StopSignals signals, ILogger logger)
    {
        if (id is null)
        {
            return null; // it never met the cluster
        }

        if (child.HasExited || signals.Aborting.IsCancellationRequested)
        {
            return $"node {child.Endpoint} stopped before its slots moved away: see 'hoard cluster status {growth.Existing}'";
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(signals.Aborting);
        bound.CancelAfter(LeaveBound);
        try
        {
            CliLog.NodeLeaving(logger, child.Endpoint);
            await growth.LeaveAsync(id, bound.Token).ConfigureAwait(false);
            await ClusterStatusCommand.PrintAsync(nodes, growth.Existing, bound.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"node {child.Endpoint} was stopped before its slots had all moved away: see 'hoard cluster status {growth.Existing}'";
        }
        catch (CommandFailedException e)
        {
            return $"node {child.Endpoint} could not leave the cluster and was stopped all the same: {e.Message}";
        }
    }

    private static void Print(UpOptions options, NodeProcess child, NodeEndpoint existing)
    {
        Console.WriteLine($"Node {child.Endpoint} joined the cluster at {existing}; data and log in {options.Directory}");
        Console.WriteLine($"  {child.Endpoint}  pid {child.Pid}  log {child.LogPath}");
        Console.WriteLine();
    }
}
