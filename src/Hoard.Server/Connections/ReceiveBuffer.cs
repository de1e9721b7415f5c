using System.Buffers;

namespace Hoard.Server.Connections;

/// <summary>
/// A connection's received bytes: one pooled array with the unconsumed bytes in [start, end). Handing the parser a
/// single-segment sequence lets it read arguments in place, without copying. Grows (doubling) only for a request
/// that does not fit; the parser's query-buffer limit bounds it. Not thread-safe: the read loop only.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private const int InitialSize = 16 * 1024;
    private const int ShrinkAbove = 1024 * 1024;
    private byte[] _array = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;

    /// <summary>The unconsumed bytes.</summary>
    public ReadOnlySequence<byte> Data => new(_array, _start, _end - _start);

    /// <summary>Free space after the unconsumed bytes, made by compacting or growing when there is none.</summary>
    public Memory<byte> FreeSpace()
    {
        if (_end == _array.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_array, _start, _array, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_array.Length * 2);
                Buffer.BlockCopy(_array, 0, bigger, 0, _end);
                ArrayPool<byte>.Shared.Return(_array);
                _array = bigger;
            }
        }

        return _array.AsMemory(_end);
    }

    /// <summary>Counts <paramref name="count"/> bytes received into <see cref="FreeSpace"/>.</summary>
    public void Received(int count) => _end += count;

    /// <summary>Drops the bytes before <paramref name="position"/> (a position in <see cref="Data"/>).</summary>
    public void ConsumeTo(SequencePosition position)
    {
        _start = position.GetInteger();
        if (_start != _end)
        {
            return;
        }

        _start = _end = 0;
        if (_array.Length > ShrinkAbove)
        {
            // A one-off large request grew the buffer: give the memory back once it is consumed, as Redis shrinks
            // idle query buffers.
            ArrayPool<byte>.Shared.Return(_array);
            _array = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
    }

    /// <summary>Capacity in bytes (tests observe the shrinking).</summary>
    internal int Capacity => _array.Length;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
    }
}
