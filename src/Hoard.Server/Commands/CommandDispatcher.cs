using System.Diagnostics;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;
using Microsoft.Extensions.Logging;

namespace Hoard.Server.Commands;

/// <summary>Finds a command, checks arity and authentication, runs its handler and counts it for INFO.</summary>
public sealed partial class CommandDispatcher
{
    private readonly HoardServer _server;
    private readonly ILogger _logger;

    internal CommandDispatcher(HoardServer server, ILogger logger)
    {
        _server = server;
        _logger = logger;
    }

    /// <summary>Runs one parsed command, writing its reply (or error) with <paramref name="writer"/>.</summary>
    public void Execute(ClientSession session, CommandBuffer command, ref RespWriter writer)
    {
        if (!_server.Commands.TryGet(command.Name, out var definition))
        {
            FailTransaction(session);
            writer.WriteError(UnknownCommand(command));
            return;
        }

        if (!definition.AcceptsArgumentCount(command.Count))
        {
            FailTransaction(session);
            definition.Statistics.RecordRejected();
            writer.WriteError($"ERR wrong number of arguments for '{definition.Name}' command");
            return;
        }

        if (!session.Authenticated && (definition.Flags & CommandFlags.NoAuth) == 0)
        {
            FailTransaction(session);
            definition.Statistics.RecordRejected();
            writer.WriteError("NOAUTH Authentication required."u8);
            return;
        }

        if (session.Protocol == RespVersion.Resp2 && session.Subscriptions.IsSubscribed && (definition.Flags & CommandFlags.SubscribedContext) == 0)
        {
            FailTransaction(session);
            definition.Statistics.RecordRejected();
            writer.WriteError($"ERR Can't execute '{definition.Name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }

        if (session.InTransaction && Queue(session, definition, command, ref writer))
        {
            return; // queued (+QUEUED) or refused (the error, the transaction failed)
        }

        var writes = (definition.Flags & CommandFlags.Write) != 0;
        if (writes && _server.Cluster is not null && HoldIfPaused(session, command))
        {
            return; // runs again once the pause ended
        }

        if (!Admit(session, definition, command, writes, ref writer, out var marked, out var held, out var proxied))
        {
            if (writes || marked)
            {
                session.EndWrite();
            }

            if (held is not null)
            {
                // A MIGRATE of this slot is moving keys, or a slot move hands it over: run again after it, admitted
                // anew (a key gone is asked for at the target, a slot handed over is moved there).
                command.EnsureOwned();
                session.Deferred = RunAfterMigrateAsync(session, command, held);
            }
            else if (proxied is not null)
            {
                session.Deferred = _server.SlotProxy.RunAsync(proxied, CopyArguments(command), session.Protocol);
            }

            return;
        }

        Run(session, definition, command, ref writer, endWrite: writes || marked);
    }

    /// <summary>
    /// Runs an admitted command's handler and does the bookkeeping after it (tracking, statistics, slow log, WAIT's
    /// offset); <paramref name="endWrite"/> ends the session's write mark when it is done.
    /// </summary>
    private void Run(ClientSession session, CommandDefinition definition, CommandBuffer command, ref RespWriter writer, bool endWrite)
    {
        var started = Stopwatch.GetTimestamp();
        var errorsBefore = writer.ErrorsWritten;
        var context = new CommandContext(_server, session, command, writer);
        Tracking.TrackingHub.Running = session.Id;
        try
        {
            definition.Handler(ref context);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // A handler's own check that slipped: answer it, keep the node and the connection.
            ServerLog.CommandFailed(_logger, e, definition.Name);
            context.Writer.WriteError("ERR " + e.Message.ReplaceLineEndings(" "));
        }
        finally
        {
            Tracking.TrackingHub.Running = 0;
            writer = context.Writer;
            if (endWrite)
            {
                session.EndWrite();
            }
        }

        if (_server.Blocking.HasReady)
        {
            // Keys this command (or another) made ready for blocked clients are served before this reply goes.
            _server.Blocking.ServeReady();
        }

        _server.Notifications.Drain(); // events the command caused under a shard lock (a lazy expiry, an eviction)
        if (session.Tracking.Flags != Tracking.TrackingFlags.None)
        {
            _server.Tracking.AfterCommand(session, definition, command);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        definition.Statistics.Record(elapsed);
        if (writer.ErrorsWritten != errorsBefore)
        {
            definition.Statistics.RecordFailed();
        }

        if (_server.SlowLog.IsSlow(elapsed))
        {
            _server.SlowLog.Add(session, command, elapsed);
        }

        if ((definition.Flags & CommandFlags.Write) != 0 && _server.Replication.Backlog is { } backlog)
        {
            session.LastWriteOffset = backlog.Offset; // at or after this write's record: what WAIT waits for
        }

        session.LastCommand = definition.Name;
    }

    /// <summary>
    /// The command's arguments, copied (for a command that runs elsewhere after this receive). A method of its own: a
    /// lambda capturing <c>command</c> in <see cref="Execute"/> made the compiler allocate its closure on every command.
    /// </summary>
    private static ReadOnlyMemory<byte>[] CopyArguments(CommandBuffer command)
    {
        var copies = new ReadOnlyMemory<byte>[command.Count];
        for (var i = 0; i < copies.Length; i++)
        {
            copies[i] = command[i].ToArray();
        }

        return copies;
    }

    /// <summary>Routing in cluster mode, then the write gate; false after writing the redirect or error.</summary>
    private bool Admit(ClientSession session, CommandDefinition definition, CommandBuffer command, bool writes, ref RespWriter writer, out bool marked, out Task? held, out Hoard.Server.Cluster.Moves.SlotProxy.Handover? proxied)
    {
        marked = false;
        held = null;
        proxied = null;
        if (_server.Router is { } router && KeyedDefinition(definition, command) is { } keyed
            && !router.Admit(session, keyed, command, _server.Keyspace[session.Database], ref writer, out marked, out held, out proxied))
        {
            return false; // redirected or refused, as Redis does before running a command
        }

        if (writes && !MayWrite(definition, ref writer))
        {
            definition.Statistics.RecordRejected();
            return false;
        }

        return true;
    }

    /// <summary>
    /// The definition whose keys route a command: its own, or for a container its subcommand's (OBJECT ENCODING key,
    /// MEMORY USAGE key); null when it names no key.
    /// </summary>
    private static CommandDefinition? KeyedDefinition(CommandDefinition definition, CommandBuffer command)
    {
        if (definition.HasKeys)
        {
            return definition;
        }

        return command.Count > 2 && Server.Subcommands.Of(definition) is { } subcommands
            && subcommands.TryGet(command[1], out var subcommand) && subcommand.HasKeys ? subcommand : null;
    }

    /// <summary>
    /// A standalone replica takes no writes; in cluster mode, a primary with replicas takes them only while it holds
    /// the write lease the consensus leader renews (fencing: see ClusterNodeService).
    /// </summary>
    private bool MayWrite(CommandDefinition definition, ref RespWriter writer)
    {
        // In cluster mode a replica's keyed writes were moved to its primary by routing: only keyless ones (FLUSHALL …)
        // reach this point there.
        var cluster = _server.Cluster;
        if (_server.Replication.IsReplica && (cluster is null || !definition.HasKeys))
        {
            writer.WriteError("READONLY You can't write against a read only replica."u8);
            return false;
        }

        if (cluster is null || cluster.HoldsWriteLease)
        {
            return true;
        }

        writer.WriteError("CLUSTERDOWN The primary's write lease ran out: the cluster may be failing over"u8);
        return false;
    }

    /// <summary>
    /// A write in cluster mode marks itself running (<see cref="ClientSession.BeginWrite"/>) until it finished, then
    /// looks at the write pause of a manual failover (<see cref="Hoard.Server.Cluster.WritePause"/>). During one it is
    /// held, before routing: the client gets no reply and sends nothing else through, and once the pause ended the
    /// command runs again from the start — here while this node serves its slot, else moved to the new primary. So
    /// a primary handing over acknowledges no write past its replica's offset, and clients see no error.
    /// </summary>
    /// <returns>Whether the write is held.</returns>
    private bool HoldIfPaused(ClientSession session, CommandBuffer command)
    {
        session.BeginWrite();
        if (!_server.WritePause.IsActive)
        {
            return false;
        }

        session.EndWrite();
        command.EnsureOwned(); // it outlives this receive; the connection reads nothing more until it ran
        session.Deferred = RunAfterPauseAsync(session, command);
        return true;
    }

    private async Task<DeferredReply> RunAfterPauseAsync(ClientSession session, CommandBuffer command) =>
        await _server.WritePause.WaitAsync().ConfigureAwait(false)
            ? (ref RespWriter w) => Execute(session, command, ref w)
            : DeferredReplies.Error("TRYAGAIN Writes are paused for a manual failover that has not ended yet");

    private async Task<DeferredReply> RunAfterMigrateAsync(ClientSession session, CommandBuffer command, Task migrating)
    {
        try
        {
            await migrating.WaitAsync(Hoard.Server.Cluster.MigrateHold.HoldLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return DeferredReplies.Error("TRYAGAIN The slot is being handed over to another node; the handover has not ended yet");
        }

        return (ref RespWriter w) => Execute(session, command, ref w);
    }

    /// <summary>Redis 7's text: <c>ERR unknown command 'x', with args beginning with: 'a' 'b' </c>.</summary>
    private static string UnknownCommand(CommandBuffer command)
    {
        var text = new StringBuilder("ERR unknown command '");
        AppendPrintable(text, command.Name, 128);
        text.Append("', with args beginning with: ");
        for (var i = 1; i < command.Count && text.Length < 512; i++)
        {
            text.Append('\'');
            AppendPrintable(text, command[i], 128);
            text.Append("' ");
        }

        return text.ToString();
    }

    private static void AppendPrintable(StringBuilder text, ReadOnlySpan<byte> bytes, int max)
    {
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b is >= 32 and < 127 ? (char)b : ' ');
        }
    }
}
