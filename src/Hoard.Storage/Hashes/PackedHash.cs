using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Hoard.Storage.Hashes;

/// <summary>
/// The compact encoding of a small hash (the analogue of Redis's listpack encoding): a single byte blob
/// that the engine keeps in native memory, laid out as
/// <c>varint count, then count × (varint field length, field bytes, varint value length, value bytes)</c>,
/// with <see cref="VarInt"/> (unsigned LEB128) integers.
/// </summary>
/// <remarks>
/// <para>
/// Fields are kept in insertion order, as Redis does for listpack hashes: updating a field keeps its
/// position, a new field goes at the end, and deleting one closes the gap. Every operation is a linear
/// scan, which is what makes the encoding only worthwhile while the hash is small; the engine converts to
/// <see cref="HashTable"/> when <see cref="Count"/> or <see cref="MaxFieldOrValueLength"/> exceed its
/// thresholds.
/// </para>
/// <para>
/// Nothing here allocates. Mutations never write into the source blob: the caller asks for the new size
/// (<see cref="SizeAfterSet"/>, <see cref="SizeAfterDelete"/>), provides a destination of at least that
/// size that does not overlap the source, and gets the new blob written there. A value of unchanged length
/// can instead be overwritten in place through the offsets that <see cref="TryGet"/> returns.
/// </para>
/// <para>
/// Blobs are trusted to come from this class, but a length that runs past the end of the blob or a
/// malformed varint throws <see cref="InvalidDataException"/> rather than reading out of bounds;
/// <see cref="IsValid"/> does a full check.
/// </para>
/// </remarks>
internal static class PackedHash
{
    /// <summary>The size of <see cref="Empty"/> in bytes.</summary>
    public const int EmptyLength = 1;

    /// <summary>The blob of a hash with no fields: a single zero count byte. Points at static data.</summary>
    public static ReadOnlySpan<byte> Empty => [0];

    /// <summary>Returns the number of fields in <paramref name="blob"/>; reads only the header.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <returns>The field count.</returns>
    public static int Count(ReadOnlySpan<byte> blob)
    {
        ReadHeader(blob, out int count);
        return count;
    }

    /// <summary>Returns the encoded size of the count header for <paramref name="count"/> fields.</summary>
    /// <param name="count">A field count, zero or more.</param>
    /// <returns>The header size in bytes.</returns>
    public static int HeaderSize(int count) => VarInt.SizeOf((ulong)count);

    /// <summary>Returns the encoded size of one field/value pair with the given lengths.</summary>
    /// <param name="fieldLength">The field length in bytes.</param>
    /// <param name="valueLength">The value length in bytes.</param>
    /// <returns>The entry size in bytes.</returns>
    /// <exception cref="OverflowException">The entry would not fit in an <see cref="int"/>.</exception>
    public static int EntrySize(int fieldLength, int valueLength) =>
        checked(VarInt.SizeOf((ulong)fieldLength) + fieldLength + VarInt.SizeOf((ulong)valueLength) + valueLength);

    /// <summary>Looks up <paramref name="field"/> and returns where its value lies inside the blob.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <param name="field">The field name (any bytes, possibly empty).</param>
    /// <param name="valueOffset">When found, the offset of the value's first byte in <paramref name="blob"/>.</param>
    /// <param name="valueLength">When found, the value's length in bytes (possibly zero).</param>
    /// <returns><see langword="true"/> if the field exists.</returns>
    public static bool TryGet(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, out int valueOffset, out int valueLength)
    {
        if (TryFind(blob, field, out _, out _, out Location location))
        {
            valueOffset = location.ValueOffset;
            valueLength = location.ValueLength;
            return true;
        }

        valueOffset = 0;
        valueLength = 0;
        return false;
    }

    /// <summary>Returns whether <paramref name="field"/> exists in <paramref name="blob"/>.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <param name="field">The field name.</param>
    /// <returns><see langword="true"/> if the field exists.</returns>
    public static bool Contains(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field) =>
        TryFind(blob, field, out _, out _, out _);

