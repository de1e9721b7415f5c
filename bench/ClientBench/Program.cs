// ClientBench: Hoard.Client's figures (issue 7) against the node named by the first argument, which bench/client.sh
// starts (`hoard serve` on a free loopback port):
//   stampede:  5 caches (5 connections, as 5 processes would have), 1,000 concurrent GetOrSetAsync of one cold key
//              spread over them, a factory taking 100 ms: how many times the factory ran (target 1), per trial.
//   staleness: a reader with the key in its near cache, a writer that SETs it; from the writer's acknowledgement until
//              the reader stops serving the old value: p50 / p99 / max over the writes.
//   latency:   GetAsync of a cached key from the near cache (L1) and from the node (L2, near cache off): p50 / p99.
//   bench/client.sh [--trials 5] [--writes 1000]
// and, with `pages`, the latency of HTTP GETs of the URLs given, one at a time (bench/sample.sh: the catalogue sample's
// page uncached, cached in the cluster, cached near): ClientBench pages [--requests 2000] name=url …

using System.Diagnostics;
using System.Globalization;
using Hoard.Bench.ClientBench;
using Hoard.Client;

if (args.Length > 0 && args[0] == "pages")
{
    return await Pages.RunAsync(args[1..]);
}

var configuration = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var trials = 5;
var writes = 1000;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--trials": trials = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--writes": writes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: ClientBench host:port [--trials 5] [--writes 1000]"); return 2;
    }
}

Console.WriteLine($"Hoard.Client against {configuration}; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
var caches = new List<HoardCache>();
for (var i = 0; i < 5; i++)
{
    caches.Add(await ConnectAsync(configuration, nearCache: true));
}

await Stampede.RunAsync(caches, trials);
await Staleness.RunAsync(await ConnectAsync(configuration, nearCache: true), caches[1], writes); // a reader with nothing near yet
await Latency.RunAsync(await ConnectAsync(configuration, nearCache: true), await ConnectAsync(configuration, nearCache: false));
Console.WriteLine($"load average after: {LoadAverage()}");
return 0;

static async Task<HoardCache> ConnectAsync(string configuration, bool nearCache)
{
    var started = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            var cache = await HoardCache.ConnectAsync(new HoardCacheOptions { Configuration = configuration, NearCache = nearCache, KeyPrefix = "bench:" });
            while (nearCache && !cache.NearCacheAvailable && started.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            return cache;
        }
        catch (StackExchange.Redis.RedisConnectionException) when (started.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200); // the node is still starting
        }
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
