// HitRate: replays cache traces through the engine and reports the hit ratio of each eviction policy at cache
// sizes given in entries, next to an exact LRU and an exact FIFO of the same number of entries.
//
//   bench/hitrate.sh [--traces cache2k_web07,lirs_loop,...] [--sizes 1,5,10] [--entries N,N...]
//                    [--max-requests N] [--dir ../shared/traces] [--policies s3fifo,allkeys-lru,...]
//
// A trace is a gzip'd text file, one decimal key per line. Replay: GET t:<key>; on a miss SET it to a 100-byte
// value. Hit ratio = hits / requests (cold misses included). --sizes are percentages of the trace's distinct
// keys; --entries gives absolute sizes instead. --max-requests truncates every trace to its first N requests.

using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Hoard.Storage;

string[] traces = ["cache2k_web07", "lirs_loop", "lirs_2_pools", "scarab_recs", "corda_vaultservice"];
double[] percents = [1, 5, 10];
long[]? absolute = null;
long maxRequests = long.MaxValue;
string? dir = null;
EvictionPolicy[] policies = [EvictionPolicy.S3Fifo, EvictionPolicy.AllKeysLru, EvictionPolicy.AllKeysLfu, EvictionPolicy.AllKeysRandom];
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--traces": traces = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
        case "--sizes": percents = Next().Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--entries": absolute = Next().Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--max-requests": maxRequests = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--dir": dir = Next(); break;
        case "--policies":
            policies = Next().Split(',').Select(n => EvictionPolicyNames.TryParse(n, out var p) ? p
                : throw new ArgumentException($"unknown policy {n}")).ToArray();
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; use --traces A,B --sizes 1,5,10 | --entries N,N --max-requests N --dir PATH --policies A,B");
            return 2;
    }
}

dir ??= FindTraceDirectory();
var clock = Stopwatch.StartNew();
Console.WriteLine($"hitrate: traces from {Path.GetFullPath(dir)}; GET t:<id>, SET a {Replay.ValueSize}-byte value on a miss; "
    + $"StorageOptions {{ Shards = 1, SegmentSize = 1024 }}; {Environment.ProcessorCount} cores");
Console.WriteLine("byte budget per size = entries x (UsedMemory of an unlimited keyspace holding exactly that many of the trace's keys) / entries;"
    + " the same budget for every policy");
Console.WriteLine();

var rows = new List<Row>();
foreach (var name in traces)
{
    var path = Path.Combine(dir, name + ".keys.gz");
    var (ids, fullLength) = Trace.Load(path, maxRequests);
    var firstSeen = Trace.DistinctInOrder(ids);
    var note = ids.Length < fullLength ? $" (truncated to the first {ids.Length:N0} of {fullLength:N0} requests)" : "";
    Console.WriteLine($"{name}: {ids.Length:N0} requests, {firstSeen.Length:N0} distinct keys{note}");
    var sizes = absolute ?? percents.Select(p => Math.Max(1L, (long)Math.Round(firstSeen.Length * p / 100))).ToArray();
    foreach (var entries in sizes.Distinct())
    {
        var budget = Replay.Calibrate(firstSeen, entries);
        var row = new Row(name + note, entries, 100.0 * entries / firstSeen.Length, budget);
        foreach (var policy in policies)
        {
            row.Engine.Add(Replay.Engine(ids, policy, budget));
        }

        row.ExactLru = Replay.ExactLru(ids, entries);
        var lru = Array.IndexOf(policies, EvictionPolicy.AllKeysLru);
        if (lru >= 0)
        {
            row.LruHeld = Math.Max(1, (long)Math.Round(row.Engine[lru].MeanHeld));
            row.ExactLruAtHeld = Replay.ExactLru(ids, row.LruHeld);
        }

        row.ExactFifo = Replay.ExactFifo(ids, entries);
        rows.Add(row);
        Console.WriteLine($"  {entries,7:N0} entries: {string.Join("  ", row.Engine.Select((r, k) => $"{policies[k].ToName()} {r.HitRatio:F4}"))}"
            + $"  LRU {row.ExactLru:F4}  FIFO {row.ExactFifo:F4}  [{clock.Elapsed.TotalSeconds:F0} s]");
    }
}

Console.WriteLine();
Console.WriteLine("Hit ratio (hits / requests):");
var header = $"| {"trace",-20} | {"entries",8} | {"% keys",6} | {"budget B",10} | "
    + string.Join(" | ", policies.Select(p => $"{p.ToName(),14}")) + $" | {"exact LRU",9} | {"exact FIFO",10} |";
Console.WriteLine(header);
Console.WriteLine(Separator(header));
foreach (var row in rows)
{
    Console.WriteLine($"| {TraceName(row.Trace),-20} | {row.Entries,8:N0} | {row.Percent,6:F1} | {row.Budget.MaxMemory,10:N0} | "
        + string.Join(" | ", row.Engine.Select(r => $"{r.HitRatio,14:F4}")) + $" | {row.ExactLru,9:F4} | {row.ExactFifo,10:F4} |");
}

