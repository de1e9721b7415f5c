namespace Hoard.Storage;

/// <summary>What happened to a key, for replication, client tracking and keyspace notifications.</summary>
public enum KeyEvent : byte
{
    /// <summary>The key was written (created or changed).</summary>
    Modified,
    /// <summary>The key was deleted by a command.</summary>
    Deleted,
    /// <summary>The key's TTL ran out.</summary>
    Expired,
    /// <summary>The key was evicted to stay under the memory limit.</summary>
    Evicted,
    /// <summary>
    /// The key was created (it did not exist before this write; Redis's <c>new</c> keyspace event). Reported only while
    /// <see cref="Keyspace.ReportsCreations"/> is set, before the write's <see cref="Modified"/> for the same key.
    /// Listeners that only care about changes ignore it.
    /// </summary>
    Created,
    /// <summary>
    /// A read looked the key up and did not find it (Redis's <c>keymiss</c> keyspace event; INFO's keyspace_misses
    /// counts the same lookups). Reported only while <see cref="Keyspace.ReportsMisses"/> is set; the key may never
    /// have existed. Listeners that only care about changes ignore it.
    /// </summary>
    Missed,
}

/// <summary>
/// Listens to key events. Called synchronously while the key's shard is locked, so an implementation must be fast
/// and must not call back into the keyspace (queue the event instead). With no observer set, events cost nothing.
/// </summary>
public interface IKeyspaceObserver
{
    /// <summary>One event for <paramref name="key"/> in database <paramref name="database"/>.</summary>
    void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key);

    /// <summary>
    /// The keys of one database or of all changed at once, with no event per key: FLUSHDB, FLUSHALL or SWAPDB (applied
    /// from a record too). Called while every shard is locked.
    /// </summary>
    void OnFlush()
    {
    }
}
