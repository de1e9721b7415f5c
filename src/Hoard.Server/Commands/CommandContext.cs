using Hoard.Protocol;
using Hoard.Server.Connections;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands;

/// <summary>
/// Everything a command handler sees: the server, the client's session, the arguments (name at index 0) and the
/// reply writer. Lives on the stack for one command; the arguments are valid only during the call.
/// </summary>
/// <remarks>
/// The writer is held by value (a ref field cannot refer to a ref struct): the dispatcher moves it in and takes it
/// back after the handler, and a handler that lends it to a sink (<see cref="BulkReply"/>) takes it back the same way.
/// </remarks>
public ref struct CommandContext
{
    /// <summary>The reply writer, in the session's protocol version.</summary>
    public RespWriter Writer;

    /// <summary>Creates a context for one command.</summary>
    public CommandContext(HoardServer server, ClientSession session, CommandBuffer args, RespWriter writer)
    {
        Server = server;
        Session = session;
        Args = args;
        Writer = writer;
    }

    /// <summary>The server running the command.</summary>
    public readonly HoardServer Server { get; }

    /// <summary>The client's connection state.</summary>
    public readonly ClientSession Session { get; }

    /// <summary>The command's arguments, the name at index 0.</summary>
    public readonly CommandBuffer Args { get; }

    /// <summary>Number of arguments, the name included.</summary>
    public readonly int Count => Args.Count;

    /// <summary>The database the session has selected.</summary>
    public readonly Database Database => Server.Keyspace[Session.Database];

    /// <summary>Argument <paramref name="index"/> (0 is the command name).</summary>
    public readonly ReadOnlySpan<byte> this[int index] => Args[index];

    /// <summary>
    /// Replies later: the connection runs no further command of this client until <paramref name="reply"/>
    /// completes, then writes what it returns (a fault becomes <c>-ERR</c> with its message). For the few commands
    /// that wait on other nodes (cluster administration); never on the data path.
    /// </summary>
    /// <param name="reply">The work that produces the reply.</param>
    public readonly void Defer(Task<DeferredReply> reply) => Session.Deferred = reply;

    /// <summary>
    /// Raises the keyspace notification <paramref name="eventName"/> (Redis's exact name, e.g. <c>"lpush"u8</c>) of
    /// class <paramref name="type"/> for <paramref name="key"/> in the session's database: published on
    /// <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> and/or <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c> as
    /// <c>notify-keyspace-events</c> asks (docs/notifications.md). Call it after the change succeeded, outside any
    /// shard lock, once per key changed, in Redis's order. When the class is off it costs one flag check and
    /// allocates nothing.
    /// </summary>
    public readonly void Notify(NotifyClass type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        var notifications = Server.Notifications;
        if ((notifications.Active & type) != 0)
        {
            notifications.Raise(type, eventName, Session.Database, key);
        }
    }

    /// <summary>
    /// <see cref="Notify(NotifyClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> for a key of database
    /// <paramref name="database"/> other than the session's (COPY … DB, MOVE).
    /// </summary>
    public readonly void Notify(NotifyClass type, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, int database)
    {
        var notifications = Server.Notifications;
        if ((notifications.Active & type) != 0)
        {
            notifications.Raise(type, eventName, database, key);
        }
    }

    /// <summary>
    /// Blocks the client on <paramref name="keys"/> keys from argument <paramref name="first"/> until
    /// <paramref name="operation"/> is served by a write to one of them or <paramref name="timeout"/> passes (see
    /// <see cref="Blocking.BlockingHub"/>). Inside EXEC, which may not wait, answers the operation's timeout reply at
    /// once, as Redis does.
    /// </summary>
    public void Block(int first, int keys, TimeSpan timeout, Blocking.IBlockedOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (Session.ExecutingTransaction)
        {
            operation.TimedOut(ref Writer);
            return;
        }

        var names = new byte[keys][];
        for (var i = 0; i < keys; i++)
        {
            names[i] = Args[first + i].ToArray();
        }

        Defer(Server.Blocking.Block(Session, Session.Database, names, timeout, operation));
    }

    /// <summary>Whether argument <paramref name="index"/> equals an upper-case ASCII word, ignoring case.</summary>
    public readonly bool Is(int index, ReadOnlySpan<byte> upperWord) => Args.ArgumentEquals(index, upperWord);
}
