using Hoard.Protocol;
using Hoard.Server.Connections;
using Hoard.Server.Transactions;

namespace Hoard.Server.Commands.Transactions;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH and UNWATCH (https://redis.io/docs/latest/commands/?group=transactions); queueing and
/// EXEC's run live in the dispatcher (<c>CommandDispatcher.Transactions.cs</c>).
/// </summary>
internal static class TransactionCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags always = CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new("multi", 1, always | CommandFlags.Fast, 0, 0, 0, Multi, "Starts a transaction."));
        table.Add(new("exec", 1, always, 0, 0, 0, Exec, "Executes all commands in a transaction."));
        table.Add(new("discard", 1, always | CommandFlags.Fast, 0, 0, 0, Discard, "Discards a transaction."));
        table.Add(new("watch", -2, always | CommandFlags.Fast, 1, -1, 1, Watch, "Monitors changes to keys to determine the execution of a transaction."));
        table.Add(new("unwatch", 1, always | CommandFlags.Fast, 0, 0, 0, Unwatch, "Forgets about watched keys of a transaction."));
    }

    /// <summary>The commands Redis runs at once inside MULTI instead of queueing them.</summary>
    public static bool RunsInMulti(CommandDefinition definition) =>
        definition.Name is "exec" or "discard" or "multi" or "watch" or "quit" or "reset";

    /// <summary>
    /// Commands refused inside MULTI (<c>ERR Command not allowed inside a transaction</c>, the transaction fails):
    /// Redis's <c>no-multi</c> ones (PSYNC, SYNC, SHUTDOWN, SAVE), and Hoard's that answer later, after waiting for
    /// another node or a background task — EXEC cannot wait with the keyspace locked: REPLICAOF, MIGRATE, the CLUSTER
    /// subcommands that change the topology, and the internal HOARD.* commands.
    /// </summary>
    public static bool RefusedInMulti(CommandDefinition definition, CommandBuffer command) => definition.Name switch
    {
        "psync" or "sync" or "shutdown" or "save" or "replicaof" or "slaveof" or "migrate" => true,
        "cluster" => command.Count > 1 && IsTopologyChange(command),
        _ => definition.Name.StartsWith("hoard.", StringComparison.Ordinal),
    };

    private static bool IsTopologyChange(CommandBuffer command) =>
        command.ArgumentEquals(1, "MEET"u8) || command.ArgumentEquals(1, "ADDSLOTS"u8)
        || command.ArgumentEquals(1, "ADDSLOTSRANGE"u8) || command.ArgumentEquals(1, "DELSLOTS"u8)
        || command.ArgumentEquals(1, "DELSLOTSRANGE"u8) || command.ArgumentEquals(1, "SETSLOT"u8)
        || command.ArgumentEquals(1, "REPLICATE"u8) || command.ArgumentEquals(1, "FAILOVER"u8)
        || command.ArgumentEquals(1, "FORGET"u8) || command.ArgumentEquals(1, "RESET"u8);

    /// <summary>
    /// Ends the client's transaction, if any: the queue is dropped and the watched keys are forgotten (EXEC, DISCARD,
    /// RESET).
    /// </summary>
    public static void End(HoardServer server, ClientSession session)
    {
        session.InTransaction = false;
        if (session.Transaction is { } transaction)
        {
            transaction.ClearQueue();
            server.Watches.UnwatchAll(transaction);
        }
    }

    /// <summary>A closed connection: its transaction ends and the pooled memory of its queue goes back.</summary>
    public static void Forget(HoardServer server, ClientSession session)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(session);
        End(server, session);
        session.Transaction?.Release();
    }

    private static void Multi(ref CommandContext c)
    {
        if (c.Session.InTransaction)
        {
            c.Writer.WriteError("ERR MULTI calls can not be nested"u8);
            return;
        }

        c.Session.Transaction ??= new Transaction();
        c.Session.InTransaction = true;
        c.Writer.WriteOk();
    }

    private static void Exec(ref CommandContext c) => c.Server.Dispatcher.Exec(ref c);

    private static void Discard(ref CommandContext c)
    {
        if (!c.Session.InTransaction)
        {
            c.Writer.WriteError("ERR DISCARD without MULTI"u8);
            return;
        }

        End(c.Server, c.Session);
        c.Writer.WriteOk();
    }

    private static void Watch(ref CommandContext c)
    {
        if (c.Session.InTransaction)
        {
            c.Writer.WriteError("ERR WATCH inside MULTI is not allowed"u8);
            return;
        }

        var transaction = c.Session.Transaction ??= new Transaction();
        for (var i = 1; i < c.Count; i++)
        {
            c.Server.Watches.Watch(transaction, c.Session.Database, c[i]);
        }

        c.Writer.WriteOk();
    }

    private static void Unwatch(ref CommandContext c)
    {
        if (c.Session.Transaction is { } transaction)
        {
            c.Server.Watches.UnwatchAll(transaction);
        }

        c.Writer.WriteOk();
    }
}
