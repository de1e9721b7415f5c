using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>
/// Keeps the near cache coherent: an <see cref="InvalidationListener"/> on every node the connection knows (primaries
/// and replicas: a replica tells of a change when it applies it, so a value read there afterwards is the new one),
/// following the cluster as nodes come and go. Whenever a listener stops listening the near cache is emptied; it serves
/// only while every node is heard — or unreachable for the connection too (a dead node: no value can be read from it,
/// and its slots' new primary, its replica, is heard).
/// </summary>
internal sealed class NearCacheNotices : IAsyncDisposable
{
    private readonly NearCache _near;
    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly string _tagPrefix;
    private readonly string? _password;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<EndPoint, InvalidationListener> _listeners = [];
    private bool _disposed;

    public NearCacheNotices(NearCache near, IConnectionMultiplexer redis, string prefix, string? password, ILogger logger)
    {
        _near = near;
        _redis = redis;
        _prefix = prefix;
        _tagPrefix = HoardCache.TagKeyPrefix(prefix);
        _password = password;
        _logger = logger;
        redis.ConfigurationChanged += OnConfigurationChanged;
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        Follow();
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConfigurationChanged -= OnConfigurationChanged;
        _redis.ConnectionFailed -= OnConnectionChanged;
        _redis.ConnectionRestored -= OnConnectionChanged;
        List<InvalidationListener> listeners;
        lock (_gate)
        {
            _disposed = true;
            listeners = [.. _listeners.Values];
            _listeners.Clear();
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnConfigurationChanged(object? sender, EndPointEventArgs e) => Follow();

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e) => UpdateAvailability(listening: true);

    /// <summary>A listener for every node the connection knows now; those of nodes gone are stopped.</summary>
    private void Follow()
    {
        var known = _redis.GetEndPoints();
        var gone = new List<InvalidationListener>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var endpoint in known.Where(e => !_listeners.ContainsKey(e)))
            {
                _listeners[endpoint] = new InvalidationListener(endpoint, _password, Prefixes(), Changed, UpdateAvailability, _logger);
            }

            foreach (var endpoint in _listeners.Keys.Where(e => !known.Contains(e)).ToList())
            {
                gone.Add(_listeners[endpoint]);
                _listeners.Remove(endpoint);
            }
        }

        UpdateAvailability(listening: true);
        foreach (var listener in gone)
        {
            _ = listener.DisposeAsync().AsTask();
        }
    }

    /// <summary>The prefixes heard: the cache's keys and its tags' (one empty prefix already covers both).</summary>
    private string[] Prefixes() => _prefix.Length == 0 ? [""] : [_prefix, _tagPrefix];

    /// <param name="listening">False when a listener just stopped: whatever is near may have changed unheard.</param>
    private void UpdateAvailability(bool listening)
    {
        lock (_gate)
        {
            if (!listening)
            {
                _near.Clear();
            }

            _near.Available = _listeners.Count > 0 && _listeners.All(l => l.Value.IsListening || !_redis.GetServer(l.Key).IsConnected);
        }
    }

    private void Changed(string? key)
    {
        HoardCacheMetrics.NearInvalidations.Add(1);
        if (key is null || key.StartsWith(_tagPrefix, StringComparison.Ordinal))
        {
            _near.Clear(); // a flush, or a tag removed: which near values carry the tag is not known here
        }
        else if (key.StartsWith(_prefix, StringComparison.Ordinal))
        {
            _near.Invalidate(key[_prefix.Length..]);
        }
    }
}
