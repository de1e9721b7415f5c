using System.Buffers.Text;

namespace Hoard.Protocol;

public ref partial struct RespWriter
{
    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-strings">simple
    /// string</see>, <c>+text\r\n</c>. CR and LF in <paramref name="text"/> become spaces, as a simple string is one line.
    /// </summary>
    public void WriteSimpleString(scoped ReadOnlySpan<byte> text)
    {
        Reserve(1)[0] = (byte)'+';
        Advance(1);
        WriteLine(text);
        WriteCrlf();
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8 encoded) as a simple string; see <see cref="WriteSimpleString(ReadOnlySpan{byte})"/>.</summary>
    public void WriteSimpleString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Reserve(1)[0] = (byte)'+';
        Advance(1);
        WriteUtf8(text, oneLine: true);
        WriteCrlf();
    }

    /// <summary>Writes <c>+OK\r\n</c>.</summary>
    public void WriteOk() => WriteBytes("+OK\r\n"u8);

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors">simple
    /// error</see>, <c>-message\r\n</c>. <paramref name="message"/> is the full text, error code first
    /// (<c>ERR unknown command 'foo'</c>, <c>WRONGTYPE …</c>); CR and LF in it become spaces, as Redis does.
    /// </summary>
    public void WriteError(scoped ReadOnlySpan<byte> message)
    {
        ErrorsWritten++;
        Reserve(1)[0] = (byte)'-';
        Advance(1);
        WriteLine(message);
        WriteCrlf();
    }

    /// <summary>Writes <paramref name="message"/> (UTF-8 encoded) as an error; see <see cref="WriteError(ReadOnlySpan{byte})"/>.</summary>
    public void WriteError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ErrorsWritten++;
        Reserve(1)[0] = (byte)'-';
        Advance(1);
        WriteUtf8(message, oneLine: true);
        WriteCrlf();
    }

    /// <summary>
    /// Writes a protocol error as Redis does before closing the connection: <c>-ERR Protocol error: …\r\n</c>.
    /// Writes nothing when the error has no reply (<see cref="ProtocolError.HasReply"/>).
    /// </summary>
    public void WriteError(in ProtocolError error)
    {
        if (!error.HasReply)
        {
            return;
        }

        var span = Reserve(ProtocolError.MaxMessageLength + 7);
        "-ERR "u8.CopyTo(span);
        var length = 5 + error.FormatMessage(span[5..]);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        Advance(length + 2);
    }

    /// <summary>Writes an <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#integers">integer</see>, <c>:value\r\n</c>.</summary>
    public void WriteInteger(long value)
    {
        switch (value)
        {
            case 0:
                WriteBytes(":0\r\n"u8);
                break;
            case 1:
                WriteBytes(":1\r\n"u8);
                break;
            default:
                WritePrefixed((byte)':', value);
                break;
        }
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#bulk-strings">bulk
    /// string</see>, <c>$length\r\nbytes\r\n</c>; binary-safe.
    /// </summary>
    public void WriteBulkString(scoped ReadOnlySpan<byte> value)
    {
        WritePrefixed((byte)'$', value.Length);
        WriteBytes(value);
        WriteCrlf();
    }

    /// <summary>Writes <paramref name="value"/> (UTF-8 encoded) as a bulk string.</summary>
    public void WriteBulkString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteUtf8(value, oneLine: false);
    }

    /// <summary>Writes the decimal text of <paramref name="value"/> as a bulk string, as Redis's <c>addReplyBulkLongLong</c>.</summary>
    public void WriteBulkString(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        WriteBulkString(digits[..length]);
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#nulls">null</see>: RESP3
    /// <c>_\r\n</c>, RESP2 the null bulk string <c>$-1\r\n</c>.
    /// </summary>
    public void WriteNull() => WriteBytes(Version == RespVersion.Resp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>
    /// Writes a null where an array was expected: RESP3 <c>_\r\n</c>, RESP2 the null array <c>*-1\r\n</c>.
    /// See <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#null-arrays">null arrays</see>.
    /// </summary>
    public void WriteNullArray() => WriteBytes(Version == RespVersion.Resp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#booleans">boolean</see>: RESP3
    /// <c>#t\r\n</c> / <c>#f\r\n</c>, RESP2 the integers <c>:1\r\n</c> / <c>:0\r\n</c>.
    /// </summary>
    public void WriteBoolean(bool value) => WriteBytes(Version == RespVersion.Resp3
        ? value ? "#t\r\n"u8 : "#f\r\n"u8
        : value ? ":1\r\n"u8 : ":0\r\n"u8);

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#doubles">double</see>: RESP3
    /// <c>,1.5\r\n</c>, RESP2 the bulk string <c>$3\r\n1.5\r\n</c>. Formatted as Redis 7.2+ does (<c>inf</c>, <c>-inf</c>,
    /// <c>nan</c>, integral values as integers, otherwise the shortest round-trip digits: <c>0.1</c>, <c>1.5e-7</c>,
    /// <c>1e+100</c>).
    /// </summary>
    public void WriteDouble(double value)
    {
        Span<byte> text = stackalloc byte[RespDouble.MaxLength];
        var length = RespDouble.Format(value, text);
        if (Version == RespVersion.Resp2)
        {
            WriteBulkString(text[..length]);
            return;
        }

        var span = Reserve(length + 3);
        span[0] = (byte)',';
        text[..length].CopyTo(span[1..]);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        Advance(length + 3);
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#big-numbers">big number</see>
    /// given as its decimal digits (optionally <c>-</c> first): RESP3 <c>(digits\r\n</c>, RESP2 a bulk string.
    /// </summary>
    public void WriteBigNumber(scoped ReadOnlySpan<byte> digits)
    {
        if (Version == RespVersion.Resp2)
        {
            WriteBulkString(digits);
            return;
        }

        Reserve(1)[0] = (byte)'(';
        Advance(1);
        WriteLine(digits);
        WriteCrlf();
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#verbatim-strings">verbatim
    /// string</see> of format <c>txt</c>: RESP3 <c>=length\r\ntxt:text\r\n</c>, RESP2 a bulk string of the text.
    /// </summary>
    public void WriteVerbatim(scoped ReadOnlySpan<byte> text) => WriteVerbatim(text, "txt"u8);

    /// <summary>
    /// Writes a verbatim string of the given format (<c>txt</c>, <c>mkd</c>); as Redis does, the format is cut or
    /// padded with spaces to three bytes. RESP2 gets a bulk string of the text.
    /// </summary>
    public void WriteVerbatim(scoped ReadOnlySpan<byte> text, scoped ReadOnlySpan<byte> format)
    {
        if (Version == RespVersion.Resp2)
        {
            WriteBulkString(text);
            return;
        }

        WritePrefixed((byte)'=', text.Length + 4L);
        var span = Reserve(4);
        for (var i = 0; i < 3; i++)
        {
            span[i] = i < format.Length ? format[i] : (byte)' ';
        }

        span[3] = (byte)':';
        Advance(4);
        WriteBytes(text);
        WriteCrlf();
    }

    private void WriteCrlf() => WriteBytes("\r\n"u8);
}
