namespace Hoard.Protocol;

/// <summary>
/// The protocol version a connection speaks: RESP2 by default, RESP3 after <c>HELLO 3</c>. It decides how
/// <see cref="RespWriter"/> encodes the types RESP2 lacks (nulls, maps, sets, doubles, booleans, pushes).
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/">RESP specification</see>.
/// </summary>
public enum RespVersion
{
    /// <summary>RESP2: every reply is a simple string, error, integer, bulk string or array.</summary>
    Resp2 = 2,

    /// <summary>RESP3: adds nulls, doubles, booleans, big numbers, verbatim strings, maps, sets and pushes.</summary>
    Resp3 = 3,
}
