using Hoard.Storage.Keys;

namespace Hoard.Storage.Internal;

/// <summary>
/// A full consistency check of a shard's structures, for tests and debugging: slow (it walks every slot and every
/// entry) and allocating, never called on a hot path.
/// </summary>
internal sealed unsafe partial class Shard
{
    /// <summary>
    /// Checks that the index, the logs, the segment counters and the shard's counters agree; throws
    /// <see cref="InvalidOperationException"/> describing the first inconsistency. The caller holds <see cref="Gate"/>.
    /// Database-0 keys are counted per hash slot into <paramref name="slotCounts"/> when it is given.
    /// </summary>
    public void CheckIntegrity(int[]? slotCounts = null)
    {
        // Segments of the logs: each in exactly one log, owned by it.
        var segments = new Dictionary<int, EntryLog>();
        long segmentBytes = 0;
        foreach (var log in new[] { _main, _small })
        {
            for (var i = 0; i < log.SegmentCount; i++)
            {
                var id = log.At(i);
                if (id <= 0 || id >= SegmentStore.MaxSegments || !segments.TryAdd(id, log))
                {
                    Fail($"segment {id} appears twice in the logs or is not a valid id");
                }

                if (_store.Owner(id) != log.Id)
                {
                    Fail($"segment {id} is in log {log.Id} but owned by log {_store.Owner(id)}");
                }

                if (_store.Used(id) > _store.Capacity(id))
                {
                    Fail($"segment {id} uses {_store.Used(id)} of {_store.Capacity(id)} bytes");
                }

                segmentBytes += _store.Capacity(id);
            }

            if (log.SegmentCount > 0 && (log.HeadOffset < 0 || log.HeadOffset > _store.Used(log.Head)))
            {
                Fail($"log {log.Id} head offset {log.HeadOffset} is outside its head segment (used {_store.Used(log.Head)})");
            }
        }

        if (_store.Count != segments.Count)
        {
            Fail($"the store holds {_store.Count} segments but the logs hold {segments.Count}");
        }

        if (_store.BytesHeld != segmentBytes)
        {
            Fail($"the store holds {_store.BytesHeld} bytes but the logs' segments are {segmentBytes} bytes");
        }

        // The index: every live slot points at a live entry of this shard that the index finds again.
        var indexed = new Dictionary<uint, ulong>();
        var keysPerDb = new long[KeysPerDatabase.Length];
        var volatilePerDb = new long[KeysPerDatabase.Length];
        long objectBytes = 0;
        var liveSlots = CheckSlots(_index.Table, _index.Capacity, segments, indexed, keysPerDb, volatilePerDb, ref objectBytes, slotCounts)
            + CheckSlots(_index.OldTable, _index.OldCapacity, segments, indexed, keysPerDb, volatilePerDb, ref objectBytes, slotCounts);
        if (_index.Count != liveSlots)
        {
            Fail($"the index counts {_index.Count} keys but has {liveSlots} live slots");
        }

        // The logs: walking every segment finds exactly the entries the index points at.
        var seen = 0;
        long storeLive = 0;
        foreach (var log in new[] { _main, _small })
        {
            long logBytes = 0, logEntries = 0;
            for (var i = 0; i < log.SegmentCount; i++)
            {
                var id = log.At(i);
                var used = _store.Used(id);
                var offset = i == 0 ? log.HeadOffset : 0;
                long segmentLive = 0;
                while (offset < used)
                {
                    var location = (uint)(id << 16) | (uint)offset;
                    var e = new Entry(_store.SegmentStart(id) + offset);
                    var size = e.Size;
                    if (size <= 0 || offset + size > used)
                    {
                        Fail($"entry at {Describe(location)} has size {size}, past the segment's used {used} bytes");
                    }

                    if (!e.IsDead)
                    {
                        if (!indexed.ContainsKey(location))
                        {
                            Fail($"live entry '{Show(e.Key)}' (db {e.Database}) at {Describe(location)} is not in the index");
                        }

                        seen++;
                        segmentLive += size;
                        logEntries++;
                    }

                    offset += size;
                }

                if (segmentLive != _store.Live(id))
                {
                    Fail($"segment {id} of log {log.Id} counts {_store.Live(id)} live bytes but its live entries take {segmentLive}");
                }

                logBytes += segmentLive;
            }

            if (log.LiveBytes != logBytes || log.LiveEntries != logEntries)
            {
                Fail($"log {log.Id} counts {log.LiveEntries} entries / {log.LiveBytes} bytes but holds {logEntries} / {logBytes}");
            }

            storeLive += logBytes;
        }

        if (seen != indexed.Count)
        {
            Fail($"the index points at {indexed.Count} entries but the logs' walk found {seen} of them");
        }

        if (_store.LiveBytes != storeLive)
        {
            Fail($"the store counts {_store.LiveBytes} live bytes but the logs hold {storeLive}");
        }

        for (var db = 0; db < keysPerDb.Length; db++)
        {
            if (keysPerDb[db] != KeysPerDatabase[db])
            {
                Fail($"database {db} counts {KeysPerDatabase[db]} keys but the index holds {keysPerDb[db]}");
            }

            if (volatilePerDb[db] != VolatilePerDatabase[db])
            {
                Fail($"database {db} counts {VolatilePerDatabase[db]} keys with a TTL but the index holds {volatilePerDb[db]}");
            }
        }

        if (objectBytes != _objectBytes)
        {
            Fail($"the shard counts {_objectBytes} bytes of large objects but its hash tables take {objectBytes}");
        }

        if (_accountedAux != _index.Bytes + _ghost.Bytes)
        {
            Fail($"the shard accounts {_accountedAux} bookkeeping bytes but index and ghost filter take {_index.Bytes + _ghost.Bytes}");
        }
    }

