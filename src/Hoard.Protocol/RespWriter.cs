using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hoard.Protocol;

/// <summary>
/// Encodes replies in RESP2 or RESP3 into an <see cref="IBufferWriter{T}"/> (typically a <c>PipeWriter</c>), without
/// allocating: numbers are formatted in place, constant replies are <c>u8</c> literals.
/// See the <see href="https://redis.io/docs/latest/develop/reference/protocol-spec/">RESP specification</see>.
/// </summary>
/// <remarks>
/// The writer keeps the span it last obtained and only advances the output in <see cref="Commit"/>: call it before
/// flushing the output or handing it to anything else, and pass the writer by <c>ref</c> to helpers — a copy would
/// write into the same memory with its own, stale position. Methods for RESP3 types fall back to the RESP2 encodings
/// Redis uses when <see cref="Version"/> is <see cref="RespVersion.Resp2"/>.
/// </remarks>
public ref partial struct RespWriter
{
    // A prefix byte, the 20 characters of long.MinValue, CRLF.
    private const int MaxPrefixedLength = 1 + 20 + 2;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;

    /// <summary>Creates a writer over <paramref name="output"/> speaking <paramref name="version"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not RESP2 or RESP3.</exception>
    public RespWriter(IBufferWriter<byte> output, RespVersion version = RespVersion.Resp2)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        Version = version;
    }

    /// <summary>
    /// The protocol version replies are encoded in; may change between replies (the reply to <c>HELLO 3</c> is already
    /// RESP3).
    /// </summary>
    public RespVersion Version
    {
        readonly get;
        set => field = CheckVersion(value);
    }

    /// <summary>Bytes written since the last <see cref="Commit"/>, not yet advanced in the output.</summary>
    public readonly int Uncommitted => _buffered;

    /// <summary>How many error replies this writer has written (INFO commandstats counts failed calls with it).</summary>
    public int ErrorsWritten { readonly get; private set; }

    /// <summary>Advances the output past everything written so far. Required before the output is flushed.</summary>
    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
        }

        _span = default;
        _buffered = 0;
    }

    /// <summary>Writes bytes that are already RESP (e.g. a cached reply) as they are.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> resp) => WriteBytes(resp);

    private static RespVersion CheckVersion(RespVersion version) =>
        version is RespVersion.Resp2 or RespVersion.Resp3
            ? version
            : throw new ArgumentOutOfRangeException(nameof(version), version, "RESP2 or RESP3.");

    /// <summary>A span of at least <paramref name="size"/> free bytes; write into it, then <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size)
    {
        if (_span.Length - _buffered < size)
        {
            Grow(size);
        }

        return _span[_buffered..];
    }

    private void Advance(int count) => _buffered += count;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        Commit();
        _span = _output.GetSpan(size);
        if (_span.Length < size)
        {
            throw new InvalidOperationException($"The output returned {_span.Length} bytes where {size} were asked for.");
        }
    }

    /// <summary>Copies <paramref name="data"/>, a piece at a time when it does not fit what the output offers.</summary>
    private void WriteBytes(scoped ReadOnlySpan<byte> data) => Copy(data, oneLine: false);

    /// <summary>Like <see cref="WriteBytes"/>, but CR and LF become spaces (simple strings and errors are one line).</summary>
    private void WriteLine(scoped ReadOnlySpan<byte> text) => Copy(text, oneLine: true);

    private void Copy(scoped ReadOnlySpan<byte> data, bool oneLine)
    {
        while (true)
        {
            var free = _span[_buffered..];
            var count = Math.Min(free.Length, data.Length);
            data[..count].CopyTo(free);
            if (oneLine)
            {
                MaskLineBreaks(free[..count]);
            }

            _buffered += count;
            data = data[count..];
            if (data.IsEmpty)
            {
                return;
            }

            Grow(1);
        }
    }

    private static void MaskLineBreaks(Span<byte> text)
    {
        text.Replace((byte)'\r', (byte)' ');
        text.Replace((byte)'\n', (byte)' ');
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8, through a pooled buffer when it is long.</summary>
    private void WriteUtf8(string text, bool oneLine)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 4096)
        {
            Span<byte> encoded = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(text, encoded);
            WriteEncoded(encoded[..length], oneLine);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        var count = Encoding.UTF8.GetBytes(text, rented);
        WriteEncoded(rented.AsSpan(0, count), oneLine);
        ArrayPool<byte>.Shared.Return(rented);
    }

    private void WriteEncoded(scoped ReadOnlySpan<byte> encoded, bool oneLine)
    {
        if (oneLine)
        {
            WriteLine(encoded);
        }
        else
        {
            WriteBulkString(encoded);
        }
    }

    /// <summary>Writes <c>{prefix}{value}\r\n</c>: integers, lengths and counts.</summary>
    private void WritePrefixed(byte prefix, long value)
    {
        var span = Reserve(MaxPrefixedLength);
        span[0] = prefix;
        int length;
        if ((ulong)value < 10)
        {
            span[1] = (byte)('0' + value);
            length = 1;
        }
        else
        {
            Utf8Formatter.TryFormat(value, span[1..], out length);
        }

        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        Advance(length + 3);
    }
}
