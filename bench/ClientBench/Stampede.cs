namespace Hoard.Bench.ClientBench;

/// <summary>1,000 concurrent misses of one cold key across the caches: how many factory calls.</summary>
internal static class Stampede
{
    public static async Task RunAsync(IReadOnlyList<Hoard.Client.HoardCache> caches, int trials)
    {
        var counts = new List<int>();
        for (var trial = 0; trial < trials; trial++)
        {
            var key = $"stampede:{Guid.NewGuid():N}";
            var calls = 0;
            async Task<string> Factory(CancellationToken token)
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(100, token);
                return "computed";
            }

            using var start = new ManualResetEventSlim();
            var requests = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
            {
                start.Wait();
                return await caches[i % caches.Count].GetOrSetAsync(key, Factory);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(requests);
            if (results.Any(r => r != "computed"))
            {
                throw new InvalidOperationException("a caller got another value");
            }

            counts.Add(calls);
        }

        Console.WriteLine($"stampede: 1,000 concurrent misses of one key over {caches.Count} clients, factory 100 ms: factory calls per trial {string.Join(", ", counts)} (target 1)");
    }
}