Console.WriteLine();
Console.WriteLine("Entries the engine actually held (mean of the key count over the second half of the replay), SETs refused, and an");
Console.WriteLine("exact LRU as large as what allkeys-lru held (to tell the CLOCK approximation from the capacity it lost):");
header = $"| {"trace",-20} | {"entries",8} | {"B/entry",7} | " + string.Join(" | ", policies.Select(p => $"{p.ToName(),22}"))
    + $" | {"exact LRU @ lru held",20} |";
Console.WriteLine(header);
Console.WriteLine(Separator(header));
foreach (var row in rows)
{
    Console.WriteLine($"| {TraceName(row.Trace),-20} | {row.Entries,8:N0} | {row.Budget.BytesPerEntry,7:F1} | "
        + string.Join(" | ", row.Engine.Select(r => $"{$"{r.MeanHeld:N0} held, {r.FailedSets:N0} OOM",22}"))
        + $" | {(double.IsNaN(row.ExactLruAtHeld) ? "" : $"{row.ExactLruAtHeld:F4} @ {row.LruHeld:N0}"),20} |");
}

var problems = rows.SelectMany(r => r.Engine).Sum(r => r.WrongValues);
Console.WriteLine();
Console.WriteLine($"values checked on every hit: {problems} wrong; total time {clock.Elapsed.TotalSeconds:F1} s");
foreach (var row in rows.Where(r => r.Trace.Contains("truncated", StringComparison.Ordinal)))
{
    Console.WriteLine($"NOTE {row.Trace}");
}

return problems == 0 ? 0 : 1;

static string TraceName(string trace) => trace.Contains(' ', StringComparison.Ordinal) ? trace[..trace.IndexOf(' ', StringComparison.Ordinal)] + "*" : trace;

static string Separator(string header) =>
    string.Concat(header.Select(c => c == '|' ? '|' : '-'));

// ../shared/traces relative to the repository root (the scripts run from there); also found from the binary.
static string FindTraceDirectory()
{
    const string relative = "../shared/traces";
    if (Directory.Exists(relative))
    {
        return relative;
    }

    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "Hoard.slnx")))
        {
            return Path.Combine(d.FullName, relative);
        }
    }

    return relative;
}

internal sealed class Row(string trace, long entries, double percent, Budget budget)
{
    public string Trace { get; } = trace;
    public long Entries { get; } = entries;
    public double Percent { get; } = percent;
    public Budget Budget { get; } = budget;
    public List<EngineResult> Engine { get; } = [];
    public double ExactLru { get; set; }
    public long LruHeld { get; set; }
    public double ExactLruAtHeld { get; set; } = double.NaN;
    public double ExactFifo { get; set; }
}

internal readonly record struct Budget(long MaxMemory, double BytesPerEntry);

internal readonly record struct EngineResult(double HitRatio, double MeanHeld, long FailedSets, long WrongValues);

internal static class Trace
{
    /// <summary>Reads up to <paramref name="max"/> requests; returns them and the trace's full length.</summary>
    public static (ulong[] Ids, long FullLength) Load(string path, long max)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var ids = new List<ulong>();
        long count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (count++ < max)
            {
                ids.Add(ulong.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        return (ids.ToArray(), count);
    }

    /// <summary>The distinct keys in order of first appearance.</summary>
    public static ulong[] DistinctInOrder(ulong[] ids)
    {
        var seen = new HashSet<ulong>();
        var order = new List<ulong>();
        foreach (var id in ids)
        {
            if (seen.Add(id))
            {
                order.Add(id);
            }
        }

        return order.ToArray();
    }
}

internal static class Replay
{
    public const int ValueSize = 100;

    private static StorageOptions Options(long maxMemory, EvictionPolicy policy) =>
        new() { Shards = 1, SegmentSize = 1024, MaxMemory = maxMemory, Policy = policy };

