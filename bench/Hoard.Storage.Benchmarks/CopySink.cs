using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Hoard.Storage.Benchmarks;

/// <summary>
/// Receives a GET's value by copying it into a fixed 64-byte buffer inside the struct (no heap, no pinning), as a
/// server copies a value into its output buffer. A struct, so <c>Get&lt;CopySink&gt;</c> is specialised.
/// </summary>
public struct CopySink : IValueSink
{
    private Buffer64 _buffer;

    /// <summary>Length of the last value written.</summary>
    public int Length;

    public void Write(scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer);
        Length = value.Length;
    }

    /// <summary>The bytes of the last value written.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Value => ((ReadOnlySpan<byte>)_buffer)[..Length];

    [InlineArray(64)]
    private struct Buffer64
    {
        private byte _first;
    }
}
