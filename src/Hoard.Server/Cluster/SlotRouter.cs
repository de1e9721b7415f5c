using System.Buffers.Text;
using Hoard.Cluster.Topology;
using Hoard.Protocol;
using Hoard.Server.Commands;
using Hoard.Server.Connections;
using Hoard.Storage;
using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster;

/// <summary>
/// Redis Cluster's contract for keyed commands: all keys in one slot (<c>-CROSSSLOT</c>), the slot served here or
/// redirected (<c>-MOVED</c>, <c>-ASK</c>), or not served at all (<c>-CLUSTERDOWN</c>). Keyless commands run on
/// this node's own data, as in Redis.
/// </summary>
internal sealed class SlotRouter(MigrateHold hold, Moves.SlotProxy proxy)
{
    private RouteTable _routes = RouteTable.Unserved;
    private long _redirected;

    /// <summary>Commands on slots this node does not serve that were moved or run elsewhere (CLUSTER INFO's <c>cluster_redirected_commands</c>).</summary>
    public long Redirected => Interlocked.Read(ref _redirected);

    /// <summary>Replaces the routes after a topology change.</summary>
    public void Update(ClusterTopology topology, string myId) => Volatile.Write(ref _routes, RouteTable.Build(topology, myId));

    /// <summary>
    /// Whether this node still serves sharded Pub/Sub on <paramref name="channel"/>'s slot: it owns the slot (migrating
    /// out included) or replicates its owner.
    /// </summary>
    public bool ServesShardChannel(ReadOnlySpan<byte> channel) =>
        Volatile.Read(ref _routes).KindOf(HashSlot.Of(channel)) is RouteKind.Local or RouteKind.Migrating or RouteKind.Replica;

    /// <summary>
    /// Decides whether this node runs the command; if not, writes the redirect or error and returns false — or, when
    /// <see cref="MigrateHold"/> holds the slot, returns false with <paramref name="held"/> (nothing written): the
    /// caller runs the command again once it completes. Held whether the slot is served here or moved: a slot handed
    /// over is moved only once its new owner serves it. <paramref name="marked"/> says the session was marked running
    /// (<c>BeginWrite</c>) before the keys were looked up, as a command on a slot migrating out is; the caller ends the
    /// mark (see <c>CommandDispatcher</c>). A read or write on a slot this node handed over moments ago returns false
    /// with <paramref name="proxied"/> (nothing written): the caller runs it there (<see cref="Moves.SlotProxy"/>).
    /// </summary>
    public bool Admit(ClientSession session, CommandDefinition definition, CommandBuffer args, Database database, ref RespWriter writer, out bool marked, out Task? held, out Moves.SlotProxy.Handover? proxied)
    {
        marked = false;
        held = null;
        proxied = null;
        var slot = -1;
        foreach (var i in definition.KeysOf(args))
        {
            var keySlot = HashSlot.Of(args[i]);
            if (slot >= 0 && keySlot != slot)
            {
                writer.WriteError("CROSSSLOT Keys in request don't hash to the same slot"u8);
                return false;
            }

            slot = keySlot;
        }

        if (slot < 0)
        {
            return true; // e.g. a key position past the arguments given
        }

        var routes = Volatile.Read(ref _routes);
        var asking = session.Asking || (definition.Flags & CommandFlags.Asking) != 0;
        session.Asking = false;
        var kind = routes.KindOf(slot);
        if (kind == RouteKind.Migrating)
        {
            // Marked before the keys are looked up: a MIGRATE of this slot either waits for this command or holds it.
            session.BeginWrite();
            marked = true;
        }

        if (kind is RouteKind.Local or RouteKind.Moved or RouteKind.Migrating && hold.HeldFor(slot) is { } wait)
        {
            held = wait;
            return false;
        }

        switch (kind)
        {
            case RouteKind.Local:
                return true;
            case RouteKind.Unserved:
                writer.WriteError("CLUSTERDOWN Hash slot not served"u8);
                return false;
            case RouteKind.Replica when session.ReadOnly && (definition.Flags & CommandFlags.ReadOnly) != 0:
                return true;
            case RouteKind.Replica or RouteKind.Migrating when (definition.Flags & CommandFlags.PubSub) != 0:
                // Sharded Pub/Sub (its channels are the keys): served by the slot's owner until the slot has moved,
                // and by the owner's replicas without READONLY, never asked elsewhere (Redis's getNodeByQuery).
                return true;
            case RouteKind.Importing when asking:
                return true;
            case RouteKind.Migrating:
                return AdmitMigrating(definition, args, slot, routes, database, ref writer);
            case RouteKind.Moved when (definition.Flags & (CommandFlags.Write | CommandFlags.ReadOnly)) != 0
                && (definition.Flags & CommandFlags.PubSub) == 0 && proxy.TargetOf(slot) is { } handover:
                Interlocked.Increment(ref _redirected);
                proxied = handover;
                return false;
            default:
                Interlocked.Increment(ref _redirected);
                Redirect(ref writer, "MOVED "u8, slot, routes.TargetOf(slot));
                return false;
        }
    }

    /// <summary>
    /// Writes the <c>-MOVED</c> of the command's slot, for a command that may not be run elsewhere by the slot proxy (one
    /// queued by MULTI: it runs inside EXEC, which cannot wait for another node).
    /// </summary>
    public void WriteMoved(CommandDefinition definition, CommandBuffer args, ref RespWriter writer)
    {
        foreach (var i in definition.KeysOf(args))
        {
            var slot = HashSlot.Of(args[i]);
            Redirect(ref writer, "MOVED "u8, slot, Volatile.Read(ref _routes).TargetOf(slot));
            return;
        }
    }

    /// <summary>A slot on its way out: keys still here are served; if none is, the client is asked to go to the target.</summary>
    private static bool AdmitMigrating(CommandDefinition definition, CommandBuffer args, int slot, RouteTable routes, Database database, ref RespWriter writer)
    {
        int present = 0, total = 0;
        foreach (var i in definition.KeysOf(args))
        {
            total++;
            present += database.Exists(args[i]) ? 1 : 0;
        }

        if (present == total)
        {
            return true;
        }

        if (present > 0)
        {
            writer.WriteError("TRYAGAIN Multiple keys request during rehashing of slot"u8);
            return false;
        }

        Redirect(ref writer, "ASK "u8, slot, routes.TargetOf(slot));
        return false;
    }

    private static void Redirect(ref RespWriter writer, ReadOnlySpan<byte> kind, int slot, ReadOnlySpan<byte> endpoint)
    {
        Span<byte> text = stackalloc byte[kind.Length + 6 + endpoint.Length];
        kind.CopyTo(text);
        Utf8Formatter.TryFormat(slot, text[kind.Length..], out var digits);
        var length = kind.Length + digits;
        text[length++] = (byte)' ';
        endpoint.CopyTo(text[length..]);
        writer.WriteError(text[..(length + endpoint.Length)]);
    }
}
