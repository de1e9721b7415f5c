using System.Buffers;

namespace Hoard.Protocol;

/// <summary>
/// Frames client requests — multibulk arrays (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>) and inline commands
/// (<c>GET k\r\n</c>) — straight from the <see cref="ReadOnlySequence{T}"/> a <c>PipeReader</c> hands out, with Redis 7's
/// limits and error texts (networking.c, <c>processMultibulkBuffer</c> and <c>processInlineBuffer</c>).
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/#sending-commands-to-a-redis-server">RESP
/// specification</see>.
/// </summary>
/// <remarks>
/// <para>One reader per connection; not thread-safe. The intended loop:</para>
/// <code>
/// var buffer = result.Buffer;
/// while (reader.TryRead(ref buffer, command, out var error)) { Execute(command); }
/// if (error.IsError) { if (error.HasReply) writer.WriteError(error); /* then close */ }
/// pipeReader.AdvanceTo(buffer.Start, buffer.End); // then ReadAsync, or ReadAtLeastAsync(reader.BytesNeeded)
/// </code>
/// <para>
/// Like Redis, the reader treats a buffer starting with <c>*</c> as multibulk and anything else as inline; skips empty
/// requests (<c>*0</c>, any negative count, blank inline lines); stops a header line at its first CR and skips the byte
/// after it unchecked, as it skips the two bytes after bulk data; and never finds a line end past a NUL byte (the line
/// then grows until the 64 KB limit). Where Redis's verdict on a line longer than 64 KB depends on how the bytes were
/// chunked by reads, this reader always rejects it, so the outcome never depends on segmentation.
/// </para>
/// <para>
/// A request split across reads is resumed, not re-parsed: the arguments already complete are copied into the
/// <see cref="CommandBuffer"/> and remembered, so the next call must pass the same unconsumed input with more appended
/// (exactly what <c>AdvanceTo(buffer.Start, buffer.End)</c> gives) and the same command buffer. Passing anything else
/// (a shorter buffer, another command buffer) restarts the request from the buffer's start; <see cref="Reset"/> does so
/// explicitly.
/// </para>
/// </remarks>
public sealed partial class RespReader
{
    /// <summary>PROTO_INLINE_MAX_SIZE: the longest inline request or header line, 64 KB.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>The most arguments Redis accepts in a multibulk header before authentication.</summary>
    public const int UnauthenticatedMaxArguments = 10;

    /// <summary>The longest argument Redis accepts before authentication.</summary>
    public const int UnauthenticatedMaxBulkLength = 16 * 1024;

    // The multibulk request being resumed, if any: it is being filled into _pendingCommand, its next element header
    // starts _resumeOffset bytes into the input, _remaining elements are still to come, and the input was
    // _pendingLength bytes long when the request was found incomplete.
    private CommandBuffer? _pendingCommand;
    private long _resumeOffset;
    private int _remaining;
    private long _pendingLength;

    /// <summary>Creates a reader with its own default limits.</summary>
    public RespReader()
        : this(new RespReaderOptions())
    {
    }

    /// <summary>Creates a reader whose limits are <paramref name="options"/>, typically shared by every connection.</summary>
    public RespReader(RespReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The limits this reader applies.</summary>
    public RespReaderOptions Options { get; }

    /// <summary>
    /// True while the connection still has to authenticate (Redis's <c>authRequired</c>): requests are then limited to
    /// 10 arguments and 16 KB per argument, as in Redis. (Redis 7.4 also caps such a client's query buffer at 1 MB;
    /// here a pending request is all the reader buffers, and those two limits already keep it far below that.)
    /// </summary>
    public bool AuthRequired { get; set; }

    /// <summary>
    /// After <see cref="TryRead"/> returned false without an error: how long the input (counted from the buffer's start
    /// as <c>TryRead</c> left it) must grow before another call can make progress — through the end of the argument
    /// being read once its length is known, so a large value costs one more call, not one per read. Suits
    /// <c>PipeReader.ReadAtLeastAsync</c>. Otherwise 0.
    /// </summary>
    public long BytesNeeded { get; private set; }

    /// <summary>True while a multibulk request is partly parsed and waiting for more input.</summary>
    public bool HasPartialRequest => _pendingCommand is not null;

    /// <summary>
    /// Parses the next request at the start of <paramref name="buffer"/> into <paramref name="command"/>.
    /// </summary>
    /// <param name="buffer">
    /// The unconsumed input. On success it is sliced past the request; on false it is sliced only past empty requests
    /// that were skipped, never into an incomplete one.
    /// </param>
    /// <param name="command">The connection's reusable command buffer, filled on success.</param>
    /// <param name="error">
    /// Set when false is returned because of a protocol error (see <see cref="ProtocolError.HasReply"/>); the
    /// connection must then be closed. Default (no error) when false means "need more input".
    /// </param>
    /// <returns>True when a complete, non-empty request was parsed.</returns>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, CommandBuffer command, out ProtocolError error)
    {
        ArgumentNullException.ThrowIfNull(command);
        error = default;
        BytesNeeded = 0;
        if (_pendingCommand is not null && (!ReferenceEquals(_pendingCommand, command) || buffer.Length < _pendingLength))
        {
            Reset();
        }

        while (!buffer.IsEmpty)
        {
            var frame = Frame.Incomplete;
            long consumed = 0;
            if (_pendingCommand is null)
            {
                // The common case: a whole multibulk request in the first segment, parsed without copying.
                frame = TryReadContiguous(buffer.First, command, out var contiguous);
                consumed = contiguous;
            }

            if (frame == Frame.Incomplete)
            {
                frame = _pendingCommand is not null || FirstByte(buffer) == (byte)'*'
                    ? ReadMultibulk(buffer, command, out consumed, out error)
                    : ReadInline(buffer, command, out consumed, out error);
            }

            switch (frame)
            {
                case Frame.Command:
                    buffer = buffer.Slice(consumed);
                    return true;
                case Frame.Empty:
                    buffer = buffer.Slice(consumed);
                    continue;
                case Frame.Incomplete:
                    return Incomplete(buffer.Length, out error);
                default:
                    Reset();
                    return false;
            }
        }

        BytesNeeded = 1;
        return false;
    }

    /// <summary>Forgets a partly parsed request, so that the next <see cref="TryRead"/> starts afresh.</summary>
    public void Reset()
    {
        _pendingCommand = null;
        _resumeOffset = 0;
        _remaining = 0;
        _pendingLength = 0;
    }

    private bool Incomplete(long buffered, out ProtocolError error)
    {
        error = default;
        _pendingLength = buffered;
        var limit = Options.QueryBufferLimit;
        // Redis closes the client once the query buffer holds more than the limit; when the request's full size is
        // known (its last argument's length was read) and above the limit, the outcome is the same, only sooner.
        if (buffered > limit || BytesNeeded > limit)
        {
            error = ProtocolError.Of(ProtocolErrorKind.QueryBufferLimitExceeded);
            BytesNeeded = 0;
            Reset();
        }

        return false;
    }

    private static byte FirstByte(in ReadOnlySequence<byte> buffer)
    {
        var first = buffer.FirstSpan;
        if (!first.IsEmpty)
        {
            return first[0];
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryPeek(out var b);
        return b;
    }

    private enum Frame
    {
        Incomplete,
        Command,
        Empty,
        Error,
    }
}
