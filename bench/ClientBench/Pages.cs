using System.Diagnostics;
using System.Globalization;

namespace Hoard.Bench.ClientBench;

/// <summary>Latency of HTTP GETs of each URL, one request at a time after a warm-up: p50, p99, max.</summary>
internal static class Pages
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = 2000;
        var targets = new List<(string Name, Uri Url)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--requests")
            {
                requests = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i].Split('=', 2) is [var name, var url])
            {
                targets.Add((name, new Uri(url)));
            }
            else
            {
                Console.Error.WriteLine("usage: ClientBench pages [--requests 2000] name=url …");
                return 2;
            }
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, url) in targets)
        {
            for (var i = 0; i < 50; i++)
            {
                (await http.GetAsync(url)).EnsureSuccessStatusCode(); // warm-up: connections, JIT, the page cached
            }

            var times = new List<double>(requests);
            for (var i = 0; i < requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine(FormattableString.Invariant(
                $"  {name,-28} {requests} GETs: p50 {Staleness.At(times, 0.50):0.000} ms, p99 {Staleness.At(times, 0.99):0.000} ms, max {times[^1]:0.000} ms"));
        }

        return 0;
    }
}
