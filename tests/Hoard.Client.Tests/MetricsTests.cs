using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Hoard.Client.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    /// <summary>Alone: the meter is process-wide, so no other test's cache may count meanwhile.</summary>
    public const string Name = "metrics";
}

/// <summary>The counters on the <c>Hoard.Client</c> meter, as OpenTelemetry would read them.</summary>
[Collection(MetricsCollection.Name)]
public class MetricsTests
{
    [Fact]
    public async Task EachOutcomeIsCountedWithItsTags()
    {
        await using var node = await LocalNode.StartAsync();
        var cache = await node.CacheAsync();
        var counts = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HoardCacheMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tag = tags.Length > 0 ? $"/{tags[0].Value}" : "";
            counts.AddOrUpdate(instrument.Name + tag, value, (_, old) => old + value);
        });
        listener.Start();

        var stale = new HoardEntryOptions { Duration = TimeSpan.FromSeconds(1) };
        await cache.GetOrSetAsync("k", _ => Task.FromResult(1), stale); // miss, factory
        await LocalNode.WaitUntilAsync(() => counts.GetValueOrDefault("hoard.cache.near.invalidations") >= 1, "the cache's own write is heard");
        await LocalNode.WaitUntilAsync(() => cache.GetAsync<int>("k").Result.HasValue && cache.IsNear("k"), "the value is near"); // l2 hits
        var l2 = counts.GetValueOrDefault("hoard.cache.hits/l2");
        await cache.GetOrSetAsync("k", _ => Task.FromResult(2), stale); // l1 hit
        await Task.Delay(1100);
        await cache.GetOrSetAsync<int>("k", _ => throw new TimeoutException("down"), stale); // miss, factory, fail-safe

        Assert.Equal(2, counts.GetValueOrDefault("hoard.cache.factory.calls"));
        Assert.Equal(2, counts.GetValueOrDefault("hoard.cache.misses"));
        Assert.True(l2 >= 1, "no l2 hit counted");
        Assert.Equal(1, counts.GetValueOrDefault("hoard.cache.hits/l1"));
        Assert.Equal(1, counts.GetValueOrDefault("hoard.cache.stale.served/fail-safe"));
    }
}