    /// <summary>Returns the size of the blob that <see cref="Set"/> would write.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <param name="field">The field to set.</param>
    /// <param name="value">The new value.</param>
    /// <param name="exists">Whether the field already exists (an update rather than an insertion).</param>
    /// <returns>The new blob's size in bytes.</returns>
    /// <exception cref="OverflowException">The new blob would not fit in an <see cref="int"/>.</exception>
    public static int SizeAfterSet(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, out bool exists)
    {
        exists = TryFind(blob, field, out int headerSize, out int count, out Location location);
        return ComputeSizeAfterSet(blob.Length, headerSize, count, exists, in location, field.Length, value.Length);
    }

    /// <summary>
    /// Writes to <paramref name="destination"/> the blob with <paramref name="field"/> set to
    /// <paramref name="value"/>: an existing field keeps its position, a new one is appended.
    /// </summary>
    /// <param name="blob">The current packed hash; not modified.</param>
    /// <param name="field">The field to set.</param>
    /// <param name="value">The new value.</param>
    /// <param name="destination">
    /// Where to write the new blob: at least <see cref="SizeAfterSet"/> bytes, overlapping none of
    /// <paramref name="blob"/>, <paramref name="field"/> and <paramref name="value"/>.
    /// </param>
    /// <returns>The number of bytes written (the new blob's size).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or overlaps an input.</exception>
    public static int Set(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        bool exists = TryFind(blob, field, out int headerSize, out int count, out Location location);
        int size = ComputeSizeAfterSet(blob.Length, headerSize, count, exists, in location, field.Length, value.Length);
        CheckDestination(destination, size, blob, field, value);

        int written;
        if (exists)
        {
            // Everything up to the value length is unchanged, header included.
            blob[..location.ValueLengthOffset].CopyTo(destination);
            written = location.ValueLengthOffset;
            written += VarInt.Write(destination[written..], (ulong)value.Length);
            value.CopyTo(destination[written..]);
            written += value.Length;
            ReadOnlySpan<byte> rest = blob[location.EntryEnd..];
            rest.CopyTo(destination[written..]);
            written += rest.Length;
        }
        else
        {
            written = VarInt.Write(destination, (ulong)count + 1);
            ReadOnlySpan<byte> entries = blob[headerSize..];
            entries.CopyTo(destination[written..]);
            written += entries.Length;
            written += WriteEntry(destination[written..], field, value);
        }

        return written;
    }

    /// <summary>Returns the size of the blob that <see cref="Delete"/> would write, or -1 if the field is absent.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <param name="field">The field to delete.</param>
    /// <returns>The new blob's size in bytes, or -1 when <paramref name="field"/> does not exist.</returns>
    public static int SizeAfterDelete(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field)
    {
        if (!TryFind(blob, field, out int headerSize, out int count, out Location location))
        {
            return -1;
        }

        return ComputeSizeAfterDelete(blob.Length, headerSize, count, in location);
    }

    /// <summary>
    /// Writes to <paramref name="destination"/> the blob without <paramref name="field"/>; the other fields
    /// keep their order.
    /// </summary>
    /// <param name="blob">The current packed hash; not modified.</param>
    /// <param name="field">The field to delete.</param>
    /// <param name="destination">
    /// Where to write the new blob: at least <see cref="SizeAfterDelete"/> bytes, overlapping neither
    /// <paramref name="blob"/> nor <paramref name="field"/>.
    /// </param>
    /// <returns>The number of bytes written, or -1 (and nothing written) when the field does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or overlaps an input.</exception>
    public static int Delete(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, Span<byte> destination)
    {
        if (!TryFind(blob, field, out int headerSize, out int count, out Location location))
        {
            return -1;
        }

        int size = ComputeSizeAfterDelete(blob.Length, headerSize, count, in location);
        CheckDestination(destination, size, blob, field, []);

        int written = VarInt.Write(destination, (ulong)count - 1);
        ReadOnlySpan<byte> before = blob[headerSize..location.EntryStart];
        before.CopyTo(destination[written..]);
        written += before.Length;
        ReadOnlySpan<byte> after = blob[location.EntryEnd..];
        after.CopyTo(destination[written..]);
        written += after.Length;
        return written;
    }

