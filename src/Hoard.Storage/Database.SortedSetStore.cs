using System.Buffers.Binary;
using Hoard.Storage.Hashes;
using Hoard.Storage.Internal;
using Hoard.Storage.Objects;
using Hoard.Storage.SortedSets;

namespace Hoard.Storage;

/// <summary>The store forms' destination write, and replaying a sorted set's operation records.</summary>
public sealed unsafe partial class Database
{
    /// <summary>
    /// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE: the key becomes a sorted set of <paramref name="sorted"/>
    /// (strictly ascending, no NaN), without expiry, replacing any value; an empty result deletes it. Replicates as an
    /// upsert (or delete) of the whole value.
    /// </summary>
    public StorageStatus SortedSetStore(ReadOnlySpan<byte> key, IReadOnlyList<(byte[] Member, double Score)> sorted) =>
        SortedSetStore(key, sorted, out _);

    /// <summary>
    /// As <see cref="SortedSetStore(ReadOnlySpan{byte}, IReadOnlyList{ValueTuple{byte[], double}})"/>;
    /// <paramref name="deleted"/> tells that an empty result deleted an existing key (Redis's <c>del</c> event).
    /// </summary>
    public StorageStatus SortedSetStore(ReadOnlySpan<byte> key, IReadOnlyList<(byte[] Member, double Score)> sorted, out bool deleted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        deleted = false;
        ThrowIfTooLong(key);
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            if (sorted.Count == 0)
            {
                deleted = DeleteIfPresent(k, key, replicate: true);
                return StorageStatus.Ok;
            }

            return PlaceUpsertObject(k, key, EntryType.Object, SortedSetObject.FromSorted(sorted, _keyspace.Options), 0, replicate: true);
        }
    }

    /// <summary>Replays a <see cref="SortedSetOperation"/> on this node's copy of the key.</summary>
    /// <exception cref="InvalidDataException">The operation or its payload is unknown or malformed.</exception>
    internal StorageStatus ApplySortedSetOperation(ReadOnlySpan<byte> key, byte operation, ReadOnlySpan<byte> payload, bool replicate)
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var status = BeginObjectWrite<SortedSetObject>(k, key, payload.Length * 2L, out var slot, out var set, out var sizeBefore, expire: replicate);
            if (status == StorageStatus.WrongType)
            {
                // The writer's key is a sorted set: a copy of another type is stale.
                DeleteIfPresent(k, key, replicate);
                status = BeginObjectWrite(k, key, payload.Length * 2L, out slot, out set, out sizeBefore, expire: replicate);
            }

            if (status != StorageStatus.Ok)
            {
                return status;
            }

            var reserve = payload.Length * 2L;
            switch ((SortedSetOperation)operation)
            {
                case SortedSetOperation.SetScores:
                    var reader = new PackedElements.Reader(payload);
                    if (reader.Count == 0)
                    {
                        CancelObjectWrite(k, reserve);
                        throw new InvalidDataException("A sorted set's set-scores record has no members.");
                    }

                    if (set == null)
                    {
                        set = new SortedSetObject();
                        status = AddObjectKey(k, key, set, reserve, out slot);
                        if (status != StorageStatus.Ok)
                        {
                            return status;
                        }
                    }

                    while (reader.HasNext)
                    {
                        var member = reader.Next();
                        var score = BinaryPrimitives.ReadDoubleLittleEndian(reader.NextRaw(sizeof(double)));
                        if (double.IsNaN(score))
                        {
                            throw new InvalidDataException("A sorted set's set-scores record holds a NaN score.");
                        }

                        set.Set(member, score, _keyspace.Options);
                    }

                    reader.EnsureEnd();
                    EndObjectWrite(k, slot, set, sizeBefore, reserve, operation, new RawPayload(payload), replicate);
                    return StorageStatus.Ok;

                case SortedSetOperation.Remove:
                    var members = new PackedElements.Reader(payload);
                    var removed = 0;
                    while (members.HasNext)
                    {
                        var member = members.Next();
                        removed += set != null && set.Remove(member) ? 1 : 0;
                    }

                    members.EnsureEnd();
                    return Finish(k, slot, set, sizeBefore, reserve, operation, payload, replicate, removed);

                case SortedSetOperation.RemoveRange:
                    var p = VarInt.Read(payload, out var start);
                    p += VarInt.Read(payload[p..], out var end);
                    if (p != payload.Length || start > end || end > int.MaxValue)
                    {
                        CancelObjectWrite(k, reserve);
                        throw new InvalidDataException("A sorted set's remove-range record is malformed.");
                    }

                    var gone = set?.RemoveRange((int)start, (int)end) ?? 0;
                    return Finish(k, slot, set, sizeBefore, reserve, operation, payload, replicate, gone);

                default:
                    CancelObjectWrite(k, reserve);
                    throw new InvalidDataException($"Sorted sets have no operation {operation}.");
            }
        }
    }

    private static StorageStatus Finish(KeyRef k, ulong* slot, SortedSetObject? set, long sizeBefore, long reserve, byte operation,
        ReadOnlySpan<byte> payload, bool replicate, int changed)
    {
        if (set == null || changed == 0)
        {
            CancelObjectWrite(k, reserve);
            return StorageStatus.Ok;
        }

        EndObjectWrite(k, slot, set, sizeBefore, reserve, operation, new RawPayload(payload), replicate);
        return StorageStatus.Ok;
    }
}
