namespace Hoard.Server.Replication;

/// <summary>
/// A connected replica's place in the <see cref="ReplicationBacklog"/>: the ring keeps the bytes from
/// <see cref="Position"/> on (up to its retain limit) until the reader is disposed.
/// </summary>
public sealed class BacklogReader : IDisposable
{
    private readonly ReplicationBacklog _backlog;

    internal BacklogReader(ReplicationBacklog backlog, long position)
    {
        _backlog = backlog;
        Position = position;
    }

    /// <summary>The next offset to read (changed under the backlog's lock).</summary>
    public long Position { get; internal set; }

    /// <summary>Stops holding the stream for this reader.</summary>
    public void Dispose() => _backlog.Close(this);
}