    /// <summary>
    /// Returns the length of the longest field name or value, which with <see cref="Count"/> tells the
    /// engine when to convert to <see cref="HashTable"/> (Redis's <c>hash-max-listpack-value</c>).
    /// </summary>
    /// <param name="blob">A packed hash.</param>
    /// <returns>The longest field or value length in bytes; 0 for an empty hash.</returns>
    public static int MaxFieldOrValueLength(ReadOnlySpan<byte> blob)
    {
        int max = 0;
        foreach (Entry entry in Enumerate(blob))
        {
            max = Math.Max(max, Math.Max(entry.Field.Length, entry.Value.Length));
        }

        return max;
    }

    /// <summary>Returns the entry at position <paramref name="index"/> in insertion order (for HRANDFIELD).</summary>
    /// <param name="blob">A packed hash.</param>
    /// <param name="index">A position from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The entry, whose spans point into <paramref name="blob"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public static Entry GetAt(ReadOnlySpan<byte> blob, int index)
    {
        Enumerator enumerator = Enumerate(blob);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, enumerator.Remaining);
        for (int i = 0; i <= index; i++)
        {
            enumerator.MoveNext();
        }

        return enumerator.Current;
    }

    /// <summary>Returns an allocation-free enumerator over the entries of <paramref name="blob"/>, in order.</summary>
    /// <param name="blob">A packed hash.</param>
    /// <returns>An enumerator usable with <see langword="foreach"/>.</returns>
    public static Enumerator Enumerate(ReadOnlySpan<byte> blob) => new(blob);

    /// <summary>
    /// Checks that <paramref name="blob"/> is well formed: a count followed by exactly that many entries whose
    /// lengths stay inside the blob, and nothing after them. Field uniqueness is not checked.
    /// </summary>
    /// <param name="blob">The bytes to check.</param>
    /// <returns><see langword="true"/> if the structure is valid.</returns>
    public static bool IsValid(ReadOnlySpan<byte> blob)
    {
        try
        {
            int position = ReadHeader(blob, out int count);
            for (int i = 0; i < count; i++)
            {
                position += ReadLength(blob, position, out int fieldLength) + fieldLength;
                position += ReadLength(blob, position, out int valueLength) + valueLength;
            }

            return position == blob.Length;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static int ComputeSizeAfterSet(int blobLength, int headerSize, int count, bool exists, in Location location, int fieldLength, int valueLength)
    {
        long size = exists
            ? (long)blobLength - (location.ValueOffset - location.ValueLengthOffset) - location.ValueLength
                + VarInt.SizeOf((ulong)valueLength) + valueLength
            : (long)blobLength - headerSize + VarInt.SizeOf((ulong)count + 1)
                + VarInt.SizeOf((ulong)fieldLength) + fieldLength + VarInt.SizeOf((ulong)valueLength) + valueLength;
        return size <= Array.MaxLength ? (int)size : ThrowTooLarge();
    }

    private static int ComputeSizeAfterDelete(int blobLength, int headerSize, int count, in Location location) =>
        blobLength - headerSize + VarInt.SizeOf((ulong)count - 1) - (location.EntryEnd - location.EntryStart);

    private static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        int written = VarInt.Write(destination, (ulong)field.Length);
        field.CopyTo(destination[written..]);
        written += field.Length;
        written += VarInt.Write(destination[written..], (ulong)value.Length);
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    private static void CheckDestination(Span<byte> destination, int size, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (destination.Length < size)
        {
            ThrowDestination("The destination is shorter than the new blob.", nameof(destination));
        }

        ReadOnlySpan<byte> target = destination[..size];
        if (target.Overlaps(blob) || target.Overlaps(field) || target.Overlaps(value))
        {
            ThrowDestination("The destination overlaps the source blob, the field or the value.", nameof(destination));
        }
    }

    /// <summary>Finds <paramref name="field"/>; always returns the header size and count, even when absent.</summary>
    private static bool TryFind(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, out int headerSize, out int count, out Location location)
    {
        headerSize = ReadHeader(blob, out count);
        int position = headerSize;
        for (int i = 0; i < count; i++)
        {
            int entryStart = position;
            position += ReadLength(blob, position, out int fieldLength);
            bool match = fieldLength == field.Length && blob.Slice(position, fieldLength).SequenceEqual(field);
            position += fieldLength;
            int valueLengthOffset = position;
            position += ReadLength(blob, position, out int valueLength);
            if (match)
            {
                location = new Location(entryStart, valueLengthOffset, position, valueLength);
                return true;
            }

            position += valueLength;
        }

        location = default;
        return false;
    }

    private static int ReadHeader(ReadOnlySpan<byte> blob, out int count)
    {
        int size = VarInt.Read(blob, out ulong value);
        if (value > int.MaxValue)
        {
            ThrowCorrupt();
        }

        count = (int)value;
        return size;
    }

    /// <summary>Reads a length at <paramref name="position"/> and checks that that many bytes follow it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadLength(ReadOnlySpan<byte> blob, int position, out int length)
    {
        // An empty remainder makes VarInt.Read throw InvalidDataException, as a truncated blob should.
        int size = VarInt.Read(blob[position..], out ulong value);
        if (value > (ulong)(blob.Length - position - size))
        {
            ThrowCorrupt();
        }

        length = (int)value;
        return size;
    }

    [DoesNotReturn]
    private static void ThrowCorrupt() =>
        throw new InvalidDataException("Corrupt packed hash: a count or length runs past the end of the blob.");

    [DoesNotReturn]
    private static int ThrowTooLarge() =>
        throw new OverflowException("The packed hash would exceed the maximum blob size.");

    [DoesNotReturn]
    private static void ThrowDestination(string message, string paramName) =>
        throw new ArgumentException(message, paramName);

    /// <summary>Where a found entry lies in a blob.</summary>
    private readonly struct Location(int entryStart, int valueLengthOffset, int valueOffset, int valueLength)
    {
        /// <summary>Offset of the entry's field-length varint.</summary>
        public readonly int EntryStart = entryStart;

        /// <summary>Offset of the entry's value-length varint.</summary>
        public readonly int ValueLengthOffset = valueLengthOffset;

        /// <summary>Offset of the value's first byte.</summary>
        public readonly int ValueOffset = valueOffset;

        /// <summary>Length of the value.</summary>
        public readonly int ValueLength = valueLength;

        /// <summary>Offset just past the entry.</summary>
        public int EntryEnd => ValueOffset + ValueLength;
    }

    /// <summary>One field/value pair of a packed hash, as spans into the blob plus their offsets.</summary>
    public readonly ref struct Entry
    {
        internal Entry(ReadOnlySpan<byte> blob, int fieldOffset, int fieldLength, int valueOffset, int valueLength)
        {
            Field = blob.Slice(fieldOffset, fieldLength);
            Value = blob.Slice(valueOffset, valueLength);
            FieldOffset = fieldOffset;
            ValueOffset = valueOffset;
        }

        /// <summary>The field name.</summary>
        public ReadOnlySpan<byte> Field { get; }

        /// <summary>The value.</summary>
        public ReadOnlySpan<byte> Value { get; }

        /// <summary>The offset of <see cref="Field"/>'s first byte in the blob.</summary>
        public int FieldOffset { get; }

        /// <summary>The offset of <see cref="Value"/>'s first byte in the blob.</summary>
        public int ValueOffset { get; }

        /// <summary>Deconstructs into field and value, for <c>foreach (var (field, value) in ...)</c>.</summary>
        /// <param name="field">The field name.</param>
        /// <param name="value">The value.</param>
        public void Deconstruct(out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
        {
            field = Field;
            value = Value;
        }
    }

    /// <summary>
    /// Walks the entries of a packed hash in insertion order without allocating; also its own enumerable,
    /// so <c>foreach (var entry in PackedHash.Enumerate(blob))</c> works.
    /// </summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _blob;
        private int _position;
        private int _remaining;
        private Entry _current;

        internal Enumerator(ReadOnlySpan<byte> blob)
        {
            _blob = blob;
            _position = ReadHeader(blob, out _remaining);
            _current = default;
        }

        /// <summary>The entry at the current position; valid after <see cref="MoveNext"/> returned true.</summary>
        public readonly Entry Current => _current;

        /// <summary>The number of entries not yet visited.</summary>
        public readonly int Remaining => _remaining;

        /// <summary>Returns this enumerator, which makes the struct usable in <see langword="foreach"/>.</summary>
        /// <returns>A copy of this enumerator.</returns>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Advances to the next entry.</summary>
        /// <returns><see langword="false"/> once all entries were visited.</returns>
        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            int position = _position;
            position += ReadLength(_blob, position, out int fieldLength);
            int fieldOffset = position;
            position += fieldLength;
            position += ReadLength(_blob, position, out int valueLength);
            _current = new Entry(_blob, fieldOffset, fieldLength, position, valueLength);
            _position = position + valueLength;
            _remaining--;
            return true;
        }
    }

    /// <summary>
    /// Writes a packed hash from scratch into caller-provided memory: the count is written first, then one
    /// <see cref="Add"/> per entry. Size the destination with <see cref="HeaderSize"/> plus the sum of
    /// <see cref="EntrySize"/>. Field names must be distinct; the builder does not check (that would be
    /// quadratic), so use it for data that is already a set, such as a <see cref="HashTable"/>.
    /// </summary>
    public ref struct Builder
    {
        private readonly Span<byte> _destination;
        private readonly int _count;
        private int _added;
        private int _position;

        /// <summary>Starts a blob of <paramref name="count"/> entries by writing its header.</summary>
        /// <param name="destination">Where to write the blob.</param>
        /// <param name="count">The exact number of entries that will be added.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is too short for the header.</exception>
        public Builder(Span<byte> destination, int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            _destination = destination;
            _count = count;
            _added = 0;
            _position = VarInt.Write(destination, (ulong)count);
        }

        /// <summary>The number of bytes written so far.</summary>
        public readonly int BytesWritten => _position;

        /// <summary>Appends one entry.</summary>
        /// <param name="field">The field name, not already added.</param>
        /// <param name="value">The value.</param>
        /// <exception cref="InvalidOperationException">
        /// All announced entries were already added, or the destination is too short.
        /// </exception>
        public void Add(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
        {
            if (_added == _count)
            {
                throw new InvalidOperationException("More entries were added than the builder was created for.");
            }

            if (_destination.Length - _position < EntrySize(field.Length, value.Length))
            {
                throw new InvalidOperationException("The builder's destination is too short for the entries added.");
            }

            _position += WriteEntry(_destination[_position..], field, value);
            _added++;
        }

        /// <summary>Checks that every announced entry was added and returns the blob's size.</summary>
        /// <returns>The number of bytes written.</returns>
        /// <exception cref="InvalidOperationException">Fewer entries were added than announced.</exception>
        public readonly int Finish()
        {
            if (_added != _count)
            {
                throw new InvalidOperationException(
                    $"The builder was created for {_count} entries but {_added} were added.");
            }

            return _position;
        }
    }
}
