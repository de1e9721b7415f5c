using Hoard.Storage.Hashes;

namespace Hoard.Storage.Objects;

/// <summary>
/// The packed elements form of lists and sets in records and DUMP payloads, and of the element lists that object
/// operation records carry: <c>varint count, count × (varint length, bytes)</c> (unsigned LEB128 varints).
/// </summary>
public static class PackedElements
{
    /// <summary>The bytes the packed form of <paramref name="elements"/> takes.</summary>
    public static int SizeOf<TElements>(in TElements elements) where TElements : IElements, allows ref struct
    {
        var size = VarInt.SizeOf((uint)elements.Count);
        for (var i = 0; i < elements.Count; i++)
        {
            size += EntrySize(elements[i].Length);
        }

        return size;
    }

    /// <summary>The bytes one element of <paramref name="length"/> bytes takes.</summary>
    public static int EntrySize(int length) => VarInt.SizeOf((uint)length) + length;

    /// <summary>Writes the packed form of <paramref name="elements"/>; returns the bytes written.</summary>
    public static int Write<TElements>(Span<byte> destination, in TElements elements) where TElements : IElements, allows ref struct
    {
        var p = VarInt.Write(destination, (uint)elements.Count);
        for (var i = 0; i < elements.Count; i++)
        {
            p += WriteEntry(destination[p..], elements[i]);
        }

        return p;
    }

    /// <summary>Writes the count that starts a packed form; returns the bytes written.</summary>
    public static int WriteCount(Span<byte> destination, int count) => VarInt.Write(destination, (uint)count);

    /// <summary>Writes one element; returns the bytes written.</summary>
    public static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> element)
    {
        var p = VarInt.Write(destination, (uint)element.Length);
        element.CopyTo(destination[p..]);
        return p + element.Length;
    }

    /// <summary>Reads a packed form whole, checking it: its elements as arrays.</summary>
    /// <exception cref="InvalidDataException">The bytes are not exactly one packed form.</exception>
    public static byte[][] ToArray(ReadOnlySpan<byte> packed)
    {
        var reader = new Reader(packed);
        var elements = new byte[reader.Count][];
        for (var i = 0; i < elements.Length; i++)
        {
            elements[i] = reader.Next().ToArray();
        }

        reader.EnsureEnd();
        return elements;
    }

    /// <summary>Reads a packed form element by element, checking lengths as it goes.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _packed;
        private int _position;
        private int _left;

        /// <summary>Starts reading <paramref name="packed"/>.</summary>
        /// <exception cref="InvalidDataException">The count is malformed or larger than the bytes could hold.</exception>
        public Reader(ReadOnlySpan<byte> packed)
        {
            _packed = packed;
            Count = ReadLength(packed, ref _position);
            if (Count > packed.Length - _position)
            {
                throw new InvalidDataException($"A packed form claims {Count} elements in {packed.Length} bytes.");
            }

            _left = Count;
        }

        /// <summary>The number of elements.</summary>
        public int Count { get; }

        /// <summary>Whether elements are left to read.</summary>
        public readonly bool HasNext => _left > 0;

        /// <summary>The position after the last element read (where a caller's own fields may follow).</summary>
        public readonly int Position => _position;

        /// <summary>The next element.</summary>
        /// <exception cref="InvalidDataException">None is left, or its length runs past the end.</exception>
        public ReadOnlySpan<byte> Next()
        {
            if (_left-- <= 0)
            {
                throw new InvalidDataException("A packed form has fewer elements than its count.");
            }

            var length = ReadLength(_packed, ref _position);
            if (length > _packed.Length - _position)
            {
                throw new InvalidDataException("A packed element runs past the end of its form.");
            }

            var element = _packed.Slice(_position, length);
            _position += length;
            return element;
        }

        /// <summary>Reads <paramref name="bytes"/> raw bytes that follow an element (a sorted set's score).</summary>
        /// <exception cref="InvalidDataException">They run past the end.</exception>
        public ReadOnlySpan<byte> NextRaw(int bytes)
        {
            if (bytes > _packed.Length - _position)
            {
                throw new InvalidDataException("A packed form ends inside an element.");
            }

            var raw = _packed.Slice(_position, bytes);
            _position += bytes;
            return raw;
        }

        /// <summary>Checks every element was read and nothing follows.</summary>
        /// <exception cref="InvalidDataException">Elements are left or bytes follow.</exception>
        public readonly void EnsureEnd()
        {
            if (_left != 0 || _position != _packed.Length)
            {
                throw new InvalidDataException("A packed form has bytes after its last element.");
            }
        }

        private static int ReadLength(ReadOnlySpan<byte> packed, ref int position)
        {
            if (position >= packed.Length)
            {
                throw new InvalidDataException("A packed form ends inside a length.");
            }

            position += VarInt.Read(packed[position..], out var value);
            return value <= int.MaxValue ? (int)value : throw new InvalidDataException("A packed length is out of range.");
        }
    }
}
