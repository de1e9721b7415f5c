using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>A write: its key (the value is the key too), and when a WAIT 1 confirmed a replica holds it (0: never).</summary>
internal sealed record ConfirmedWrite(string Key, long Confirmed);

/// <summary>
/// Writers through StackExchange.Redis in cluster mode, each SET of a new key followed by <c>WAIT 1 200</c> sent
/// through <see cref="IServer"/> of the endpoint serving the key's slot: the multiplexer's one interactive connection
/// to that node carries both, in order (a keyless <c>db.Execute("WAIT")</c> would go to any node). A write is
/// confirmed when WAIT answered 1 and the slot was still served by that endpoint afterwards.
/// </summary>
internal sealed class ConfirmedWrites
{
    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly ConcurrentQueue<ConfirmedWrite> _ok = new();
    private readonly ConcurrentQueue<string> _failed = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _writers = [];

    public ConfirmedWrites(IConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _prefix = prefix;
    }

    /// <summary>The writes that returned OK.</summary>
    public IReadOnlyCollection<ConfirmedWrite> Ok => _ok;

    /// <summary>The SETs that failed (not the WAITs): key and error.</summary>
    public IReadOnlyCollection<string> Failed => _failed;

    public void Start(int writers) =>
        _writers = [.. Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w)))];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync(int writer)
    {
        var db = _redis.GetDatabase(); // BacklogPolicy.FailFast: a write to the dead node fails at once
        for (var seq = 0; !_stop.IsCancellationRequested; seq++)
        {
            var key = $"{_prefix}:w{writer}:{seq}";
            try
            {
                var server = _redis.GetServer((RedisKey)key);
                if (!await db.StringSetAsync(key, key))
                {
                    continue;
                }

                _ok.Enqueue(new ConfirmedWrite(key, await ConfirmAsync(server, key) ? Stopwatch.GetTimestamp() : 0));
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                _failed.Enqueue($"{key}: {e.Message}");
                await Task.Delay(10);
            }
        }
    }

    private async Task<bool> ConfirmAsync(IServer server, string key)
    {
        try
        {
            var replicas = (long)await server.ExecuteAsync("WAIT", 1, 200);
            return replicas >= 1 && _redis.GetServer((RedisKey)key).EndPoint.Equals(server.EndPoint);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
