using Hoard.Storage;

namespace Hoard.Server.KeyEvents;

/// <summary>
/// The keyspace's one observer (<see cref="Keyspace.Observer"/>), passing every key event on to the server's listeners
/// (client tracking, WATCH, blocked clients, keyspace notifications). It becomes the observer when the first listener
/// joins, so a server nobody listens to pays nothing per write. Listeners are called under the key's shard lock and
/// must be as quick as <see cref="IKeyspaceObserver"/> asks.
/// </summary>
public sealed class KeyEventFanOut : IKeyspaceObserver
{
    private readonly Keyspace _keyspace;
    private readonly Lock _gate = new();
    private IKeyspaceObserver[] _listeners = [];

    /// <summary>Creates the fan-out of <paramref name="keyspace"/>'s events.</summary>
    public KeyEventFanOut(Keyspace keyspace) => _keyspace = keyspace;

    /// <summary>Adds a listener once (a second call with the same one does nothing).</summary>
    public void Add(IKeyspaceObserver listener)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_listeners, listener) >= 0)
            {
                return;
            }

            Volatile.Write(ref _listeners, [.. _listeners, listener]);
            _keyspace.Observer = this;
        }
    }

    /// <inheritdoc/>
    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.OnKeyEvent(kind, database, key);
        }
    }

    /// <inheritdoc/>
    public void OnFlush()
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.OnFlush();
        }
    }
}
