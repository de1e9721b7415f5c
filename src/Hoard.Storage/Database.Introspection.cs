using Hoard.Storage.Internal;

namespace Hoard.Storage;

/// <summary>What INFO keyspace, MEMORY USAGE and OBJECT FREQ ask about keys; none of it counts as an access.</summary>
public sealed unsafe partial class Database
{
    /// <summary>Size of one index slot, counted by <see cref="MemoryUsage"/>.</summary>
    private const int IndexSlotBytes = sizeof(ulong);

    /// <summary>Number of keys with a TTL (INFO keyspace <c>expires=</c>), expired-but-not-removed ones included.</summary>
    public long VolatileCount
    {
        get
        {
            var db = Physical;
            long n = 0;
            foreach (var shard in _keyspace.Shards)
            {
                lock (shard.Gate)
                {
                    n += shard.VolatilePerDatabase[db];
                }
            }

            return n;
        }
    }

    /// <summary>
    /// INFO keyspace's <c>avg_ttl</c>: the estimated remaining TTL in milliseconds of the keys that have one, from the
    /// active expiry cycle's samples (each shard's estimate weighted by its keys with a TTL); 0 before any sample.
    /// </summary>
    public long AverageTtlMs
    {
        get
        {
            var db = Physical;
            double weighted = 0;
            long keys = 0;
            foreach (var shard in _keyspace.Shards)
            {
                lock (shard.Gate)
                {
                    var n = shard.VolatilePerDatabase[db];
                    if (n > 0 && shard.AverageTtlMs[db] > 0)
                    {
                        weighted += shard.AverageTtlMs[db] * n;
                        keys += n;
                    }
                }
            }

            return keys == 0 ? 0 : (long)(weighted / keys);
        }
    }

    /// <summary>
    /// MEMORY USAGE: approximate bytes the key costs — its entry, its index slot and, for a large hash, the
    /// table's bytes. -1 if the key does not exist.
    /// </summary>
    public long MemoryUsage(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return -1;
            }

            var e = k.Shard.EntryAt(slot);
            long bytes = e.Size + IndexSlotBytes;
            if (Shard.IsObject(e.Type))
            {
                bytes += k.Shard.ObjectOf(e).ByteSize;
            }

            return bytes;
        }
    }

    /// <summary>
    /// OBJECT FREQ: the key's 8 eviction bits (Redis's logarithmic LFU counter under an LFU policy; their meaning
    /// depends on the policy). -1 if the key does not exist.
    /// </summary>
    public int AccessCounter(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            return slot == null ? -1 : KeyIndex.AccessOf(*slot);
        }
    }
}
