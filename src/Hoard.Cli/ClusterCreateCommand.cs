using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster create host:port … [--replicas N] [-a password]</c>: forms a cluster of empty nodes in cluster
/// mode, laid out as redis-cli does (<see cref="ClusterLayout"/>): primaries with an even share of the slots, each with
/// N replicas; then prints its status.
/// </summary>
internal static class ClusterCreateCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: true);
        var endpoints = ClusterArguments.Endpoints(parsed.Positional);
        if (endpoints.Count == 0)
        {
            throw new ConfigurationException("cluster create needs the nodes' host:port");
        }

        var layout = ClusterLayout.Plan(endpoints, parsed.Replicas);
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var nodes = new NodeClient(parsed.Password);
        await new ClusterFormation(nodes, loggers.CreateLogger("hoard")).CreateAsync(layout, CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, endpoints[0], CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
