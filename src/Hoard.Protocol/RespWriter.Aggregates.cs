namespace Hoard.Protocol;

public ref partial struct RespWriter
{
    /// <summary>
    /// Writes an <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#arrays">array</see> header,
    /// <c>*count\r\n</c>; the <paramref name="count"/> elements follow.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            WriteBytes("*0\r\n"u8);
            return;
        }

        WritePrefixed((byte)'*', count);
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#maps">map</see> header for
    /// <paramref name="count"/> key-value pairs: RESP3 <c>%count\r\n</c>, RESP2 a flat array <c>*(2×count)\r\n</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Version == RespVersion.Resp3)
        {
            WritePrefixed((byte)'%', count);
        }
        else
        {
            WritePrefixed((byte)'*', 2L * count);
        }
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#sets">set</see> header: RESP3
    /// <c>~count\r\n</c>, RESP2 an array header.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteSetHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WritePrefixed(Version == RespVersion.Resp3 ? (byte)'~' : (byte)'*', count);
    }

    /// <summary>
    /// Writes a <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#pushes">push</see> header
    /// (pub/sub messages, invalidations): RESP3 <c>&gt;count\r\n</c>, RESP2 an array header, as Redis sends pub/sub
    /// messages to RESP2 clients.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WritePushHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WritePrefixed(Version == RespVersion.Resp3 ? (byte)'>' : (byte)'*', count);
    }
}
