namespace Hoard.Server.Cluster;

/// <summary>
/// Commands held on some slots while keys of them change hands, then run again — admitted anew. Two users:
/// <list type="bullet">
/// <item>MIGRATE in cluster mode holds the slots of the keys it moves from before it reads them until it has deleted
/// them here; a command on a key now gone from here is then sent to the target with -ASK. Without it, a command admitted
/// while its key was still here (a migrating slot serves the keys it has) and run after the deletion would find it
/// gone: a write would create it here again and the target's copy would miss it (a rebalance under load lost an INCR
/// so), a read would answer nil; and a key deleted here after it was copied would live on at the target. Redis runs
/// MIGRATE on its one thread, between commands, so it needs nothing of the kind.</item>
/// <item>A slot move (<see cref="Moves.SlotExport"/>) holds its slots while the handover commits and the target
/// starts serving them; held commands then meet the new routes and one -MOVED to a node that serves the slot.</item>
/// </list>
/// A held slot's commands wait whether this node's routes run them here, redirect them or serve the slot as migrating
/// (<see cref="SlotRouter"/>); other slots go on, and holds of other slots run side by side.
/// </summary>
/// <remarks>
/// Paired as <see cref="WritePause"/> is: a write (and any command on a migrating slot) marks its session running
/// (<c>ClientSession.BeginWrite</c>, a full fence) before it looks at the holds, and a hold is raised (a full fence)
/// before it waits for the running sessions, so each such command either is held or finished before the hold's work
/// begins. Reads elsewhere are not marked: one admitted before the hold was raised may still be reading when a move's
/// handover commits — it reads the data the source still holds then (dropped only after the handover).
/// </remarks>
internal sealed class MigrateHold(HoardServer server)
{
    /// <summary>The longest a held command waits: a handover the group cannot commit outlasts it.</summary>
    public static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new(); // taking and letting go; commands read without it
    private readonly TaskCompletionSource?[] _held = new TaskCompletionSource?[Storage.Keys.HashSlot.Count];
    private int _count; // read by every keyed command in cluster mode: 0 but while a hold lasts

    /// <summary>For a command on <paramref name="slot"/>: what to wait for before it runs again when the slot is held, else null.</summary>
    public Task? HeldFor(int slot)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return null;
        }

        return Volatile.Read(ref _held[slot])?.Task;
    }

    /// <summary>Runs <paramref name="migrate"/> with commands on <paramref name="slots"/> held, once the writes running have finished.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyCollection<int> slots, Func<Task<T>> migrate)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await TakeAsync(slots, hold).ConfigureAwait(false);
        try
        {
            await server.WaitForRunningWritesAsync(CancellationToken.None).ConfigureAwait(false);

            return await migrate().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                foreach (var slot in slots)
                {
                    Volatile.Write(ref _held[slot], null);
                }

                Interlocked.Add(ref _count, -slots.Count);
            }

            hold.TrySetResult();
        }
    }

    /// <summary>Marks the slots held, after any other hold of one of them let go.</summary>
    private async Task TakeAsync(IReadOnlyCollection<int> slots, TaskCompletionSource hold)
    {
        while (true)
        {
            Task? busy = null;
            lock (_gate)
            {
                foreach (var slot in slots)
                {
                    if (_held[slot] is { } other)
                    {
                        busy = other.Task;
                        break;
                    }
                }

                if (busy is null)
                {
                    foreach (var slot in slots)
                    {
                        Volatile.Write(ref _held[slot], hold);
                    }

                    Interlocked.Add(ref _count, slots.Count); // a full fence, paired with ClientSession.BeginWrite
                    return;
                }
            }

            await busy.ConfigureAwait(false);
        }
    }
}
