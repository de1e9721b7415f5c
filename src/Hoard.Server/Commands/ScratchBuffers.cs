using System.Buffers;

namespace Hoard.Server.Commands;

/// <summary>
/// One reusable buffer per thread for replies written before their aggregate header is known (<c>ScratchReply</c>,
/// <c>ScoredReply</c>): rented for one reply and given back, so a steady command path allocates none.
/// </summary>
internal static class ScratchBuffers
{
    // A buffer grown past this by one huge reply is dropped rather than kept for the thread's life.
    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>This thread's empty buffer; a nested use while it is out gets a new one.</summary>
    public static ArrayBufferWriter<byte> Rent()
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        t_buffer = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>Gives a rented buffer back for this thread's next reply.</summary>
    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        if (buffer.Capacity <= KeepCapacity)
        {
            t_buffer = buffer;
        }
    }
}
