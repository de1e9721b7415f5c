using Hoard.Protocol;
using Hoard.Server.Connections;
using Hoard.Server.PubSub;
using Hoard.Storage;

namespace Hoard.Server.Tracking;

/// <summary>
/// Server-assisted client-side caching (CLIENT TRACKING, https://redis.io/docs/latest/develop/reference/client-side-caching/):
/// the keys tracking clients read (or, broadcasting, the prefixes they chose), and an invalidation to each of them when
/// such a key is written, deleted, expires or is evicted, or every key goes at once (a flush). Keys are remembered by
/// name, whatever their database, as Redis does; a key's entry goes with its invalidation (the client reads it again to
/// be told again). The table holds at most <see cref="MaxKeys"/> keys: past that, the oldest are invalidated and dropped.
/// </summary>
/// <remarks>
/// Key events arrive under the key's shard lock (<see cref="IKeyspaceObserver"/>); this class then takes its own lock
/// and only queues messages on connections (<see cref="IPushTarget.Deliver"/>), never waiting for a client. Until a
/// client first turns tracking on, the keyspace has no observer and a write pays nothing for this.
/// </remarks>
public sealed class TrackingHub : IKeyspaceObserver
{
    /// <summary>Redis's default <c>tracking-table-max-keys</c>.</summary>
    public const long DefaultMaxKeys = 1_000_000;

    [ThreadStatic]
    private static long t_running;

