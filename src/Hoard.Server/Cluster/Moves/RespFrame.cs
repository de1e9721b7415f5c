using System.Buffers.Text;

namespace Hoard.Server.Cluster.Moves;

/// <summary>Where one whole RESP2 or RESP3 value (a reply, however nested) ends in a buffer.</summary>
internal static class RespFrame
{
    /// <summary>The length of the value at the start of <paramref name="buffer"/>, or −1 when it is not all there yet.</summary>
    /// <exception cref="InvalidDataException">The bytes are not RESP.</exception>
    public static int Measure(ReadOnlySpan<byte> buffer) => End(buffer, 0);

    private static int End(ReadOnlySpan<byte> b, int at)
    {
        if (at >= b.Length)
        {
            return -1;
        }

        var newline = b[at..].IndexOf("\r\n"u8);
        if (newline < 0)
        {
            return -1;
        }

        var line = b.Slice(at + 1, newline - 1);
        var next = at + newline + 2;
        switch (b[at])
        {
            case (byte)'+' or (byte)'-' or (byte)':' or (byte)'_' or (byte)',' or (byte)'#' or (byte)'(':
                return next;
            case (byte)'$' or (byte)'!' or (byte)'=':
                var length = Count(line);
                return length < 0 ? next : next + length + 2 <= b.Length ? next + length + 2 : -1;
            case (byte)'*' or (byte)'~' or (byte)'>':
                return Elements(b, next, Count(line));
            case (byte)'%':
                return Elements(b, next, 2 * Count(line));
            case (byte)'|': // attributes, then the value they describe
                var attributes = Elements(b, next, 2 * Count(line));
                return attributes < 0 ? -1 : End(b, attributes);
            default:
                throw new InvalidDataException($"not a RESP type: '{(char)b[at]}'");
        }
    }

    private static int Elements(ReadOnlySpan<byte> b, int at, int count)
    {
        for (var i = 0; i < count && at >= 0; i++)
        {
            at = End(b, at);
        }

        return at;
    }

    private static int Count(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out int value, out var used) && used == digits.Length
            ? value
            : throw new InvalidDataException("a RESP length is malformed");
}
