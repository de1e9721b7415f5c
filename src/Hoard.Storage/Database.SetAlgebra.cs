using Hoard.Storage.Hashes;
using Hoard.Storage.Sets;

namespace Hoard.Storage;

/// <summary>
/// SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD. Their keys may live in different shards: each key is read
/// under its own shard lock, one lock at a time, so a command is not atomic across shards (inside MULTI/EXEC it is,
/// as every command of a transaction is). As in Redis, every key's type is checked before any result: a key of
/// another type fails the command with WrongType; a missing key is an empty set.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>SINTER / SUNION / SDIFF of the sets at <paramref name="keys"/>: the result's members into <paramref name="sink"/>.</summary>
    public StorageStatus SetCombine<TKeys, TSink>(SetAlgebra algebra, in TKeys keys, ref TSink sink)
        where TKeys : IElements, allows ref struct
        where TSink : IPairSink, allows ref struct
    {
        var status = Combine(algebra, keys, out var result);
        if (status == StorageStatus.Ok)
        {
            foreach (var member in result!)
            {
                sink.Write(member, default);
            }
        }

        return status;
    }

    /// <summary>
    /// SINTERCARD: the size of the intersection, at most <paramref name="limit"/> when that is positive (0: no limit).
    /// </summary>
    public StorageStatus SetIntersectionCount<TKeys>(in TKeys keys, long limit, out long count)
        where TKeys : IElements, allows ref struct
    {
        var status = Combine(SetAlgebra.Intersection, keys, out var result);
        count = result == null ? 0 : limit > 0 ? Math.Min(limit, result.Count) : result.Count;
        return status;
    }

    /// <summary>
    /// SINTERSTORE / SUNIONSTORE / SDIFFSTORE: the result replaces <paramref name="destination"/> whatever it held (no
    /// expiry), or deletes it when empty; <paramref name="count"/> is the result's size. Replicates as the
    /// destination's whole value (an upsert record) or its deletion.
    /// </summary>
    public StorageStatus SetCombineStore<TKeys>(SetAlgebra algebra, ReadOnlySpan<byte> destination, in TKeys keys, out long count)
        where TKeys : IElements, allows ref struct => SetCombineStore(algebra, destination, keys, out count, out _);

    /// <summary>
    /// As <see cref="SetCombineStore{TKeys}(SetAlgebra, ReadOnlySpan{byte}, in TKeys, out long)"/>;
    /// <paramref name="deleted"/> tells that an empty result deleted an existing destination (Redis's <c>del</c> event).
    /// </summary>
    public StorageStatus SetCombineStore<TKeys>(SetAlgebra algebra, ReadOnlySpan<byte> destination, in TKeys keys, out long count, out bool deleted)
        where TKeys : IElements, allows ref struct
    {
        count = 0;
        deleted = false;
        var status = Combine(algebra, keys, out var result);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        // Filled from an empty intset member by member, as Redis fills its destination: the same encoding results.
        var options = _keyspace.Options;
        var set = new SetObject();
        foreach (var member in result!)
        {
            set.Add(member, options);
        }

        count = set.Count;
        var k = new KeyRef(this, destination);
        lock (k.Shard.Gate)
        {
            if (set.Count == 0)
            {
                deleted = DeleteIfPresent(k, destination, replicate: true);
                return StorageStatus.Ok;
            }

            return PlaceUpsertObject(k, destination, Internal.EntryType.Object, set, expireAt: 0, replicate: true);
        }
    }

    private StorageStatus Combine<TKeys>(SetAlgebra algebra, in TKeys keys, out HashSet<byte[]>? result)
        where TKeys : IElements, allows ref struct
    {
        result = null;

        // First pass: every key's type (an error wins over any result) and size.
        Span<int> sizes = keys.Count <= 256 ? stackalloc int[keys.Count] : new int[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var k = new KeyRef(this, keys[i]);
            lock (k.Shard.Gate)
            {
                var status = ReadObject<SetObject>(k, keys[i], out var set);
                if (status == StorageStatus.WrongType)
                {
                    return status;
                }

                sizes[i] = set?.Count ?? 0;
            }
        }

        result = new HashSet<byte[]>(HashTable.FieldComparer.Instance);
        return algebra switch
        {
            SetAlgebra.Intersection => Intersect(keys, sizes, result),
            SetAlgebra.Union => Unite(keys, result),
            _ => Subtract(keys, result),
        };
    }

    private StorageStatus Intersect<TKeys>(in TKeys keys, Span<int> sizes, HashSet<byte[]> result)
        where TKeys : IElements, allows ref struct
    {
        // The smallest set first: the candidates only shrink from there.
        Span<int> order = sizes.Length <= 256 ? stackalloc int[sizes.Length] : new int[sizes.Length];
        for (var i = 0; i < order.Length; i++)
        {
            if (sizes[i] == 0)
            {
                return StorageStatus.Ok;
            }

            order[i] = i;
        }

        var sizesCopy = sizes.ToArray();
        order.Sort((a, b) => sizesCopy[a].CompareTo(sizesCopy[b]));
        var removed = new List<byte[]>();
        for (var n = 0; n < order.Length; n++)
        {
            var key = keys[order[n]];
            var k = new KeyRef(this, key);
            lock (k.Shard.Gate)
            {
                var status = PeekSet(k, key, out var set);
                if (status != StorageStatus.Ok)
                {
                    result.Clear();
                    return status;
                }

                if (set == null)
                {
                    result.Clear(); // deleted since the first pass
                    return StorageStatus.Ok;
                }

                if (n == 0)
                {
                    AddAll(set, result);
                    continue;
                }

                removed.Clear();
                foreach (var member in result)
                {
                    if (!set.Contains(member))
                    {
                        removed.Add(member);
                    }
                }

                foreach (var member in removed)
                {
                    result.Remove(member);
                }
            }

            if (result.Count == 0)
            {
                return StorageStatus.Ok;
            }
        }

        return StorageStatus.Ok;
    }

    private StorageStatus Unite<TKeys>(in TKeys keys, HashSet<byte[]> result)
        where TKeys : IElements, allows ref struct
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var k = new KeyRef(this, keys[i]);
            lock (k.Shard.Gate)
            {
                var status = PeekSet(k, keys[i], out var set);
                if (status != StorageStatus.Ok)
                {
                    result.Clear();
                    return status;
                }

                if (set != null)
                {
                    AddAll(set, result);
                }
            }
        }

        return StorageStatus.Ok;
    }

    private StorageStatus Subtract<TKeys>(in TKeys keys, HashSet<byte[]> result)
        where TKeys : IElements, allows ref struct
    {
        var removed = new List<byte[]>();
        for (var i = 0; i < keys.Count && (i == 0 || result.Count > 0); i++)
        {
            var k = new KeyRef(this, keys[i]);
            lock (k.Shard.Gate)
            {
                var status = PeekSet(k, keys[i], out var set);
                if (status != StorageStatus.Ok)
                {
                    result.Clear();
                    return status;
                }

                if (set == null)
                {
                    continue;
                }

                if (i == 0)
                {
                    AddAll(set, result);
                    continue;
                }

                removed.Clear();
                foreach (var member in result)
                {
                    if (set.Contains(member))
                    {
                        removed.Add(member);
                    }
                }

                foreach (var member in removed)
                {
                    result.Remove(member);
                }
            }
        }

        return StorageStatus.Ok;
    }

    private static void AddAll(SetObject set, HashSet<byte[]> result)
    {
        Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
        for (var i = 0; i < set.Count; i++)
        {
            result.Add(set.GetAt(i, scratch).ToArray());
        }
    }
}
