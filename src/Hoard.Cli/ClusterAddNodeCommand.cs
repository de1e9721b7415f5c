using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Hoard.Cli;

/// <summary>
/// <c>hoard cluster add-node new-host:port existing-host:port [-a password]</c>: a node of the cluster meets an
/// empty node, which joins as a primary without slots.
/// </summary>
internal static class ClusterAddNodeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = ClusterArguments.Parse(args, takesReplicas: false);
        if (parsed.Positional.Count != 2)
        {
            throw new ConfigurationException("cluster add-node needs the new node's host:port and an existing node's host:port");
        }

        var endpoints = ClusterArguments.Endpoints(parsed.Positional);
        var (added, existing) = (endpoints[0], endpoints[1]);
        using var loggers = ConsoleLogging.Create(LogLevel.Information, toStandardError: true);
        var logger = loggers.CreateLogger("hoard");
        var nodes = new NodeClient(parsed.Password);
        await MeetAsync(nodes, logger, added, existing, CancellationToken.None).ConfigureAwait(false);
        await ClusterStatusCommand.PrintAsync(nodes, existing, CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Checks that <paramref name="added"/> is an empty cluster node, then <paramref name="existing"/> meets it.</summary>
    /// <exception cref="CommandFailedException">The new node is not empty, or a node is unreachable or refuses.</exception>
    public static async Task MeetAsync(NodeClient nodes, ILogger logger, NodeEndpoint added, NodeEndpoint existing, CancellationToken cancellationToken)
    {
        await new ClusterFormation(nodes, logger).RequireEmptyClusterNodeAsync(added, cancellationToken).ConfigureAwait(false);
        CliLog.Meeting(logger, existing, added);
        await nodes.CallAsync(existing, ["CLUSTER", "MEET", added.Host, added.Port.ToString(CultureInfo.InvariantCulture)], cancellationToken)
            .ConfigureAwait(false);
    }
}
