using Hoard.Protocol;
using Hoard.Server.Commands.Transactions;
using Hoard.Server.Connections;
using Hoard.Server.Transactions;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands;

/// <summary>
/// MULTI/EXEC in the dispatcher: queueing while a transaction is open, and EXEC running the queue with every shard of
/// the keyspace locked, so no other client sees it half done (docs/transactions.md).
/// </summary>
public sealed partial class CommandDispatcher
{
    /// <summary>A command refused before it could be queued marks the open transaction failed (EXECABORT).</summary>
    private static void FailTransaction(ClientSession session)
    {
        if (session.InTransaction)
        {
            session.Transaction!.Failed = true;
        }
    }

    /// <summary>
    /// In MULTI: checks the command as Redis does before queueing it (routing, a replica's or a fenced primary's
    /// writes, commands not allowed in a transaction), then queues a copy and answers <c>+QUEUED</c>; a refusal is
    /// answered now and fails the transaction. False for the commands that run at once (EXEC, DISCARD, MULTI, WATCH,
    /// QUIT, RESET).
    /// </summary>
    private bool Queue(ClientSession session, CommandDefinition definition, CommandBuffer command, ref RespWriter writer)
    {
        if (TransactionCommands.RunsInMulti(definition))
        {
            return false;
        }

        var transaction = session.Transaction!;
        if (TransactionCommands.RefusedInMulti(definition, command))
        {
            transaction.Failed = true;
            definition.Statistics.RecordRejected();
            writer.WriteError("ERR Command not allowed inside a transaction"u8);
            return true;
        }

        if (!AdmitQueued(session, transaction, definition, command, ref writer))
        {
            transaction.Failed = true;
            definition.Statistics.RecordRejected();
            return true;
        }

        transaction.Enqueue(definition, command);
        writer.WriteSimpleString("QUEUED"u8);
        return true;
    }

    /// <summary>
    /// Routing at queue time (cluster mode): a command on a slot served elsewhere gets its redirect now, as in Redis. A
    /// slot held for a moment (MIGRATE, a slot move) does not hold the queueing: EXEC routes every command again. A
    /// command the slot proxy would run at a slot's new owner is moved instead: nothing of EXEC may run elsewhere.
    /// </summary>
    private bool AdmitQueued(ClientSession session, Transaction transaction, CommandDefinition definition, CommandBuffer command, ref RespWriter writer)
    {
        if (definition.HasKeys && _server.Router is { } router)
        {
            var admitted = router.Admit(session, definition, command, _server.Keyspace[session.Database], ref writer, out var marked, out var held, out var proxied);
            if (marked)
            {
                session.EndWrite(); // nothing runs now
            }

            if (!admitted && held is null)
            {
                if (proxied is not null)
                {
                    router.WriteMoved(definition, command, ref writer);
                }

                return false;
            }

            foreach (var i in definition.KeysOf(command))
            {
                var slot = HashSlot.Of(command[i]);
                if (transaction.Slot >= 0 && transaction.Slot != slot)
                {
                    transaction.CrossSlot = true; // answered at EXEC, as Redis checks all the commands there
                }

                transaction.Slot = slot;
                break;
            }
        }

        if ((definition.Flags & CommandFlags.Write) != 0 && !MayWrite(definition, ref writer))
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// EXEC: EXECABORT after a queueing error; in cluster mode the queue's routing again (the slot may have moved, a
    /// write pause or a slot hold delays the whole EXEC before anything ran); then, with every shard locked, a null
    /// reply if a WATCHed key was touched or timed out, else every queued command's reply in one array — a runtime
    /// error is one element and the others still run.
    /// </summary>
    internal void Exec(ref CommandContext c)
    {
        var session = c.Session;
        if (!session.InTransaction)
        {
            c.Writer.WriteError("ERR EXEC without MULTI"u8);
            return;
        }

        var transaction = session.Transaction!;
        if (transaction.Failed)
        {
            TransactionCommands.End(_server, session);
            c.Writer.WriteError("EXECABORT Transaction discarded because of previous errors."u8);
            return;
        }

        if (transaction.CrossSlot)
        {
            TransactionCommands.End(_server, session);
            c.Writer.WriteError("CROSSSLOT Keys in request don't hash to the same slot"u8);
            return;
        }

        var marked = false;
        if (_server.Cluster is not null && transaction.HasWrites)
        {
            session.BeginWrite();
            marked = true;
            if (_server.WritePause.IsActive)
            {
                session.EndWrite();
                c.Args.EnsureOwned();
                session.Deferred = RunAfterPauseAsync(session, c.Args);
                return;
            }
        }

        try
        {
            if (!AdmitQueue(session, transaction, ref c, ref marked))
            {
                return;
            }

            RunQueue(session, transaction, ref c.Writer);
        }
        finally
        {
            if (marked)
            {
                session.EndWrite();
            }
        }
    }

    /// <summary>Routes the queued commands again before any runs; false after answering (or deferring) EXEC.</summary>
    private bool AdmitQueue(ClientSession session, Transaction transaction, ref CommandContext c, ref bool marked)
    {
        var router = _server.Router;
        var asking = session.Asking;
        var queued = transaction.Queued;
        for (var q = 0; q < queued.Count; q++)
        {
            var (definition, args) = queued[q];
            if (router is not null && definition.HasKeys)
            {
                session.Asking = asking; // ASKING before EXEC covers every queued command
                var admitted = router.Admit(session, definition, args, _server.Keyspace[session.Database], ref c.Writer, out var m, out var held, out var proxied);
                marked |= m;
                if (!admitted)
                {
                    session.Asking = false;
                    if (held is not null)
                    {
                        // Nothing ran: the whole EXEC runs again once the slot is let go, routed anew.
                        c.Args.EnsureOwned();
                        session.Deferred = RunAfterMigrateAsync(session, c.Args, held);
                        return false;
                    }

                    if (proxied is not null)
                    {
                        router.WriteMoved(definition, args, ref c.Writer);
                    }

                    TransactionCommands.End(_server, session);
                    return false;
                }
            }

            if ((definition.Flags & CommandFlags.Write) != 0 && !MayWrite(definition, ref c.Writer))
            {
                TransactionCommands.End(_server, session);
                return false;
            }
        }

        session.Asking = false;
        return true;
    }

    /// <summary>Runs the queue with every shard locked; the transaction ends (and its watches go) whatever happens.</summary>
    private void RunQueue(ClientSession session, Transaction transaction, ref RespWriter writer)
    {
        var keyspace = _server.Keyspace;
        keyspace.EnterExclusive();
        try
        {
            if (transaction.Dirty || _server.Watches.AnyTimedOut(transaction))
            {
                writer.WriteNullArray();
                return;
            }

            session.InTransaction = false;
            session.ExecutingTransaction = true;
            var queued = transaction.Queued;
            writer.WriteArrayHeader(queued.Count);
            for (var q = 0; q < queued.Count; q++)
            {
                var (definition, args) = queued[q];
                Run(session, definition, args, ref writer, endWrite: false);
                if (session.Deferred is not null)
                {
                    // A command that answers later slipped through the queueing checks: its reply cannot be an
                    // element of this array, and nothing may wait while the shards are locked.
                    session.Deferred = null;
                    writer.WriteError("ERR Command not allowed inside a transaction"u8);
                }
            }
        }
        finally
        {
            session.ExecutingTransaction = false;
            keyspace.ExitExclusive();
            TransactionCommands.End(_server, session);
        }
    }
}
