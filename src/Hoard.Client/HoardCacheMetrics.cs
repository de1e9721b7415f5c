using System.Diagnostics.Metrics;

namespace Hoard.Client;

/// <summary>
/// The cache's counters on the <c>Hoard.Client</c> meter (System.Diagnostics.Metrics, so OpenTelemetry and
/// dotnet-counters pick them up).
/// </summary>
public static class HoardCacheMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Hoard.Client";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Values served fresh, tagged <c>level</c> = <c>l1</c> (the near cache) or <c>l2</c> (the cluster).</summary>
    internal static readonly Counter<long> Hits = Meter.CreateCounter<long>("hoard.cache.hits");

    /// <summary>Calls that found no fresh value.</summary>
    internal static readonly Counter<long> Misses = Meter.CreateCounter<long>("hoard.cache.misses");

    /// <summary>Factory calls (the source of truth was asked).</summary>
    internal static readonly Counter<long> FactoryCalls = Meter.CreateCounter<long>("hoard.cache.factory.calls");

    /// <summary>Stale values served, tagged <c>reason</c> = <c>lease</c>, <c>soft-timeout</c> or <c>fail-safe</c>.</summary>
    internal static readonly Counter<long> StaleServed = Meter.CreateCounter<long>("hoard.cache.stale.served");

    /// <summary>Calls that waited for another process's lease holder to store the value.</summary>
    internal static readonly Counter<long> LeaseWaits = Meter.CreateCounter<long>("hoard.cache.lease.waits");

    /// <summary>Change notices the near cache heard.</summary>
    internal static readonly Counter<long> NearInvalidations = Meter.CreateCounter<long>("hoard.cache.near.invalidations");
}
