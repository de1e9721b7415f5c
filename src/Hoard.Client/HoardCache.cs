using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>
/// <see cref="IHoardCache"/> on StackExchange.Redis (which routes keys in a cluster and follows MOVED and failovers):
/// values are stored with the time they stop being fresh, and kept longer for fail-safe; the near cache holds them in
/// this process and drops them when a node says their key changed (docs/client.md).
/// </summary>
public sealed partial class HoardCache : IHoardCache, IAsyncDisposable
{
    private readonly HoardCacheOptions _options;
    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsRedis;
    private readonly IDatabase _db;
    private readonly NearCache? _near;
    private readonly NearCacheNotices? _notices;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _flights = new(StringComparer.Ordinal);
    private readonly CommandFlags _readFlags;

    private HoardCache(HoardCacheOptions options, IConnectionMultiplexer redis, bool ownsRedis, ILoggerFactory? loggers, TimeProvider? time)
    {
        _options = options;
        _redis = redis;
        _ownsRedis = ownsRedis;
        _db = redis.GetDatabase();
        _readFlags = options.ReadFromReplicas ? CommandFlags.PreferReplica : CommandFlags.None;
        _time = time ?? TimeProvider.System;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<HoardCache>();
        if (options.NearCache)
        {
            _near = new NearCache(options.NearCacheMaxEntries);
            var password = ConfigurationOptions.Parse(redis.Configuration).Password ?? ConfigurationOptions.Parse(options.Configuration).Password;
            _notices = new NearCacheNotices(_near, redis, options.KeyPrefix, password, _logger);
        }
    }

    /// <summary>The cluster (for the other faces of this cache, such as <see cref="HoardDistributedCache"/>).</summary>
    internal IDatabase Database => _db;

    internal HoardCacheOptions Options => _options;

    internal TimeProvider Time => _time;

    /// <summary>Whether the near cache serves now (every node's notices are heard).</summary>
    public bool NearCacheAvailable => _near?.Available ?? false;

    /// <summary>Entries in the near cache.</summary>
    public int NearCacheCount => _near?.Count ?? 0;

    /// <summary>Whether the near cache holds a value for <paramref name="key"/> (tests, diagnostics).</summary>
    internal bool IsNear(string key) => _near?.Contains(key) ?? false;

    /// <summary>Connects to the cluster named by <see cref="HoardCacheOptions.Configuration"/> (or uses <see cref="HoardCacheOptions.Multiplexer"/>).</summary>
    public static async Task<HoardCache> ConnectAsync(HoardCacheOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Multiplexer is { } given)
        {
            return new HoardCache(options, given, ownsRedis: false, loggers, time);
        }

        var redis = await ConnectionMultiplexer.ConnectAsync(ClientConfiguration(options)).ConfigureAwait(false);
        return new HoardCache(options, redis, ownsRedis: true, loggers, time);
    }

    /// <summary>As <see cref="ConnectAsync"/>, blocking (for a DI factory).</summary>
    public static HoardCache Connect(HoardCacheOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Multiplexer is { } given
            ? new HoardCache(options, given, ownsRedis: false, loggers, time)
            : new HoardCache(options, ConnectionMultiplexer.Connect(ClientConfiguration(options)), ownsRedis: true, loggers, time);
    }

    /// <summary>
    /// The connection's settings: those given, with commands for a node that is down failing at once instead of
    /// waiting for it (StackExchange.Redis's default queues them up to its 5 s timeout); the cache retries them
    /// (<see cref="HoardCacheOptions.ClusterRetryBudget"/>), so they reach the new primary as soon as the cluster has one.
    /// </summary>
    private static ConfigurationOptions ClientConfiguration(HoardCacheOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return configuration;
    }

    /// <inheritdoc/>
    public async Task<T> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        var o = options ?? _options.DefaultEntryOptions;
        if (TryNear<T>(key, o, out var near, out var entry))
        {
            MaybeRefreshEarly(key, factory, o, entry.FreshUntil, entry.ComputeMs);
            return near;
        }

        return await JoinFlight(key, factory, o, refresh: false).WaitAsync(token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<HoardValue<T>> GetAsync<T>(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var o = _options.DefaultEntryOptions;
        if (TryNear<T>(key, o, out var near, out _))
        {
            return new HoardValue<T>(true, near);
        }

        var before = _near?.Snapshot(key) ?? default;
        var read = await ReadAsync<T>(key).WaitAsync(token).ConfigureAwait(false);
        if (read is { } found && found.Envelope.IsFresh(Now()))
        {
            HoardCacheMetrics.Hits.Add(1, new KeyValuePair<string, object?>("level", "l2"));
            KeepNear(key, found, before, o);
            return new HoardValue<T>(true, found.Value);
        }

        HoardCacheMetrics.Misses.Add(1);
        return HoardValue<T>.None;
    }

    /// <inheritdoc/>
    public async Task SetAsync<T>(string key, T value, HoardEntryOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await StoreAsync(key, value, options ?? _options.DefaultEntryOptions, computeMs: 0).WaitAsync(token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        _near?.Invalidate(key);
        await Retry(() => _db.KeyDeleteAsync(Full(key))).WaitAsync(token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_notices is not null)
        {
            await _notices.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsRedis)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private RedisKey Full(string key) => _options.KeyPrefix + key;

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A fresh value from the near cache.</summary>
    private bool TryNear<T>(string key, HoardEntryOptions o, out T value, out NearEntry entry)
    {
        value = default!;
        entry = null!;
        if (!o.NearCache || _near is null || !_near.TryGet(key, out entry) || entry.Value is not T typed)
        {
            return false;
        }

        var now = Now();
        if (entry.FreshUntil <= now)
        {
            return false;
        }

        HoardCacheMetrics.Hits.Add(1, new KeyValuePair<string, object?>("level", "l1"));
        value = typed;
        return true;
    }
}
