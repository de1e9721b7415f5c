using System.Buffers.Binary;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Keys;

namespace Hoard.Storage;

/// <summary>Hash reads beyond HGET: HEXISTS, HSTRLEN, HRANDFIELD, HSCAN.</summary>
public sealed unsafe partial class Database
{
    /// <summary>HEXISTS: whether the field exists (false for a missing key).</summary>
    public StorageStatus HashExists(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, out bool exists)
    {
        var status = HashFieldLength(key, field, out var length);
        exists = status == StorageStatus.Ok && length >= 0;
        return status;
    }

    /// <summary>HSTRLEN: the length of the field's value; -1 when the key or field is missing.</summary>
    public StorageStatus HashFieldLength(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, out long length)
    {
        var k = new KeyRef(this, key);
        length = -1;
        lock (k.Shard.Gate)
        {
            var status = ReadField(k, key, field, out var value);
            if (status == StorageStatus.Ok)
            {
                length = value.Length;
            }

            return status == StorageStatus.NotFound ? StorageStatus.Ok : status;
        }
    }

    /// <summary>
    /// HRANDFIELD with a count, Redis's rules: a positive count gives distinct fields (the whole hash when it is
    /// at least the hash's size), a negative one gives exactly |count| fields that may repeat. NotFound for a
    /// missing key.
    /// </summary>
    public StorageStatus HashRandomFields<TSink>(ReadOnlySpan<byte> key, long count, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var e = k.Shard.EntryAt(slot);
            switch (e.Type)
            {
                case EntryType.HashPacked:
                    ReadOnlySpan<byte> blob = e.Value;
                    PickRandom(PackedHash.Count(blob), count, ref sink, blob, null);
                    return StorageStatus.Ok;
                case EntryType.HashTable:
                    var table = k.Shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
                    PickRandom(table.Count, count, ref sink, default, table);
                    return StorageStatus.Ok;
                default:
                    return StorageStatus.WrongType;
            }
        }
    }

    /// <summary>
    /// HSCAN: fields matching <paramref name="pattern"/> (empty for all) with their values into
    /// <paramref name="sink"/>. A packed hash is returned whole in one step (cursor 0), as Redis does for a
    /// listpack; a large one about <paramref name="count"/> fields per step. Returns the next cursor, 0 at the end.
    /// </summary>
    public StorageStatus HashScan<TSink>(ReadOnlySpan<byte> key, ulong cursor, ReadOnlySpan<byte> pattern, int count,
        ref TSink sink, out ulong next) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        next = 0;
        var all = pattern.IsEmpty || GlobPattern.IsMatchAll(pattern);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var e = k.Shard.EntryAt(slot);
            if (e.Type == EntryType.HashPacked)
            {
                foreach (var item in PackedHash.Enumerate(e.Value))
                {
                    if (all || GlobPattern.IsMatch(pattern, item.Field))
                    {
                        sink.Write(item.Field, item.Value);
                    }
                }

                return StorageStatus.Ok;
            }

            if (e.Type != EntryType.HashTable)
            {
                return StorageStatus.WrongType;
            }

            // The table's dense slots are visited from the top down: a removal moves the last slot into the gap, so
            // a field present for the whole scan is returned at least once.
            var table = k.Shard.GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
            var position = cursor == 0 ? table.Count : (int)Math.Min((ulong)table.Count, cursor);
            var stop = Math.Max(0, position - Math.Max(1, count));
            while (position > stop)
            {
                var pair = table.GetAt(--position);
                if (all || GlobPattern.IsMatch(pattern, pair.Key))
                {
                    sink.Write(pair.Key, pair.Value);
                }
            }

            next = (ulong)position;
            return StorageStatus.Ok;
        }
    }

    private static void PickRandom<TSink>(int size, long count, ref TSink sink, ReadOnlySpan<byte> blob, HashTable? table)
        where TSink : IPairSink, allows ref struct
    {
        if (count < 0)
        {
            for (long i = 0; i < -count; i++)
            {
                WriteAt(Random.Shared.Next(size), ref sink, blob, table);
            }

            return;
        }

        if (count >= size)
        {
            for (var i = 0; i < size; i++)
            {
                WriteAt(i, ref sink, blob, table);
            }

            return;
        }

        // Distinct picks: a partial Fisher-Yates shuffle of the positions.
        var positions = size <= 1024 ? stackalloc int[size] : new int[size];
        for (var i = 0; i < size; i++)
        {
            positions[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            var j = Random.Shared.Next(i, size);
            (positions[i], positions[j]) = (positions[j], positions[i]);
            WriteAt(positions[i], ref sink, blob, table);
        }
    }

    private static void WriteAt<TSink>(int index, ref TSink sink, ReadOnlySpan<byte> blob, HashTable? table)
        where TSink : IPairSink, allows ref struct
    {
        if (table != null)
        {
            var pair = table.GetAt(index);
            sink.Write(pair.Key, pair.Value);
            return;
        }

        var item = PackedHash.GetAt(blob, index);
        sink.Write(item.Field, item.Value);
    }
}
