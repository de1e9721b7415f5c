// Churn: a fixed set of keys with a short TTL, rewritten continuously, while active expiry runs in the
// background the way the server will run it. The memory the engine holds (UsedMemory) and the process RSS must
// level off: after a warm-up, neither may grow beyond 1.2x its value at the baseline second.
//
//   bench/churn.sh [--seconds 60] [--keys 1000000] [--ttl-ms 1000] [--value-size 32] [--baseline 10]
//
// Exit code 0 = PASS, 1 = FAIL, 2 = bad arguments.

using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using Hoard.Storage;

var seconds = 60;
var keys = 1_000_000;
var ttlMs = 1000;
var valueSize = 32;
var baselineSecond = 10;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--keys": keys = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--ttl-ms": ttlMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--value-size": valueSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--baseline": baselineSecond = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; use --seconds N --keys N --ttl-ms N --value-size N --baseline N");
            return 2;
    }
}

if (seconds < 2 || keys < 1 || keys > 100_000_000 || ttlMs < 1 || valueSize < 0)
{
    Console.Error.WriteLine("need --seconds >= 2, 1 <= --keys <= 100000000 (8 digits), --ttl-ms >= 1");
    return 2;
}

if (baselineSecond >= seconds)
{
    baselineSecond = Math.Max(1, seconds / 2);
    Console.WriteLine($"note: run shorter than the baseline; judging growth against second {baselineSecond} instead");
}

using var keyspace = new Keyspace(new StorageOptions());
var db = keyspace[0];
var shared = new Shared();
var clock = Stopwatch.StartNew();

