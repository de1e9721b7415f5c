using System.Buffers.Text;
using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage.Sets;

/// <summary>
/// A set (https://redis.io/docs/latest/develop/data-types/sets/) in one of Redis 7.2's three encodings, converted one
/// way upward as Redis does: <c>intset</c> (<see cref="IntSet"/>: only integers in canonical decimal form, at most
/// <see cref="StorageOptions.SetMaxIntsetEntries"/>), <c>listpack</c> (at most
/// <see cref="StorageOptions.SetMaxListpackEntries"/> members of at most <see cref="StorageOptions.SetMaxListpackValue"/>
/// bytes, in insertion order, found by a linear search) and <c>hashtable</c> (<see cref="SetTable"/>).
/// </summary>
/// <remarks>Not thread-safe: only the holder of the key's shard lock touches it.</remarks>
internal sealed class SetObject : StoredObject
{
    /// <summary>Bytes <see cref="GetAt"/> may need in its scratch span (the longest 64-bit integer).</summary>
    public const int ScratchLength = RedisNumber.MaxInt64Length;

    /// <summary>This object's own fields (header 16, three references and two ints, padded).</summary>
    private const int ObjectOverhead = 56;

    /// <summary>Estimated bytes of a listpack member besides its array: its reference in the member array.</summary>
    private const int ListpackEntryOverhead = sizeof(long);

    private IntSet? _ints;
    private byte[][]? _items;
    private int _itemCount;
    private long _itemBytes;
    private SetTable? _table;

    /// <summary>
    /// An empty set in the encoding Redis's SADD would create for a first member <paramref name="first"/> and
    /// <paramref name="sizeHint"/> members: intset if the member is an integer and the hint fits one, else listpack if
    /// the hint fits one, else hashtable.
    /// </summary>
    public SetObject(ReadOnlySpan<byte> first, int sizeHint, StorageOptions options)
    {
        if (RedisNumber.TryParseInt64(first, out _) && sizeHint <= options.SetMaxIntsetEntries)
        {
            _ints = new IntSet();
        }
        else if (sizeHint <= options.SetMaxListpackEntries)
        {
            _items = new byte[Math.Max(1, sizeHint)][];
        }
        else
        {
            _table = new SetTable(sizeHint);
        }
    }

    /// <summary>An empty intset (what SINTERSTORE, SUNIONSTORE and SDIFFSTORE fill, as Redis's do).</summary>
    public SetObject() => _ints = new IntSet();

    /// <inheritdoc/>
    public override ValueKind Kind => ValueKind.Set;

    /// <inheritdoc/>
    public override RecordValueType RecordType => RecordValueType.Set;

    /// <inheritdoc/>
    public override string Encoding => _ints != null ? "intset" : _items != null ? "listpack" : "hashtable";

    /// <inheritdoc/>
    public override int Count => _ints?.Count ?? (_items != null ? _itemCount : _table!.Count);

    /// <summary>
    /// This object's fields plus the encoding's bytes: the intset's array; the listpack's member array (a reference
    /// per member) and each member's array (<see cref="HashTable.ArraySize"/>); or the table's own estimate. O(1).
    /// Spare capacity is not counted, so that the estimate depends only on the contents (a copy made by
    /// <see cref="Clone"/> has the same size, which RENAME and COPY rely on).
    /// </summary>
    public override long ByteSize => ObjectOverhead + (_ints?.ByteSize
        ?? (_items != null ? HashTable.ArraySize(_itemCount * ListpackEntryOverhead) + _itemBytes : _table!.ByteSize));

    /// <summary>
    /// The set a packed elements form (<see cref="PackedElements"/>) holds, in the encoding SADD of those members into
    /// a new key would give.
    /// </summary>
    /// <exception cref="InvalidDataException">The form is malformed, empty, or names a member twice.</exception>
    public static SetObject FromPacked(ReadOnlySpan<byte> packed, StorageOptions options)
    {
        var reader = new PackedElements.Reader(packed);
        if (reader.Count == 0)
        {
            throw new InvalidDataException("A packed set holds no members.");
        }

        var peek = reader;
        var set = new SetObject(peek.Next(), reader.Count, options);
        while (reader.HasNext)
        {
            if (!set.Add(reader.Next(), options))
            {
                throw new InvalidDataException("A packed set names a member twice.");
            }
        }

        reader.EnsureEnd();
        return set;
    }

    /// <summary>A generous estimate of what adding members of these lengths may add (a write's reservation).</summary>
    public static long EstimateGrowth<TElements>(in TElements members) where TElements : IElements, allows ref struct
    {
        long bytes = 0;
        for (var i = 0; i < members.Count; i++)
        {
            bytes += SetTable.EntryByteSize(members[i].Length);
        }

        return bytes;
    }

