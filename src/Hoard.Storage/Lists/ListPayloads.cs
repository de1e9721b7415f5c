using Hoard.Storage.Hashes;
using Hoard.Storage.Objects;

namespace Hoard.Storage.Lists;

/// <summary>
/// The payload of a list operation record (<see cref="ListOperation"/>): up to two unsigned numbers, then up to two
/// elements in the packed entry form, as the operation's layout says. Written straight into the record.
/// </summary>
internal readonly ref struct ListPayload : IOperationPayload
{
    private readonly ulong _first;
    private readonly ulong _second;
    private readonly ReadOnlySpan<byte> _x;
    private readonly ReadOnlySpan<byte> _y;
    private readonly byte _numbers;
    private readonly byte _elements;

    private ListPayload(byte numbers, ulong first, ulong second, byte elements, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        _numbers = numbers;
        _first = first;
        _second = second;
        _elements = elements;
        _x = x;
        _y = y;
    }

    /// <summary>A pop's count.</summary>
    public static ListPayload Count(int count) => new(1, (ulong)count, 0, 0, default, default);

    /// <summary>LSET's index and element.</summary>
    public static ListPayload Set(long index, ReadOnlySpan<byte> element) => new(1, (ulong)index, 0, 1, element, default);

    /// <summary>LINSERT's side, pivot and element.</summary>
    public static ListPayload Insert(bool before, ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element) =>
        new(1, before ? 1UL : 0UL, 0, 2, pivot, element);

    /// <summary>LREM's count (zigzag) and element.</summary>
    public static ListPayload Remove(long count, ReadOnlySpan<byte> element) =>
        new(1, (ulong)((count << 1) ^ (count >> 63)), 0, 1, element, default);

    /// <summary>LTRIM's kept range.</summary>
    public static ListPayload Trim(int from, int to) => new(2, (ulong)from, (ulong)to, 0, default, default);

    /// <inheritdoc/>
    public int Length =>
        (_numbers > 0 ? VarInt.SizeOf(_first) : 0) + (_numbers > 1 ? VarInt.SizeOf(_second) : 0)
        + (_elements > 0 ? PackedElements.EntrySize(_x.Length) : 0) + (_elements > 1 ? PackedElements.EntrySize(_y.Length) : 0);

    /// <inheritdoc/>
    public void Write(Span<byte> destination)
    {
        var p = 0;
        if (_numbers > 0)
        {
            p += VarInt.Write(destination, _first);
        }

        if (_numbers > 1)
        {
            p += VarInt.Write(destination[p..], _second);
        }

        if (_elements > 0)
        {
            p += PackedElements.WriteEntry(destination[p..], _x);
        }

        if (_elements > 1)
        {
            PackedElements.WriteEntry(destination[p..], _y);
        }
    }

    /// <summary>Reads a payload's numbers and elements back, checking it is exactly that.</summary>
    public ref struct Reader(ReadOnlySpan<byte> payload)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _position;

        /// <summary>The next number.</summary>
        /// <exception cref="InvalidDataException">The payload ends or the number is malformed.</exception>
        public ulong Number()
        {
            if (_position >= _payload.Length)
            {
                throw new InvalidDataException("A list operation's payload ends inside a number.");
            }

            _position += VarInt.Read(_payload[_position..], out var value);
            return value;
        }

        /// <summary>The next number, which must fit an int.</summary>
        public int Int32()
        {
            var value = Number();
            return value <= int.MaxValue ? (int)value : throw new InvalidDataException("A list operation's number is out of range.");
        }

        /// <summary>The next element.</summary>
        public ReadOnlySpan<byte> Element()
        {
            var length = Int32();
            if (length > _payload.Length - _position)
            {
                throw new InvalidDataException("A list operation's element runs past its payload.");
            }

            var element = _payload.Slice(_position, length);
            _position += length;
            return element;
        }

        /// <summary>Checks nothing follows.</summary>
        public readonly void End()
        {
            if (_position != _payload.Length)
            {
                throw new InvalidDataException("A list operation's payload has bytes after its fields.");
            }
        }
    }
}
