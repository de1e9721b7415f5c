namespace Hoard.Protocol;

/// <summary>
/// Why <see cref="RespReader"/> gave up on a connection's input. Every kind but
/// <see cref="QueryBufferLimitExceeded"/> has a reply, the text Redis 7 sends (networking.c), and all of them
/// mean "close the connection once the reply is written": the stream cannot be resynchronised.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/">RESP specification</see>.
/// </summary>
public enum ProtocolErrorKind
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>An inline request line longer than 64 KB: <c>Protocol error: too big inline request</c>.</summary>
    TooBigInlineRequest,

    /// <summary>An inline request with an open or badly closed quote: <c>Protocol error: unbalanced quotes in request</c>.</summary>
    UnbalancedQuotes,

    /// <summary>A <c>*</c> header line longer than 64 KB: <c>Protocol error: too big mbulk count string</c>.</summary>
    TooBigMultibulkCountString,

    /// <summary>A <c>*</c> count that is not a number or exceeds 2^31-1: <c>Protocol error: invalid multibulk length</c>.</summary>
    InvalidMultibulkLength,

    /// <summary>More than 10 arguments before authentication: <c>Protocol error: unauthenticated multibulk length</c>.</summary>
    UnauthenticatedMultibulkLength,

    /// <summary>A <c>$</c> header line longer than 64 KB: <c>Protocol error: too big bulk count string</c>.</summary>
    TooBigBulkCountString,

    /// <summary>An argument that does not start with <c>$</c>: <c>Protocol error: expected '$', got 'x'</c>.</summary>
    ExpectedDollar,

    /// <summary>A <c>$</c> length that is not a number, negative or above proto-max-bulk-len: <c>Protocol error: invalid bulk length</c>.</summary>
    InvalidBulkLength,

    /// <summary>An argument longer than 16 KB before authentication: <c>Protocol error: unauthenticated bulk length</c>.</summary>
    UnauthenticatedBulkLength,

    /// <summary>
    /// A pending request outgrew client-query-buffer-limit (1 GB by default), or the largest array a request can be
    /// copied into. Redis closes such a client without a reply; so should the server.
    /// </summary>
    QueryBufferLimitExceeded,
}