Console.WriteLine($"churn: {keys:N0} keys 'key:%08d', {valueSize}-byte values, TTL {ttlMs} ms, {seconds} s; "
    + $"active expiry 25 ms every 100 ms; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var writer = new Thread(() => Write(db, keys, valueSize, ttlMs, shared)) { Name = "writer", IsBackground = true };
var expirer = new Thread(() => Expire(keyspace, shared)) { Name = "active-expire", IsBackground = true };
writer.Start();
expirer.Start();

Console.WriteLine($"{"sec",4} {"writes/s",11} {"RSS MB",8} {"used MB",8} {"live MB",8} {"keys",10} {"expired/s",10} {"GC heap MB",10}");
var rss = new long[seconds + 1];
var used = new long[seconds + 1];
long lastWrites = 0, lastExpired = 0;
var lastTime = TimeSpan.Zero;
for (var second = 1; second <= seconds; second++)
{
    var wait = TimeSpan.FromSeconds(second) - clock.Elapsed;
    if (wait > TimeSpan.Zero)
    {
        Thread.Sleep(wait);
    }

    var now = clock.Elapsed;
    var writes = Volatile.Read(ref shared.Writes);
    var expired = keyspace.Stats.ExpiredKeys;
    rss[second] = ReadRssBytes();
    used[second] = keyspace.UsedMemory;
    var count = db.Count;
    var span = (now - lastTime).TotalSeconds;
    Console.WriteLine($"{second,4} {(writes - lastWrites) / span,11:N0} {Mb(rss[second]),8:F1} {Mb(used[second]),8:F1} "
        + $"{Mb(keyspace.LiveBytes),8:F1} {count,10:N0} {(expired - lastExpired) / span,10:N0} {Mb(GC.GetTotalMemory(false)),10:F1}");
    (lastWrites, lastExpired, lastTime) = (writes, expired, now);
}

Volatile.Write(ref shared.Stop, true);
writer.Join();
expirer.Join();

var totalWrites = Volatile.Read(ref shared.Writes);
Console.WriteLine();
Console.WriteLine($"writes: {totalWrites:N0} in {clock.Elapsed.TotalSeconds:F1} s ({totalWrites / clock.Elapsed.TotalSeconds:N0}/s), "
    + $"failed: {shared.Failures:N0}; writer thread allocated {shared.WriterAllocatedBytes:N0} bytes in its loop "
    + $"({(double)shared.WriterAllocatedBytes / Math.Max(1, totalWrites):F4} bytes/write)");
Console.WriteLine($"active expiry: {shared.Cycles:N0} cycles, {shared.ActiveExpired:N0} keys expired by them, longest cycle "
    + $"{shared.LongestCycle.TotalMilliseconds:F1} ms; engine stats: {keyspace.Stats}");

var lapMs = keys / (totalWrites / clock.Elapsed.TotalSeconds) * 1000;
if (lapMs < ttlMs)
{
    Console.WriteLine($"NOTE one pass over the keys took {lapMs:F0} ms < TTL {ttlMs} ms: keys were rewritten before they expired, so "
        + "every SET overwrote its entry in place and expiry was not exercised (try --keys 5000000 or --ttl-ms 200)");
}

var maxRss = rss.Skip(baselineSecond + 1).Max();
var maxUsed = used.Skip(baselineSecond + 1).Max();
var rssRatio = (double)maxRss / rss[baselineSecond];
var usedRatio = (double)maxUsed / used[baselineSecond];
Console.WriteLine($"after second {baselineSecond}: max RSS {Mb(maxRss):F1} MB / {Mb(rss[baselineSecond]):F1} MB = {rssRatio:F3}; "
    + $"max UsedMemory {Mb(maxUsed):F1} MB / {Mb(used[baselineSecond]):F1} MB = {usedRatio:F3} (limit 1.2)");
var pass = rssRatio <= 1.2 && usedRatio <= 1.2 && shared.Failures == 0;
Console.WriteLine(pass ? "PASS" : "FAIL");
return pass ? 0 : 1;

static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

// The writer: cycles through the keys, each SET giving the key a TTL of ttlMs from now. Nothing in the loop
// allocates: the key is formatted into one reused buffer and the value is one reused array.
static void Write(Database db, int keys, int valueSize, int ttlMs, Shared shared)
{
    var key = new byte[12];
    "key:"u8.CopyTo(key);
    var digits = key.AsSpan(4);
    var value = new byte[valueSize];
    new Random(1).NextBytes(value);
    var format = new StandardFormat('D', 8);
    var time = TimeProvider.System;
    long writes = 0, failures = 0;
    var next = 0;
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    while (!Volatile.Read(ref shared.Stop))
    {
        for (var batch = 0; batch < 1024; batch++)
        {
            Utf8Formatter.TryFormat(next, digits, out _, format);
            var expireAt = time.GetUtcNow().ToUnixTimeMilliseconds() + ttlMs;
            if (db.Set(key, value, SetCondition.Always, Expiry.AtUnixMs(expireAt)) != StorageStatus.Ok)
            {
                failures++;
            }

            if (++next == keys)
            {
                next = 0;
            }
        }

        writes += 1024;
        Volatile.Write(ref shared.Writes, writes);
    }

    shared.WriterAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
    shared.Failures = failures;
}

// What the server does: an active expiry cycle of at most 25 ms, ten times a second.
static void Expire(Keyspace keyspace, Shared shared)
{
    var period = TimeSpan.FromMilliseconds(100);
    var clock = Stopwatch.StartNew();
    var due = period;
    while (!Volatile.Read(ref shared.Stop))
    {
        var start = clock.Elapsed;
        shared.ActiveExpired += keyspace.RunActiveExpireCycle(TimeSpan.FromMilliseconds(25));
        var took = clock.Elapsed - start;
        if (took > shared.LongestCycle)
        {
            shared.LongestCycle = took;
        }

        shared.Cycles++;
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }

        due += period;
    }
}

// VmRSS of this process, from /proc/self/status (kB there).
static long ReadRssBytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            var kb = line.AsSpan(6).Trim();
            return long.Parse(kb[..kb.IndexOf(' ')], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return 0;
}

/// <summary>State the threads share; <see cref="Writes"/> and <see cref="Stop"/> are read across threads.</summary>
internal sealed class Shared
{
    public long Writes;
    public bool Stop;
    public long Failures;
    public long WriterAllocatedBytes;
    public long ActiveExpired;
    public long Cycles;
    public TimeSpan LongestCycle;
}
