using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Protocol;
using Hoard.Server.Cluster;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// Commands nodes send each other on the client port: a change for the consensus leader (HOARD.PROPOSE), the
/// topology pushed or pulled (HOARD.TOPOLOGY), a node's identity for CLUSTER MEET (HOARD.IDENTITY), the
/// heartbeat every node sends the consensus leader (HOARD.HEARTBEAT) and a replica's request to its primary to
/// pause writes for a manual failover (HOARD.PAUSEWRITES).
/// </summary>
internal static class InternalCommands
{
    private const CommandFlags Internal = CommandFlags.Admin | CommandFlags.Stale | CommandFlags.Loading;
    private const long MaxPauseMs = 60_000;

    public static void Register(CommandTable table)
    {
        table.Add(new("hoard.propose", 2, Internal, 0, 0, 0, Propose, "Hoard internal: commits a topology change (leader only)."));
        table.Add(new("hoard.topology", -1, Internal, 0, 0, 0, Topology, "Hoard internal: returns, or takes a newer, topology."));
        table.Add(new("hoard.identity", 1, Internal, 0, 0, 0, Identity, "Hoard internal: returns the node's ids, cluster port and voters."));
        table.Add(new("hoard.heartbeat", 3, Internal | CommandFlags.Fast, 0, 0, 0, Heartbeat, "Hoard internal: a node's heartbeat to the consensus leader; returns the write lease granted."));
        table.Add(new("hoard.pausewrites", 2, Internal, 0, 0, 0, PauseWrites, "Hoard internal: a primary pauses writes for its replica's manual failover; returns where they stopped."));
    }

    private static void Propose(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        var entry = c[1].ToArray();
        c.Defer(AnswerAsync(cluster.AcceptProposalAsync(entry, CancellationToken.None)));
    }

    /// <summary>The leader's epoch as an integer on success, so the proposer can wait until it has caught up.</summary>
    private static async Task<DeferredReply> AnswerAsync(Task<ProposalAnswer> proposal)
    {
        var answer = await proposal.ConfigureAwait(false);
        return answer.Error is { } error ? DeferredReplies.Error(error) : (ref RespWriter w) => w.WriteInteger(answer.Epoch);
    }

    private static void Topology(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (c.Count == 1)
        {
            c.Writer.WriteBulkString(TopologyCodec.Encode(cluster.Topology));
            return;
        }

        try
        {
            c.Writer.WriteInteger(cluster.AcceptTopology(c[1]) ? 1 : 0);
        }
        catch (InvalidDataException e)
        {
            c.Writer.WriteError("ERR " + e.Message);
        }
    }

    private static void Identity(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is { } cluster)
        {
            c.Writer.WriteBulkString(cluster.IdentityText);
        }
    }

    /// <summary>
    /// HOARD.HEARTBEAT node-id offset, from a member to the consensus leader: the lease granted in milliseconds, or
    /// <c>-TRYAGAIN</c> when this node does not lead (or cannot confirm its majority).
    /// </summary>
    private static void Heartbeat(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var offset))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (cluster.AcceptHeartbeat(System.Text.Encoding.ASCII.GetString(c[1]), offset) is { } lease)
        {
            c.Writer.WriteInteger(lease);
        }
        else
        {
            c.Writer.WriteError("TRYAGAIN not the consensus leader"u8);
        }
    }

    /// <summary>
    /// HOARD.PAUSEWRITES ms, from a replica running CLUSTER FAILOVER to its primary: writes stop (the handover is
    /// cancelled if it has not happened after <c>ms</c>) and the answer is <see cref="PausePoint"/>'s wire form.
    /// </summary>
    private static void PauseWrites(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (!Arguments.TryParseInt64(c[1], out var ms) || ms is <= 0 or > MaxPauseMs)
        {
            c.Writer.WriteError("ERR the pause must be 1 to 60000 milliseconds"u8);
        }
        else if (!cluster.IsMember || cluster.Self.Role != NodeRole.Primary)
        {
            c.Writer.WriteError("ERR only a master pauses its writes for a failover"u8);
        }
        else
        {
            c.Defer(PausedAsync(c.Server.WritePause.BeginAsync(cluster, TimeSpan.FromMilliseconds(ms))));
        }
    }

    private static async Task<DeferredReply> PausedAsync(Task<PausePoint?> pause) =>
        await pause.ConfigureAwait(false) is { } point
            ? (ref RespWriter w) => w.WriteBulkString(point.ToString())
            : DeferredReplies.Error("ERR a manual failover of this shard is already under way");
}
