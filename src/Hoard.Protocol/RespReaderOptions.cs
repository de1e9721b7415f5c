namespace Hoard.Protocol;

/// <summary>
/// The request limits Redis makes configurable, shared by every connection's <see cref="RespReader"/> so that a
/// <c>CONFIG SET</c> applies at once. Reads are unsynchronised: a change reaches each reader at its next header.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/">RESP specification</see>.
/// </summary>
public sealed class RespReaderOptions
{
    /// <summary>Redis's default proto-max-bulk-len: 512 MB.</summary>
    public const long DefaultMaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Redis's default client-query-buffer-limit: 1 GB.</summary>
    public const long DefaultQueryBufferLimit = 1024L * 1024 * 1024;

    /// <summary>The smallest value Redis accepts for either limit: 1 MB.</summary>
    public const long MinimumLimit = 1024 * 1024;

    private long _maxBulkLength = DefaultMaxBulkLength;
    private long _queryBufferLimit = DefaultQueryBufferLimit;

    /// <summary>
    /// proto-max-bulk-len: the longest argument a request may carry; a longer <c>$</c> length is
    /// <c>Protocol error: invalid bulk length</c>. From 1 MB to <see cref="Array.MaxLength"/> (an argument lives in one
    /// array; Redis allows up to 2^63-1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside that range.</exception>
    public long MaxBulkLength
    {
        get => Volatile.Read(ref _maxBulkLength);
        set => Volatile.Write(ref _maxBulkLength, CheckRange(value));
    }

    /// <summary>
    /// client-query-buffer-limit: the most input a connection may hold while a command is incomplete; beyond it
    /// <see cref="RespReader.TryRead"/> reports <see cref="ProtocolErrorKind.QueryBufferLimitExceeded"/>. From 1 MB to
    /// <see cref="Array.MaxLength"/> (Redis allows up to 2^63-1). Unlike Redis, which counts only the bytes not yet
    /// parsed into arguments, Hoard counts the whole pending command, since it keeps it in the input until complete.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside that range.</exception>
    public long QueryBufferLimit
    {
        get => Volatile.Read(ref _queryBufferLimit);
        set => Volatile.Write(ref _queryBufferLimit, CheckRange(value));
    }

    private static long CheckRange(long value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, MinimumLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Array.MaxLength);
        return value;
    }
}
