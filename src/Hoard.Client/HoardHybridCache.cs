using Microsoft.Extensions.Caching.Hybrid;

namespace Hoard.Client;

/// <summary>
/// Microsoft's <see cref="HybridCache"/> abstraction on a <see cref="HoardCache"/>, for code written against it: entries
/// get Hoard's stampede protection, fail-safe and coherent near cache. <see cref="HybridCacheEntryOptions.Expiration"/>
/// is the entry's <see cref="HoardEntryOptions.Duration"/> (the cache's default when unset); the local-cache flags turn
/// the near cache off for the entry; <see cref="HybridCacheEntryFlags.DisableUnderlyingData"/> reads without calling
/// the factory. The distributed-cache and compression flags are not honoured: Hoard is the distributed cache, and
/// compression is the cache's setting.
/// </summary>
public sealed class HoardHybridCache(HoardCache cache) : HybridCache
{
    private readonly HoardCache _cache = cache ?? throw new ArgumentNullException(nameof(cache));

    /// <inheritdoc/>
    public override async ValueTask<T> GetOrCreateAsync<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var entry = Entry(options, tags);
        if (((options?.Flags ?? HybridCacheEntryFlags.None) & HybridCacheEntryFlags.DisableUnderlyingData) != 0)
        {
            return (await _cache.GetAsync<T>(key, cancellationToken).ConfigureAwait(false)).Value;
        }

        return await _cache.GetOrSetAsync(key, token => factory(state, token).AsTask(), entry, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default) =>
        await _cache.SetAsync(key, value, Entry(options, tags), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        await _cache.RemoveByTagAsync(tag, cancellationToken).ConfigureAwait(false);

    private HoardEntryOptions Entry(HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        var entry = _cache.Options.DefaultEntryOptions;
        var local = HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableLocalCacheWrite;
        return entry with
        {
            Duration = options?.Expiration ?? entry.Duration,
            NearCache = entry.NearCache && ((options?.Flags ?? HybridCacheEntryFlags.None) & local) == 0,
            Tags = tags?.ToList() ?? entry.Tags,
        };
    }
}
