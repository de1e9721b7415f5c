using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Hoard.Bench.ClusterBench;

/// <summary>
/// One write: its key (the value is the key too), when it was sent and answered (Stopwatch timestamps), whether the
/// answer was OK, and when a WAIT 1 on the same connection confirmed a replica holds it (0: never).
/// </summary>
internal sealed record WriteResult(string Key, long Sent, long Done, bool Ok, long Confirmed);

/// <summary>
/// A steady write load through StackExchange.Redis in cluster mode: a few writers, each setting its own new keys one
/// after another, every SET followed by <c>WAIT 1 &lt;ms&gt;</c> on the key's primary.
/// <para>
/// WAIT counts the replicas that acknowledged the last write <i>of the connection it arrives on</i>, and a keyless
/// <c>db.Execute("WAIT", …)</c> would go to any node. So WAIT is sent through <see cref="IServer"/> of the endpoint
/// that serves the key's slot (<c>GetServer(key)</c>, asked before the SET): the multiplexer has one interactive
/// connection per endpoint, and both the routed SET and <c>IServer.Execute</c> travel on it, in order. Other
/// writers' SETs share that connection, so WAIT may wait for a later offset than ours; the stream is ordered, so a
/// replica that acknowledged a later offset holds ours too. A write counts as confirmed only when WAIT answered ≥ 1
/// and the key's slot was still served by the same endpoint afterwards (else the SET may have followed a MOVED to
/// another connection than the WAIT's).
/// </para>
/// </summary>
internal sealed class WriteLoad
{
    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly int _waitMs;
    private readonly ConcurrentQueue<WriteResult> _results = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _writers = [];

    public WriteLoad(IConnectionMultiplexer redis, string prefix, int waitMs)
    {
        _redis = redis;
        _prefix = prefix;
        _waitMs = waitMs;
    }

    public IReadOnlyCollection<WriteResult> Results => _results;

    public void Start(int writers) =>
        _writers = [.. Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, _stop.Token)))];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var db = _redis.GetDatabase();
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            var key = $"{_prefix}:w{writer}:{seq}";
            var sent = Stopwatch.GetTimestamp();
            try
            {
                var server = _redis.GetServer((RedisKey)key);
                var ok = await db.StringSetAsync(key, key);
                var done = Stopwatch.GetTimestamp();
                var confirmed = 0L;
                if (ok && await AcknowledgedAsync(server, key))
                {
                    confirmed = Stopwatch.GetTimestamp();
                }

                _results.Enqueue(new WriteResult(key, sent, done, ok, confirmed));
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                _results.Enqueue(new WriteResult(key, sent, Stopwatch.GetTimestamp(), false, 0));
                await Task.Delay(5, CancellationToken.None); // a dead shard fails fast: do not spin on it
            }
        }
    }

    private async Task<bool> AcknowledgedAsync(IServer server, string key)
    {
        try
        {
            var replicas = (long)await server.ExecuteAsync("WAIT", 1, _waitMs);
            return replicas >= 1 && _redis.GetServer((RedisKey)key).EndPoint.Equals(server.EndPoint);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
