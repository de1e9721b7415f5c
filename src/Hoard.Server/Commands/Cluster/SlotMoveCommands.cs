using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Protocol;
using Hoard.Server.Cluster.Moves;
using Hoard.Storage.Keys;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// Hoard's own slot moves (docs/cluster.md, "Moving slots"): HOARD.MOVESLOTS, which an operator's tool sends to the
/// slots' primary, and HOARD.IMPORT, which that primary sends the target on a connection of its own.
/// </summary>
internal static class SlotMoveCommands
{
    private const CommandFlags Internal = CommandFlags.Admin | CommandFlags.Stale | CommandFlags.Loading;

    public static void Register(CommandTable table)
    {
        table.Add(new("hoard.moveslots", -4, Internal, 0, 0, 0, MoveSlots, "Moves slots of this primary to another shard's primary with one redirect per slot and no client error; answers what it moved."));
        table.Add(new("hoard.import", -2, Internal, 0, 0, 0, Import, "Hoard internal: the target's side of a slot move (BEGIN, RECORDS, CLEAR, COMMIT)."));
    }

    /// <summary>HOARD.MOVESLOTS target-node-id start end [start end …]: checks, claims the slots and runs the move.</summary>
    private static void MoveSlots(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        if (c.Count % 2 != 0)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'hoard.moveslots' command"u8);
            return;
        }

