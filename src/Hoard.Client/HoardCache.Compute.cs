using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>A miss: the cluster's value, the lease, the factory, fail-safe.</summary>
public sealed partial class HoardCache
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>One caller's miss computes; the others of this process wait for its task.</summary>
    private Task<T> JoinFlight<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, bool refresh)
    {
        Lazy<Task>? mine = null;
        mine = new Lazy<Task>(() => FlyAsync(key, factory, o, refresh, mine!));
        var flight = _flights.GetOrAdd(key, mine);
        return flight.Value as Task<T> ?? ComputeAsync(key, factory, o); // the same key asked as another type: alone
    }

    private async Task<T> FlyAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, bool refresh, Lazy<Task> self)
    {
        try
        {
            return refresh ? await RefreshAsync(key, factory, o).ConfigureAwait(false) : await ComputeAsync(key, factory, o).ConfigureAwait(false);
        }
        finally
        {
            _flights.TryRemove(KeyValuePair.Create(key, self));
        }
    }

    /// <summary>A miss, through the cluster; when the cluster stays unavailable, straight from the factory.</summary>
    private async Task<T> ComputeAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o)
    {
        try
        {
            return await ComputeThroughClusterAsync(key, factory, o).ConfigureAwait(false);
        }
        catch (Exception e) when (ClusterRetry.IsTransient(e))
        {
            LogClusterUnavailable(_logger, key, e.Message);
            HoardCacheMetrics.FactoryCalls.Add(1);
            using var cancel = new CancellationTokenSource(o.FactoryHardTimeout ?? Timeout.InfiniteTimeSpan);
            return await factory(cancel.Token).ConfigureAwait(false);
        }
    }

    private async Task<T> ComputeThroughClusterAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o)
    {
        var before = _near?.Snapshot(key) ?? default;
        var read = await ReadAsync<T>(key).ConfigureAwait(false);
        if (read is { } hit && hit.Envelope.IsFresh(Now()))
        {
            HoardCacheMetrics.Hits.Add(1, new KeyValuePair<string, object?>("level", "l2"));
            KeepNear(key, hit, before, o);
            MaybeRefreshEarly(key, factory, o, hit.Envelope.FreshUntil, hit.Envelope.ComputeMs);
            return hit.Value;
        }

        HoardCacheMetrics.Misses.Add(1);
        if (read is { Envelope.IsFailSafeCopy: true } failing && o.FailSafe)
        {
            // The source failed last time: the caller gets the stale value now, the source is tried in the background.
            HoardCacheMetrics.StaleServed.Add(1, new KeyValuePair<string, object?>("reason", "fail-safe"));
            _ = RetryInBackgroundAsync(key, factory, o, failing);
            return failing.Value;
        }

        var lease = await TryLeaseAsync(key, o).ConfigureAwait(false);
        if (lease is null)
        {
            if (read is { } stale)
            {
                // Another process is computing it: serve what there is meanwhile (stale-while-revalidate).
                HoardCacheMetrics.StaleServed.Add(1, new KeyValuePair<string, object?>("reason", "lease"));
                return stale.Value;
            }

            HoardCacheMetrics.LeaseWaits.Add(1);
            if (await WaitForValueAsync<T>(key, o).ConfigureAwait(false) is { } waited)
            {
                return waited.Value;
            }
        }

        return await RunFactoryAsync(key, factory, o, read, lease).ConfigureAwait(false);
    }

    /// <summary>A source that failed tried again (by whoever gets the lease), the stale value kept if it fails again.</summary>
    private async Task RetryInBackgroundAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, Stored<T> stale)
    {
        try
        {
            if (await TryLeaseAsync(key, o).ConfigureAwait(false) is { } lease)
            {
                await RunFactoryAsync(key, factory, o, stale, lease).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            LogRefreshFailed(_logger, e); // in the background: nobody else would hear of it
        }
    }

    /// <summary>Early refresh of a value still fresh: by whoever gets the lease, the current value kept if it fails.</summary>
    private async Task<T> RefreshAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o)
    {
        var read = await ReadAsync<T>(key).ConfigureAwait(false);
        if (read is null)
        {
            return await ComputeAsync(key, factory, o).ConfigureAwait(false);
        }

        return await TryLeaseAsync(key, o).ConfigureAwait(false) is { } lease
            ? await RunFactoryAsync(key, factory, o, read, lease).ConfigureAwait(false)
            : read.Value.Value;
    }

    private void MaybeRefreshEarly<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, long freshUntil, int computeMs)
    {
        // XFetch (Vattani et al.): refresh when now − computeTime·β·ln(rand()) ≥ expiry; ln(rand()) < 0, so the odds grow
        // as the expiry nears and with the time a value takes to compute.
        if (o.EarlyRefreshBeta <= 0 || Now() - (computeMs * o.EarlyRefreshBeta * Math.Log(Random.Shared.NextDouble())) < freshUntil)
        {
            return;
        }

        _ = JoinFlight(key, factory, o, refresh: true).ContinueWith(
            static (t, state) => LogRefreshFailed((ILogger)state!, t.Exception!.GetBaseException()),
            _logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Runs the factory under the hard timeout; with a stale value, the soft timeout and fail-safe apply. A value
    /// computed is stored and the lease given back.
    /// </summary>
    private async Task<T> RunFactoryAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, Stored<T>? stale, string? lease)
    {
        HoardCacheMetrics.FactoryCalls.Add(1);
        var cancel = new CancellationTokenSource();
        if (o.FactoryHardTimeout is { } hard)
        {
            cancel.CancelAfter(hard);
        }

        var started = Stopwatch.GetTimestamp();
        var work = StoreWhenDoneAsync(key, factory, o, cancel, started, lease);
        if (o.FactorySoftTimeout is { } soft && stale is { } early && await Task.WhenAny(work, Task.Delay(soft)).ConfigureAwait(false) != work)
        {
            // The caller gets the stale value now; the factory goes on and stores what it returns.
            HoardCacheMetrics.StaleServed.Add(1, new KeyValuePair<string, object?>("reason", "soft-timeout"));
            _ = work.ContinueWith(static (t, state) => LogRefreshFailed((ILogger)state!, t.Exception!.GetBaseException()), _logger,
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return early.Value;
        }

        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception e) when (stale is { } fallback && o.FailSafe)
        {
            // The source failed or timed out: serve the last value, and let every process serve it for the throttle
            // time before the source is asked again.
            HoardCacheMetrics.StaleServed.Add(1, new KeyValuePair<string, object?>("reason", "fail-safe"));
            LogFailSafe(_logger, key, e.GetBaseException().Message);
            var bytes = Envelope.Encode(_options.Serializer, fallback.Value, Now() + (long)o.FailSafeThrottleDuration.TotalMilliseconds,
                fallback.Envelope.ComputeMs, fallback.Envelope.CreatedAt, fallback.Envelope.Tags, _options.CompressAbove, failSafeCopy: true);
            await BestEffortAsync(key, () => Retry(() => _db.StringSetAsync(Full(key), bytes, expiry: null, keepTtl: true))).ConfigureAwait(false);
            return fallback.Value;
        }
    }

    private async Task<T> StoreWhenDoneAsync<T>(string key, Func<CancellationToken, Task<T>> factory, HoardEntryOptions o, CancellationTokenSource cancel,
        long started, string? lease)
    {
        try
        {
            var value = o.FactoryHardTimeout is { } hard
                ? await factory(cancel.Token).WaitAsync(hard).ConfigureAwait(false)
                : await factory(cancel.Token).ConfigureAwait(false);
            var ms = (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await BestEffortAsync(key, () => StoreAsync(key, value, o, ms)).ConfigureAwait(false);
            return value;
        }
        finally
        {
            await BestEffortAsync(key, () => ReleaseLeaseAsync(key, lease)).ConfigureAwait(false);
            cancel.Dispose();
        }
    }

    /// <summary>A write the caller's value does not depend on: when the cluster stays unavailable it is logged, not thrown.</summary>
    private async Task BestEffortAsync(string key, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e) when (ClusterRetry.IsTransient(e))
        {
            LogClusterUnavailable(_logger, key, e.Message);
        }
    }

    /// <summary>Stores a value for <see cref="HoardEntryOptions.Duration"/>, kept for fail-safe beyond it.</summary>
    private async Task StoreAsync<T>(string key, T value, HoardEntryOptions o, int computeMs)
    {
        var now = Now();
        var bytes = Envelope.Encode(_options.Serializer, value, now + (long)o.Duration.TotalMilliseconds, computeMs, now, o.Tags, _options.CompressAbove);
        _near?.Invalidate(key); // this process's own copy; the other processes hear of the write from the nodes
        await Retry(() => _db.StringSetAsync(Full(key), bytes, o.PhysicalDuration)).ConfigureAwait(false);
    }

    /// <summary>The cluster's value and its envelope; null when missing or not one of ours.</summary>
    private async Task<Stored<T>?> ReadAsync<T>(string key)
    {
        var raw = await Retry(() => _db.StringGetAsync(Full(key), _readFlags)).ConfigureAwait(false);
        if (!raw.HasValue)
        {
            return null;
        }

        try
        {
            if (!Envelope.TryDecode((ReadOnlyMemory<byte>)raw, out var envelope) || await RemovedByTagAsync(envelope).ConfigureAwait(false))
            {
                return null;
            }

            return new Stored<T>(_options.Serializer.Deserialize<T>(envelope.Payload.Span), envelope);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or InvalidDataException or ArgumentException)
        {
            LogUnreadable(_logger, key, e.Message);
            return null;
        }
    }

    private void KeepNear<T>(string key, Stored<T> stored, (long, long) before, HoardEntryOptions o)
    {
        if (o.NearCache && _near is not null)
        {
            _near.Set(key, new NearEntry(stored.Value, stored.Envelope.FreshUntil, stored.Envelope.ComputeMs), before);
        }
    }

    private RedisKey LeaseKey(string key) => "hoard-lease:" + _options.KeyPrefix + key;

    /// <summary>
    /// Takes the key's lease with a token of this attempt's own (so two attempts of one process cannot both think they
    /// hold it), or finds it already taken by this attempt (a retried SET NX whose first try got through); returns the
    /// token, or null when someone else holds it.
    /// </summary>
    private async Task<string?> TryLeaseAsync(string key, HoardEntryOptions o)
    {
        var token = Guid.NewGuid().ToString("N");
        return await Retry(() => _db.StringSetAsync(LeaseKey(key), token, o.LeaseDuration, When.NotExists)).ConfigureAwait(false)
            || await Retry(() => _db.StringGetAsync(LeaseKey(key))).ConfigureAwait(false) == token
            ? token
            : null;
    }

    private async Task ReleaseLeaseAsync(string key, string? lease)
    {
        if (lease is not null && await Retry(() => _db.StringGetAsync(LeaseKey(key))).ConfigureAwait(false) == lease)
        {
            await Retry(() => _db.KeyDeleteAsync(LeaseKey(key))).ConfigureAwait(false);
        }
    }

    private Task<TResult> Retry<TResult>(Func<Task<TResult>> call) => ClusterRetry.RunAsync(call, _options.ClusterRetryBudget);

    /// <summary>Polls for the lease holder's value; null when it gave the lease back without one, or took too long.</summary>
    private async Task<Stored<T>?> WaitForValueAsync<T>(string key, HoardEntryOptions o)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(o.LeaseWait.TotalSeconds * Stopwatch.Frequency);
        var pause = FirstPoll;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(pause, _time).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(LongestPoll.Ticks, pause.Ticks * 2));
            if (await ReadAsync<T>(key).ConfigureAwait(false) is { } read && read.Envelope.IsFresh(Now()))
            {
                return read;
            }

            if (!await Retry(() => _db.KeyExistsAsync(LeaseKey(key))).ConfigureAwait(false))
            {
                return null;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard cache: the factory of {Key} failed ({Reason}); serving the stale value (fail-safe)")]
    private static partial void LogFailSafe(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard cache: the cluster is unavailable for {Key} ({Reason}); the source is used directly")]
    private static partial void LogClusterUnavailable(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard cache: a background refresh failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hoard cache: the value of {Key} could not be read ({Reason}); treated as missing")]
    private static partial void LogUnreadable(ILogger logger, string key, string reason);

    /// <summary>A value read from the cluster, with its envelope.</summary>
    private readonly record struct Stored<T>(T Value, Envelope Envelope);
}
