// Eviction: a memory limit under a write load ten times larger. Distinct keys 'key:%010d' with values of a
// random size from 16 to 512 bytes (seeded, the same sequence for every policy) are written until the payload
// (key + value bytes) reaches --total; UsedMemory is read after every write and its maximum must never exceed
// the limit.
//
//   bench/eviction.sh [--maxmemory-mb 100] [--policy s3fifo|allkeys-lru|...|noeviction|all] [--total-mb 1000]
//                     [--seed 42] [--shards 16]
//
// --policy all runs every evicting policy in turn, then noeviction, whose result (writes refused with
// OutOfMemory once full) is reported on its own line. For the volatile-* policies every key gets a TTL of one to
// two hours (nothing expires during the run), else they would have nothing to evict; the other policies write
// keys without a TTL. Exit code 0 = PASS (max UsedMemory <= limit in every run), 1 = FAIL, 2 = bad arguments.

using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using Hoard.Storage;

const double Mb = 1024.0 * 1024.0;
var maxMemoryMb = 100L;
long? totalMb = null;
var policyArg = "s3fifo";
var seed = 42;
var shards = 16;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--maxmemory-mb" or "--maxmemory": maxMemoryMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--total-mb" or "--total": totalMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--policy": policyArg = Next(); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--shards": shards = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; use --maxmemory-mb N --policy NAME|all --total-mb N --seed N --shards N");
            return 2;
    }
}

var limit = maxMemoryMb * 1024 * 1024;
var total = (totalMb ?? (10 * maxMemoryMb)) * 1024 * 1024;
List<EvictionPolicy> policies;
if (string.Equals(policyArg, "all", StringComparison.OrdinalIgnoreCase))
{
    policies = Enum.GetValues<EvictionPolicy>().Where(p => p != EvictionPolicy.NoEviction).ToList();
    policies.Add(EvictionPolicy.NoEviction);
}
else if (EvictionPolicyNames.TryParse(policyArg, out var one))
{
    policies = [one];
}
else
{
    Console.Error.WriteLine($"unknown policy {policyArg}; one of: all, {string.Join(", ", EvictionPolicyNames.All)}");
    return 2;
}

Console.WriteLine($"eviction: limit {maxMemoryMb} MiB ({limit:N0} bytes), {total / Mb:N0} MiB of key+value payload per policy, "
    + $"keys 'key:%010d', values 16-512 bytes (seed {seed}), {shards} shards, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine($"{"policy",-16} {"written MiB",11} {"writes",10} {"max used",13} {"limit",13} {"max/limit",9} {"keys",9} "
    + $"{"evicted",10} {"OOM",6} {"live MiB",8} {"writes/s",10} {"check",6}");

var pass = true;
var notes = new List<string>();
foreach (var policy in policies)
{
    var r = Run(policy, limit, total, seed, shards);
    var ok = r.MaxUsed <= limit;
    pass &= ok;
    if (policy != EvictionPolicy.NoEviction)
    {
        Console.WriteLine($"{policy.ToName(),-16} {r.Written / Mb,11:N0} {r.Writes,10:N0} {r.MaxUsed,13:N0} {limit,13:N0} "
            + $"{(double)r.MaxUsed / limit,9:F4} {r.Keys,9:N0} {r.Evicted,10:N0} {r.OutOfMemory,6:N0} {r.LiveBytes / Mb,8:F1} "
            + $"{r.Writes / r.Elapsed.TotalSeconds,10:N0} {(ok ? "ok" : "OVER"),6}");
        if (r.OutOfMemory > 0)
        {
            notes.Add($"{policy.ToName()}: {r.OutOfMemory:N0} writes failed with OutOfMemory although the policy evicts "
                + $"(first at write #{r.FirstOutOfMemory:N0})");
        }
    }
    else
    {
        Console.WriteLine();
        Console.WriteLine($"noeviction: {r.Writes:N0} writes ({r.Written / Mb:N0} MiB); the first OutOfMemory came at write "
            + $"#{r.FirstOutOfMemory:N0} after {r.WrittenBeforeFull / Mb:N1} MiB had been stored; {r.OutOfMemory:N0} writes "
            + $"failed with OutOfMemory; {r.Keys:N0} keys kept, {r.Evicted:N0} evicted; max used {r.MaxUsed:N0} of {limit:N0} "
            + $"({(double)r.MaxUsed / limit:F4}) {(ok ? "ok" : "OVER")}; {r.Writes / r.Elapsed.TotalSeconds:N0} writes/s");
        if (r.OutOfMemory == 0)
        {
            notes.Add("noeviction: no write failed, although the load is larger than the limit");
        }
    }

    if (r.Keys != r.Writes - r.OutOfMemory - r.Evicted - r.Expired)
    {
        notes.Add($"{policy.ToName()}: key count {r.Keys:N0} != successful writes - evicted - expired "
            + $"({r.Writes - r.OutOfMemory - r.Evicted - r.Expired:N0})");
    }

    if (r.Readable != r.Keys || r.Corrupt != 0)
    {
        notes.Add($"{policy.ToName()}: read back {r.Readable:N0} of {r.Keys:N0} keys, {r.Corrupt:N0} with a wrong value");
    }
}

