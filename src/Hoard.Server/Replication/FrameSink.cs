using System.Globalization;
using Hoard.Storage.Replication;

namespace Hoard.Server.Replication;

/// <summary>
/// Collects a frame's records in a buffer kept for the whole walk: the records go after room left for the
/// header, which <see cref="Framed"/> writes in front of them.
/// </summary>
internal sealed class FrameSink : IRecordSink
{
    private const int HeaderRoom = 16; // a type byte, up to 10 digits, CRLF
    private byte[] _buffer = new byte[1024 * 1024];
    private int _end = HeaderRoom;

    public int Length => _end - HeaderRoom;

    /// <summary>The records collected, valid until the next change.</summary>
    public ReadOnlySpan<byte> Records => _buffer.AsSpan(HeaderRoom, Length);

    /// <summary>The records collected, valid until the next change.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(HeaderRoom, Length);

    public void Write(ReadOnlySpan<byte> record)
    {
        Reserve(record.Length);
        record.CopyTo(_buffer.AsSpan(_end));
        _end += record.Length;
    }

    public void Clear()
    {
        _end = HeaderRoom;
    }

    /// <summary>The frame (header <paramref name="type"/> and length, records, CRLF), valid until the next <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Framed(byte type)
    {
        Span<byte> header = stackalloc byte[HeaderRoom];
        header[0] = type;
        Length.TryFormat(header[1..], out var digits, provider: CultureInfo.InvariantCulture);
        "\r\n"u8.CopyTo(header[(1 + digits)..]);
        var headerLength = digits + 3;
        header[..headerLength].CopyTo(_buffer.AsSpan(HeaderRoom - headerLength));
        Reserve(2);
        "\r\n"u8.CopyTo(_buffer.AsSpan(_end));
        return _buffer.AsMemory(HeaderRoom - headerLength, headerLength + Length + 2);
    }

    private void Reserve(int bytes)
    {
        if (_end + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_end + bytes)));
        }
    }
}
