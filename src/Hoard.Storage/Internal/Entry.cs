using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hoard.Storage.Internal;

/// <summary>
/// A view of one entry in segment memory. Layout (no padding, no alignment):
/// <code>
/// flags(1) [db(1)] keyLength(varint) valueLength(varint) [expireAtMs(8)] key value
/// flags: bits 0-2 type, 0x08 has expiry, 0x10 dead, 0x20 has db byte (databases other than 0)
/// </code>
/// A 12-byte key with a 32-byte value in database 0 costs 3 bytes of header.
/// </summary>
internal readonly unsafe ref struct Entry
{
    public const byte TypeMask = 0x07;
    public const byte HasExpiryFlag = 0x08;
    public const byte DeadFlag = 0x10;
    public const byte HasDbFlag = 0x20;

    private readonly byte* _start;
    private readonly int _keyOffset;

    public readonly int KeyLength;
    public readonly int ValueLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Entry(byte* start)
    {
        _start = start;
        var p = start + 1;
        if ((*start & HasDbFlag) != 0)
        {
            p++;
        }

        KeyLength = ReadLength(ref p);
        ValueLength = ReadLength(ref p);
        if ((*start & HasExpiryFlag) != 0)
        {
            p += 8;
        }

        _keyOffset = (int)(p - start);
    }

    public byte Flags => *_start;

    public EntryType Type => (EntryType)(*_start & TypeMask);

    public bool IsDead => (*_start & DeadFlag) != 0;

    public bool HasExpiry => (*_start & HasExpiryFlag) != 0;

    public int Database => (*_start & HasDbFlag) != 0 ? _start[1] : 0;

    /// <summary>Absolute expiry in Unix milliseconds, or 0 for none.</summary>
    public long ExpireAt => HasExpiry
        ? BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(_start + _keyOffset - 8, 8))
        : 0;

    public ReadOnlySpan<byte> Key => new(_start + _keyOffset, KeyLength);

    public Span<byte> Value => new(_start + _keyOffset + KeyLength, ValueLength);

    public int Size => _keyOffset + KeyLength + ValueLength;

    public byte* Start => _start;

    public void MarkDead() => *_start |= DeadFlag;

    /// <summary>Rewrites the expiry in place; only valid when the entry already has an expiry field.</summary>
    public void SetExpireAt(long expireAtMs) =>
        BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(_start + _keyOffset - 8, 8), expireAtMs);

    /// <summary>Bytes an entry with these parts occupies.</summary>
    public static int SizeOf(int database, int keyLength, int valueLength, bool hasExpiry) =>
        1 + (database != 0 ? 1 : 0) + VarLength(keyLength) + VarLength(valueLength) + (hasExpiry ? 8 : 0)
        + keyLength + valueLength;

    /// <summary>Writes the header and key; returns the span where the value's bytes go.</summary>
    public static Span<byte> Write(byte* destination, EntryType type, int database, ReadOnlySpan<byte> key,
        int valueLength, long expireAtMs)
    {
        var flags = (byte)type;
        if (expireAtMs != 0)
        {
            flags |= HasExpiryFlag;
        }

        if (database != 0)
        {
            flags |= HasDbFlag;
        }

        var p = destination;
        *p++ = flags;
        if (database != 0)
        {
            *p++ = (byte)database;
        }

        WriteLength(ref p, key.Length);
        WriteLength(ref p, valueLength);
        if (expireAtMs != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(p, 8), expireAtMs);
            p += 8;
        }

        key.CopyTo(new Span<byte>(p, key.Length));
        p += key.Length;
        return new Span<byte>(p, valueLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadLength(ref byte* p)
    {
        uint b = *p++;
        if (b < 0x80)
        {
            return (int)b;
        }

        return ReadLengthSlow(ref p, b);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadLengthSlow(ref byte* p, uint first)
    {
        var value = first & 0x7F;
        var shift = 7;
        uint b;
        do
        {
            b = *p++;
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return (int)value;
    }

    private static void WriteLength(ref byte* p, int length)
    {
        var v = (uint)length;
        while (v >= 0x80)
        {
            *p++ = (byte)(v | 0x80);
            v >>= 7;
        }

        *p++ = (byte)v;
    }

    private static int VarLength(int length) => length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;
}
