using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hoard.Storage.Hashes;
using Hoard.Storage.Keys;
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
    /// One snapshot step: upsert records of the live keys (of every database) whose hash code lies in
    /// [<paramref name="from"/>, returned end), about <paramref name="count"/> of them; <paramref name="visited"/>
    /// grows by the number visited. The cursor lives in hash-code space, as SCAN's does. With
    /// <paramref name="slots"/>, only keys of database 0 in those hash slots are sent.
    /// </summary>
    public uint WriteSnapshot(uint from, int count, IRecordSink sink, SlotSet? slots, ref int visited)
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
            if (!(e.HasExpiry && e.ExpireAt <= now) && (slots is null || (db == 0 && slots.ContainsKeyOf(e.Key))))
            {
                sink.Write(EncodeUpsert(e, db));
            }
        }

        return to;
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
        var table = e.Type == EntryType.HashTable ? GetObject<HashTable>(BinaryPrimitives.ReadInt32LittleEndian(e.Value)) : null;
        var valueLength = table?.GetPackedSize() ?? e.ValueLength;
        var type = e.Type switch
        {
            EntryType.StringRaw => RecordValueType.String,
            EntryType.StringInt => RecordValueType.Integer,
            _ => RecordValueType.Hash,
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
