using Hoard.Server.Commands;
using Hoard.Storage;
using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster.Moves;

/// <summary>Drops the keys a node holds in slots it does not own (after a move out, or a move in that failed).</summary>
internal static class SlotKeys
{
    private const int KeysPerStep = 1024;

    /// <summary>
    /// Deletes the keys of database 0 in the slots of <paramref name="slots"/> that <paramref name="drop"/> picks, a
    /// step at a time, as writes (this node's replicas drop them too). Returns how many were deleted.
    /// </summary>
    public static async Task<long> DropAsync(Keyspace keyspace, SlotSet slots, Func<int, bool> drop, CancellationToken token)
    {
        var database = keyspace[0];
        long cursor = 0, dropped = 0;
        do
        {
            var keys = new CollectingSink();
            cursor = keyspace.KeysInSlots(cursor, KeysPerStep, slots, ref keys);
            foreach (var key in keys.Items)
            {
                if (drop(HashSlot.Of(key)) && database.Delete(key))
                {
                    dropped++;
                }
            }

            await Task.Yield(); // one step at a time between the clients' commands
            token.ThrowIfCancellationRequested();
        }
        while (cursor != 0);

        return dropped;
    }
}
