using Hoard.Client;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Hoard.Client.</summary>
public static class HoardServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IHoardCache"/> (one <see cref="HoardCache"/> for the application, connected on first use) with
    /// options configured by <paramref name="configure"/>, and — unless another is registered — Hoard as the
    /// application's <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> (sessions, output caching)
    /// and its <see cref="HybridCache"/>.
    /// </summary>
    public static IServiceCollection AddHoard(this IServiceCollection services, Action<HoardCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HoardCacheOptions>().Configure(configure);
        services.AddSingleton(provider => HoardCache.Connect(
            provider.GetRequiredService<IOptions<HoardCacheOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
        services.AddSingleton<IHoardCache>(provider => provider.GetRequiredService<HoardCache>());
        services.TryAddSingleton(provider => new HoardDistributedCache(provider.GetRequiredService<HoardCache>()));
        services.TryAddSingleton<IDistributedCache>(provider => provider.GetRequiredService<HoardDistributedCache>());
        services.TryAddSingleton<IBufferDistributedCache>(provider => provider.GetRequiredService<HoardDistributedCache>());
        services.TryAddSingleton<HybridCache>(provider => new HoardHybridCache(provider.GetRequiredService<HoardCache>()));
        return services;
    }
}
