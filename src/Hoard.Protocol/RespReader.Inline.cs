using System.Buffers;

namespace Hoard.Protocol;

public sealed partial class RespReader
{
    /// <summary>
    /// Reads an inline request (<c>SET k "v w"\r\n</c>): one line up to LF, a CR before the LF dropped, split as Redis's
    /// <c>sdssplitargs</c> does (see <see cref="InlineSplitter"/>). A blank line is an empty request.
    /// </summary>
    private Frame ReadInline(in ReadOnlySequence<byte> buffer, CommandBuffer command, out long consumed, out ProtocolError error)
    {
        consumed = 0;
        error = default;
        switch (ScanLine(buffer, (byte)'\n', 1, out var length, out var needed))
        {
            case Line.TooLong:
                error = ProtocolError.Of(ProtocolErrorKind.TooBigInlineRequest);
                return Frame.Error;
            case Line.Incomplete:
                BytesNeeded = needed;
                return Frame.Incomplete;
        }

        // At most 64 KB: the copy always fits.
        var lineLength = (int)length;
        command.BeginOwned(inline: true);
        command.TryReserve(lineLength, out var start);
        var line = command.ArenaSpan(start, lineLength);
        buffer.Slice(0, lineLength).CopyTo(line);
        if (lineLength > 0 && line[^1] == (byte)'\r')
        {
            lineLength--;
        }

        if (!InlineSplitter.Split(command, start, lineLength))
        {
            error = ProtocolError.Of(ProtocolErrorKind.UnbalancedQuotes);
            return Frame.Error;
        }

        consumed = length + 1;
        return command.Count == 0 ? Frame.Empty : Frame.Command;
    }
}
