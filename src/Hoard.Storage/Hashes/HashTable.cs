using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Hoard.Storage.Objects;
using Hoard.Storage.Replication;

namespace Hoard.Storage.Hashes;

/// <summary>
/// The large encoding of a hash (the analogue of Redis's hashtable encoding), used once a hash outgrows
/// <see cref="PackedHash"/>. Lookups, updates and deletes take the field as a <see cref="ReadOnlySpan{T}"/>
/// and allocate nothing; only a new field or a value of a different length allocates.
/// </summary>
/// <remarks>
/// <para>
/// Layout: the entries live in a dense array of (field, value) slots, and a
/// <see cref="Dictionary{TKey, TValue}"/> maps each field to its slot index. Removing a field moves the last
/// slot into the hole (swap-remove) and updates that field's index. This was chosen over a plain
/// <c>Dictionary&lt;byte[], byte[]&gt;</c> plus an O(n) walk for random picks because it gives, for the
/// same per-entry memory (an <c>int</c> index in the dictionary entry instead of a value reference, plus
/// one 16-byte slot), O(1) <see cref="GetAt"/> and <see cref="GetRandom"/> for HRANDFIELD, cache-friendly
/// enumeration for HGETALL, and a <see cref="Scan"/> cursor with SCAN's guarantees for HSCAN. The cost is
/// a second hash lookup when a removal moves a slot.
/// </para>
/// <para>
/// Value arrays are owned by the table: an update with a value of the same length overwrites the existing
/// array in place, so an array returned by <see cref="TryGetValue"/> or the enumerators is only stable
/// until the next mutation. Slot order is insertion order until the first removal; it is not an API
/// guarantee (Redis does not keep order for its hashtable encoding either).
/// </para>
/// <para>Not thread-safe; the engine serializes access to a key.</para>
/// </remarks>
internal sealed class HashTable : StoredObject, IReadOnlyCollection<KeyValuePair<byte[], byte[]>>
{
    /// <summary>
    /// Estimated bytes per entry on a 64-bit runtime besides the two arrays: the dictionary entry (hash
    /// code 4 + next 4 + key reference 8 + int value 4, padded to 24) + its bucket (4) + the dense slot (two
    /// references, 16). With two non-empty arrays (<see cref="ArrayOverhead"/> each) that makes 92 bytes
    /// per entry beyond the 8-byte-rounded payloads; measured with <see cref="GC.GetTotalMemory(bool)"/> on
    /// 100,000 entries with 8-byte fields and 5-, 8- or 20-byte values in a presized table: 94.4 (the
    /// extra 2.4 is GC bookkeeping). Spare capacity from the doubling growth of the slot array and the
    /// dictionary is deliberately not counted, so that the estimate depends only on the contents.
    /// </summary>
    public const int EntryOverhead = 44;

    /// <summary>
    /// The header of a non-empty <c>byte[]</c> on a 64-bit runtime: object header 8 + method table 8 +
    /// length padded to 8. Empty fields and values cost nothing: they share <see cref="Array.Empty{T}"/>.
    /// </summary>
    public const int ArrayOverhead = 24;

    /// <summary>
    /// Estimated fixed bytes of a table: this object (56) and the dictionary object (80), measured at 136
    /// for an empty table, plus the headers of the dictionary's bucket and entry arrays and of the slot
    /// array (3 × 24) that exist once it holds a field.
    /// </summary>
    public const int TableOverhead = 208;