Console.WriteLine();
Console.WriteLine("max used = the largest UsedMemory read after any single write; live = bytes of live entries at the end; "
    + "every key that the engine still counted at the end was read back and its value checked.");
foreach (var note in notes)
{
    Console.WriteLine($"NOTE {note}");
}

Console.WriteLine(pass ? "PASS: UsedMemory never exceeded the limit" : "FAIL: UsedMemory exceeded the limit");
return pass ? 0 : 1;

static Result Run(EvictionPolicy policy, long limit, long total, int seed, int shards)
{
    using var keyspace = new Keyspace(new StorageOptions { MaxMemory = limit, Policy = policy, Shards = shards });
    var db = keyspace[0];
    var sizes = new Random(seed);
    var ttls = new Random(seed + 1);
    var value = new byte[512];
    new Random(seed + 2).NextBytes(value);
    var key = new byte[14];
    "key:"u8.CopyTo(key);
    var format = new StandardFormat('D', 10);
    var withTtl = policy.ToName().StartsWith("volatile-", StringComparison.Ordinal);
    var lengths = new List<short>(1 << 22);
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    long written = 0, writes = 0, outOfMemory = 0, firstOutOfMemory = -1, maxUsed = 0, writtenBeforeFull = 0;
    var clock = Stopwatch.StartNew();
    while (written < total)
    {
        Utf8Formatter.TryFormat(writes, key.AsSpan(4), out _, format);
        var length = sizes.Next(16, 513);
        var expiry = withTtl ? Expiry.AtUnixMs(now + 3_600_000 + ttls.Next(3_600_000)) : Expiry.None;
        var status = db.Set(key, value.AsSpan(0, length), SetCondition.Always, expiry);
        var used = keyspace.UsedMemory;
        if (used > maxUsed)
        {
            maxUsed = used;
        }

        if (status == StorageStatus.OutOfMemory)
        {
            if (firstOutOfMemory < 0)
            {
                firstOutOfMemory = writes;
                writtenBeforeFull = written;
            }

            outOfMemory++;
        }
        else if (status != StorageStatus.Ok)
        {
            throw new InvalidOperationException($"SET returned {status}");
        }

        lengths.Add((short)length);
        written += key.Length + length;
        writes++;
    }

    var elapsed = clock.Elapsed;
    var stats = keyspace.Stats;
    var keys = db.Count;

    // Read back every key written: the survivors must hold exactly the value written.
    long readable = 0, corrupt = 0;
    var sink = new CheckSink { Value = value };
    for (var i = 0; i < writes; i++)
    {
        Utf8Formatter.TryFormat(i, key.AsSpan(4), out _, format);
        sink.ExpectedLength = lengths[i];
        if (db.Get(key, ref sink) == StorageStatus.Ok)
        {
            readable++;
            corrupt += sink.Matches ? 0 : 1;
        }
    }

    return new Result(written, writes, maxUsed, keys, stats.EvictedKeys, stats.ExpiredKeys, outOfMemory, firstOutOfMemory,
        writtenBeforeFull, keyspace.LiveBytes, elapsed, readable, corrupt);
}

internal readonly record struct Result(long Written, long Writes, long MaxUsed, long Keys, long Evicted, long Expired,
    long OutOfMemory, long FirstOutOfMemory, long WrittenBeforeFull, long LiveBytes, TimeSpan Elapsed, long Readable,
    long Corrupt);

/// <summary>Checks that a value read back is the prefix of the shared value buffer that was written.</summary>
internal struct CheckSink : IValueSink
{
    public byte[] Value;
    public int ExpectedLength;
    public bool Matches;

    public void Write(scoped ReadOnlySpan<byte> value) =>
        Matches = value.Length == ExpectedLength && value.SequenceEqual(Value.AsSpan(0, ExpectedLength));
}
