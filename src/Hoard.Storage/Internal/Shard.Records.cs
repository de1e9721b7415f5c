using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hoard.Storage.Hashes;
using Hoard.Storage.Keys;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage.Internal;

/// <summary>
/// Telling the world about changes: key events for <see cref="Keyspace.Observer"/> and replication records for
/// <see cref="Keyspace.Replication"/>, both made under this shard's lock, in apply order. With neither set, a change
/// costs two null checks.
/// </summary>
internal sealed unsafe partial class Shard
{
    // Records up to this size are encoded in a buffer kept for the next one; larger ones get a buffer of their own.
    private const int ScratchKept = 1 << 20;
    private byte[]? _scratch;

    /// <summary>
    /// After a write, once the key's new value is complete (in place or after <see cref="Place"/>): tells the
    /// observer, and the replication stream unless the write is a record being applied (<paramref name="replicate"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Written(ulong* slot, bool replicate = true)
    {
        var observer = _keyspace.Observer;
        var stream = replicate ? _keyspace.Replication : null;
        if (observer != null || stream != null)
        {
            Announce(slot, observer, stream);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Announce(ulong* slot, IKeyspaceObserver? observer, IRecordSink? stream)
    {
        var e = EntryAt(slot);
        var db = _keyspace.LogicalDatabase(e.Database);
        observer?.OnKeyEvent(KeyEvent.Modified, db, e.Key);
        stream?.Write(EncodeUpsert(e, db));
    }

    /// <summary>
    /// After a hash field was set (the hash complete, as for <see cref="Written"/>): tells the observer, and the
    /// stream a fields-set record of that one field — not the whole hash — unless <paramref name="replicate"/> is false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WrittenField(ulong* slot, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, bool replicate = true)
    {
        var observer = _keyspace.Observer;
        var stream = replicate ? _keyspace.Replication : null;
        if (observer != null || stream != null)
        {
            AnnounceField(slot, field, value, observer, stream);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AnnounceField(ulong* slot, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, IKeyspaceObserver? observer, IRecordSink? stream)
    {
        var e = EntryAt(slot);
        var db = _keyspace.LogicalDatabase(e.Database);
        observer?.OnKeyEvent(KeyEvent.Modified, db, e.Key);
        if (stream != null)
        {
            var packedLength = PackedHash.HeaderSize(1) + PackedHash.EntrySize(field.Length, value.Length);
            var record = Scratch(ReplicationRecord.HashFieldsSetLength(db, e.KeyLength, packedLength));
            var builder = new PackedHash.Builder(ReplicationRecord.WriteHashFieldsSet(record, db, e.Key, e.ExpireAt, packedLength), 1);
            builder.Add(field, value);
            builder.Finish();
            stream.Write(record);
        }
    }

    /// <summary>After a field left a hash that keeps others: tells the observer, and the stream a field-delete record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FieldRemoved(ulong* slot, ReadOnlySpan<byte> field, bool replicate = true)
    {
        var observer = _keyspace.Observer;
        var stream = replicate ? _keyspace.Replication : null;
        if (observer != null || stream != null)
        {
            AnnounceFieldRemoval(slot, field, observer, stream);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AnnounceFieldRemoval(ulong* slot, ReadOnlySpan<byte> field, IKeyspaceObserver? observer, IRecordSink? stream)
    {
        var e = EntryAt(slot);
        var db = _keyspace.LogicalDatabase(e.Database);
        observer?.OnKeyEvent(KeyEvent.Modified, db, e.Key);
        if (stream != null)
        {
            var record = Scratch(ReplicationRecord.HashFieldDeleteLength(db, e.KeyLength, field.Length));
            ReplicationRecord.WriteHashFieldDelete(record, db, e.Key, field);
            stream.Write(record);
        }
    }

    /// <summary>
    /// After an operation changed the object of a list, set or sorted set that keeps elements: tells the observer,
    /// and the stream an object operation record of <paramref name="operation"/> and <paramref name="payload"/>
    /// unless <paramref name="replicate"/> is false.
    /// </summary>
    public void ObjectChanged<TPayload>(ulong* slot, byte operation, scoped in TPayload payload, bool replicate)
        where TPayload : IOperationPayload, allows ref struct
    {
        var observer = _keyspace.Observer;
        var stream = replicate ? _keyspace.Replication : null;
        if (observer == null && stream == null)
        {
            return;
        }

        var e = EntryAt(slot);
        var db = _keyspace.LogicalDatabase(e.Database);
        observer?.OnKeyEvent(KeyEvent.Modified, db, e.Key);
        if (stream != null)
        {
            var length = payload.Length;
            var record = Scratch(ReplicationRecord.ObjectOperationLength(db, e.KeyLength, length));
            payload.Write(ReplicationRecord.WriteObjectOperation(record, db, e.Key, ObjectOf(e).RecordType, operation, length));
            stream.Write(record);
        }
    }

    /// <summary>Before a key goes: tells the observer why, and the stream (a delete) unless applying a record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Removing(Entry e, KeyEvent why, bool replicate)
    {
        var observer = _keyspace.Observer;
        var stream = replicate ? _keyspace.Replication : null;
        if (observer != null || stream != null)
        {
            AnnounceRemoval(e, why, observer, stream);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AnnounceRemoval(Entry e, KeyEvent why, IKeyspaceObserver? observer, IRecordSink? stream)
    {
        var db = _keyspace.LogicalDatabase(e.Database);
        observer?.OnKeyEvent(why, db, e.Key);
        if (stream != null)
        {
            var record = Scratch(ReplicationRecord.DeleteLength(db, e.KeyLength));
            ReplicationRecord.WriteDelete(record, db, e.Key);
            stream.Write(record);
        }
    }

    /// <summary>
    /// One snapshot step (<see cref="SnapshotWalk"/>): upsert records of the live keys (of every database) whose hash
    /// code lies in [<paramref name="from"/>, returned end), about <paramref name="count"/> of them;
    /// <paramref name="visited"/> grows by the number visited and <paramref name="keys"/> by those written. A hash too
    /// large for one record joins <paramref name="pieces"/> instead. The cursor lives in hash-code space, as SCAN's
    /// does. With <paramref name="slots"/>, only keys of database 0 in those hash slots are sent.
    /// </summary>
    public uint WriteSnapshot(uint from, int count, IRecordSink sink, SlotSet? slots, Queue<HashInPieces> pieces, ref int visited, ref int keys)
    {
        ThrowIfDisposed();
        Span<nint> found = stackalloc nint[ScanBatch];
        var n = CollectStep(from, count, found, out var to);
        var now = _keyspace.NowMs();
        for (var i = 0; i < n; i++)
        {
            var e = EntryAt((ulong*)found[i]);
            visited++;
            var db = _keyspace.LogicalDatabase(e.Database);
            if ((e.HasExpiry && e.ExpireAt <= now) || (slots is not null && (db != 0 || !slots.ContainsKeyOf(e.Key))))
            {
                continue;
            }

            if (e.Type == EntryType.HashTable && GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value)).ByteSize > SnapshotWalk.PieceBytes)
            {
                pieces.Enqueue(new HashInPieces(e.Key.ToArray(), e.Database, KeyHash.Of(e.Key, e.Database, _keyspace.HashSeed)));
                continue;
            }

            sink.Write(EncodeUpsert(e, db));
            keys++;
        }

        return to;
    }

    /// <summary>
    /// The next piece of a hash a snapshot sends in pieces: its first as an upsert, the others as fields-set records,
    /// each at most about <see cref="SnapshotWalk.PieceBytes"/> of fields. True when nothing of it is left to send:
    /// the last piece went, or the key is gone or was replaced since it started (the stream carries that).
    /// </summary>
    public bool WriteHashPiece(HashInPieces hash, IRecordSink sink, ref int keys)
    {
        ThrowIfDisposed();
        var slot = Find(hash.Key, hash.PhysicalDatabase, hash.Hash);
        if (slot == null)
        {
            return true;
        }

        var e = EntryAt(slot);
        var db = _keyspace.LogicalDatabase(e.Database);
        if (e.Type != EntryType.HashTable)
        {
            if (!hash.Started)
            {
                sink.Write(EncodeUpsert(e, db)); // written over since the walk queued it: now small enough to go whole
                keys++;
            }

            return true;
        }

        var table = GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value));
        var top = hash.Started ? Math.Min(hash.Below, table.Count) : table.Count;
        long size = 0;
        var bottom = top;
        while (bottom > 0)
        {
            var pair = table.GetAt(bottom - 1);
            var entry = PackedHash.EntrySize(pair.Key.Length, pair.Value.Length);
            if (bottom < top && size + entry > SnapshotWalk.PieceBytes)
            {
                break;
            }

            size += entry;
            bottom--;
        }

        if (bottom == top)
        {
            return true;
        }

        var fields = top - bottom;
        var packedLength = PackedHash.HeaderSize(fields) + (int)size;
        var record = Scratch(hash.Started
            ? ReplicationRecord.HashFieldsSetLength(db, e.KeyLength, packedLength)
            : ReplicationRecord.UpsertLength(db, e.KeyLength, packedLength));
        var value = hash.Started
            ? ReplicationRecord.WriteHashFieldsSet(record, db, e.Key, e.ExpireAt, packedLength)
            : ReplicationRecord.WriteUpsert(record, db, e.Key, RecordValueType.Hash, e.ExpireAt, packedLength);
        var builder = new PackedHash.Builder(value, fields);
        for (var i = top - 1; i >= bottom; i--)
        {
            var pair = table.GetAt(i);
            builder.Add(pair.Key, pair.Value);
        }

        builder.Finish();
        sink.Write(record);
        keys += hash.Started ? 0 : 1;
        hash.Started = true;
        hash.Below = bottom;
        return bottom == 0;
    }

    /// <summary>DUMP and MIGRATE: the upsert record of the entry at <paramref name="slot"/> into <paramref name="sink"/>.</summary>
    public void WriteRecord(ulong* slot, IRecordSink sink)
    {
        var e = EntryAt(slot);
        sink.Write(EncodeUpsert(e, _keyspace.LogicalDatabase(e.Database)));
    }

    /// <summary>Whether the entry at <paramref name="slot"/> is still what <paramref name="record"/> says.</summary>
    public bool Matches(ulong* slot, ReadOnlySpan<byte> record)
    {
        var e = EntryAt(slot);
        return EncodeUpsert(e, _keyspace.LogicalDatabase(e.Database)).SequenceEqual(record);
    }

    /// <summary>The upsert record of an entry, in the scratch buffer: valid until the next record of this shard.</summary>
    private ReadOnlySpan<byte> EncodeUpsert(Entry e, int db)
    {
        var table = IsObject(e.Type) ? ObjectOf(e) : null;
        var valueLength = table?.GetPackedSize() ?? e.ValueLength;
        var type = e.Type switch
        {
            EntryType.StringRaw => RecordValueType.String,
            EntryType.StringInt => RecordValueType.Integer,
            EntryType.HashPacked => RecordValueType.Hash,
            _ => table!.RecordType,
        };
        var record = Scratch(ReplicationRecord.UpsertLength(db, e.KeyLength, valueLength));
        var value = ReplicationRecord.WriteUpsert(record, db, e.Key, type, e.ExpireAt, valueLength);
        if (table != null)
        {
            table.WritePacked(value);
        }
        else
        {
            e.Value.CopyTo(value);
        }

        return record;
    }

    private Span<byte> Scratch(int length)
    {
        if (length > ScratchKept)
        {
            return new byte[length];
        }

        if (_scratch == null || _scratch.Length < length)
        {
            _scratch = new byte[Math.Max(256, BitOperations.RoundUpToPowerOf2((uint)length))];
        }

        return _scratch.AsSpan(0, length);
    }
}
