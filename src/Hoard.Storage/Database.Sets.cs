using Hoard.Storage.Objects;
using Hoard.Storage.Sets;

namespace Hoard.Storage;

/// <summary>
/// Set writes (https://redis.io/docs/latest/commands/?group=set): SADD, SREM, SPOP, SMOVE, and the replay of their
/// operation records (<see cref="SetOperation"/>). Each goes through the object path of Database.Objects.cs under the
/// key's shard lock; the set itself is a <see cref="SetObject"/>.
/// </summary>
public sealed unsafe partial class Database
{
    /// <summary>SADD: adds the members; <paramref name="added"/> counts the new ones.</summary>
    public StorageStatus SetAdd<TElements>(ReadOnlySpan<byte> key, in TElements members, out long added)
        where TElements : IElements, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return AddMembers(k, key, members, SetObject.EstimateGrowth(members), replicate: true, out added);
        }
    }

    /// <summary>SREM: removes the members; <paramref name="removed"/> counts those that were there.</summary>
    public StorageStatus SetRemove<TElements>(ReadOnlySpan<byte> key, in TElements members, out long removed)
        where TElements : IElements, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return RemoveSetMembers(k, key, members, replicate: true, out removed);
        }
    }

    /// <summary>
    /// SPOP: removes <paramref name="count"/> distinct random members (all of them when the set has no more) and
    /// writes each into <paramref name="sink"/> (as a first item). NotFound for a missing key. The record replicates
    /// the removal of exactly the members picked, so a replica ends with the same set.
    /// </summary>
    public StorageStatus SetPop<TSink>(ReadOnlySpan<byte> key, long count, ref TSink sink) where TSink : IPairSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = BeginObjectWrite<SetObject>(k, key, 0, out var slot, out var set, out var sizeBefore);
            if (status != StorageStatus.Ok || set == null)
            {
                return status == StorageStatus.Ok ? StorageStatus.NotFound : status;
            }

            var picked = new byte[(int)Math.Min(count, set.Count)][];
            Span<byte> scratch = stackalloc byte[SetObject.ScratchLength];
            if (picked.Length == set.Count)
            {
                for (var i = 0; i < picked.Length; i++)
                {
                    picked[i] = set.GetAt(i, scratch).ToArray();
                }
            }
            else
            {
                var positions = DistinctPositions(set.Count, picked.Length);
                for (var i = 0; i < picked.Length; i++)
                {
                    picked[i] = set.GetAt(positions[i], scratch).ToArray();
                }
            }

            foreach (var member in picked)
            {
                set.Remove(member);
                sink.Write(member, default);
            }

            var elements = new ArrayElements(picked);
            EndObjectWrite(k, slot, set, sizeBefore, 0, (byte)SetOperation.Remove, new ElementsPayload<ArrayElements>(elements), replicate: true);
            return StorageStatus.Ok;
        }
    }

    /// <summary>
    /// SMOVE: moves <paramref name="member"/> from the set at <paramref name="source"/> to the one at
    /// <paramref name="destination"/> (created if missing), atomically: both keys' shard locks are held, taken in
    /// shard order as RENAME's transfer takes them. A missing source moves nothing (whatever the destination holds);
    /// a destination of another type is WrongType. Replicates as a removal and an addition.
    /// </summary>
    public StorageStatus SetMove(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> member, out bool moved) =>
        SetMove(source, destination, member, out moved, out _);

    /// <summary>
    /// As <see cref="SetMove(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, out bool)"/>;
    /// <paramref name="added"/> tells that the destination did not hold the member before (Redis raises <c>sadd</c>
    /// only then).
    /// </summary>
    public StorageStatus SetMove(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> member, out bool moved, out bool added)
    {
        moved = false;
        added = false;
        var from = new KeyRef(this, source);
        var to = new KeyRef(this, destination);
        var first = from.Shard.Number <= to.Shard.Number ? from.Shard : to.Shard;
        var second = first == from.Shard ? to.Shard : from.Shard;
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                var status = PeekSet(from, source, out var src);
                if (status != StorageStatus.Ok || src == null)
                {
                    return status;
                }

                if (PeekSet(to, destination, out _) != StorageStatus.Ok)
                {
                    return StorageStatus.WrongType;
                }

                if (source.SequenceEqual(destination) || !src.Contains(member))
                {
                    moved = src.Contains(member);
                    return StorageStatus.Ok;
                }

                var one = new OneElement(member);
                RemoveSetMembers(from, source, one, replicate: true, out _);

                // SMOVE is not refused for memory (Redis does not flag it deny-oom): nothing is reserved. Should the
                // destination still fail to take the member (no room for a new key), the source gets it back.
                status = AddMembers(to, destination, one, 0, replicate: true, out var count);
                if (status != StorageStatus.Ok)
                {
                    AddMembers(from, source, one, 0, replicate: true, out _);
                    return status;
                }

                moved = true;
                added = count > 0;
                return StorageStatus.Ok;
            }
        }
    }

    /// <summary>Applies a set operation record: the same storage path as the command that wrote it.</summary>
    /// <exception cref="InvalidDataException">The operation is unknown or its payload malformed or empty.</exception>
    internal StorageStatus ApplySetOperation(ReadOnlySpan<byte> key, byte operation, ReadOnlySpan<byte> payload, bool replicate)
    {
        var members = new ArrayElements(PackedElements.ToArray(payload));
        if (members.Count == 0)
        {
            throw new InvalidDataException("A set operation record holds no members.");
        }

        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            return (SetOperation)operation switch
            {
                SetOperation.Add => AddMembers(k, key, members, SetObject.EstimateGrowth(members), replicate, out _),
                SetOperation.Remove => RemoveSetMembers(k, key, members, replicate, out _),
                _ => throw new InvalidDataException($"Set values have no operation {operation}."),
            };
        }
    }

    private StorageStatus AddMembers<TElements>(KeyRef k, ReadOnlySpan<byte> key, in TElements members, long reserve, bool replicate, out long added)
        where TElements : IElements, allows ref struct
    {
        added = 0;
        var options = _keyspace.Options;
        var status = BeginObjectWrite<SetObject>(k, key, reserve, out var slot, out var set, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        if (set == null)
        {
            set = new SetObject(members[0], members.Count, options);
            status = AddObjectKey(k, key, set, reserve, out slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }

        for (var i = 0; i < members.Count; i++)
        {
            added += set.Add(members[i], options) ? 1 : 0;
        }

        if (added == 0)
        {
            CancelObjectWrite(k, reserve);
            return StorageStatus.Ok;
        }

        EndObjectWrite(k, slot, set, sizeBefore, reserve, (byte)SetOperation.Add, new ElementsPayload<TElements>(members), replicate);
        return StorageStatus.Ok;
    }

    private static StorageStatus RemoveSetMembers<TElements>(KeyRef k, ReadOnlySpan<byte> key, in TElements members, bool replicate, out long removed)
        where TElements : IElements, allows ref struct
    {
        removed = 0;
        var status = BeginObjectWrite<SetObject>(k, key, 0, out var slot, out var set, out var sizeBefore, expire: replicate);
        if (status != StorageStatus.Ok || set == null)
        {
            return status;
        }

        for (var i = 0; i < members.Count && set.Count > 0; i++)
        {
            removed += set.Remove(members[i]) ? 1 : 0;
        }

        if (removed > 0)
        {
            EndObjectWrite(k, slot, set, sizeBefore, 0, (byte)SetOperation.Remove, new ElementsPayload<TElements>(members), replicate);
        }

        return StorageStatus.Ok;
    }

    /// <summary>The key's set without counting an access: Ok with the set or null when missing, or WrongType.</summary>
    private static StorageStatus PeekSet(KeyRef k, ReadOnlySpan<byte> key, out SetObject? set)
    {
        set = null;
        var slot = k.Shard.Find(key, k.Db, k.Hash);
        if (slot == null)
        {
            return StorageStatus.Ok;
        }

        var e = k.Shard.EntryAt(slot);
        if (e.Type != Internal.EntryType.Object || k.Shard.ObjectOf(e) is not SetObject found)
        {
            return StorageStatus.WrongType;
        }

        set = found;
        return StorageStatus.Ok;
    }

    /// <summary><paramref name="count"/> distinct positions out of <paramref name="size"/> (count &lt; size), uniformly.</summary>
    private static int[] DistinctPositions(int size, int count)
    {
        var picks = new int[count];
        if (count * 4L < size)
        {
            // Few out of many: draw and reject repeats, O(count) rather than O(size).
            var seen = new HashSet<int>(count);
            for (var i = 0; i < count;)
            {
                var p = Random.Shared.Next(size);
                if (seen.Add(p))
                {
                    picks[i++] = p;
                }
            }

            return picks;
        }

        // A partial Fisher-Yates shuffle of all positions.
        var positions = new int[size];
        for (var i = 0; i < size; i++)
        {
            positions[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            var j = Random.Shared.Next(i, size);
            (positions[i], positions[j]) = (positions[j], positions[i]);
            picks[i] = positions[i];
        }

        return picks;
    }
}