    private readonly HoardServer _server;
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], TrackedKey> _keys = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], TrackedKey>.AlternateLookup<ReadOnlySpan<byte>> _keyLookup;
    private readonly Queue<byte[]> _order = new();
    private readonly Dictionary<byte[], List<long>> _prefixes = new(ByteKeyComparer.Instance);
    private readonly HashSet<long> _clients = [];
    private long _items;
    private long _maxKeys = DefaultMaxKeys;
    private volatile bool _watching;

    internal TrackingHub(HoardServer server)
    {
        _server = server;
        _keyLookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The most keys the table holds (<c>tracking-table-max-keys</c>); 0 means no limit.</summary>
    public long MaxKeys
    {
        get => Interlocked.Read(ref _maxKeys);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Interlocked.Exchange(ref _maxKeys, value);
            lock (_gate)
            {
                EvictOverLimit();
            }
        }
    }

    /// <summary>Clients with tracking on (INFO <c>tracking_clients</c>).</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Keys in the table (INFO <c>tracking_total_keys</c>).</summary>
    public long TotalKeys
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>Client entries of all keys (INFO <c>tracking_total_items</c>).</summary>
    public long TotalItems
    {
        get
        {
            lock (_gate)
            {
                return _items;
            }
        }
    }

    /// <summary>Broadcasting prefixes (INFO <c>tracking_total_prefixes</c>).</summary>
    public long TotalPrefixes
    {
        get
        {
            lock (_gate)
            {
                return _prefixes.Count;
            }
        }
    }

    /// <summary>The client whose command runs on this thread (set by the dispatcher around each command), for NOLOOP.</summary>
    internal static long Running
    {
        get => t_running;
        set => t_running = value;
    }

    /// <summary>
    /// CLIENT TRACKING ON: checks the options against each other and the client's current mode, then turns tracking
    /// on (again); returns Redis's error, or null.
    /// </summary>
    internal string? Enable(ClientSession session, TrackingFlags mode, long redirect, List<byte[]> prefixes)
    {
        var tracking = session.Tracking;
        lock (_gate)
        {
            var current = tracking.Flags;
            if (ModeConflict(current) is { } refused)
            {
                return refused;
            }

            var kept = (current & TrackingFlags.On) != 0 ? tracking.Prefixes : [];
            if ((mode & TrackingFlags.Broadcast) != 0)
            {
                if (prefixes.Count == 0 && kept.Count == 0)
                {
                    prefixes.Add([]); // BCAST alone: every key
                }

                if (Collision(kept, prefixes) is { } collision)
                {
                    return collision;
                }

                foreach (var prefix in prefixes.Where(p => !kept.Any(k => k.AsSpan().SequenceEqual(p))))
                {
                    if (!_prefixes.TryGetValue(prefix, out var ids))
                    {
                        _prefixes[prefix] = ids = [];
                    }

                    ids.Add(session.Id);
                    kept = [.. kept, prefix];
                }
            }

            tracking.Prefixes = kept;
            tracking.RedirectId = redirect;
            tracking.Set(TrackingFlags.On | mode);
            _clients.Add(session.Id);
            _watching = _keys.Count > 0 || _prefixes.Count > 0;
        }

        _server.KeyEvents.Add(this);
        return null;

        string? ModeConflict(TrackingFlags current)
        {
            if ((current & TrackingFlags.On) == 0)
            {
                return null;
            }

            if ((current & TrackingFlags.Broadcast) != (mode & TrackingFlags.Broadcast))
            {
                return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
            }

            return ((mode & TrackingFlags.OptIn) != 0 && (current & TrackingFlags.OptOut) != 0)
                || ((mode & TrackingFlags.OptOut) != 0 && (current & TrackingFlags.OptIn) != 0)
                ? "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
                : null;
        }
    }

    /// <summary>CLIENT TRACKING OFF, and a closing connection: the client's prefixes go (its keys' entries lapse).</summary>
    internal void Disable(ClientSession session)
    {
        var tracking = session.Tracking;
        if (tracking.Flags == TrackingFlags.None)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var prefix in tracking.Prefixes)
            {
                if (_prefixes.TryGetValue(prefix, out var ids) && ids.Remove(session.Id) && ids.Count == 0)
                {
                    _prefixes.Remove(prefix);
                }
            }

            tracking.Prefixes = [];
            tracking.RedirectId = 0;
            tracking.Set(TrackingFlags.None);
            _clients.Remove(session.Id);
            _watching = _keys.Count > 0 || _prefixes.Count > 0;
        }
    }

    /// <summary>
    /// After a command of a client with tracking on: remembers the keys of a read-only command (as its mode says), and
    /// ends the effect of CLIENT CACHING on the command that followed it.
    /// </summary>
    internal void AfterCommand(ClientSession session, Commands.CommandDefinition definition, CommandBuffer command)
    {
        var tracking = session.Tracking;
        if ((definition.Flags & Commands.CommandFlags.ReadOnly) != 0 && definition.HasKeys && tracking.RemembersReads)
        {
            lock (_gate)
            {
                foreach (var i in definition.KeysOf(command))
                {
                    Remember(session.Id, command[i]);
                }

                EvictOverLimit();
            }
        }

        if ((tracking.Flags & (TrackingFlags.CachingYes | TrackingFlags.CachingNo)) != 0 && !IsClientCaching(definition, command))
        {
            tracking.Remove(TrackingFlags.CachingYes | TrackingFlags.CachingNo);
        }
    }

    /// <inheritdoc/>
    public void OnKeyEvent(KeyEvent kind, int database, ReadOnlySpan<byte> key)
    {
        if (!_watching || kind is KeyEvent.Created or KeyEvent.Missed) // a creation is followed by its Modified, which invalidates
        {
            return;
        }

        // NOLOOP spares a client the notice of its own change, not of an expiry or eviction its command caused.
        var changer = kind is KeyEvent.Modified or KeyEvent.Deleted ? t_running : 0;
        var limit = _server.PubSub.OutputLimit;
        lock (_gate)
        {
            PubSubMessage? message = null;
            if (_keyLookup.Remove(key, out var name, out var entry))
            {
                _items -= entry.Clients.Count;
                message = PubSubMessage.Invalidation(name);
                foreach (var id in entry.Clients)
                {
                    Notify(id, message, changer, limit);
                }
            }

            foreach (var (prefix, ids) in _prefixes)
            {
                if (key.StartsWith(prefix))
                {
                    message ??= PubSubMessage.Invalidation(key.ToArray());
                    foreach (var id in ids)
                    {
                        Notify(id, message, changer, limit);
                    }
                }
            }

            _watching = _keys.Count > 0 || _prefixes.Count > 0;
        }
    }

    /// <inheritdoc/>
    public void OnFlush()
    {
        var limit = _server.PubSub.OutputLimit;
        lock (_gate)
        {
            if (_clients.Count == 0)
            {
                return;
            }

            _keys.Clear();
            _order.Clear();
            _items = 0;
            var everything = PubSubMessage.Invalidation(null);
            foreach (var id in _clients)
            {
                Notify(id, everything, 0, limit);
            }

            _watching = _prefixes.Count > 0;
        }
    }

    /// <summary>Redis's check that a client's broadcasting prefixes do not overlap (one a prefix of another).</summary>
    private static string? Collision(IReadOnlyList<byte[]> existing, List<byte[]> given)
    {
        for (var i = 0; i < given.Count; i++)
        {
            foreach (var old in existing)
            {
                if (Overlap(old, given[i]) && !old.AsSpan().SequenceEqual(given[i]))
                {
                    return $"ERR Prefix '{Text(given[i])}' overlaps with an existing prefix '{Text(old)}'. Prefixes for a single client must not overlap.";
                }
            }

            for (var j = i + 1; j < given.Count; j++)
            {
                if (Overlap(given[i], given[j]))
                {
                    return $"ERR Prefix '{Text(given[i])}' overlaps with another provided prefix '{Text(given[j])}'. Prefixes for a single client must not overlap.";
                }
            }
        }

        return null;

        static bool Overlap(byte[] a, byte[] b) => a.AsSpan().StartsWith(b) || b.AsSpan().StartsWith(a);
        static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
    }

    private static bool IsClientCaching(Commands.CommandDefinition definition, CommandBuffer command) =>
        definition.Name == "client" && command.Count > 1 && System.Text.Ascii.EqualsIgnoreCase(command[1], "CACHING"u8);

    /// <summary>Adds a client to a key's entry (under the lock).</summary>
    private void Remember(long client, ReadOnlySpan<byte> key)
    {
        if (_keyLookup.TryGetValue(key, out var entry))
        {
            if (!entry.Clients.Contains(client))
            {
                entry.Clients.Add(client);
                _items++;
            }

            return;
        }

        var name = key.ToArray();
        _keys[name] = new TrackedKey(name, [client]);
        _order.Enqueue(name);
        _items++;
        _watching = true;
    }

    /// <summary>Invalidates and drops the oldest keys while the table holds more than <see cref="MaxKeys"/> (under the lock).</summary>
    private void EvictOverLimit()
    {
        var max = MaxKeys;
        var limit = _server.PubSub.OutputLimit;
        while (max > 0 && _keys.Count > max && _order.TryDequeue(out var oldest))
        {
            // The queue may name a key that was invalidated since (and perhaps remembered again, a newer entry).
            if (_keys.TryGetValue(oldest, out var entry) && ReferenceEquals(entry.Name, oldest))
            {
                _keys.Remove(oldest);
                _items -= entry.Clients.Count;
                var message = PubSubMessage.Invalidation(oldest);
                foreach (var id in entry.Clients)
                {
                    Notify(id, message, 0, limit);
                }
            }
        }

        if (_order.Count > (2 * _keys.Count) + 1024)
        {
            var live = _order.Where(name => _keys.TryGetValue(name, out var e) && ReferenceEquals(e.Name, name)).ToList();
            _order.Clear();
            live.ForEach(_order.Enqueue);
        }
    }

    /// <summary>
    /// Queues a notice for a tracking client: on its own connection in RESP3, or on the connection it redirects to
    /// (a push there in RESP3; in RESP2 a message on <c>__redis__:invalidate</c>, if that client is subscribed to
    /// something). A client gone, or no longer tracking, is skipped; a redirect to a client gone marks it broken and,
    /// in RESP3, tells it so.
    /// </summary>
    private void Notify(long id, PubSubMessage message, long changer, long limit)
    {
        if (!_server.TryGetConnection(id, out var client) || !client.Session.Tracking.IsOn)
        {
            return;
        }

        var tracking = client.Session.Tracking;
        if (id == changer && (tracking.Flags & TrackingFlags.NoLoop) != 0)
        {
            return;
        }

        var redirect = tracking.RedirectId;
        var target = client;
        if (redirect != 0 && !_server.TryGetConnection(redirect, out target))
        {
            tracking.Add(TrackingFlags.BrokenRedirect);
            if (client.Session.Protocol == RespVersion.Resp3)
            {
                client.Deliver(PubSubMessage.BrokenRedirect(redirect), limit);
            }

            return;
        }

        if (target.Session.Protocol == RespVersion.Resp3 || (redirect != 0 && target.Session.Subscriptions.IsSubscribed))
        {
            target.Deliver(message, limit);
        }
    }

    private sealed record TrackedKey(byte[] Name, List<long> Clients);
}
