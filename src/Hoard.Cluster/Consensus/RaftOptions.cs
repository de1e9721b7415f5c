using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Cluster.Consensus;

/// <summary>
/// How one voter of the Raft group runs. The defaults suit a small machine shared with busy cache processes: an
/// election starts only after 300–600 ms without a heartbeat (heartbeats go out every 150 ms), so a GC pause or a
/// CPU stall does not depose a healthy leader.
/// </summary>
public sealed record RaftOptions
{
    /// <summary>The endpoint this member listens on for the group's TCP traffic; also its name in the group.</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>Every voter, this member included; all members must be started with the same list.</summary>
    public required IReadOnlyList<IPEndPoint> Voters { get; init; }

    /// <summary>Where the write-ahead log and the snapshots live; a restarted member recovers from it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The shortest wait for a leader's heartbeat before a follower stands for election.</summary>
    public TimeSpan LowerElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The longest such wait; each follower picks its timeout at random in between.</summary>
    public TimeSpan UpperElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(600);

    /// <summary>How long one request to another member may take; below the lower election timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long opening a connection to another member may take; at most the request timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many entries are applied between two snapshots of the state.</summary>
    public int SnapshotInterval { get; init; } = 1000;

    /// <summary>Where this member and the Raft library log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Throws when the options cannot work together.</summary>
    /// <exception cref="ArgumentException">An option is out of range or inconsistent with another.</exception>
    internal void Validate()
    {
        if (!Voters.Contains(LocalEndPoint))
            throw new ArgumentException($"The voters must include the local endpoint {LocalEndPoint}.", nameof(Voters));
        if (string.IsNullOrWhiteSpace(DataDirectory))
            throw new ArgumentException("A data directory is required.", nameof(DataDirectory));
        if (LowerElectionTimeout <= TimeSpan.Zero || UpperElectionTimeout <= LowerElectionTimeout)
            throw new ArgumentException("The election timeouts must satisfy 0 < lower < upper.", nameof(UpperElectionTimeout));
        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > RequestTimeout || RequestTimeout >= LowerElectionTimeout)
            throw new ArgumentException("The timeouts must satisfy 0 < connect <= request < lower election timeout.", nameof(RequestTimeout));
        if (SnapshotInterval < 1)
            throw new ArgumentException("The snapshot interval must be at least one entry.", nameof(SnapshotInterval));
    }
}
