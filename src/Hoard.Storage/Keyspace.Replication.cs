using Hoard.Storage.Internal;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;

namespace Hoard.Storage;

/// <summary>Replication (docs/replication.md): the stream of records, snapshots, and applying records on a replica.</summary>
public sealed partial class Keyspace
{
    /// <summary>
    /// Receives a record of every change, synchronously under the changed key's shard lock (flushes and swaps under
    /// every lock), in the order the changes were applied: an upsert after each write, a delete for each deleted,
    /// expired or evicted key. Records applied with <see cref="Apply"/> are not sent on. Null (the default) costs
    /// nothing: no record is made.
    /// </summary>
    public IRecordSink? Replication { get; set; }

    /// <summary>
    /// Starts a snapshot walk (<see cref="SnapshotWalk"/>): of every live key, or with <paramref name="slots"/> only of
    /// database 0's keys in those hash slots (a move between shards).
    /// </summary>
    public SnapshotWalk StartSnapshot(SlotSet? slots = null) => new(this, slots);

    /// <summary>
    /// Applies one record (a replica's side): afterwards the key holds exactly the record's type, value and expiry
    /// whatever it held before (an upsert whose expiry has passed deletes it), or is gone, or has the hash fields or
    /// expiry the record states (<see cref="RecordKind"/>), or the databases are flushed or swapped. The observer hears
    /// of it; <see cref="Replication"/> does not (a replica does not forward). A hash takes the encoding this
    /// keyspace's own <c>hash-max-listpack-*</c> settings choose.
    /// </summary>
    /// <param name="record">Exactly one whole record.</param>
    /// <returns>
    /// Ok, or OutOfMemory when the value does not fit under the memory limit (nothing changed then, except for a
    /// fields-set record: the fields before the one that did not fit are set).
    /// </returns>
    /// <exception cref="InvalidDataException">The record is malformed, incomplete, followed by other bytes or names a database this keyspace lacks.</exception>
    public StorageStatus Apply(ReadOnlySpan<byte> record)
    {
        var r = new RecordReader(record);
        if (r.Length != record.Length)
        {
            throw new InvalidDataException($"{record.Length - r.Length} bytes follow the replication record.");
        }

        switch (r.Kind)
        {
            case RecordKind.Upsert:
                return DatabaseOf(r.Database).ApplyUpsert(r.Key, r.Type, r.ExpireAt, r.Value);
            case RecordKind.Delete:
                DatabaseOf(r.Database).ApplyDelete(r.Key);
                return StorageStatus.Ok;
            case RecordKind.HashFieldsSet or RecordKind.HashFieldDelete:
                return ApplyFieldChange(r, replicate: false);
            case RecordKind.ObjectOperation:
                return DatabaseOf(r.Database).ApplyObjectOperation(r.Key, r.Type, r.Operation, r.Value, replicate: false);
            case RecordKind.FlushDatabase:
                DatabaseOf(r.Database).Flush(replicate: false);
                return StorageStatus.Ok;
            case RecordKind.FlushAll:
                FlushAll(replicate: false);
                return StorageStatus.Ok;
            default: // RecordKind.SwapDatabases, the last kind the reader knows
                SwapDatabases(DatabaseOf(r.Database).Index, DatabaseOf(r.OtherDatabase).Index, replicate: false);
                return StorageStatus.Ok;
        }
    }

    /// <summary>
    /// Applies a record about one key (<see cref="RecordReader.HasKey"/>) of another shard's key moving here (a slot move's target): like
    /// <see cref="Apply"/>, but as a write of this node's own — <see cref="Replication"/> receives it, so this node's
    /// replicas get the moved keys through their stream.
    /// </summary>
    /// <param name="record">Exactly one whole record about one key.</param>
    /// <returns>Ok, or OutOfMemory when the value does not fit under the memory limit (nothing changed then).</returns>
    /// <exception cref="InvalidDataException">The record is malformed, incomplete, followed by other bytes, of another kind, or names a database this keyspace lacks.</exception>
    public StorageStatus Import(ReadOnlySpan<byte> record)
    {
        var r = new RecordReader(record);
        if (r.Length != record.Length)
        {
            throw new InvalidDataException($"{record.Length - r.Length} bytes follow the record.");
        }

        switch (r.Kind)
        {
            case RecordKind.Upsert:
                return DatabaseOf(r.Database).Restore(r.Key, r.Type, r.ExpireAt, r.Value, replace: true);
            case RecordKind.Delete:
                DatabaseOf(r.Database).Delete(r.Key);
                return StorageStatus.Ok;
            case RecordKind.HashFieldsSet or RecordKind.HashFieldDelete:
                return ApplyFieldChange(r, replicate: true);
            case RecordKind.ObjectOperation:
                return DatabaseOf(r.Database).ApplyObjectOperation(r.Key, r.Type, r.Operation, r.Value, replicate: true);
            default:
                throw new InvalidDataException($"A {r.Kind} record cannot be imported.");
        }
    }

    /// <summary>Hash fields set, or one removed.</summary>
    private StorageStatus ApplyFieldChange(RecordReader r, bool replicate)
    {
        var db = DatabaseOf(r.Database);
        if (r.Kind == RecordKind.HashFieldsSet)
        {
            return db.ApplyFieldsSet(r.Key, r.ExpireAt, r.Value, replicate);
        }

        db.ApplyFieldDelete(r.Key, r.Field, replicate);
        return StorageStatus.Ok;
    }

    /// <summary>
    /// One step of a walk over the keys of database 0 in <paramref name="slots"/> (to drop a slot this node no longer
    /// owns): about <paramref name="maxKeys"/> keys are visited and the matching ones written to
    /// <paramref name="sink"/>. Start with cursor 0 and pass each returned cursor back; a key present for the whole
    /// walk is visited exactly once (the cursor lives in hash-code space, as SCAN's does).
    /// </summary>
    /// <returns>The cursor of the next step, 0 when done.</returns>
    public long KeysInSlots<TSink>(long cursor, int maxKeys, SlotSet slots, ref TSink sink)
        where TSink : IValueSink, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        const int codeBits = KeyHash.CodeBits;
        const uint codeSpace = 1u << codeBits;
        if (cursor < 0 || cursor >> codeBits >= ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(cursor), cursor, "not a cursor KeysInSlots returned");
        }

        var shardIndex = (int)(cursor >> codeBits);
        var from = (uint)(cursor & KeyHash.CodeMask);
        var visited = 0;
        while (visited < maxKeys)
        {
            var shard = Shards[shardIndex];
            lock (shard.Gate)
            {
                from = shard.KeysInSlots(from, maxKeys - visited, slots, ref sink, ref visited);
            }

            if (from == codeSpace)
            {
                if (++shardIndex == ShardCount)
                {
                    return 0;
                }

                from = 0;
            }
        }

        return ((long)shardIndex << codeBits) | from;
    }

    private Database DatabaseOf(int db) => db < DatabaseCount
        ? _databases[db]
        : throw new InvalidDataException($"A replication record names database {db}; this keyspace has {DatabaseCount}.");
}
