using System.Net;
using Hoard.Protocol;
using Hoard.Server.PubSub;

namespace Hoard.Server.Connections;

/// <summary>The state of one client connection that commands read and change (SELECT, HELLO, CLIENT SETNAME …).</summary>
public sealed class ClientSession
{
    private static long _nextId;

    /// <summary>Creates the session of a new connection.</summary>
    public ClientSession(EndPoint? remote, EndPoint? local, bool authenticated)
    {
        Id = Interlocked.Increment(ref _nextId);
        Remote = remote;
        Local = local;
        Authenticated = authenticated;
        CreatedAt = DateTimeOffset.UtcNow;
        LastActiveAt = CreatedAt;
        Subscriptions = new Subscriber(Id);
    }

    /// <summary>Unique id (CLIENT ID).</summary>
    public long Id { get; }

    /// <summary>The client's address.</summary>
    public EndPoint? Remote { get; }

    /// <summary>The server address the client connected to.</summary>
    public EndPoint? Local { get; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the last command ran.</summary>
    public DateTimeOffset LastActiveAt { get; set; }

    /// <summary>Name set by CLIENT SETNAME or HELLO SETNAME, or null.</summary>
    public string? Name { get; set; }

    /// <summary>Library name set by CLIENT SETINFO LIB-NAME.</summary>
    public string? LibraryName { get; set; }

    /// <summary>Library version set by CLIENT SETINFO LIB-VER.</summary>
    public string? LibraryVersion { get; set; }

    /// <summary>The selected database (SELECT).</summary>
    public int Database { get; set; }

    /// <summary>RESP2 unless HELLO 3 switched to RESP3.</summary>
    public RespVersion Protocol { get; set; } = RespVersion.Resp2;

    /// <summary>Whether the client passed AUTH (or no password is set).</summary>
    public bool Authenticated { get; set; }

    /// <summary>
    /// The last command's name, for CLIENT LIST: a container command's full name (<c>client|list</c>) when its handler
    /// announced the subcommand with <see cref="RecordSubcommand"/>.
    /// </summary>
    public string LastCommand
    {
        get => field;
        set
        {
            var full = _subcommand;
            _subcommand = null;
            field = full is not null && full.Length > value.Length && full[value.Length] == '|'
                && full.StartsWith(value, StringComparison.Ordinal) ? full : value;
        }
    } = "NULL";

    private string? _subcommand;

    /// <summary>Names the subcommand being run (<c>client|kill</c>): the next <see cref="LastCommand"/> is recorded so.</summary>
    public void RecordSubcommand(string fullName) => _subcommand = fullName;

    /// <summary>ASKING was sent: the next keyed command may run on a slot this node is importing.</summary>
    public bool Asking { get; set; }

    /// <summary>READONLY was sent: reads of a replica's slots run on the replica instead of being moved.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Set by PSYNC: the connection streams the replication feed to this client, a replica.</summary>
    public Replication.ReplicaFeed? Feed { get; set; }

    /// <summary>Set by HOARD.IMPORT BEGIN: the slot move this connection (from the slots' source) brings in.</summary>
    internal Cluster.Moves.SlotImport? SlotImport { get; set; }

    /// <summary>The client port a replica gave with REPLCONF listening-port.</summary>
    public int ReplicaListeningPort { get; set; }

    /// <summary>The replication stream's offset after this client's last write (WAIT waits for replicas to reach it).</summary>
    public long LastWriteOffset { get; set; }

    /// <summary>
    /// Which write of this client runs: odd while one is marked running (before it checks the write pause and the
    /// holds), even once it finished; every write moves it on. A primary that pauses its writes for a manual failover,
    /// or holds slots, waits until each session's state is even or has moved on from what it read: the write running
    /// then has finished, and any later one saw the pause (<see cref="Cluster.WritePause"/>, <see cref="Cluster.MigrateHold"/>).
    /// </summary>
    public long WriteState => Volatile.Read(ref _writeState);

    private long _writeState;

    /// <summary>
    /// Marks a write as running, before it checks the write pause. A full fence (on this session's own cache line): the
    /// check cannot be seen to happen before the mark, so a pause either is seen by the write or waits for it. Only the
    /// session's own connection calls it; a second mark (a command on a migrating slot is marked by routing too) keeps
    /// the first.
    /// </summary>
    internal void BeginWrite()
    {
        if ((_writeState & 1) == 0)
        {
            Interlocked.Increment(ref _writeState);
        }
        else
        {
            Interlocked.MemoryBarrier();
        }
    }

    /// <summary>Marks the write as finished; a release, so its change and stream record are visible first.</summary>
    internal void EndWrite()
    {
        if ((_writeState & 1) != 0)
        {
            Volatile.Write(ref _writeState, _writeState + 1);
        }
    }

    /// <summary>A reply the last command deferred (<see cref="Commands.CommandContext.Defer"/>), until it is written.</summary>
    public Task<Commands.DeferredReply>? Deferred { get; set; }

    /// <summary>The client's Pub/Sub subscriptions; <see cref="Subscriber.IsSubscribed"/> is Redis's subscribed context.</summary>
    public Subscriber Subscriptions { get; }

    /// <summary>The client's CLIENT TRACKING settings.</summary>
    public Tracking.ClientTracking Tracking { get; } = new();

    /// <summary>The socket's file descriptor (CLIENT LIST <c>fd</c>), -1 when unknown.</summary>
    public long FileDescriptor { get; set; } = -1;

    /// <summary>Bytes of Pub/Sub messages waiting to be written to the client (CLIENT LIST <c>omem</c>).</summary>
    public Func<long>? PendingOutput { get; set; }

    /// <summary>Set by QUIT (and by CLIENT KILL): close once the pending replies are sent.</summary>
    public bool CloseRequested { get; set; }

    /// <summary>CLIENT NO-EVICT ON: this client is not disconnected for memory (kept for compatibility).</summary>
    public bool NoEvict { get; set; }

    /// <summary>
    /// MULTI was sent and neither EXEC nor DISCARD yet: commands other than EXEC, DISCARD, MULTI, WATCH, QUIT and
    /// RESET are queued (CLIENT LIST flag <c>x</c>). The dispatcher's one extra check per command.
    /// </summary>
    public bool InTransaction { get; internal set; }

    /// <summary>
    /// EXEC is running the queued commands, with every shard of the keyspace locked. A command that would block or
    /// wait for another thread or node (BLPOP, WAIT …) must answer at once instead, as Redis's commands do inside a
    /// transaction (its <c>CLIENT_DENY_BLOCKING</c>): nothing may wait while the locks are held.
    /// </summary>
    public bool ExecutingTransaction { get; internal set; }

    /// <summary>The client's queued commands and WATCHed keys; made at its first MULTI or WATCH.</summary>
    internal Transactions.Transaction? Transaction { get; set; }

    /// <summary>CLIENT NO-TOUCH ON: this client's reads do not change keys' access state.</summary>
    public bool NoTouch { get; set; }
}
