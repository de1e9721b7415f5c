using Hoard.Protocol;
using Hoard.Server.Commands;
using Hoard.Server.Connections;
using Hoard.Server.PubSub;
using Hoard.Storage;

namespace Hoard.Server.Blocking;

/// <summary>
/// Clients blocked on keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP; BZPOPMIN, BZPOPMAX and BZMPOP can use it the same
/// way), as Redis's blocking.c does it: each key has a FIFO queue of the clients waiting on it; a write to a key
/// someone waits on marks it ready; ready keys are served right after the command that made them ready, on that
/// command's thread, before its reply is sent — so a client's BLPOP is served before the LPUSH that fed it is answered.
/// </summary>
/// <remarks>
/// <para>How a blocking command uses it:</para>
/// <list type="number">
/// <item>Parse its timeout with <see cref="TryParseTimeout"/> (Redis's errors), then try the non-blocking form. If it
/// got something, reply as usual.</item>
/// <item>Else, when the session runs a transaction (<see cref="ClientSession.ExecutingTransaction"/>: EXEC runs its
/// commands with every shard locked), reply as a timeout would, as Redis does inside MULTI.</item>
/// <item>Else call <see cref="Block"/> with the keys, the timeout and an <see cref="IBlockedOperation"/> that knows how
/// to try the command again on a ready key and what a timeout answers, and pass the task it returns to
/// <see cref="CommandContext.Defer"/>. The client's connection waits for it (watching the socket: a client that
/// disconnects leaves the queues).</item>
/// </list>
/// <para>A client waiting on several keys is served once, by the first of them to become ready with something for it;
/// waiters on a key are tried in arrival order, and serving one key goes on while its operation succeeds. The served
/// operation runs the ordinary non-blocking command code, so it replicates as that command does (BLPOP as a pop).</para>
/// <para>Cost when nobody is blocked: key events return after one volatile read (and the hub only listens to key
/// events once a client has blocked); the dispatcher's after-command check is one volatile read.</para>
/// <para>Locking: the hub's lock is taken under shard locks (key events) and never held while calling into the
/// keyspace.</para>
/// </remarks>
public sealed class BlockingHub : IKeyspaceObserver
{
    private readonly HoardServer _server;
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], KeyQueue>?[] _queues;
    private readonly Queue<KeyQueue> _ready = new();
    private readonly Dictionary<long, Waiter> _bySession = [];
    private int _blocked;
    private int _hasReady;
    private bool _listening;

    internal BlockingHub(HoardServer server, int databases)
    {
        _server = server;
        _queues = new Dictionary<byte[], KeyQueue>?[databases];
    }

    /// <summary>Clients waiting now (INFO <c>blocked_clients</c>).</summary>
    public int BlockedClients => Volatile.Read(ref _blocked);

    /// <summary>Whether a key someone waits on was written and not yet served (the dispatcher's check after each command).</summary>
    public bool HasReady => Volatile.Read(ref _hasReady) != 0;

    /// <summary>Whether <paramref name="session"/> is blocked.</summary>
    public bool IsBlocked(ClientSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            return _bySession.ContainsKey(session.Id);
        }
    }

    /// <summary>
    /// Parses a blocking command's timeout in seconds (decimals allowed; 0 waits forever) with Redis's errors:
    /// <c>ERR timeout is not a float or out of range</c>, <c>ERR timeout is negative</c>.
    /// </summary>
    /// <returns>False after writing the error.</returns>
    public static bool TryParseTimeout(ReadOnlySpan<byte> text, ref RespWriter writer, out TimeSpan timeout)
    {
        timeout = TimeSpan.Zero;
        if (!Arguments.TryParseDouble(text, out var seconds) || double.IsNaN(seconds))
        {
            writer.WriteError("ERR timeout is not a float or out of range"u8);
            return false;
        }

        if (seconds < 0 || double.IsInfinity(seconds))
        {
            writer.WriteError("ERR timeout is negative"u8);
            return false;
        }

        var ms = Math.Ceiling(seconds * 1000);
        if (ms > int.MaxValue - 1)
        {
            ms = int.MaxValue - 1; // ~24 days; Timer's limit (Redis's own limit is far larger, nobody waits that long)
        }

        timeout = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>
    /// Blocks <paramref name="session"/> on <paramref name="keys"/> of database <paramref name="database"/> until one of
    /// them serves <paramref name="operation"/>, the timeout passes (<see cref="TimeSpan.Zero"/>: never), or the client
    /// leaves. Returns the reply for <see cref="CommandContext.Defer"/>.
    /// </summary>
    public Task<DeferredReply> Block(ClientSession session, int database, IReadOnlyList<byte[]> keys, TimeSpan timeout, IBlockedOperation operation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(operation);
        if (!_listening)
        {
            _server.KeyEvents.Add(this);
            _listening = true;
        }

        var waiter = new Waiter(this, session, database, operation, keys.Count);
        lock (_gate)
        {
            var queues = _queues[database] ??= new Dictionary<byte[], KeyQueue>(ByteKeyComparer.Instance);
            for (var i = 0; i < keys.Count; i++)
            {
                if (!queues.TryGetValue(keys[i], out var queue))
                {
                    queue = new KeyQueue(database, keys[i]);
                    queues.Add(keys[i], queue);
                }

                if (Array.IndexOf(waiter.Queues, queue, 0, waiter.Joined) < 0)
                {
                    waiter.Nodes[waiter.Joined] = queue.Waiters.AddLast(waiter);
                    waiter.Queues[waiter.Joined++] = queue;

                    // A write between the command's own try and now found nobody waiting: try once more after it.
                    MarkReady(queue);
                }
            }

            _bySession[session.Id] = waiter;
            _blocked++;
        }

        if (timeout > TimeSpan.Zero)
        {
            // A wait served before its timer exists leaves a timer that finds it done (and goes with it).
            waiter.Timer = new Timer(static state => ((Waiter)state!).Hub.TimeOut((Waiter)state!), waiter, timeout, Timeout.InfiniteTimeSpan);
        }

        return waiter.Completion.Task;
    }

    /// <summary>
    /// Ends <paramref name="session"/>'s wait, if it waits: with its timeout reply (<paramref name="error"/> null), or
    /// with that error (CLIENT UNBLOCK … ERROR), or, for a client that left, with nothing. True if it was blocked.
    /// </summary>
    public bool Unblock(ClientSession session, string? error, bool left = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (!_bySession.TryGetValue(session.Id, out var waiter))
            {
                return false;
            }

            var reply = left ? NoReply : error is null ? waiter.Operation.TimedOut : DeferredReplies.Error(error);
            if (waiter.State == WaiterState.Serving)
            {
                waiter.Pending = reply; // decided after the try in progress, if it did not serve
            }
            else
            {
                Complete(waiter, reply);
            }

            return true;
        }
    }

    /// <summary>Serves the keys made ready since the last call. The dispatcher calls it after a command when <see cref="HasReady"/>.</summary>
    public void ServeReady()
    {
        while (true)
        {
            KeyQueue queue;
            lock (_gate)
            {
                if (!_ready.TryDequeue(out queue!))
                {
                    Volatile.Write(ref _hasReady, 0);
                    return;
                }

                queue.Ready = false;
                if (queue.Serving)
                {
                    queue.Dirty = true; // another thread serves it and will look again
                    continue;
                }

                queue.Serving = true;
            }

            ServeKey(queue);
        }
    }

    private void ServeKey(KeyQueue queue)
    {
        while (true)
        {
            Waiter? waiter = null;
            lock (_gate)
            {
                queue.Dirty = false;
                foreach (var candidate in queue.Waiters)
                {
                    if (candidate.State == WaiterState.Waiting)
                    {
                        waiter = candidate;
                        break;
                    }
                }

                if (waiter is null)
                {
                    queue.Serving = false;
                    DropIfIdle(queue);
                    return;
                }

                waiter.State = WaiterState.Serving;
            }

            DeferredReply? reply;
            try
            {
                reply = waiter.Operation.TryServe(_server.Keyspace[waiter.Database], queue.Key);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reply = DeferredReplies.Error("ERR " + e.Message.ReplaceLineEndings(" "));
            }

            lock (_gate)
            {
                if (reply is not null)
                {
                    Complete(waiter, reply);
                    continue; // the next waiter may be served too
                }

                waiter.State = WaiterState.Waiting;
                if (waiter.Pending is { } pending)
                {
                    Complete(waiter, pending);
                }

                if (queue.Dirty)
                {
                    continue; // written while this try ran
                }

                queue.Serving = false;
                DropIfIdle(queue);
                return;
            }
        }
    }

    private void TimeOut(Waiter waiter)
    {
        lock (_gate)
        {
            switch (waiter.State)
            {
                case WaiterState.Waiting:
                    Complete(waiter, waiter.Operation.TimedOut);
                    break;
                case WaiterState.Serving:
                    waiter.Pending ??= waiter.Operation.TimedOut;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Ends a wait (under the lock): leaves every queue and completes the reply (continuations run elsewhere).</summary>
    private void Complete(Waiter waiter, DeferredReply reply)
    {
        if (waiter.State == WaiterState.Done)
        {
            return;
        }

        waiter.State = WaiterState.Done;
        for (var i = 0; i < waiter.Joined; i++)
        {
            waiter.Queues[i].Waiters.Remove(waiter.Nodes[i]!);
            DropIfIdle(waiter.Queues[i]);
        }

        if (_bySession.TryGetValue(waiter.Session.Id, out var current) && current == waiter)
        {
            _bySession.Remove(waiter.Session.Id);
        }

        _blocked--;
        waiter.Timer?.Dispose();
        waiter.Completion.TrySetResult(reply);
    }

    private void DropIfIdle(KeyQueue queue)
    {
        if (queue.Waiters.Count == 0 && !queue.Serving && !queue.Ready)
        {
            _queues[queue.Database]?.Remove(queue.Key);
        }
    }

    private void MarkReady(KeyQueue queue)
    {
        if (queue.Serving)
        {
            queue.Dirty = true;
        }
        else if (!queue.Ready)
        {
            queue.Ready = true;
            _ready.Enqueue(queue);
            Volatile.Write(ref _hasReady, 1);
        }
    }

    /// <inheritdoc/>
    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        if (kind != KeyEvent.Modified || Volatile.Read(ref _blocked) == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_queues[database] is { } queues
                && queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue)
                && queue.Waiters.Count > 0)
            {
                MarkReady(queue);
            }
        }
    }

    /// <summary>A reply that writes nothing (for a client that left).</summary>
    private static DeferredReply NoReply { get; } = static (ref RespWriter _) => { };

    private enum WaiterState
    {
        Waiting,
        Serving,
        Done,
    }

    /// <summary>One blocked client.</summary>
    private sealed class Waiter(BlockingHub hub, ClientSession session, int database, IBlockedOperation operation, int keys)
    {
        public readonly ClientSession Session = session;
        public readonly int Database = database;
        public readonly IBlockedOperation Operation = operation;
        public readonly KeyQueue[] Queues = new KeyQueue[keys];
        public readonly LinkedListNode<Waiter>?[] Nodes = new LinkedListNode<Waiter>?[keys];
        public readonly TaskCompletionSource<DeferredReply> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Joined;
        public WaiterState State;
        public DeferredReply? Pending;
        public Timer? Timer;
        public readonly BlockingHub Hub = hub;
    }

    /// <summary>The clients waiting on one key, in arrival order.</summary>
    private sealed class KeyQueue(int database, byte[] key)
    {
        public readonly int Database = database;
        public readonly byte[] Key = key;
        public readonly LinkedList<Waiter> Waiters = new();
        public bool Ready;
        public bool Serving;
        public bool Dirty;
    }
}