    private readonly Dictionary<byte[], int> _index;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private Slot[] _slots;
    private int _count;
    private int _version;
    private long _byteSize = TableOverhead;

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">The number of fields to make room for up front.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public HashTable(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _index = new Dictionary<byte[], int>(capacity, FieldComparer.Instance);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
        _slots = capacity == 0 ? [] : new Slot[capacity];
    }

    /// <summary>The number of fields.</summary>
    public override int Count => _count;

    /// <inheritdoc/>
    public override ValueKind Kind => ValueKind.Hash;

    /// <inheritdoc/>
    public override RecordValueType RecordType => RecordValueType.Hash;

    /// <inheritdoc/>
    public override string Encoding => "hashtable";

    /// <summary>
    /// An estimate of the managed memory the table holds: <see cref="TableOverhead"/> plus, per entry,
    /// <see cref="EntryByteSize"/> (<see cref="EntryOverhead"/> and, for the field and the value unless
    /// empty, <see cref="ArrayOverhead"/> plus the length rounded up to 8 bytes). Maintained incrementally
    /// by every mutation, so reading it is O(1).
    /// </summary>
    public override long ByteSize => _byteSize;

    /// <summary>Builds a table holding the entries of a packed hash, in the blob's order.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <returns>A new table.</returns>
    /// <exception cref="InvalidDataException">The blob is corrupt or names a field twice.</exception>
    public static HashTable FromPacked(ReadOnlySpan<byte> blob)
    {
        var table = new HashTable(PackedHash.Count(blob));
        foreach (PackedHash.Entry entry in PackedHash.Enumerate(blob))
        {
            if (table._lookup.ContainsKey(entry.Field))
            {
                throw new InvalidDataException("Corrupt packed hash: a field appears twice.");
            }

            table.Add(entry.Field.ToArray(), entry.Value.ToArray());
        }

        return table;
    }

    /// <summary>Returns the bytes that <see cref="ByteSize"/> accounts for one entry.</summary>
    /// <param name="fieldLength">The field length.</param>
    /// <param name="valueLength">The value length.</param>
    /// <returns>The entry's share of <see cref="ByteSize"/>.</returns>
    public static long EntryByteSize(int fieldLength, int valueLength) =>
        EntryOverhead + ArraySize(fieldLength) + ArraySize(valueLength);

    /// <summary>Looks up a field.</summary>
    /// <param name="field">The field name.</param>
    /// <param name="value">When found, the value array (owned by the table; see the remarks on the class).</param>
    /// <returns><see langword="true"/> if the field exists.</returns>
    public bool TryGetValue(ReadOnlySpan<byte> field, [MaybeNullWhen(false)] out byte[] value)
    {
        if (_lookup.TryGetValue(field, out int index))
        {
            value = _slots[index].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Returns whether a field exists.</summary>
    /// <param name="field">The field name.</param>
    /// <returns><see langword="true"/> if the field exists.</returns>
    public bool Contains(ReadOnlySpan<byte> field) => _lookup.ContainsKey(field);

    /// <summary>
    /// Sets a field. An existing field's value is overwritten in place when the length is unchanged and
    /// replaced by a new array otherwise; a new field copies both spans into new arrays.
    /// </summary>
    /// <param name="field">The field name.</param>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> if the field is new, <see langword="false"/> if it was updated.</returns>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (_lookup.TryGetValue(field, out int index))
        {
            ref Slot slot = ref _slots[index];
            byte[] old = slot.Value;
            if (old.Length == value.Length)
            {
                // CopyTo is a memmove, so a value that is a slice of the old array is still correct.
                value.CopyTo(old);
            }
            else
            {
                slot.Value = value.ToArray();
                _byteSize += ArraySize(value.Length) - ArraySize(old.Length);
            }

            return false;
        }

        Add(field.ToArray(), value.ToArray());
        return true;
    }

    /// <summary>Removes a field.</summary>
    /// <param name="field">The field name.</param>
    /// <returns><see langword="true"/> if the field existed.</returns>
    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (!_lookup.Remove(field, out _, out int index))
        {
            return false;
        }

        Slot[] slots = _slots;
        _byteSize -= EntryByteSize(slots[index].Field.Length, slots[index].Value.Length);
        int last = _count - 1;
        if (index != last)
        {
            slots[index] = slots[last];
            CollectionsMarshal.GetValueRefOrNullRef(_index, slots[index].Field) = index;
        }

        slots[last] = default;
        _count = last;
        _version++;
        return true;
    }

    /// <summary>
    /// Returns the entry in slot <paramref name="index"/>; with <see cref="Count"/> this gives O(1) uniform
    /// random picks (HRANDFIELD) and index-based iteration without an enumerator.
    /// </summary>
    /// <param name="index">A slot from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The field and value arrays (owned by the table).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public KeyValuePair<byte[], byte[]> GetAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        Slot slot = _slots[index];
        return new KeyValuePair<byte[], byte[]>(slot.Field, slot.Value);
    }

    /// <summary>Returns a uniformly chosen entry.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <returns>The field and value arrays (owned by the table).</returns>
    /// <exception cref="InvalidOperationException">The table is empty.</exception>
    public KeyValuePair<byte[], byte[]> GetRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_count == 0)
        {
            throw new InvalidOperationException("The hash table is empty.");
        }

        return GetAt(random.Next(_count));
    }

    /// <summary>
    /// One step of an HSCAN-style iteration that tolerates modifications between calls. Slots are visited
    /// from the highest index down; the cursor is the number of slots still to visit, 0 meaning "start"
    /// when passed in and "finished" when returned.
    /// </summary>
    /// <remarks>
    /// As with Redis's SCAN, every field present for the whole iteration is returned at least once: a
    /// removal only moves the last slot to a lower index, never a not-yet-visited entry to an already
    /// visited index, and additions go above the cursor. A field may be returned twice (when a removal
    /// moves an already visited entry below the cursor) and fields added or removed during the iteration
    /// may or may not be returned.
    /// </remarks>
    /// <param name="cursor">0 to start, or the value returned by the previous call.</param>
    /// <param name="count">The maximum number of entries to add to <paramref name="results"/> (at least 1).</param>
    /// <param name="results">Receives the visited entries (arrays owned by the table).</param>
    /// <returns>The cursor for the next call, or 0 when the iteration is complete.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cursor"/> is negative or <paramref name="count"/> is not positive.</exception>
    public int Scan(int cursor, int count, ICollection<KeyValuePair<byte[], byte[]>> results)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(results);

        int position = cursor == 0 ? _count : Math.Min(cursor, _count);
        int stop = Math.Max(0, position - count);
        while (position > stop)
        {
            position--;
            Slot slot = _slots[position];
            results.Add(new KeyValuePair<byte[], byte[]>(slot.Field, slot.Value));
        }

        return position;
    }

    /// <summary>Returns the size of the packed-hash blob that <see cref="WritePacked"/> writes.</summary>
    /// <returns>The blob size in bytes.</returns>
    /// <exception cref="OverflowException">The blob would not fit in an <see cref="int"/>.</exception>
    public override int GetPackedSize()
    {
        long size = PackedHash.HeaderSize(_count);
        for (int i = 0; i < _count; i++)
        {
            size += PackedHash.EntrySize(_slots[i].Field.Length, _slots[i].Value.Length);
        }

        return checked((int)size);
    }

    /// <summary>Writes the table as a packed-hash blob, in slot order.</summary>
    /// <param name="destination">At least <see cref="GetPackedSize"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public override int WritePacked(Span<byte> destination)
    {
        if (destination.Length < GetPackedSize())
        {
            throw new ArgumentException("The destination is shorter than the packed hash.", nameof(destination));
        }

        var builder = new PackedHash.Builder(destination, _count);
        for (int i = 0; i < _count; i++)
        {
            builder.Add(_slots[i].Field, _slots[i].Value);
        }

        return builder.Finish();
    }

    /// <inheritdoc/>
    public override StoredObject Clone()
    {
        var copy = new HashTable(Count);
        foreach (var pair in this)
        {
            copy.Set(pair.Key, pair.Value);
        }

        return copy;
    }

    /// <summary>Releases spare capacity, for example after many fields were removed.</summary>
    public void TrimExcess()
    {
        _index.TrimExcess();
        if (_slots.Length != _count)
        {
            Array.Resize(ref _slots, _count);
        }
    }

    /// <summary>Returns an allocation-free enumerator over the entries in slot order.</summary>
    /// <returns>The enumerator; it throws if the table's set of fields changes during enumeration.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc/>
    IEnumerator<KeyValuePair<byte[], byte[]>> IEnumerable<KeyValuePair<byte[], byte[]>>.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The estimated size of a <c>byte[]</c> of this length; 0 when empty (shared instance).</summary>
    internal static long ArraySize(int length) => length == 0 ? 0 : ArrayOverhead + ((length + 7L) & ~7L);

    private void Add(byte[] field, byte[] value)
    {
        if (_count == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(4, (int)Math.Min(Array.MaxLength, 2L * _slots.Length)));
        }

        _index.Add(field, _count);
        _slots[_count] = new Slot(field, value);
        _count++;
        _version++;
        _byteSize += EntryByteSize(field.Length, value.Length);
    }

    private struct Slot(byte[] field, byte[] value)
    {
        public byte[] Field = field;
        public byte[] Value = value;
    }

    /// <summary>
    /// Enumerates the entries of a <see cref="HashTable"/> in slot order. A plain struct (not a ref
    /// struct), so it can be kept across awaits while writing a reply; it throws
    /// <see cref="InvalidOperationException"/> if a field was added or removed since it started.
    /// </summary>
    public struct Enumerator : IEnumerator<KeyValuePair<byte[], byte[]>>
    {
        private readonly HashTable _table;
        private readonly int _version;
        private int _index;
        private KeyValuePair<byte[], byte[]> _current;

        internal Enumerator(HashTable table)
        {
            _table = table;
            _version = table._version;
            _index = 0;
            _current = default;
        }

        /// <summary>The current entry (arrays owned by the table).</summary>
        public readonly KeyValuePair<byte[], byte[]> Current => _current;

        /// <inheritdoc/>
        readonly object IEnumerator.Current => _current;

        /// <summary>Advances to the next entry.</summary>
        /// <returns><see langword="false"/> when all entries were visited.</returns>
        /// <exception cref="InvalidOperationException">The table was modified.</exception>
        public bool MoveNext()
        {
            if (_version != _table._version)
            {
                throw new InvalidOperationException("The hash table was modified during enumeration.");
            }

            if (_index >= _table._count)
            {
                _current = default;
                return false;
            }

            Slot slot = _table._slots[_index++];
            _current = new KeyValuePair<byte[], byte[]>(slot.Field, slot.Value);
            return true;
        }

        /// <summary>Restarts the enumeration.</summary>
        public void Reset()
        {
            _index = 0;
            _current = default;
        }

        /// <summary>Does nothing; present for <see cref="IDisposable"/>.</summary>
        public readonly void Dispose()
        {
        }
    }

    /// <summary>
    /// Equality and hashing of field names by content, for <c>byte[]</c> keys and, without allocating,
    /// for <see cref="ReadOnlySpan{T}"/> lookups through an alternate lookup.
    /// </summary>
    /// <remarks>
    /// Hashes with XXH3 (64-bit, folded to 32) under a per-process random seed, so that colliding field
    /// sets cannot be precomputed from the hash function alone. XXH3 is not a keyed PRF like Redis's
    /// SipHash, so this is a mitigation of hash flooding, not a proof against it.
    /// </remarks>
    public sealed class FieldComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        private static readonly long Seed = CreateSeed();

        private FieldComparer()
        {
        }

        /// <summary>The shared instance.</summary>
        public static FieldComparer Instance { get; } = new();

        /// <summary>Hashes a field name; equal contents give equal hashes in this process.</summary>
        /// <param name="field">The field name.</param>
        /// <returns>The hash code.</returns>
        public static int Hash(ReadOnlySpan<byte> field)
        {
            ulong hash = XxHash3.HashToUInt64(field, Seed);
            return (int)hash ^ (int)(hash >> 32);
        }

        /// <inheritdoc/>
        public bool Equals(byte[]? x, byte[]? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        /// <inheritdoc/>
        public int GetHashCode(byte[] obj)
        {
            ArgumentNullException.ThrowIfNull(obj);
            return Hash(obj);
        }

        /// <inheritdoc/>
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) =>
            other is not null && alternate.SequenceEqual(other);

        /// <inheritdoc/>
        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        /// <inheritdoc/>
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static long CreateSeed()
        {
            Span<byte> bytes = stackalloc byte[sizeof(long)];
            RandomNumberGenerator.Fill(bytes);
            return BitConverter.ToInt64(bytes);
        }
    }
}
