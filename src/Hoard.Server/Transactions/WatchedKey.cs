namespace Hoard.Server.Transactions;

/// <summary>One key a client WATCHes, as the <see cref="WatchRegistry"/> lists it under the key.</summary>
/// <param name="owner">The watching client's transaction state.</param>
/// <param name="database">The database the key was watched in.</param>
/// <param name="key">The key's bytes.</param>
internal sealed class WatchedKey(Transaction owner, int database, byte[] key)
{
    /// <summary>The watching client's transaction state.</summary>
    public Transaction Owner { get; } = owner;

    /// <summary>The database the key was watched in.</summary>
    public int Database { get; } = database;

    /// <summary>The key's bytes.</summary>
    public byte[] Key { get; } = key;

    /// <summary>
    /// The key was stored but already past its TTL when WATCHed, so logically missing: its removal by expiry is no
    /// change (Redis 7's <c>watchedKey.expired</c>). Written under the registry's lock.
    /// </summary>
    public bool ExpiredAtWatch { get; set; }
}
