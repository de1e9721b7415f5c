using Hoard.Server.PubSub;
using Hoard.Storage;

namespace Hoard.Server.Transactions;

/// <summary>
/// The WATCHed keys of every client, by database and key, listening to the keyspace's events: a write, delete, expiry
/// or eviction of a watched key, and any FLUSHDB, FLUSHALL or SWAPDB, marks its watchers' transactions dirty, and
/// their EXEC then runs nothing (https://redis.io/docs/latest/commands/watch/).
/// </summary>
/// <remarks>
/// Events arrive under a shard lock: with nobody watching they cost one volatile read; otherwise one lock of this
/// registry (never held while taking a shard lock) and a dictionary lookup. The registry joins the server's
/// <see cref="KeyEvents.KeyEventFanOut"/> at the first WATCH, so a node whose clients never WATCH pays nothing.
/// </remarks>
internal sealed class WatchRegistry : IKeyspaceObserver
{
    private readonly HoardServer _server;
    private readonly Lock _gate = new();

    // Per database: key → the watches of it. One writer at a time (under _gate), readers under _gate too.
    private readonly Dictionary<byte[], List<WatchedKey>>[] _keys;
    private int _count; // watched (client, key) pairs; read without the lock by every event
    private int _listening;

    public WatchRegistry(HoardServer server)
    {
        _server = server;
        _keys = new Dictionary<byte[], List<WatchedKey>>[server.Keyspace.DatabaseCount];
    }

    /// <summary>Watched (client, key) pairs, for INFO's <c>watching_clients</c>-like figures and tests.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// WATCH of one key in <paramref name="database"/>: registered first, so any change from now on marks the client
    /// dirty; then the key is looked at (without expiring it) to learn whether it was already past its TTL.
    /// </summary>
    public void Watch(Transaction transaction, int database, ReadOnlySpan<byte> key)
    {
        foreach (var existing in transaction.Watched)
        {
            if (existing.Database == database && key.SequenceEqual(existing.Key))
            {
                return; // watched already, as Redis keeps one entry per key
            }
        }

        if (Interlocked.Exchange(ref _listening, 1) == 0)
        {
            _server.KeyEvents.Add(this);
        }

        var watched = new WatchedKey(transaction, database, key.ToArray());
        lock (_gate)
        {
            var keys = _keys[database] ??= new Dictionary<byte[], List<WatchedKey>>(ByteKeyComparer.Instance);
            if (!keys.TryGetValue(watched.Key, out var list))
            {
                list = new List<WatchedKey>(1);
                keys.Add(watched.Key, list);
            }

            list.Add(watched);
            Interlocked.Increment(ref _count);
        }

        transaction.Watched.Add(watched);

        // Outside the registry's lock (a shard lock is taken). A key already past its TTL is logically missing: its
        // expiry, seen as an event just now or later, is no change. A change after the registration above but before
        // this look dirtied the client already, whatever is recorded here.
        if (_server.Keyspace[database].HasTimedOut(key))
        {
            lock (_gate)
            {
                watched.ExpiredAtWatch = true;
            }
        }
    }

    /// <summary>UNWATCH, EXEC, DISCARD, RESET, disconnection: forgets the client's watched keys.</summary>
    public void UnwatchAll(Transaction transaction)
    {
        if (transaction.Watched.Count == 0)
        {
            transaction.ClearDirty();
            return;
        }

        lock (_gate)
        {
            foreach (var watched in transaction.Watched)
            {
                var keys = _keys[watched.Database];
                if (keys is not null && keys.TryGetValue(watched.Key, out var list) && list.Remove(watched))
                {
                    Interlocked.Decrement(ref _count);
                    if (list.Count == 0)
                    {
                        keys.Remove(watched.Key);
                    }
                }
            }
        }

        transaction.Watched.Clear();
        transaction.ClearDirty();
    }

    /// <summary>
    /// At EXEC, with every shard locked: whether a watched key's TTL ran out since WATCH though nobody touched it
    /// (Redis 7 counts that as a change).
    /// </summary>
    public bool AnyTimedOut(Transaction transaction)
    {
        foreach (var watched in transaction.Watched)
        {
            bool expiredAtWatch;
            lock (_gate)
            {
                expiredAtWatch = watched.ExpiredAtWatch;
            }

            if (!expiredAtWatch && _server.Keyspace[watched.Database].HasTimedOut(watched.Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        if (Volatile.Read(ref _count) == 0 || kind == KeyEvent.Missed)
        {
            return;
        }

        lock (_gate)
        {
            var keys = (uint)database < (uint)_keys.Length ? _keys[database] : null;
            if (keys is null || !keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var list))
            {
                return;
            }

            foreach (var watched in list)
            {
                if (watched.ExpiredAtWatch && kind == KeyEvent.Expired)
                {
                    watched.ExpiredAtWatch = false; // the key that was logically gone is now gone: no change
                    continue;
                }

                watched.Owner.MarkDirty();
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The event does not say which database, nor whether a watched key existed: every watching client is marked
    /// dirty. Redis spares watchers of keys that did not exist (in either database of a SWAPDB); an EXEC aborted here
    /// where Redis would run it is safe (the client retries), the other way round would not be.
    /// </remarks>
    public void OnFlush()
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var keys in _keys)
            {
                if (keys is null)
                {
                    continue;
                }

                foreach (var list in keys.Values)
                {
                    foreach (var watched in list)
                    {
                        watched.Owner.MarkDirty();
                    }
                }
            }
        }
    }
}
