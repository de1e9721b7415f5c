using Hoard.Protocol;
using Hoard.Server.Commands;
using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster;

/// <summary>
/// MIGRATE in cluster mode: writes to the slots of the keys it moves are held from before it reads them until it has
/// deleted them here, and then run again — admitted anew, so a write to a key now gone from here is sent to the target
/// with -ASK. Without it, a write admitted while its key was still here (a migrating slot serves the keys it has) and
/// run after the deletion would create the key here again, and the target's copy would miss it (a lost INCR); or a
/// key deleted here after it was copied would live on at the target. Redis runs MIGRATE on its one thread, between
/// commands, so it needs nothing of the kind. Writes to other slots go on; MIGRATEs of other slots run side by side.
/// </summary>
/// <remarks>
/// Paired as <see cref="WritePause"/> is: a write marks itself running (<c>ClientSession.BeginWrite</c>, a full
/// fence) before it looks at the holds, and a hold is raised (a full fence) before it waits for the running writes, so
/// each write to a held slot either is held or finished before the keys are read.
/// </remarks>
internal sealed class MigrateHold(HoardServer server)
{
    private readonly Dictionary<int, TaskCompletionSource> _held = [];
    private int _count; // read by every write in cluster mode: 0 but while a MIGRATE runs

    /// <summary>Whether any slot is held now.</summary>
    public bool IsActive => Volatile.Read(ref _count) != 0;

    /// <summary>For a write: what to wait for before it runs again when its key's slot is held, else null.</summary>
    public Task? HeldFor(CommandDefinition definition, CommandBuffer command)
    {
        if (definition.FirstKey == 0 || definition.FirstKey >= command.Count)
        {
            return null;
        }

        var slot = HashSlot.Of(command[definition.FirstKey]); // a write's keys share one slot, or routing refuses it
        lock (_held)
        {
            return _held.TryGetValue(slot, out var hold) ? hold.Task : null;
        }
    }

    /// <summary>Runs <paramref name="migrate"/> with writes to <paramref name="slots"/> held, once the writes running have finished.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyCollection<int> slots, Func<Task<T>> migrate)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await TakeAsync(slots, hold).ConfigureAwait(false);
        try
        {
            foreach (var session in server.Clients)
            {
                while (session.IsWriting)
                {
                    await Task.Yield(); // a write is microseconds of work
                }
            }

            return await migrate().ConfigureAwait(false);
        }
        finally
        {
            lock (_held)
            {
                foreach (var slot in slots)
                {
                    _held.Remove(slot);
                }

                Interlocked.Add(ref _count, -slots.Count);
            }

            hold.TrySetResult();
        }
    }

    /// <summary>Marks the slots held, after any other MIGRATE holding one of them let go.</summary>
    private async Task TakeAsync(IReadOnlyCollection<int> slots, TaskCompletionSource hold)
    {
        while (true)
        {
            Task? busy = null;
            lock (_held)
            {
                foreach (var slot in slots)
                {
                    if (_held.TryGetValue(slot, out var other))
                    {
                        busy = other.Task;
                        break;
                    }
                }

                if (busy is null)
                {
                    foreach (var slot in slots)
                    {
                        _held[slot] = hold;
                    }

                    Interlocked.Add(ref _count, slots.Count); // a full fence, paired with ClientSession.BeginWrite
                    return;
                }
            }

            await busy.ConfigureAwait(false);
        }
    }
}
