using System.Buffers.Binary;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Sets;

/// <summary>
/// The intset encoding of a set: its integers sorted ascending and packed little-endian at the narrowest width (2, 4
/// or 8 bytes) that holds them all, in one array of exactly the bytes needed, as Redis's intset. Lookups are binary
/// searches; adds and removes move the tail (the set is small: at most set-max-intset-entries).
/// </summary>
/// <remarks>Not thread-safe: only the holder of the key's shard lock touches it.</remarks>
internal sealed class IntSet
{
    private byte[] _data = [];
    private int _width = sizeof(short);
    private int _count;

    /// <summary>The number of integers.</summary>
    public int Count => _count;

    /// <summary>The bytes per integer now (2, 4 or 8).</summary>
    public int Width => _width;

    /// <summary>Estimated managed bytes: the array (the object itself is counted by its owner).</summary>
    public long ByteSize => HashTable.ArraySize(_data.Length);

    /// <summary>The smallest integer (the set must not be empty).</summary>
    public long Min => GetAt(0);

    /// <summary>The largest integer (the set must not be empty).</summary>
    public long Max => GetAt(_count - 1);

    /// <summary>The integer at <paramref name="index"/> in ascending order.</summary>
    public long GetAt(int index) => Read(_data, _width, index);

    /// <summary>Whether <paramref name="value"/> is in the set.</summary>
    public bool Contains(long value) => WidthOf(value) <= _width && Search(value, out _);

    /// <summary>Adds <paramref name="value"/>; false when it was there already.</summary>
    public bool Add(long value)
    {
        var width = WidthOf(value);
        if (width > _width)
        {
            Widen(width, value);
            return true;
        }

        if (Search(value, out var position))
        {
            return false;
        }

        var data = new byte[(_count + 1) * _width];
        _data.AsSpan(0, position * _width).CopyTo(data);
        _data.AsSpan(position * _width).CopyTo(data.AsSpan((position + 1) * _width));
        Write(data, _width, position, value);
        _data = data;
        _count++;
        return true;
    }

    /// <summary>Removes <paramref name="value"/>; false when it was not there. The width never shrinks (as Redis).</summary>
    public bool Remove(long value)
    {
        if (WidthOf(value) > _width || !Search(value, out var position))
        {
            return false;
        }

        var data = new byte[(_count - 1) * _width];
        _data.AsSpan(0, position * _width).CopyTo(data);
        _data.AsSpan((position + 1) * _width).CopyTo(data.AsSpan(position * _width));
        _data = data;
        _count--;
        return true;
    }

    private static int WidthOf(long value) =>
        value is >= short.MinValue and <= short.MaxValue ? sizeof(short)
        : value is >= int.MinValue and <= int.MaxValue ? sizeof(int)
        : sizeof(long);

    private static long Read(byte[] data, int width, int index) => width switch
    {
        sizeof(short) => BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(index * width)),
        sizeof(int) => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(index * width)),
        _ => BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(index * width)),
    };

    private static void Write(byte[] data, int width, int index, long value)
    {
        switch (width)
        {
            case sizeof(short):
                BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(index * width), (short)value);
                break;
            case sizeof(int):
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(index * width), (int)value);
                break;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(index * width), value);
                break;
        }
    }

    /// <summary>Re-packs at a wider width for <paramref name="value"/>, which lies outside every current one: it goes first or last.</summary>
    private void Widen(int width, long value)
    {
        var data = new byte[(_count + 1) * width];
        var offset = value < 0 ? 1 : 0;
        for (var i = 0; i < _count; i++)
        {
            Write(data, width, i + offset, GetAt(i));
        }

        Write(data, width, value < 0 ? 0 : _count, value);
        _data = data;
        _width = width;
        _count++;
    }

    private bool Search(long value, out int position)
    {
        int low = 0, high = _count - 1;
        while (low <= high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            var current = GetAt(middle);
            if (current == value)
            {
                position = middle;
                return true;
            }

            if (current < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        position = low;
        return false;
    }
}
