using System.Buffers;
using Hoard.Storage.Lists;
using Hoard.Storage.Objects;

namespace Hoard.Storage;

/// <summary>LMOVE / RPOPLPUSH (and their blocking forms): a pop from one list and a push onto another, atomically.</summary>
public sealed unsafe partial class Database
{
    /// <summary>
    /// LMOVE: pops from <paramref name="source"/>'s head (<paramref name="fromLeft"/>) or tail and pushes onto
    /// <paramref name="destination"/>'s head (<paramref name="toLeft"/>) or tail; the element goes to
    /// <paramref name="sink"/>. NotFound when the source is missing; WrongType when either holds another type. The two
    /// keys' shards are locked in shard order (as RENAME does), so the move is atomic; one key rotates its list. It
    /// replicates as a pop record and a push record.
    /// </summary>
    public StorageStatus ListMove<TSink>(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool fromLeft, bool toLeft, ref TSink sink)
        where TSink : IValueSink, allows ref struct
    {
        ThrowIfTooLong(destination);
        var from = new KeyRef(this, source);
        var to = new KeyRef(this, destination);
        var first = from.Shard.Number <= to.Shard.Number ? from.Shard : to.Shard;
        var second = first == from.Shard ? to.Shard : from.Shard;
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                return MoveLocked(from, source, to, destination, fromLeft, toLeft, ref sink);
            }
        }
    }

    private StorageStatus MoveLocked<TSink>(KeyRef from, ReadOnlySpan<byte> source, KeyRef to, ReadOnlySpan<byte> destination,
        bool fromLeft, bool toLeft, ref TSink sink)
        where TSink : IValueSink, allows ref struct
    {
        if (source.SequenceEqual(destination))
        {
            return RotateLocked(from, source, fromLeft, toLeft, ref sink);
        }

        // The destination's type is checked (and its bytes reserved, which may evict) first; but a missing source
        // answers null before a wrong-typed destination, as in Redis.
        var source0 = ReadObject<ListObject>(from, source, out var peek);
        if (source0 != StorageStatus.Ok)
        {
            return source0;
        }

        var reserve = ListObject.EntrySize(PeekLength(peek!, fromLeft)) + ListWriteSlack;
        var status = BeginObjectWrite<ListObject>(to, destination, reserve, out _, out _, out _);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        status = BeginObjectWrite<ListObject>(from, source, 0, out var sourceSlot, out var list, out var sourceBefore);
        if (status != StorageStatus.Ok || list is null)
        {
            CancelObjectWrite(to, reserve);
            return status == StorageStatus.Ok ? StorageStatus.NotFound : status; // evicted by the reservation
        }

        var element = new ElementCopy();
        try
        {
            list.Pop(fromLeft, ref element);
            EndObjectWrite(from, sourceSlot, list, sourceBefore, 0, (byte)(fromLeft ? ListOperation.PopLeft : ListOperation.PopRight),
                ListPayload.Count(1), replicate: true);

            // Ending the source's write may have removed its key, which moves slots of the index: find the destination again.
            var slot = to.Shard.Find(destination, to.Db, to.Hash);
            ListObject target;
            long before = 0;
            if (slot == null)
            {
                target = new ListObject(_keyspace.Options.ListMaxListpackSize);
                status = AddObjectKey(to, destination, target, reserve, out slot);
                if (status != StorageStatus.Ok)
                {
                    return status; // the element is gone from the source, as a failed push after a pop would leave it
                }
            }
            else
            {
                target = (ListObject)to.Shard.ObjectOf(to.Shard.EntryAt(slot));
                before = target.ByteSize;
                to.Shard.Touch(slot);
            }

            target.Fill = _keyspace.Options.ListMaxListpackSize;
            target.Push(element.Span, toLeft);
            var one = new SpanElements(element.Span);
            EndObjectWrite(to, slot, target, before, reserve, (byte)(toLeft ? ListOperation.PushLeft : ListOperation.PushRight),
                new ElementsPayload<SpanElements>(one), replicate: true);
            sink.Write(element.Span);
            return StorageStatus.Ok;
        }
        finally
        {
            element.Dispose();
        }
    }

    /// <summary>LMOVE of a key onto itself: the element moves from one end to the other (or stays, same end).</summary>
    private static StorageStatus RotateLocked<TSink>(KeyRef k, ReadOnlySpan<byte> key, bool fromLeft, bool toLeft, ref TSink sink)
        where TSink : IValueSink, allows ref struct
    {
        var status = BeginObjectWrite<ListObject>(k, key, ListWriteSlack, out var slot, out var list, out var before);
        if (status != StorageStatus.Ok || list is null)
        {
            if (status == StorageStatus.Ok)
            {
                CancelObjectWrite(k, ListWriteSlack);
                return StorageStatus.NotFound;
            }

            return status;
        }

        var element = new ElementCopy();
        try
        {
            list.Pop(fromLeft, ref element);
            list.Push(element.Span, toLeft);

            // Recorded push first: replayed pop first, a one-element list would be emptied (deleting the key and its TTL).
            k.Shard.ObjectChanged(slot, (byte)(toLeft ? ListOperation.PushLeft : ListOperation.PushRight),
                new ElementsPayload<SpanElements>(new SpanElements(element.Span)), replicate: true);
            EndObjectWrite(k, slot, list, before, ListWriteSlack, (byte)(fromLeft ? ListOperation.PopLeft : ListOperation.PopRight),
                ListPayload.Count(1), replicate: true);
            sink.Write(element.Span);
            return StorageStatus.Ok;
        }
        finally
        {
            element.Dispose();
        }
    }

    private static int PeekLength(ListObject list, bool left)
    {
        var probe = new LengthProbe();
        list.Get(left ? 0 : -1, ref probe);
        return probe.Length;
    }

    private struct LengthProbe : IValueSink
    {
        public int Length;

        public void Write(scoped ReadOnlySpan<byte> value) => Length = value.Length;
    }

    /// <summary>The popped element, copied out of the list (a pooled array) before the push that may overwrite it.</summary>
    private struct ElementCopy : IValueSink, IDisposable
    {
        private byte[]? _array;
        private int _length;

        public readonly ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

        public void Write(scoped ReadOnlySpan<byte> value)
        {
            _array = ArrayPool<byte>.Shared.Rent(Math.Max(16, value.Length));
            value.CopyTo(_array);
            _length = value.Length;
        }

        public void Dispose()
        {
            if (_array is not null)
            {
                ArrayPool<byte>.Shared.Return(_array);
                _array = null;
            }
        }
    }

    /// <summary>One element as <see cref="IElements"/>.</summary>
    private readonly ref struct SpanElements(ReadOnlySpan<byte> element) : IElements
    {
        private readonly ReadOnlySpan<byte> _element = element;

        public int Count => 1;

        public ReadOnlySpan<byte> this[int index] => _element;
    }
}
