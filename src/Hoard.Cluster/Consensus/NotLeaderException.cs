using System.Net;

namespace Hoard.Cluster.Consensus;

/// <summary>An entry was offered to a member that does not lead the group.</summary>
public sealed class NotLeaderException : Exception
{
    /// <summary>Creates the exception naming the leader this member knows of, if any.</summary>
    /// <param name="leader">The leader's consensus endpoint, or null when none is known.</param>
    public NotLeaderException(EndPoint? leader)
        : base(leader is null ? "No consensus leader is known." : $"The consensus leader is {leader}.")
    {
        Leader = leader;
    }

    /// <summary>The leader's consensus endpoint, or null when none is known.</summary>
    public EndPoint? Leader { get; }
}
