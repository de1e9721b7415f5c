using System.Buffers;

namespace Hoard.Protocol;

public sealed partial class RespReader
{
    // A header's prefix byte and the longest number string2ll accepts.
    private const int HeaderCopyLength = 1 + RespInteger.MaxLength;

    /// <summary>
    /// The fast path: a well-formed multibulk request wholly inside <paramref name="memory"/> (the input's first
    /// segment), recorded as offsets into it without copying. Returns <see cref="Frame.Incomplete"/> for anything else —
    /// inline requests, requests running past the segment, errors — which the general path then handles, so that every
    /// verdict other than success comes from one place.
    /// </summary>
    private Frame TryReadContiguous(ReadOnlyMemory<byte> memory, CommandBuffer command, out int consumed)
    {
        consumed = 0;
        var span = memory.Span;
        if (span.IsEmpty || span[0] != (byte)'*' || !TryReadHeader(span, 0, out var count, out var position)
            || count > int.MaxValue || (AuthRequired && count > UnauthenticatedMaxArguments))
        {
            return Frame.Incomplete;
        }

        if (count <= 0)
        {
            consumed = position;
            return Frame.Empty;
        }

        var maxBulk = AuthRequired ? Math.Min(Options.MaxBulkLength, UnauthenticatedMaxBulkLength) : Options.MaxBulkLength;
        command.BeginBorrowed(memory);
        for (var i = 0; i < count; i++)
        {
            if (position >= span.Length || span[position] != (byte)'$'
                || !TryReadHeader(span, position, out var length, out var data)
                || length < 0 || length > maxBulk || span.Length - data < length + 2)
            {
                return Frame.Incomplete;
            }

            command.AddArgument(data, (int)length);
            position = data + (int)length + 2;
        }

        consumed = position;
        return Frame.Command;
    }

    /// <summary>
    /// Reads the header line at <paramref name="start"/> (prefix byte, number, CR, one more byte) when it is complete
    /// and its number valid; <paramref name="next"/> is then the offset after it.
    /// </summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> span, int start, out long value, out int next)
    {
        value = 0;
        next = 0;
        var digits = span[(start + 1)..];
        if (digits.Length > RespInteger.MaxLength + 1)
        {
            digits = digits[..(RespInteger.MaxLength + 1)];
        }

        var cr = digits.IndexOf((byte)'\r');
        if (cr < 0 || start + cr + 3 > span.Length || !RespInteger.TryParse(digits[..cr], out value))
        {
            return false;
        }

        next = start + cr + 3;
        return true;
    }

    /// <summary>
    /// The general path, over any number of segments: Redis's <c>processMultibulkBuffer</c>. Complete arguments are
    /// copied into <paramref name="command"/> and remembered, so that a request found incomplete resumes at its first
    /// incomplete argument on the next call.
    /// </summary>
    private Frame ReadMultibulk(in ReadOnlySequence<byte> buffer, CommandBuffer command, out long consumed, out ProtocolError error)
    {
        consumed = 0;
        error = default;
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> header = stackalloc byte[HeaderCopyLength];
        if (_pendingCommand is null)
        {
            switch (ScanLine(buffer, (byte)'\r', 2, out var length, out var needed))
            {
                case Line.TooLong:
                    error = ProtocolError.Of(ProtocolErrorKind.TooBigMultibulkCountString);
                    return Frame.Error;
                case Line.Incomplete:
                    BytesNeeded = needed;
                    return Frame.Incomplete;
            }

            if (!TryParseHeader(ref reader, length, header, out var count) || count > int.MaxValue)
            {
                error = ProtocolError.Of(ProtocolErrorKind.InvalidMultibulkLength);
                return Frame.Error;
            }

            if (count > UnauthenticatedMaxArguments && AuthRequired)
            {
                error = ProtocolError.Of(ProtocolErrorKind.UnauthenticatedMultibulkLength);
                return Frame.Error;
            }

            reader.Advance(length + 2);
            if (count <= 0)
            {
                consumed = reader.Consumed;
                return Frame.Empty;
            }

            command.BeginOwned(inline: false);
            _pendingCommand = command;
            _remaining = (int)count;
            _resumeOffset = reader.Consumed;
        }
        else
        {
            reader.Advance(_resumeOffset);
        }

        while (_remaining > 0)
        {
            var start = reader.Consumed;
            switch (ScanLine(reader.UnreadSequence, (byte)'\r', 2, out var length, out var needed))
            {
                case Line.TooLong:
                    error = ProtocolError.Of(ProtocolErrorKind.TooBigBulkCountString);
                    return Frame.Error;
                case Line.Incomplete:
                    BytesNeeded = start + needed;
                    return Frame.Incomplete;
            }

            // An empty header line starts with its CR, which is then the byte reported.
            reader.TryPeek(out var first);
            if (first != (byte)'$')
            {
                error = ProtocolError.ExpectedDollar(first);
                return Frame.Error;
            }

            if (!TryParseHeader(ref reader, length, header, out var bulk) || bulk < 0 || bulk > Options.MaxBulkLength)
            {
                error = ProtocolError.Of(ProtocolErrorKind.InvalidBulkLength);
                return Frame.Error;
            }

            if (bulk > UnauthenticatedMaxBulkLength && AuthRequired)
            {
                error = ProtocolError.Of(ProtocolErrorKind.UnauthenticatedBulkLength);
                return Frame.Error;
            }

            reader.Advance(length + 2);
            if (reader.Remaining < bulk + 2)
            {
                BytesNeeded = reader.Consumed + bulk + 2;
                _resumeOffset = start;
                return Frame.Incomplete;
            }

            if (!command.TryReserve((int)bulk, out var at))
            {
                error = ProtocolError.Of(ProtocolErrorKind.QueryBufferLimitExceeded);
                return Frame.Error;
            }

            reader.TryCopyTo(command.ArenaSpan(at, (int)bulk));
            command.AddArgument(at, (int)bulk);
            reader.Advance(bulk + 2);
            _remaining--;
            _resumeOffset = reader.Consumed;
        }

        consumed = reader.Consumed;
        Reset();
        return Frame.Command;
    }

    /// <summary>
    /// Parses the number of the complete header line of <paramref name="length"/> bytes at the reader's position
    /// (prefix byte excluded), without advancing.
    /// </summary>
    private static bool TryParseHeader(ref SequenceReader<byte> reader, long length, scoped Span<byte> scratch, out long value)
    {
        value = 0;
        if (length < 1 || length - 1 > RespInteger.MaxLength)
        {
            return false;
        }

        var line = scratch[..(int)length];
        reader.TryCopyTo(line);
        return RespInteger.TryParse(line[1..], out value);
    }
}
