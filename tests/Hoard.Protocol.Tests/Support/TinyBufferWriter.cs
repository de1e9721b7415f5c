using System.Buffers;

namespace Hoard.Protocol.Tests.Support;

/// <summary>An <see cref="IBufferWriter{T}"/> that hands out spans of exactly the size asked, or <c>size</c> bytes if more, like a pipe near the end of a segment.</summary>
public sealed class TinyBufferWriter(int size) : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _scratch = [];

    public int Calls { get; private set; }

    public byte[] Written => [.. _written];

    public void Advance(int count) => _written.AddRange(_scratch.AsSpan(0, count));

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Calls++;
        _scratch = new byte[Math.Max(sizeHint, size)];
        return _scratch;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
