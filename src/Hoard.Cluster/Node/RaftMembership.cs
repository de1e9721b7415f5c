using System.Net;
using System.Net.Sockets;
using Hoard.Cluster.Consensus;
using Microsoft.Extensions.Logging;

namespace Hoard.Cluster.Node;

/// <summary>Makes a voter's Raft member from its cluster settings.</summary>
public static class RaftMembership
{
    /// <summary>The sub-directory of the node's data directory that holds the consensus log and snapshots.</summary>
    public const string DirectoryName = "consensus";

    /// <summary>Creates the Raft member of a voter: its cluster port, the voters' cluster ports, its log under <c>dir</c>.</summary>
    /// <param name="settings">The node's cluster settings.</param>
    /// <param name="state">The state the log drives.</param>
    /// <param name="loggers">Where to log.</param>
    /// <returns>The member, not started.</returns>
    public static IConsensusLog Create(ClusterSettings settings, IReplicatedState state, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RaftConsensusLog(state, new RaftOptions
        {
            LocalEndPoint = Resolve(settings.Host, settings.ClusterPort),
            Voters = [.. settings.EffectiveVoters.Select(v => Resolve(v.Host, v.ClusterPort))],
            DataDirectory = Path.Combine(settings.DataDirectory, DirectoryName),
            LoggerFactory = loggers,
        });
    }

    private static IPEndPoint Resolve(string host, int port) => IPAddress.TryParse(host, out var address)
        ? new IPEndPoint(address, port)
        : new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
}
