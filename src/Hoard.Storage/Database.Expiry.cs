namespace Hoard.Storage;

/// <summary>TTL commands: EXPIRE and friends, TTL/PTTL/EXPIRETIME, PERSIST.</summary>
public sealed unsafe partial class Database
{
    /// <summary>The key's absolute expiry in Unix milliseconds; -1 if it has none, -2 if the key is missing.</summary>
    public long GetExpireAt(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return -2;
            }

            var at = k.Shard.EntryAt(slot).ExpireAt;
            return at == 0 ? -1 : at;
        }
    }

    /// <summary>
    /// Whether the key is still stored but its TTL has run out (it goes at its next access or expiry cycle), without
    /// expiring it or counting an access: what WATCH and EXEC look at, as Redis's <c>keyIsExpired</c>.
    /// </summary>
    public bool HasTimedOut(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return k.Shard.TimedOut(key, k.Db, k.Hash);
        }
    }

    /// <summary>
    /// EXPIREAT / PEXPIREAT (and EXPIRE / PEXPIRE once converted): Ok if the TTL was set, NotApplied if the
    /// condition failed, NotFound if the key is missing. A time in the past deletes the key (Ok), as in Redis.
    /// </summary>
    public StorageStatus SetExpireAt(ReadOnlySpan<byte> key, long unixMs, ExpireCondition condition = ExpireCondition.Always)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var current = shard.EntryAt(slot).ExpireAt;
            var allowed = condition switch
            {
                ExpireCondition.IfNoTtl => current == 0,
                ExpireCondition.IfHasTtl => current != 0,
                ExpireCondition.IfLater => current != 0 && unixMs > current,
                ExpireCondition.IfEarlier => current == 0 || unixMs < current,
                _ => true,
            };
            if (!allowed)
            {
                return StorageStatus.NotApplied;
            }

            if (unixMs <= _keyspace.NowMs())
            {
                shard.Remove(slot, KeyEvent.Deleted);
                return StorageStatus.Ok;
            }

            var status = shard.SetExpiry(slot, key, k.Db, k.Hash, unixMs);
            shard.AfterWrite();
            return status;
        }
    }

    /// <summary>PERSIST: removes the TTL; true if the key had one.</summary>
    public bool Persist(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            if (slot == null || shard.EntryAt(slot).ExpireAt == 0)
            {
                return false;
            }

            // Removing the TTL shrinks the entry, so the rewrite can only fail if segment ids run out.
            return shard.SetExpiry(slot, key, k.Db, k.Hash, 0) == StorageStatus.Ok;
        }
    }
}