    private int CheckSlots(ulong* table, int capacity, Dictionary<int, EntryLog> segments, Dictionary<uint, ulong> indexed,
        long[] keysPerDb, long[] volatilePerDb, ref long objectBytes, int[]? slotCounts)
    {
        var live = 0;
        for (var i = 0; i < capacity; i++)
        {
            var s = table[i];
            if (!KeyIndex.IsLive(s))
            {
                continue;
            }

            live++;
            var location = (uint)s;
            var id = (int)(location >> 16);
            if (!segments.ContainsKey(id) || (location & 0xFFFF) >= _store.Used(id))
            {
                Fail($"index slot {i} points at {Describe(location)}, outside every log's used space");
            }

            if (!indexed.TryAdd(location, s))
            {
                Fail($"two index slots point at {Describe(location)}");
            }

            var e = new Entry(_store.Pointer(location));
            if (e.IsDead)
            {
                Fail($"index slot {i} points at the dead entry '{Show(e.Key)}' at {Describe(location)}");
            }

            var db = e.Database;
            if (db >= keysPerDb.Length)
            {
                Fail($"entry '{Show(e.Key)}' at {Describe(location)} names database {db} of {keysPerDb.Length}");
            }

            var hash = KeyHash.Of(e.Key, db, _keyspace.HashSeed);
            if (KeyIndex.CodeOf(s) != KeyHash.Code(hash))
            {
                Fail($"index slot {i} has code {KeyIndex.CodeOf(s)} but its key '{Show(e.Key)}' (db {db}) hashes to {KeyHash.Code(hash)}");
            }

            if ((int)(hash & _keyspace.ShardMask) != Number)
            {
                Fail($"key '{Show(e.Key)}' (db {db}) belongs to shard {hash & _keyspace.ShardMask}, not {Number}");
            }

            if (_index.Find(_store, e.Key, db, KeyHash.Code(hash)) != table + i)
            {
                Fail($"key '{Show(e.Key)}' (db {db}) in index slot {i} is not found there by a lookup (duplicate or unreachable)");
            }

            var isVolatile = (s & KeyIndex.VolatileBit) != 0;
            if (isVolatile != e.HasExpiry)
            {
                Fail($"key '{Show(e.Key)}' (db {db}) has the TTL bit {isVolatile} but its entry {(e.HasExpiry ? "has" : "has no")} expiry");
            }

            if (isVolatile)
            {
                volatilePerDb[db]++;
            }

            if (IsObject(e.Type))
            {
                objectBytes += ObjectOf(e).ByteSize;
            }

            keysPerDb[db]++;
            if (db == 0 && slotCounts != null)
            {
                slotCounts[HashSlot.Of(e.Key)]++;
            }
        }

        return live;
    }

    /// <summary>The longest probe of this shard's index (<see cref="KeyIndex.LongestProbe"/>); the caller holds <see cref="Gate"/>.</summary>
    public int LongestProbe() => _index.LongestProbe();

    private string Describe(uint location) => $"shard {Number} segment {location >> 16} offset {location & 0xFFFF}";

    private static string Show(ReadOnlySpan<byte> key) =>
        key.Length <= 64 ? System.Text.Encoding.Latin1.GetString(key) : System.Text.Encoding.Latin1.GetString(key[..64]) + "…";

    private void Fail(string message) => throw new InvalidOperationException($"shard {Number}: {message}");
}

/// <summary>The keyspace-wide consistency check (tests and debugging).</summary>
internal static class KeyspaceIntegrity
{
    /// <summary>The longest probe of any shard's index: how far the slowest lookup walks (tests and debugging).</summary>
    public static int LongestIndexProbe(this Keyspace keyspace)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        var longest = 0;
        foreach (var shard in keyspace.Shards)
        {
            lock (shard.Gate)
            {
                longest = Math.Max(longest, shard.LongestProbe());
            }
        }

        return longest;
    }

    /// <summary>
    /// Locks every shard (in ascending order) and checks each one, then the budget and the per-slot counts;
    /// throws <see cref="InvalidOperationException"/> on the first inconsistency.
    /// </summary>
    public static void CheckIntegrity(this Keyspace keyspace)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        var shards = keyspace.Shards;
        var entered = 0;
        try
        {
            foreach (var shard in shards)
            {
                shard.Gate.Enter();
                entered++;
            }

            var slotCounts = new int[HashSlot.Count];
            long held = 0;
            foreach (var shard in shards)
            {
                shard.CheckIntegrity(slotCounts);
                held += shard.BytesHeld;
            }

            if (keyspace.Budget.Used != held)
            {
                throw new InvalidOperationException($"the memory budget counts {keyspace.Budget.Used} bytes but the shards hold {held}");
            }

            for (var slot = 0; slot < slotCounts.Length; slot++)
            {
                if (keyspace.CountKeysInSlot(slot) != slotCounts[slot])
                {
                    throw new InvalidOperationException(
                        $"hash slot {slot} counts {keyspace.CountKeysInSlot(slot)} keys of database 0 but holds {slotCounts[slot]}");
                }
            }
        }
        finally
        {
            for (var i = entered - 1; i >= 0; i--)
            {
                shards[i].Gate.Exit();
            }
        }
    }
}
