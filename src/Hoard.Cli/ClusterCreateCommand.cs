using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster create host:port … [--replicas 0] [-a password]</c>: forms a cluster of empty nodes in cluster
/// mode, each a primary with an even share of the slots, and prints its status.
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

        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var nodes = new NodeClient(parsed.Password);
        await new ClusterFormation(nodes, loggers.CreateLogger("hoard")).CreateAsync(endpoints, CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, endpoints[0], CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
