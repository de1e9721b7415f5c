using System.Diagnostics;
using StackExchange.Redis;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// After the kill: a new SET to a key of the dead primary's slots every <see cref="Every"/> through the same
/// multiplexer (it follows MOVED), without waiting for the earlier ones (at most <see cref="MaxInFlight"/> at once),
/// until one succeeds. So the first success is when the cluster and the client could take the shard's writes again,
/// not when some attempt queued behind a dead connection gave up.
/// </summary>
internal static class ShardProbe
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(10);
    private const int MaxInFlight = 1000; // above 5 s of attempts: the client queues a command for a dead node up to its 5 s timeout

    /// <summary>The Stopwatch timestamp at which the first successful write (sent at or after the call) returned.</summary>
    public static async Task<long> FirstSuccessAsync(IConnectionMultiplexer redis, IReadOnlyList<string> keys, TimeSpan bound)
    {
        var db = redis.GetDatabase();
        var first = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        var attempts = new List<Task>();
        for (var n = 0; !first.Task.IsCompleted; n++)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"no write to the failed shard succeeded within {bound.TotalSeconds:0} s");
            }

            if (await inFlight.WaitAsync(Every))
            {
                var key = keys[n % keys.Count];
                attempts.Add(AttemptAsync(db, key, first, inFlight));
                await Task.WhenAny(first.Task, Task.Delay(Every));
            }
        }

        await Task.WhenAll(attempts);
        return await first.Task;
    }

    private static async Task AttemptAsync(IDatabase db, string key, TaskCompletionSource<long> first, SemaphoreSlim inFlight)
    {
        try
        {
            if (await db.StringSetAsync(key, key))
            {
                first.TrySetResult(Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ClientLog.Note($"probe SET {key} failed: {e.Message}"); // not yet: the next attempt is already on its way
        }
        finally
        {
            inFlight.Release();
        }
    }
}
