using Hoard.Protocol;
using Hoard.Server.Commands;

namespace Hoard.Server.Transactions;

/// <summary>
/// One client's MULTI state and WATCHed keys (https://redis.io/docs/latest/develop/interact/transactions/). Made at the
/// client's first MULTI or WATCH and kept for the next; only the client's own connection touches it, but
/// <see cref="Dirty"/>, which <see cref="WatchRegistry"/> sets from any thread under a shard lock.
/// </summary>
internal sealed class Transaction
{
    // Argument buffers kept for the next transaction (their arenas are pooled); more are dropped after EXEC.
    private const int KeptBuffers = 16;

    private readonly List<QueuedCommand> _queued = [];
    private readonly Stack<CommandBuffer> _spare = new();
    private int _dirty;

    /// <summary>The commands queued since MULTI, in order.</summary>
    public IReadOnlyList<QueuedCommand> Queued => _queued;

    /// <summary>A command was refused while queueing (unknown, arity, routing …): EXEC answers EXECABORT.</summary>
    public bool Failed { get; set; }

    /// <summary>In cluster mode, the hash slot of the queued commands' keys; -1 before the first key.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Queued commands name keys of more than one slot: EXEC answers CROSSSLOT, as Redis does.</summary>
    public bool CrossSlot { get; set; }

    /// <summary>Whether a queued command writes.</summary>
    public bool HasWrites { get; private set; }

    /// <summary>The WATCHed keys, each registered with the <see cref="WatchRegistry"/>.</summary>
    public List<WatchedKey> Watched { get; } = [];

    /// <summary>A WATCHed key was touched (written, deleted, expired, evicted, flushed): EXEC runs nothing.</summary>
    public bool Dirty => Volatile.Read(ref _dirty) != 0;

    /// <summary>Marks the WATCHed keys touched. Called under a shard lock; a plain store, no lock.</summary>
    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>Queues a copy of <paramref name="command"/> (it outlives the receive buffer).</summary>
    public void Enqueue(CommandDefinition definition, CommandBuffer command)
    {
        var copy = _spare.Count > 0 ? _spare.Pop() : new CommandBuffer();
        copy.CopyFrom(command);
        _queued.Add(new QueuedCommand(definition, copy));
        HasWrites |= (definition.Flags & CommandFlags.Write) != 0;
    }

    /// <summary>Forgets the queued commands and the MULTI flags (not the watches), keeping some memory for the next.</summary>
    public void ClearQueue()
    {
        foreach (var queued in _queued)
        {
            if (_spare.Count < KeptBuffers)
            {
                queued.Arguments.Clear();
                _spare.Push(queued.Arguments);
            }
            else
            {
                queued.Arguments.Dispose();
            }
        }

        _queued.Clear();
        Failed = false;
        CrossSlot = false;
        HasWrites = false;
        Slot = -1;
    }

    /// <summary>After UNWATCH: a new watch starts clean.</summary>
    public void ClearDirty() => Volatile.Write(ref _dirty, 0);

    /// <summary>Gives the pooled memory back (the connection closed).</summary>
    public void Release()
    {
        ClearQueue();
        while (_spare.Count > 0)
        {
            _spare.Pop().Dispose();
        }
    }
}

/// <summary>A command queued by MULTI: its table entry and an owned copy of its arguments.</summary>
/// <param name="Definition">The command.</param>
/// <param name="Arguments">The arguments, the name at index 0.</param>
internal readonly record struct QueuedCommand(CommandDefinition Definition, CommandBuffer Arguments);