    /// <summary>Whether <paramref name="member"/> is in the set.</summary>
    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints != null)
        {
            return RedisNumber.TryParseInt64(member, out var value) && _ints.Contains(value);
        }

        return _items != null ? IndexOfItem(member) >= 0 : _table!.Contains(member);
    }

    /// <summary>Adds <paramref name="member"/>, converting the encoding upward when the limits say so; false when present.</summary>
    public bool Add(ReadOnlySpan<byte> member, StorageOptions options)
    {
        if (_ints != null)
        {
            if (RedisNumber.TryParseInt64(member, out var value))
            {
                if (!_ints.Add(value))
                {
                    return false;
                }

                if (_ints.Count > options.SetMaxIntsetEntries)
                {
                    ConvertToTable(0);
                }

                return true;
            }

            // A non-integer: listpack if the set (its longest integer included) stays within the listpack limits.
            var longest = _ints.Count == 0 ? 0 : Math.Max(Digits(_ints.Min), Digits(_ints.Max));
            if (_ints.Count < options.SetMaxListpackEntries && member.Length <= options.SetMaxListpackValue
                && longest <= options.SetMaxListpackValue)
            {
                ConvertToListpack(_ints.Count + 1);
            }
            else
            {
                ConvertToTable(_ints.Count + 1);
            }
        }

        if (_items != null)
        {
            if (IndexOfItem(member) >= 0)
            {
                return false;
            }

            if (_itemCount < options.SetMaxListpackEntries && member.Length <= options.SetMaxListpackValue)
            {
                AppendItem(member.ToArray());
                return true;
            }

            ConvertToTable(_itemCount + 1);
        }

        return _table!.Add(member);
    }

    /// <summary>Removes <paramref name="member"/>; false when it was not there. The encoding stays (as Redis).</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_ints != null)
        {
            return RedisNumber.TryParseInt64(member, out var value) && _ints.Remove(value);
        }

        if (_table != null)
        {
            return _table.Remove(member);
        }

        var index = IndexOfItem(member);
        if (index < 0)
        {
            return false;
        }

        var items = _items!;
        _itemBytes -= HashTable.ArraySize(items[index].Length);
        Array.Copy(items, index + 1, items, index, _itemCount - index - 1);
        items[--_itemCount] = null!;
        return true;
    }

    /// <summary>
    /// The member at <paramref name="index"/> (0 to <see cref="Count"/> - 1): ascending for an intset (formatted into
    /// <paramref name="scratch"/>, at least <see cref="ScratchLength"/> bytes), insertion order for a listpack, slot
    /// order for a hashtable. Valid until the set changes.
    /// </summary>
    public ReadOnlySpan<byte> GetAt(int index, Span<byte> scratch)
    {
        if (_ints != null)
        {
            Utf8Formatter.TryFormat(_ints.GetAt(index), scratch, out var written);
            return scratch[..written];
        }

        return _items != null ? _items[index] : _table!.GetAt(index);
    }

    /// <summary>Whether a scan returns every member in one step (the compact encodings, as Redis).</summary>
    public bool IsCompact => _table == null;

    /// <inheritdoc/>
    public override int GetPackedSize()
    {
        Span<byte> scratch = stackalloc byte[ScratchLength];
        var size = VarInt.SizeOf((uint)Count);
        for (var i = 0; i < Count; i++)
        {
            size += PackedElements.EntrySize(GetAt(i, scratch).Length);
        }

        return size;
    }

    /// <inheritdoc/>
    public override int WritePacked(Span<byte> destination)
    {
        Span<byte> scratch = stackalloc byte[ScratchLength];
        var p = PackedElements.WriteCount(destination, Count);
        for (var i = 0; i < Count; i++)
        {
            p += PackedElements.WriteEntry(destination[p..], GetAt(i, scratch));
        }

        return p;
    }

    /// <inheritdoc/>
    public override StoredObject Clone()
    {
        var copy = new SetObject();
        Span<byte> scratch = stackalloc byte[ScratchLength];
        if (_ints == null)
        {
            copy._ints = null;
            if (_items != null)
            {
                copy._items = new byte[Math.Max(1, _itemCount)][];
            }
            else
            {
                copy._table = new SetTable(Count);
            }
        }

        for (var i = 0; i < Count; i++)
        {
            copy.AddRaw(GetAt(i, scratch));
        }

        return copy;
    }

    /// <summary>Adds a member known to be absent and to fit the current encoding (copying and conversions).</summary>
    private void AddRaw(ReadOnlySpan<byte> member)
    {
        if (_ints != null)
        {
            if (RedisNumber.TryParseInt64(member, out var value))
            {
                _ints.Add(value);
            }
        }
        else if (_items != null)
        {
            AppendItem(member.ToArray());
        }
        else
        {
            _table!.Add(member);
        }
    }

    private static int Digits(long value)
    {
        Span<byte> text = stackalloc byte[ScratchLength];
        Utf8Formatter.TryFormat(value, text, out var written);
        return written;
    }

    private int IndexOfItem(ReadOnlySpan<byte> member)
    {
        var items = _items!;
        for (var i = 0; i < _itemCount; i++)
        {
            if (member.SequenceEqual(items[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private void AppendItem(byte[] member)
    {
        if (_itemCount == _items!.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_itemCount++] = member;
        _itemBytes += HashTable.ArraySize(member.Length);
    }

    private void ConvertToListpack(int capacity)
    {
        var ints = _ints!;
        _items = new byte[Math.Max(1, capacity)][];
        _itemCount = 0;
        _itemBytes = 0;
        Span<byte> text = stackalloc byte[ScratchLength];
        for (var i = 0; i < ints.Count; i++)
        {
            Utf8Formatter.TryFormat(ints.GetAt(i), text, out var written);
            AppendItem(text[..written].ToArray());
        }

        _ints = null;
    }

    private void ConvertToTable(int capacity)
    {
        Span<byte> scratch = stackalloc byte[ScratchLength];
        var table = new SetTable(Math.Max(capacity, Count));
        for (var i = 0; i < Count; i++)
        {
            table.Add(GetAt(i, scratch));
        }

        _ints = null;
        _items = null;
        _itemCount = 0;
        _itemBytes = 0;
        _table = table;
    }
}
