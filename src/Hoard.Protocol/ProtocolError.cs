using System.Text;

namespace Hoard.Protocol;

/// <summary>
/// A protocol error found by <see cref="RespReader.TryRead"/>, returned as a value rather than thrown: the server
/// writes it with <see cref="RespWriter.WriteError(in ProtocolError)"/> (<c>-ERR Protocol error: …</c>) unless
/// <see cref="HasReply"/> is false, then closes the connection.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/">RESP specification</see>.
/// </summary>
public readonly struct ProtocolError : IEquatable<ProtocolError>
{
    /// <summary>The longest message any kind produces, in bytes.</summary>
    internal const int MaxMessageLength = 64;

    private ProtocolError(ProtocolErrorKind kind, byte unexpectedByte)
    {
        Kind = kind;
        UnexpectedByte = unexpectedByte;
    }

    /// <summary>What went wrong; <see cref="ProtocolErrorKind.None"/> for "no error".</summary>
    public ProtocolErrorKind Kind { get; }

    /// <summary>For <see cref="ProtocolErrorKind.ExpectedDollar"/>, the byte found where <c>$</c> was expected.</summary>
    public byte UnexpectedByte { get; }

    /// <summary>True when this value holds an error.</summary>
    public bool IsError => Kind != ProtocolErrorKind.None;

    /// <summary>
    /// True when Redis replies to this error before closing; false for <see cref="ProtocolErrorKind.None"/> and for
    /// <see cref="ProtocolErrorKind.QueryBufferLimitExceeded"/>, where Redis closes the connection silently.
    /// </summary>
    public bool HasReply => Kind is not (ProtocolErrorKind.None or ProtocolErrorKind.QueryBufferLimitExceeded);

    /// <summary>
    /// The error text without the <c>ERR </c> code, e.g. <c>Protocol error: invalid bulk length</c>; empty for no
    /// error. Allocates: meant for logs. The wire form is written by <see cref="RespWriter.WriteError(in ProtocolError)"/>.
    /// </summary>
    public string Message
    {
        get
        {
            Span<byte> buffer = stackalloc byte[MaxMessageLength];
            return Encoding.Latin1.GetString(buffer[..FormatMessage(buffer)]);
        }
    }

    /// <summary>Compares two errors by kind and unexpected byte.</summary>
    public static bool operator ==(ProtocolError left, ProtocolError right) => left.Equals(right);

    /// <summary>Compares two errors by kind and unexpected byte.</summary>
    public static bool operator !=(ProtocolError left, ProtocolError right) => !left.Equals(right);

    /// <summary>Compares two errors by kind and unexpected byte.</summary>
    public bool Equals(ProtocolError other) => Kind == other.Kind && UnexpectedByte == other.UnexpectedByte;

    /// <summary>Compares two errors by kind and unexpected byte.</summary>
    public override bool Equals(object? obj) => obj is ProtocolError other && Equals(other);

    /// <summary>A hash of the kind and unexpected byte.</summary>
    public override int GetHashCode() => ((int)Kind << 8) | UnexpectedByte;

    /// <summary>The same text as <see cref="Message"/>.</summary>
    public override string ToString() => Message;

    internal static ProtocolError Of(ProtocolErrorKind kind) => new(kind, 0);

    internal static ProtocolError ExpectedDollar(byte got) => new(ProtocolErrorKind.ExpectedDollar, got);

    /// <summary>Writes the message into <paramref name="destination"/> (at least <see cref="MaxMessageLength"/> bytes).</summary>
    internal int FormatMessage(Span<byte> destination)
    {
        if (Kind == ProtocolErrorKind.ExpectedDollar)
        {
            var prefix = "Protocol error: expected '$', got '"u8;
            prefix.CopyTo(destination);
            // Redis formats the byte with %c, then addReplyErrorFormat turns CR and LF into spaces.
            destination[prefix.Length] = UnexpectedByte is (byte)'\r' or (byte)'\n' ? (byte)' ' : UnexpectedByte;
            destination[prefix.Length + 1] = (byte)'\'';
            return prefix.Length + 2;
        }

        var text = Kind switch
        {
            ProtocolErrorKind.TooBigInlineRequest => "Protocol error: too big inline request"u8,
            ProtocolErrorKind.UnbalancedQuotes => "Protocol error: unbalanced quotes in request"u8,
            ProtocolErrorKind.TooBigMultibulkCountString => "Protocol error: too big mbulk count string"u8,
            ProtocolErrorKind.InvalidMultibulkLength => "Protocol error: invalid multibulk length"u8,
            ProtocolErrorKind.UnauthenticatedMultibulkLength => "Protocol error: unauthenticated multibulk length"u8,
            ProtocolErrorKind.TooBigBulkCountString => "Protocol error: too big bulk count string"u8,
            ProtocolErrorKind.InvalidBulkLength => "Protocol error: invalid bulk length"u8,
            ProtocolErrorKind.UnauthenticatedBulkLength => "Protocol error: unauthenticated bulk length"u8,
            ProtocolErrorKind.QueryBufferLimitExceeded => "Closing client that reached max query buffer length"u8,
            _ => [],
        };
        text.CopyTo(destination);
        return text.Length;
    }
}
