using Hoard.Storage.Replication;

namespace Hoard.Server.Replication;

/// <summary>
/// The stream read in frames of whole records (a full sync's, a slot move's): what was read past the last whole record is
/// carried into the next frame (a record is never split between two frames, so the replica applies each in place).
/// </summary>
internal sealed class StreamFrames(ReplicationBacklog backlog, BacklogReader reader)
{
    private const int FrameMax = 1024 * 1024;
    private const int ReadChunk = 64 * 1024;
    private byte[] _read = new byte[ReadChunk];
    private int _carried;

    /// <summary>The frame <see cref="Collect"/> filled.</summary>
    public FrameSink Frame { get; } = new();

    /// <summary>The bytes read after the last whole record.</summary>
    public ReadOnlyMemory<byte> Carried => _read.AsMemory(0, _carried);

    /// <summary>
    /// Fills <see cref="Frame"/> with whole records appended since the last call, up to about a megabyte.
    /// </summary>
    /// <returns>The frame's length (0: nothing new), or −1 when the reader's position is no longer held.</returns>
    public int Collect()
    {
        Frame.Clear();
        while (Frame.Length < FrameMax)
        {
            var read = backlog.TryRead(reader, _read.AsSpan(_carried));
            if (read < 0)
            {
                return -1;
            }

            _carried += read;
            var whole = 0;
            while (ReplicationRecord.TryGetLength(_read.AsSpan(whole, _carried - whole), out var length))
            {
                whole += length;
            }

            Frame.Write(_read.AsSpan(0, whole));
            _read.AsSpan(whole, _carried - whole).CopyTo(_read);
            _carried -= whole;
            if (_carried == _read.Length)
            {
                Array.Resize(ref _read, _read.Length * 2); // one record longer than the buffer
            }
            else if (read == 0)
            {
                break; // at the end of the stream, which ends with a whole record
            }
        }

        return Frame.Length;
    }
}
