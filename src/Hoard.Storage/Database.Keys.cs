using System.Buffers.Binary;
using Hoard.Storage.Internal;

namespace Hoard.Storage;

/// <summary>Generic key commands: DEL, EXISTS, TYPE, RENAME, COPY, TOUCH, RANDOMKEY, SCAN, KEYS, slots.</summary>
public sealed unsafe partial class Database
{
    /// <summary>DEL / UNLINK of one key; true if it existed.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return false;
            }

            k.Shard.Remove(slot, KeyEvent.Deleted);
            return true;
        }
    }

    /// <summary>EXISTS of one key.</summary>
    public bool Exists(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return k.Shard.Find(key, k.Db, k.Hash) != null;
        }
    }

    /// <summary>TOUCH of one key: records an access; true if it exists.</summary>
    public bool Touch(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot != null)
            {
                k.Shard.Touch(slot);
            }

            return slot != null;
        }
    }

    /// <summary>TYPE: the kind of value a key holds, <see cref="ValueKind.None"/> if missing.</summary>
    public ValueKind TypeOf(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            return slot == null ? ValueKind.None : k.Shard.KindOf(k.Shard.EntryAt(slot));
        }
    }

    /// <summary>OBJECT ENCODING: Redis's name for how the value is stored, or null if the key is missing.</summary>
    public string? EncodingOf(ReadOnlySpan<byte> key)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return null;
            }

            var e = k.Shard.EntryAt(slot);
            return e.Type switch
            {
                EntryType.StringInt => "int",
                EntryType.StringRaw => e.ValueLength <= 44 ? "embstr" : "raw",
                EntryType.HashPacked => "listpack",
                _ => k.Shard.ObjectOf(e).Encoding,
            };
        }
    }

    /// <summary>
    /// RENAME / RENAMENX: moves a value (and its TTL) to another name. NotFound if the source is missing;
    /// NotApplied if <paramref name="onlyIfAbsent"/> and the destination exists.
    /// </summary>
    public StorageStatus Rename(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool onlyIfAbsent = false) =>
        Transfer(source, this, destination, replace: !onlyIfAbsent, removeSource: true);

    /// <summary>
    /// COPY: copies a value (and its TTL) to <paramref name="destination"/> in <paramref name="target"/>;
    /// NotApplied if the destination exists and <paramref name="replace"/> is false.
    /// </summary>
    public StorageStatus Copy(ReadOnlySpan<byte> source, Database target, ReadOnlySpan<byte> destination, bool replace) =>
        Transfer(source, target, destination, replace, removeSource: false);

    private StorageStatus Transfer(ReadOnlySpan<byte> source, Database target, ReadOnlySpan<byte> destination, bool replace, bool removeSource)
    {
        ArgumentNullException.ThrowIfNull(target);
        var from = new KeyRef(this, source);
        var to = new KeyRef(target, destination);
        var first = from.Shard.Number <= to.Shard.Number ? from.Shard : to.Shard;
        var second = first == from.Shard ? to.Shard : from.Shard;
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                return TransferLocked(from, source, to, destination, replace, removeSource);
            }
        }
    }

    private static StorageStatus TransferLocked(KeyRef from, ReadOnlySpan<byte> source, KeyRef to, ReadOnlySpan<byte> destination,
        bool replace, bool removeSource)
    {
        var slot = from.Shard.Find(source, from.Db, from.Hash);
        if (slot == null)
        {
            return StorageStatus.NotFound;
        }

        if (from.Db == to.Db && source.SequenceEqual(destination))
        {
            // RENAME answers OK; RENAMENX answers 0 and COPY refuses, as in Redis.
            return removeSource && replace ? StorageStatus.Ok : StorageStatus.NotApplied;
        }

        var existing = to.Shard.Find(destination, to.Db, to.Hash);
        if (existing != null && !replace)
        {
            return StorageStatus.NotApplied;
        }

        if (existing == null && to.Shard == from.Shard)
        {
            // Finding the destination may have expired it, and removing a slot shifts the later slots of its run
            // (the source's among them): look the source up again.
            slot = from.Shard.Find(source, from.Db, from.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }
        }

        // A large hash is copied into a new table: reserve its bytes first (which may evict, even the source).
        long objectBytes = 0;
        if (Shard.IsObject(from.Shard.EntryAt(slot).Type))
        {
            objectBytes = from.Shard.ObjectOf(from.Shard.EntryAt(slot)).ByteSize;
            if (!to.Shard.ReserveObjectBytes(objectBytes))
            {
                return StorageStatus.OutOfMemory;
            }

            slot = from.Shard.Find(source, from.Db, from.Hash);
            if (slot == null)
            {
                to.Shard.ReserveObjectBytes(-objectBytes);
                return StorageStatus.NotFound;
            }
        }

        var size = Entry.SizeOf(to.Db, destination.Length, from.Shard.EntryAt(slot).ValueLength, from.Shard.EntryAt(slot).HasExpiry);
        var status = to.Shard.PrepareWrite(destination, to.Db, to.Hash, size, out var target, out var log);
        if (status != StorageStatus.Ok)
        {
            to.Shard.ReserveObjectBytes(-objectBytes);
            return status;
        }

        // Making room may have evicted or moved the source: look it up again.
        slot = from.Shard.Find(source, from.Db, from.Hash);
        if (slot == null)
        {
            to.Shard.ReserveObjectBytes(-objectBytes);
            return StorageStatus.NotFound;
        }

        if (target != null && Shard.IsObject(to.Shard.EntryAt(target).Type))
        {
            // Place keeps the object of a hash table replaced by a hash table (SetExpiry rewrites the same handle),
            // so a replaced destination's table would leak: remove the destination first.
            to.Shard.Remove(target, KeyEvent.Deleted, notify: false);
            target = null;
            slot = from.Shard.Find(source, from.Db, from.Hash);
            if (slot == null)
            {
                // Expired meanwhile (a lookup expires a key whose time has come, and the clock moves on).
                to.Shard.ReserveObjectBytes(-objectBytes);
                return StorageStatus.NotFound;
            }
        }

        var e = from.Shard.EntryAt(slot);
        var type = e.Type;
        scoped ReadOnlySpan<byte> value = e.Value;
        Span<byte> handle = stackalloc byte[sizeof(int)];
        if (Shard.IsObject(type))
        {
            // Same lock held since the reservation: the source object did not change, and neither does its size.
            var copy = from.Shard.ObjectOf(e).Clone();
            BinaryPrimitives.WriteInt32LittleEndian(handle, to.Shard.AddObject(copy));
            value = handle;
        }

        if (target != null)
        {
            to.Shard.Created(destination, to.Db); // Redis replaces a destination by deleting and adding it
        }

        value.CopyTo(to.Shard.Place(log, ref target, destination, to.Db, to.Hash, type, value.Length, e.ExpireAt));
        to.Shard.Written(target);
        if (removeSource && from.Shard.Find(source, from.Db, from.Hash) is var left && left != null)
        {
            // Placing may have moved slots of the index: the source is found once more (gone if it expired meanwhile;
            // the copy carries the same expiry).
            from.Shard.Remove(left, KeyEvent.Deleted);
        }

        to.Shard.AfterWrite();
        return StorageStatus.Ok;
    }

    /// <summary>RANDOMKEY: a random key into <paramref name="sink"/>; false if the database is empty.</summary>
    public bool RandomKey<TSink>(ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var db = Physical;
        var shards = _keyspace.Shards;
        var start = Random.Shared.Next(shards.Length);
        for (var i = 0; i < shards.Length; i++)
        {
            var shard = shards[(start + i) % shards.Length];
            lock (shard.Gate)
            {
                if (shard.RandomKey(db, ref sink))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// SCAN: keys matching <paramref name="pattern"/> (empty for all) and <paramref name="type"/>
    /// (<see cref="ValueKind.None"/> for all) into <paramref name="sink"/>, about <paramref name="count"/> keys
    /// examined. Returns the next cursor, 0 when the scan is complete. A key present for the whole scan is
    /// returned exactly once, however the index grows meanwhile.
    /// </summary>
    public ulong Scan<TSink>(ulong cursor, ReadOnlySpan<byte> pattern, int count, ValueKind type, ref TSink sink)
        where TSink : IPairSink, allows ref struct
    {
        const int codeBits = KeyHash.CodeBits;
        if (cursor >> codeBits >= (ulong)_keyspace.ShardCount)
        {
            return 0; // not a cursor this scan returned (compared unsigned: a huge one must not wrap negative)
        }

        var shardIndex = (int)(cursor >> codeBits);
        var from = (uint)(cursor & ((1UL << codeBits) - 1));

        if (Storage.Keys.GlobPattern.IsMatchAll(pattern))
        {
            pattern = default; // Redis treats MATCH * as no pattern, so it also matches the empty key
        }

        var shard = _keyspace.Shards[shardIndex];
        uint next;
        lock (shard.Gate)
        {
            next = shard.Scan(Physical, from, Math.Max(1, count), pattern, type, ref sink);
        }

        if (next < 1u << codeBits)
        {
            return ((ulong)shardIndex << codeBits) | next;
        }

        return shardIndex + 1 < _keyspace.ShardCount ? (ulong)(shardIndex + 1) << codeBits : 0;
    }

    /// <summary>KEYS: every key matching <paramref name="pattern"/> into <paramref name="sink"/>.</summary>
    public void Keys<TSink>(ReadOnlySpan<byte> pattern, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        ulong cursor = 0;
        do
        {
            cursor = Scan(cursor, pattern, 1024, ValueKind.None, ref sink);
        }
        while (cursor != 0);
    }

    /// <summary>Up to <paramref name="max"/> keys in hash slot <paramref name="slot"/> (CLUSTER GETKEYSINSLOT; database 0).</summary>
    public int KeysInSlot<TSink>(int slot, int max, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var n = 0;
        foreach (var shard in _keyspace.Shards)
        {
            if (n >= max)
            {
                break;
            }

            lock (shard.Gate)
            {
                n += shard.KeysInSlot(slot, max - n, ref sink);
            }
        }

        return n;
    }
}