        var targetId = Encoding.ASCII.GetString(c[1]);
        var topology = cluster.Topology;
        if (!cluster.IsMember || cluster.Self.Role != NodeRole.Primary)
        {
            c.Writer.WriteError("ERR only a master moves its slots"u8);
        }
        else if (!topology.Nodes.TryGetValue(targetId, out var target))
        {
            c.Writer.WriteError($"ERR Unknown node {targetId}");
        }
        else if (target.Role != NodeRole.Primary || target.ShardId == cluster.MyShardId)
        {
            c.Writer.WriteError("ERR the target must be the master of another shard"u8);
        }
        else if (ParseRanges(ref c, 2) is not { } ranges)
        {
            c.Writer.WriteError("ERR Invalid or out of range slot"u8);
        }
        else
        {
            var slots = ToSet(ranges);
            if (slots.Slots().FirstOrDefault(s => topology.ShardOfSlot(s) != cluster.MyShardId, -1) is var foreign and >= 0)
            {
                c.Writer.WriteError($"ERR I'm not the owner of hash slot {foreign}");
            }
            else if (slots.Slots().FirstOrDefault(topology.Migrations.ContainsKey, -1) is var migrating and >= 0)
            {
                c.Writer.WriteError($"ERR hash slot {migrating} is being migrated with CLUSTER SETSLOT; end that move first");
            }
            else if (!c.Server.SlotClaims.TryClaim(slots))
            {
                c.Writer.WriteError("TRYAGAIN another move of these slots is under way"u8);
            }
            else
            {
                c.Defer(MoveAsync(c.Server, cluster, target, ranges, slots));
            }
        }
    }

    private static async Task<DeferredReply> MoveAsync(HoardServer server, ClusterNodeService cluster, ClusterNode target, ImmutableArray<SlotRange> ranges, SlotSet slots)
    {
        var logger = server.Loggers.CreateLogger<SlotExport>();
        try
        {
            var result = await SlotExport.RunAsync(server, cluster, target, ranges, slots, server.Stopping).ConfigureAwait(false);
            ServerLog.SlotsMoved(logger, slots.Count, target.Endpoint, result.Keys, result.Bytes, (long)result.Elapsed.TotalMilliseconds, (long)result.Held.TotalMicroseconds);
            _ = DropMovedAsync(server, cluster, slots, logger); // releases the claim once done
            var summary = string.Create(CultureInfo.InvariantCulture, $"keys={result.Keys} bytes={result.Bytes} ms={(long)result.Elapsed.TotalMilliseconds} held_us={(long)result.Held.TotalMicroseconds} waiting_us={(long)result.HeldWaiting.TotalMicroseconds} stream_us={(long)result.HeldStream.TotalMicroseconds} consensus_us={(long)result.HeldConsensus.TotalMicroseconds}");
            return (ref RespWriter w) => w.WriteBulkString(summary);
        }
        catch (Exception e) when (e is SlotMoveException or OperationCanceledException)
        {
            server.SlotClaims.Release(slots);
            var error = e is SlotMoveException ? e.Message : "ERR the node is stopping";
            ServerLog.SlotMoveFailed(logger, slots.Count, target.Endpoint, error);
            return DeferredReplies.Error(error);
        }
    }

    /// <summary>After the handover: the keys left here go (as writes, so this shard's replicas drop them too).</summary>
    private static async Task DropMovedAsync(HoardServer server, ClusterNodeService cluster, SlotSet slots, ILogger logger)
    {
        try
        {
            var dropped = await SlotKeys.DropAsync(server.Keyspace, slots, s => cluster.Topology.ShardOfSlot(s) != cluster.MyShardId, server.Stopping).ConfigureAwait(false);
            ServerLog.SlotExportDropped(logger, slots.Count, dropped);
        }
        catch (OperationCanceledException)
        {
            // The node stops.
        }
        finally
        {
            server.SlotClaims.Release(slots);
        }
    }

    /// <summary>HOARD.IMPORT BEGIN source-shard-id start end […] | RECORDS records | CLEAR | COMMIT epoch.</summary>
    private static void Import(ref CommandContext c)
    {
        if (ClusterCommands.Require(ref c) is not { } cluster)
        {
            return;
        }

        var session = c.Session;
        var sub = c[1];
        if (Arguments.EqualsIgnoreCase(sub, "BEGIN"u8) && c.Count >= 5 && c.Count % 2 != 0)
        {
            if (session.SlotImport is not null)
            {
                c.Writer.WriteError("ERR this connection imports slots already"u8);
            }
            else if (!cluster.IsMember || cluster.Self.Role != NodeRole.Primary)
            {
                c.Writer.WriteError("ERR only a master imports slots"u8);
            }
            else if (ParseRanges(ref c, 3) is not { } ranges)
            {
                c.Writer.WriteError("ERR Invalid or out of range slot"u8);
            }
            else
            {
                var source = Encoding.ASCII.GetString(c[2]);
                c.Defer(BeginAsync(c.Server, cluster, session, source, ToSet(ranges)));
            }
        }
        else if (session.SlotImport is not { } import)
        {
            c.Writer.WriteError("ERR no slot import on this connection: HOARD.IMPORT BEGIN first"u8);
        }
        else if (Arguments.EqualsIgnoreCase(sub, "RECORDS"u8) && c.Count == 3)
        {
            if (import.Apply(c[2]) is { } error)
            {
                c.Writer.WriteError(error);
            }
            else
            {
                c.Writer.WriteOk();
            }
        }
        else if (Arguments.EqualsIgnoreCase(sub, "CLEAR"u8) && c.Count == 2)
        {
            c.Defer(ClearAsync(import));
        }
        else if (Arguments.EqualsIgnoreCase(sub, "COMMIT"u8) && c.Count == 3 && Arguments.TryParseInt64(c[2], out var epoch))
        {
            c.Defer(DeferredReplies.FromChange(import.CommitAsync(epoch)));
        }
        else
        {
            c.Writer.WriteError("ERR unknown HOARD.IMPORT subcommand or wrong number of arguments"u8);
        }
    }

    private static async Task<DeferredReply> BeginAsync(HoardServer server, ClusterNodeService cluster, Connections.ClientSession session, string sourceShardId, SlotSet slots)
    {
        var (import, error) = await SlotImport.BeginAsync(server, cluster, sourceShardId, slots, server.Loggers.CreateLogger<SlotImport>()).ConfigureAwait(false);
        session.SlotImport = import;
        return error is null ? DeferredReplies.Ok : DeferredReplies.Error(error);
    }

    private static async Task<DeferredReply> ClearAsync(SlotImport import)
    {
        await import.ClearAsync().ConfigureAwait(false);
        return DeferredReplies.Ok;
    }

    /// <summary>Pairs of slot numbers from argument <paramref name="first"/> on, as ranges; null when one is malformed.</summary>
    private static ImmutableArray<SlotRange>? ParseRanges(ref CommandContext c, int first)
    {
        var ranges = ImmutableArray.CreateBuilder<SlotRange>();
        for (var i = first; i + 1 < c.Count; i += 2)
        {
            if (!Arguments.TryParseInt64(c[i], out var start) || !Arguments.TryParseInt64(c[i + 1], out var end)
                || start < 0 || end >= HashSlot.Count || start > end)
            {
                return null;
            }

            ranges.Add(new SlotRange((int)start, (int)end));
        }

        return ranges.Count == 0 ? null : ranges.ToImmutable();
    }

    private static SlotSet ToSet(ImmutableArray<SlotRange> ranges)
    {
        var slots = new SlotSet();
        foreach (var range in ranges)
        {
            slots.AddRange(range.Start, range.End);
        }

        return slots;
    }
}