    /// <summary>
    /// Converts a cache size in entries (what the literature and the exact simulators use) into the byte limit the
    /// engine understands. Calibration: an UNLIMITED keyspace with the same options (1 shard, 1 KiB segments) is
    /// loaded with exactly <paramref name="entries"/> keys of the trace (the first distinct ones, so key lengths
    /// are typical of it) and 100-byte values; its UsedMemory / entries is the engine's cost of one entry in a
    /// full cache of that layout, entry bytes plus its share of segments, index and bookkeeping. The limit is
    /// entries x that. Every policy then gets the same byte budget, which is what makes the comparison honest;
    /// under a limit the engine spends part of it on machinery an unlimited keyspace does not have (the headroom
    /// kept for relocations, S3-FIFO's second log and ghost filter, a partly consumed head segment), so it holds
    /// somewhat fewer than <paramref name="entries"/> keys: the second table shows how many.
    /// One correction: the index grows incrementally, and for about capacity/16 inserts after a growth it still
    /// holds its old table (about 8 % more bytes per entry). A full cache has stopped growing, so it never holds
    /// one; when the load ended inside such a window, the trace's next keys are inserted until the old table is
    /// released (UsedMemory drops) and the cost per entry is read there instead.
    /// </summary>
    public static Budget Calibrate(ulong[] distinct, long entries)
    {
        const int segmentSize = 1024;
        using var keyspace = new Keyspace(Options(0, EvictionPolicy.S3Fifo));
        var db = keyspace[0];
        var key = new byte[24];
        var value = new byte[ValueSize];
        var n = (int)Math.Min(entries, distinct.Length);
        var previous = keyspace.UsedMemory;
        var growing = false;
        var i = 0;
        for (; i < n; i++)
        {
            Insert(i);
            var used = keyspace.UsedMemory;
            var delta = used - previous;
            previous = used;
            if (delta < 0)
            {
                growing = false; // the old index table was released
            }
            else if (delta != 0 && delta != segmentSize)
            {
                growing = true; // a new index table (possibly with a segment)
            }
        }

        var perEntry = (double)keyspace.UsedMemory / n;
        var window = Math.Min(distinct.Length, n + (n / 8) + 64);
        for (; growing && i < window; i++)
        {
            Insert(i);
            var used = keyspace.UsedMemory;
            if (used < previous)
            {
                perEntry = (double)used / (i + 1);
                break;
            }

            previous = used;
        }

        return new Budget((long)Math.Ceiling(entries * perEntry), perEntry);

        void Insert(int index)
        {
            var length = FormatKey(key, distinct[index]);
            BinaryPrimitives.WriteUInt64LittleEndian(value, distinct[index]);
            if (db.Set(key.AsSpan(0, length), value) != StorageStatus.Ok)
            {
                throw new InvalidOperationException("calibration SET failed");
            }
        }
    }

    /// <summary>GET each key; on a miss SET it. Nothing in the request loop allocates.</summary>
    public static EngineResult Engine(ulong[] ids, EvictionPolicy policy, Budget budget)
    {
        using var keyspace = new Keyspace(Options(budget.MaxMemory, policy));
        var db = keyspace[0];
        var key = new byte[24];
        var value = new byte[ValueSize];
        var sink = new CheckSink();
        long hits = 0, failedSets = 0, wrong = 0, heldSum = 0, heldSamples = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            var length = FormatKey(key, id);
            sink.Expected = id;
            if (db.Get(key.AsSpan(0, length), ref sink) == StorageStatus.Ok)
            {
                hits++;
                wrong += sink.Matches ? 0 : 1;
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(value, id);
                if (db.Set(key.AsSpan(0, length), value) != StorageStatus.Ok)
                {
                    failedSets++;
                }
            }

            if (i >= ids.Length / 2 && (i & 255) == 0)
            {
                heldSum += db.Count;
                heldSamples++;
            }
        }

        if (keyspace.Stats.Hits != hits)
        {
            throw new InvalidOperationException($"engine counted {keyspace.Stats.Hits} hits, the replay {hits}");
        }

        return new EngineResult((double)hits / ids.Length, heldSamples == 0 ? db.Count : (double)heldSum / heldSamples, failedSets, wrong);
    }

    /// <summary>Exact LRU of <paramref name="entries"/> entries: a linked list in recency order and a dictionary.</summary>
    public static double ExactLru(ulong[] ids, long entries)
    {
        var order = new LinkedList<ulong>();
        var nodes = new Dictionary<ulong, LinkedListNode<ulong>>();
        long hits = 0;
        foreach (var id in ids)
        {
            if (nodes.TryGetValue(id, out var node))
            {
                hits++;
                order.Remove(node);
                order.AddFirst(node);
                continue;
            }

            if (nodes.Count >= entries)
            {
                var last = order.Last!;
                order.RemoveLast();
                nodes.Remove(last.Value);
                last.Value = id; // reuse the node
                order.AddFirst(last);
                nodes.Add(id, last);
            }
            else
            {
                nodes.Add(id, order.AddFirst(id));
            }
        }

        return (double)hits / ids.Length;
    }

    /// <summary>Exact FIFO of <paramref name="entries"/> entries: insertion order only, hits change nothing.</summary>
    public static double ExactFifo(ulong[] ids, long entries)
    {
        var queue = new Queue<ulong>();
        var present = new HashSet<ulong>();
        long hits = 0;
        foreach (var id in ids)
        {
            if (present.Contains(id))
            {
                hits++;
                continue;
            }

            if (present.Count >= entries)
            {
                present.Remove(queue.Dequeue());
            }

            queue.Enqueue(id);
            present.Add(id);
        }

        return (double)hits / ids.Length;
    }

    /// <summary>Writes "t:&lt;id&gt;" into <paramref name="key"/>; returns its length.</summary>
    private static int FormatKey(byte[] key, ulong id)
    {
        key[0] = (byte)'t';
        key[1] = (byte)':';
        Utf8Formatter.TryFormat(id, key.AsSpan(2), out var digits);
        return 2 + digits;
    }

    /// <summary>Checks that a hit returns the value stored for its key (the id in the first 8 bytes).</summary>
    private struct CheckSink : IValueSink
    {
        public ulong Expected;
        public bool Matches;

        public void Write(scoped ReadOnlySpan<byte> value) =>
            Matches = value.Length == ValueSize && BinaryPrimitives.ReadUInt64LittleEndian(value) == Expected;
    }
}
