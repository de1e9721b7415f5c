using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Protocol;

namespace Hoard.Server.Commands.Replication;

/// <summary>
/// PSYNC and REPLCONF (a replica's side of the link, served by its primary), WAIT, ROLE, and REPLICAOF / SLAVEOF
/// for a standalone node (in cluster mode roles come from the topology: CLUSTER REPLICATE).
/// </summary>
internal static class ReplicationCommands
{
    private const CommandFlags Admin = CommandFlags.Admin | CommandFlags.Stale | CommandFlags.Loading;

    public static void Register(CommandTable table)
    {
        table.Add(new("psync", -3, Admin, 0, 0, 0, Psync, "An internal command used in replication."));
        table.Add(new("replconf", -1, Admin, 0, 0, 0, ReplConf, "An internal command for configuring the replication stream."));
        table.Add(new("wait", 3, CommandFlags.None, 0, 0, 0, Wait, "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed."));
        table.Add(new("role", 1, CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, 0, 0, 0, Role, "Returns the replication role."));
        table.Add(new("replicaof", 3, Admin, 0, 0, 0, ReplicaOf, "Configures a server as replica of another, or promotes it to a master."));
        table.Add(new("slaveof", 3, Admin, 0, 0, 0, ReplicaOf, "Sets a Redis server as a replica of another, or promotes it to being a master."));
    }

    /// <summary>PSYNC replid offset: the reply (+FULLRESYNC or +CONTINUE) and everything after it come from the feed.</summary>
    private static void Psync(ref CommandContext c)
    {
        if (c.Server.Replication.IsReplica)
        {
            c.Writer.WriteError("NOMASTERLINK Can't SYNC while not connected with my master"u8);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var offset))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var address = (c.Session.Remote as IPEndPoint)?.Address;
        c.Session.Feed = c.Server.Replication.StartFeed(c.Session.Id, address, c.Session.ReplicaListeningPort,
            Encoding.ASCII.GetString(c[1]), offset);
    }

    /// <summary>REPLCONF listening-port / capa / ip-address (+OK) and ACK offset (no reply).</summary>
    private static void ReplConf(ref CommandContext c)
    {
        if (c.Count % 2 == 0)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        for (var i = 1; i < c.Count; i += 2)
        {
            if (c.Is(i, "ACK"u8))
            {
                if (Arguments.TryParseInt64(c[i + 1], out var acked))
                {
                    c.Server.Replication.Acknowledge(c.Session.Id, acked);
                }

                return; // Redis sends no reply to an ACK
            }

            if (c.Is(i, "LISTENING-PORT"u8))
            {
                if (!Arguments.TryParseInt64(c[i + 1], out var port) || port is < 0 or > 65535)
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                c.Session.ReplicaListeningPort = (int)port;
            }
            else if (!c.Is(i, "CAPA"u8) && !c.Is(i, "IP-ADDRESS"u8) && !c.Is(i, "GETACK"u8))
            {
                c.Writer.WriteError($"ERR Unrecognized REPLCONF option: {Encoding.UTF8.GetString(c[i])}");
                return;
            }
        }

        c.Writer.WriteOk();
    }

    /// <summary>WAIT numreplicas timeout: how many replicas acknowledged this client's last write.</summary>
    private static void Wait(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[1], out var replicas) || !Arguments.TryParseInt64(c[2], out var timeout))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (timeout < 0)
        {
            c.Writer.WriteError("ERR timeout is negative"u8);
            return;
        }

        if (c.Server.Replication.IsReplica)
        {
            c.Writer.WriteError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."u8);
            return;
        }

        var replication = c.Server.Replication;
        var offset = c.Session.LastWriteOffset;
        var acknowledged = replication.CountAcknowledged(offset);
        if (acknowledged >= replicas || c.Session.ExecutingTransaction)
        {
            // Inside EXEC nothing may wait (the keyspace is locked): the count now, as Redis answers there.
            c.Writer.WriteInteger(acknowledged);
            return;
        }

        var wait = timeout == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeout);
        c.Defer(CountAsync(replication.WaitForAcknowledgementsAsync(offset, (int)Math.Min(replicas, int.MaxValue), wait)));
    }

    private static async Task<DeferredReply> CountAsync(Task<int> acknowledged)
    {
        var count = await acknowledged.ConfigureAwait(false);
        return (ref RespWriter w) => w.WriteInteger(count);
    }

    /// <summary>ROLE: <c>master offset [[ip port offset] …]</c> or <c>slave host port state offset</c>.</summary>
    private static void Role(ref CommandContext c)
    {
        var replication = c.Server.Replication;
        if (replication.Link is { } link)
        {
            c.Writer.WriteArrayHeader(5);
            c.Writer.WriteBulkString("slave"u8);
            c.Writer.WriteBulkString(link.Host);
            c.Writer.WriteInteger(link.Port);
            c.Writer.WriteBulkString(link.State);
            c.Writer.WriteInteger(link.Offset);
            return;
        }

        var replicas = replication.Replicas;
        c.Writer.WriteArrayHeader(3);
        c.Writer.WriteBulkString("master"u8);
        c.Writer.WriteInteger(replication.Offset);
        c.Writer.WriteArrayHeader(replicas.Count);
        foreach (var replica in replicas)
        {
            c.Writer.WriteArrayHeader(3);
            c.Writer.WriteBulkString(replica.Address);
            c.Writer.WriteBulkString(replica.ListeningPort.ToString(CultureInfo.InvariantCulture));
            c.Writer.WriteBulkString(replica.AckedOffset.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>REPLICAOF host port | NO ONE, on a standalone node.</summary>
    private static void ReplicaOf(ref CommandContext c)
    {
        if (c.Server.Cluster is not null)
        {
            c.Writer.WriteError("ERR REPLICAOF not allowed in cluster mode."u8);
            return;
        }

        var replication = c.Server.Replication;
        if (c.Is(1, "NO"u8) && c.Is(2, "ONE"u8))
        {
            c.Defer(Ok(replication.StopReplicatingAsync()));
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var port) || port is <= 0 or > 65535)
        {
            c.Writer.WriteError("ERR Invalid master port"u8);
            return;
        }

        c.Defer(Ok(replication.ReplicateFromAsync(Encoding.UTF8.GetString(c[1]), (int)port)));
    }

    private static async Task<DeferredReply> Ok(Task change)
    {
        await change.ConfigureAwait(false);
        return DeferredReplies.Ok;
    }
}
