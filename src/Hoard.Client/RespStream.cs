using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Client;

/// <summary>
/// Just enough RESP for a notice connection: commands out, replies and pushes in (strings become <see cref="string"/>,
/// aggregates <c>object?[]</c>, a push a <see cref="RespPush"/>, errors <see cref="RespError"/>).
/// </summary>
internal sealed class RespStream(NetworkStream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task SendAsync(CancellationToken token, params string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), token).ConfigureAwait(false);
    }

    public async Task<object?> ReadAsync(CancellationToken token)
    {
        var line = await ReadLineAsync(token).ConfigureAwait(false);
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                return new RespError(body);
            case ':':
                return long.Parse(body, CultureInfo.InvariantCulture);
            case '_':
                return null;
            case '$':
            case '=':
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                return length < 0 ? null : Encoding.UTF8.GetString(await ReadExactAsync(length + 2, token).ConfigureAwait(false), 0, length);
            case '*':
            case '~':
            case '>':
            case '%':
                var count = int.Parse(body, CultureInfo.InvariantCulture) * (line[0] == '%' ? 2 : 1);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync(token).ConfigureAwait(false);
                }

                return line[0] == '>' ? new RespPush(items) : items;
            default:
                return body; // simple scalars of RESP3 (#, ,, (): their text
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken token)
    {
        while (true)
        {
            var end = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (end > _start && _buffer[end - 1] == (byte)'\r')
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, end - 1 - _start);
                _start = end + 1;
                return line;
            }

            await FillAsync(token).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken token)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(token).ConfigureAwait(false);
            }

            var n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }

        return result;
    }

    private async Task FillAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("a line longer than the buffer");
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), token).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the node closed the connection");
        }

        _end += read;
    }
}

/// <summary>An error reply.</summary>
internal sealed record RespError(string Message);

/// <summary>A RESP3 push frame.</summary>
internal sealed record RespPush(object?[] Items);
