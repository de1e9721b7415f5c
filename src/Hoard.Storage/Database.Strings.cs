using System.Buffers.Binary;
using System.Buffers.Text;
using Hoard.Storage.Internal;

namespace Hoard.Storage;

/// <summary>String commands: GET, SET and its options, counters, APPEND, ranges.</summary>
public sealed unsafe partial class Database
{
    /// <summary>GET: the value into <paramref name="sink"/>; NotFound or WrongType otherwise.</summary>
    public StorageStatus Get<TSink>(ReadOnlySpan<byte> key, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            return slot == null ? StorageStatus.NotFound : WriteString(k.Shard.EntryAt(slot), ref sink);
        }
    }

    /// <summary>SET with NX/XX and a TTL choice; Ok when written, NotApplied when the condition failed.</summary>
    public StorageStatus Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, SetCondition condition = SetCondition.Always, Expiry expiry = default)
    {
        var none = default(NoSink);
        return Set(key, value, condition, expiry, wantOld: false, ref none, out _);
    }

    /// <summary>
    /// SET … GET (and GETSET): like <see cref="Set(ReadOnlySpan{byte}, ReadOnlySpan{byte}, SetCondition, Expiry)"/>,
    /// and the old value goes to <paramref name="oldValue"/> when there was one (<paramref name="hadOld"/>).
    /// WrongType (and no write) when the old value is not a string.
    /// </summary>
    public StorageStatus Set<TSink>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, SetCondition condition, Expiry expiry,
        bool wantOld, ref TSink oldValue, out bool hadOld) where TSink : IValueSink, allows ref struct
    {
        ThrowIfTooLong(key);
        hadOld = false;
        if (value.Length > Keyspace.MaxValueLength)
        {
            return StorageStatus.TooLarge;
        }

        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            if (wantOld && slot != null)
            {
                var status = WriteString(shard.EntryAt(slot), ref oldValue);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }

                hadOld = true;
            }

            if ((condition == SetCondition.IfAbsent && slot != null) || (condition == SetCondition.IfExists && slot == null))
            {
                return StorageStatus.NotApplied;
            }

            var expireAt = expiry.Keep ? (slot != null ? shard.EntryAt(slot).ExpireAt : 0) : expiry.At;
            if (slot != null && TryOverwriteInPlace(shard, slot, value, expireAt))
            {
                return StorageStatus.Ok;
            }

            return WriteNew(shard, k, key, value, EntryType.StringRaw, expireAt);
        }
    }

    /// <summary>GETDEL: the value into <paramref name="sink"/>, then the key is deleted.</summary>
    public StorageStatus GetDelete<TSink>(ReadOnlySpan<byte> key, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var status = WriteString(k.Shard.EntryAt(slot), ref sink);
            if (status == StorageStatus.Ok)
            {
                k.Shard.Remove(slot, KeyEvent.Deleted);
            }

            return status;
        }
    }

    /// <summary>GETEX: the value into <paramref name="sink"/>, and the TTL changed unless <paramref name="expiry"/> keeps it.</summary>
    public StorageStatus GetAndExpire<TSink>(ReadOnlySpan<byte> key, Expiry expiry, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        lock (shard.Gate)
        {
            var slot = shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.NotFound;
            }

            var status = WriteString(shard.EntryAt(slot), ref sink);
            if (status != StorageStatus.Ok || expiry.Keep)
            {
                return status;
            }

            if (expiry.At != 0 && expiry.At <= _keyspace.NowMs())
            {
                shard.Remove(slot, KeyEvent.Deleted);
                return StorageStatus.Ok;
            }

            var changed = shard.SetExpiry(slot, key, k.Db, k.Hash, expiry.At);
            return changed == StorageStatus.OutOfMemory ? changed : StorageStatus.Ok;
        }
    }

    /// <summary>INCRBY / DECRBY / INCR / DECR; the new value in <paramref name="result"/>.</summary>
    public StorageStatus Increment(ReadOnlySpan<byte> key, long delta, out long result)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        result = 0;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            long current = 0, expireAt = 0;
            if (slot != null)
            {
                var e = shard.EntryAt(slot);
                switch (e.Type)
                {
                    case EntryType.StringInt:
                        current = BinaryPrimitives.ReadInt64LittleEndian(e.Value);
                        break;
                    case EntryType.StringRaw:
                        if (!RedisNumber.TryParseInt64(e.Value, out current))
                        {
                            return StorageStatus.NotInteger;
                        }

                        break;
                    default:
                        return StorageStatus.WrongType;
                }

                expireAt = e.ExpireAt;
            }

            if ((delta > 0 && current > long.MaxValue - delta) || (delta < 0 && current < long.MinValue - delta))
            {
                return StorageStatus.Overflow;
            }

            result = current + delta;
            if (slot != null && shard.EntryAt(slot).Type == EntryType.StringInt)
            {
                BinaryPrimitives.WriteInt64LittleEndian(shard.EntryAt(slot).Value, result);
                shard.Written(slot);
                return StorageStatus.Ok;
            }

            Span<byte> bytes = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, result);
            return WriteNew(shard, k, key, bytes, EntryType.StringInt, expireAt);
        }
    }

    /// <summary>INCRBYFLOAT; the new value, stored as text the way Redis formats it, in <paramref name="result"/>.</summary>
    public StorageStatus IncrementFloat(ReadOnlySpan<byte> key, double delta, out double result)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        result = 0;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            double current = 0;
            long expireAt = 0;
            if (slot != null)
            {
                var e = shard.EntryAt(slot);
                if (e.Type == EntryType.StringInt)
                {
                    current = BinaryPrimitives.ReadInt64LittleEndian(e.Value);
                }
                else if (e.Type != EntryType.StringRaw)
                {
                    return StorageStatus.WrongType;
                }
                else if (!RedisNumber.TryParseDouble(e.Value, out current) || !double.IsFinite(current))
                {
                    return StorageStatus.NotFloat;
                }

                expireAt = e.ExpireAt;
            }

            result = current + delta;
            if (!double.IsFinite(result))
            {
                return StorageStatus.NotFinite;
            }

            Span<byte> text = stackalloc byte[RedisNumber.MaxDoubleLength];
            var n = RedisNumber.FormatDouble(result, text);
            return WriteNew(shard, k, key, text[..n], EntryType.StringRaw, expireAt);
        }
    }

    /// <summary>APPEND; the new length in <paramref name="length"/>.</summary>
    public StorageStatus Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out long length)
    {
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        length = 0;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                length = value.Length;
                return value.Length > Keyspace.MaxValueLength ? StorageStatus.TooLarge
                    : WriteNew(shard, k, key, value, EntryType.StringRaw, 0);
            }

            Span<byte> digits = stackalloc byte[RedisNumber.MaxInt64Length];
            var e = shard.EntryAt(slot);
            var old = StringBytes(e, digits, out var status);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            length = (long)old.Length + value.Length;
            if (length > Keyspace.MaxValueLength)
            {
                return StorageStatus.TooLarge;
            }

            var size = Entry.SizeOf(k.Db, key.Length, (int)length, e.HasExpiry);
            status = shard.PrepareWrite(key, k.Db, k.Hash, size, out slot, out var log);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            if (slot == null)
            {
                length = value.Length; // evicted meanwhile: APPEND creates the key
                return WriteNew(shard, k, key, value, EntryType.StringRaw, 0);
            }

            e = shard.EntryAt(slot);
            old = StringBytes(e, digits, out _);
            var dest = shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.StringRaw, old.Length + value.Length, e.ExpireAt);
            old.CopyTo(dest);
            value.CopyTo(dest[old.Length..]);
            shard.Written(slot);
            shard.AfterWrite();
            return StorageStatus.Ok;
        }
    }

    /// <summary>STRLEN; 0 for a missing key.</summary>
    public StorageStatus Length(ReadOnlySpan<byte> key, out long length)
    {
        var k = new KeyRef(this, key);
        length = 0;
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Find(key, k.Db, k.Hash);
            if (slot == null)
            {
                return StorageStatus.Ok;
            }

            Span<byte> digits = stackalloc byte[RedisNumber.MaxInt64Length];
            length = StringBytes(k.Shard.EntryAt(slot), digits, out var status).Length;
            return status;
        }
    }

    /// <summary>GETRANGE with Redis's offset rules (negative from the end, clamped); an empty range writes "".</summary>
    public StorageStatus GetRange<TSink>(ReadOnlySpan<byte> key, long start, long end, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        var k = new KeyRef(this, key);
        lock (k.Shard.Gate)
        {
            var slot = k.Shard.Read(key, k.Db, k.Hash);
            if (slot == null)
            {
                sink.Write(default);
                return StorageStatus.Ok;
            }

            Span<byte> digits = stackalloc byte[RedisNumber.MaxInt64Length];
            var value = StringBytes(k.Shard.EntryAt(slot), digits, out var status);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            long n = value.Length;
            if (start < 0 && end < 0 && start > end)
            {
                sink.Write(default);
                return StorageStatus.Ok;
            }

            start = start < 0 ? Math.Max(0, n + start) : start;
            end = end < 0 ? Math.Max(0, n + end) : end;
            end = Math.Min(end, n - 1);
            sink.Write(start > end || n == 0 ? default : value.Slice((int)start, (int)(end - start + 1)));
            return StorageStatus.Ok;
        }
    }

    /// <summary>SETRANGE: overwrites from <paramref name="offset"/>, zero-padding as needed; the new length in <paramref name="length"/>.</summary>
    public StorageStatus SetRange(ReadOnlySpan<byte> key, long offset, ReadOnlySpan<byte> value, out long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var k = new KeyRef(this, key);
        var shard = k.Shard;
        length = 0;
        lock (shard.Gate)
        {
            var slot = shard.Find(key, k.Db, k.Hash);
            Span<byte> digits = stackalloc byte[RedisNumber.MaxInt64Length];
            scoped var old = ReadOnlySpan<byte>.Empty;
            if (slot != null)
            {
                old = StringBytes(shard.EntryAt(slot), digits, out var typeStatus);
                if (typeStatus != StorageStatus.Ok)
                {
                    return typeStatus;
                }
            }

            length = old.Length;
            if (value.IsEmpty)
            {
                return StorageStatus.Ok;
            }

            length = Math.Max(old.Length, offset + value.Length);
            if (length > Keyspace.MaxValueLength)
            {
                return StorageStatus.TooLarge;
            }

            var expireAt = slot != null ? shard.EntryAt(slot).ExpireAt : 0;
            var size = Entry.SizeOf(k.Db, key.Length, (int)length, expireAt != 0);
            var status = shard.PrepareWrite(key, k.Db, k.Hash, size, out slot, out var log);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            old = slot != null ? StringBytes(shard.EntryAt(slot), digits, out _) : default;
            var total = (int)Math.Max(old.Length, offset + value.Length);
            var dest = shard.Place(log, ref slot, key, k.Db, k.Hash, EntryType.StringRaw, total, slot != null ? shard.EntryAt(slot).ExpireAt : 0);
            old.CopyTo(dest);
            dest[old.Length..].Clear();
            value.CopyTo(dest[(int)offset..]);
            length = total;
            shard.Written(slot);
            shard.AfterWrite();
            return StorageStatus.Ok;
        }
    }

    private static StorageStatus WriteString<TSink>(Entry e, ref TSink sink) where TSink : IValueSink, allows ref struct
    {
        switch (e.Type)
        {
            case EntryType.StringRaw:
                sink.Write(e.Value);
                return StorageStatus.Ok;
            case EntryType.StringInt:
                Span<byte> digits = stackalloc byte[RedisNumber.MaxInt64Length];
                Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt64LittleEndian(e.Value), digits, out var n);
                sink.Write(digits[..n]);
                return StorageStatus.Ok;
            default:
                return StorageStatus.WrongType;
        }
    }

    /// <summary>The bytes a string entry reads as (an integer formatted into <paramref name="digits"/>).</summary>
    private static ReadOnlySpan<byte> StringBytes(Entry e, Span<byte> digits, out StorageStatus status)
    {
        status = StorageStatus.Ok;
        switch (e.Type)
        {
            case EntryType.StringRaw:
                return e.Value;
            case EntryType.StringInt:
                Utf8Formatter.TryFormat(BinaryPrimitives.ReadInt64LittleEndian(e.Value), digits, out var n);
                return digits[..n];
            default:
                status = StorageStatus.WrongType;
                return default;
        }
    }

    private static bool TryOverwriteInPlace(Shard shard, ulong* slot, ReadOnlySpan<byte> value, long expireAt)
    {
        var e = shard.EntryAt(slot);
        if (e.Type != EntryType.StringRaw || e.ValueLength != value.Length || e.HasExpiry != (expireAt != 0))
        {
            return false;
        }

        value.CopyTo(e.Value);
        if (expireAt != 0)
        {
            e.SetExpireAt(expireAt);
        }

        shard.Touch(slot);
        shard.Written(slot);
        return true;
    }

    /// <summary>Writes a whole new version of a key (room, eviction, replacement) under the shard lock.</summary>
    private static StorageStatus WriteNew(Shard shard, KeyRef k, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, EntryType type, long expireAt)
    {
        var size = Entry.SizeOf(k.Db, key.Length, value.Length, expireAt != 0);
        var status = shard.PrepareWrite(key, k.Db, k.Hash, size, out var slot, out var log);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        value.CopyTo(shard.Place(log, ref slot, key, k.Db, k.Hash, type, value.Length, expireAt));
        shard.Written(slot);
        shard.AfterWrite();
        return StorageStatus.Ok;
    }

    /// <summary>A sink that discards what it is given.</summary>
    private struct NoSink : IValueSink
    {
        public readonly void Write(scoped ReadOnlySpan<byte> value)
        {
        }
    }
}
