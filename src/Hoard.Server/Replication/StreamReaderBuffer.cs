using System.Text;

namespace Hoard.Server.Replication;

/// <summary>Buffered reads of a primary's replies: lines, exact byte counts, and whatever the stream has.</summary>
internal sealed class StreamReaderBuffer(Stream stream)
{
    private const int MaxLine = 64 * 1024;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _returnBufferedFirst = true;

    /// <summary>One line without its CRLF.</summary>
    public async Task<string> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline);
                _start += newline + 2;
                return line;
            }

            if (_end - _start > MaxLine)
            {
                throw new InvalidDataException("line too long");
            }

            await FillAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken token)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_end == _start)
            {
                await FillAsync(token).ConfigureAwait(false);
            }

            var n = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(copied));
            _start += n;
            copied += n;
        }

        return result;
    }

    /// <summary>
    /// The bytes buffered and not consumed, after one more read from the stream (the first call returns what the
    /// earlier reads left, if anything): whole records and perhaps the start of one.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> ReadAvailableAsync(CancellationToken token)
    {
        if (!_returnBufferedFirst || _end == _start)
        {
            await FillAsync(token).ConfigureAwait(false);
        }

        _returnBufferedFirst = false;
        return _buffer.AsMemory(_start, _end - _start);
    }

    /// <summary>The bytes read and not consumed yet.</summary>
    public ReadOnlyMemory<byte> Buffered => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Buffered"/> (or of the last <see cref="ReadAvailableAsync"/>) as used.</summary>
    public void Consume(int count) => _start += count;

    /// <summary>Reads more from the stream after the bytes buffered (growing the buffer when they fill it).</summary>
    public async Task FillAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2); // a record larger than the buffer
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), token).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the primary closed the connection");
        }

        _end += read;
    }
}
