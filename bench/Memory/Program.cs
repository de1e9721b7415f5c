using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime;
using Hoard.Bench.Memory;
using Hoard.Storage;

// Memory per key: loads N keys key:%08d → 32-byte values into an unlimited keyspace (default options) and reports how
// much the process (VmRSS, RssAnon) and the engine (UsedMemory, LiveBytes) grew per key. Usage: Memory [N]
// (default 1,000,000).
var count = args.Length > 0 ? int.Parse(args[0], NumberStyles.Integer, CultureInfo.InvariantCulture) : 1_000_000;
if (count is < 1 or > 99_999_999)
{
    throw new ArgumentOutOfRangeException(nameof(args), count, "N must be 1 to 99,999,999 (8-digit key numbers)");
}

var key = new byte[Data.KeyLength];
var value = new byte[Data.ValueLength];

// Warm-up: every code path the load uses (SET of new keys, index growth, new segments) and GET, overwrite and DEL
// run on 10,000 keys, five times with pauses so the tiered JIT can finish recompiling the hot methods (with two
// rounds, ~100 methods were still being recompiled during the load, with ±1.4 MB of RSS noise), then a full collection:
// JIT code, runtime pages and GC growth land in the baseline, not on the keys. It runs in a keyspace of its own,
// disposed before the measured one is made: warming the measured keyspace would leave the deleted keys' dead bytes
// in its baseline, which the load then reclaims and reuses, and the growth would come out too small (by about a
// byte per key, and the more the longer the warm-up).
using (var warm = new Keyspace())
{
    for (var round = 0; round < 5; round++)
    {
        Data.WarmUp(warm[0], key, value, 10_000);
        Thread.Sleep(250);
    }
}

using var keyspace = new Keyspace();
var db = keyspace[0];
Data.Collect();
var before = Snapshot.Take(keyspace);

// The load: the key's digits are formatted into one reused buffer; nothing is allocated per key.
for (var i = 0; i < count; i++)
{
    Data.Format(i, key, value);
    if (db.Set(key, value) != StorageStatus.Ok)
    {
        throw new InvalidOperationException($"SET of key {i} failed");
    }
}

Data.Collect();
var after = Snapshot.Take(keyspace);

if (db.Count != count)
{
    throw new InvalidOperationException($"expected {count} keys, found {db.Count}");
}

Data.Check(db, key, value, count);
Snapshot.Report(before, after, count);

namespace Hoard.Bench.Memory
{
    /// <summary>The data set: <c>key:%08d</c> (12 bytes) → <c>val:%08d</c> and 20 filler bytes (32 bytes).</summary>
    internal static class Data
    {
        public const int KeyLength = 12;
        public const int ValueLength = 32;

        private static readonly StandardFormat EightDigits = new('D', 8);

        public static void Format(int number, byte[] key, byte[] value)
        {
            "key:"u8.CopyTo(key);
            Utf8Formatter.TryFormat(number, key.AsSpan(4), out _, EightDigits);
            "val:"u8.CopyTo(value);
            key.AsSpan(4).CopyTo(value.AsSpan(4));
            value.AsSpan(12).Fill((byte)'v');
        }

        public static void WarmUp(Database db, byte[] key, byte[] value, int keys)
        {
            var sink = default(LengthSink);
            for (var i = 0; i < keys; i++)
            {
                Format(i, key, value);
                Require(db.Set(key, value) == StorageStatus.Ok, "warm-up SET failed");
                Require(db.Get(key, ref sink) == StorageStatus.Ok && sink.Length == ValueLength, "warm-up GET failed");
                Require(db.Set(key, value) == StorageStatus.Ok, "warm-up overwrite failed");
            }

            for (var i = 0; i < keys; i++)
            {
                Format(i, key, value);
                Require(db.Delete(key), "warm-up DEL failed");
            }

            Require(db.Count == 0, "warm-up left keys behind");
        }

        /// <summary>Spot checks after the measurement: first, last and a middle key read back their values.</summary>
        public static void Check(Database db, byte[] key, byte[] value, int count)
        {
            var sink = default(LengthSink);
            foreach (var i in new[] { 0, count / 2, count - 1 })
            {
                Format(i, key, value);
                Require(db.Get(key, ref sink) == StorageStatus.Ok && sink.Equals(value), $"key {i} does not read back");
            }

            Format(count, key, value);
            Require(db.Get(key, ref sink) == StorageStatus.NotFound, "a key that was never written was found");
        }

        public static void Collect()
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        private static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }
    }

    /// <summary>Keeps the length and a copy of the last value, to check it without allocating.</summary>
    internal struct LengthSink : IValueSink
    {
        private Bytes32 _bytes;

        public int Length;

        public void Write(scoped ReadOnlySpan<byte> value)
        {
            Length = value.Length;
            value[..Math.Min(value.Length, Data.ValueLength)].CopyTo(_bytes);
        }

        public readonly bool Equals(ReadOnlySpan<byte> expected) =>
            Length == expected.Length && ((ReadOnlySpan<byte>)_bytes)[..Length].SequenceEqual(expected);

        [System.Runtime.CompilerServices.InlineArray(Data.ValueLength)]
        private struct Bytes32
        {
            private byte _first;
        }
    }

    /// <summary>What /proc/self/status, the engine and the GC say at one moment.</summary>
    internal readonly record struct Snapshot(long VmRss, long RssAnon, long RssFile, long UsedMemory, long LiveBytes,
        long ManagedAllocated, long GcCommitted, long JitMethods)
    {
        public static Snapshot Take(Keyspace keyspace)
        {
            var status = ReadStatus();
            return new Snapshot(status["VmRSS"], status["RssAnon"], status["RssFile"], keyspace.UsedMemory, keyspace.LiveBytes,
                GC.GetTotalAllocatedBytes(precise: true), GC.GetGCMemoryInfo().TotalCommittedBytes,
                System.Runtime.JitInfo.GetCompiledMethodCount());
        }

        public static void Report(Snapshot before, Snapshot after, int count)
        {
            Console.WriteLine($"Hoard memory per key: {count:N0} keys key:%08d (12 B) → 32-byte values, one unlimited keyspace " +
                $"(default options), warmed up; .NET {Environment.Version}, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| measure                      |      before |       after |      growth | bytes/key |");
            Console.WriteLine("|------------------------------|------------:|------------:|------------:|----------:|");
            Row("VmRSS (/proc/self/status)", before.VmRss, after.VmRss, count);
            Row("RssAnon (/proc/self/status)", before.RssAnon, after.RssAnon, count);
            Row("RssFile (/proc/self/status)", before.RssFile, after.RssFile, count);
            Row("UsedMemory (engine)", before.UsedMemory, after.UsedMemory, count);
            Row("LiveBytes (live entries)", before.LiveBytes, after.LiveBytes, count);
            Row("GC committed bytes", before.GcCommitted, after.GcCommitted, count);
            Row("managed bytes allocated", before.ManagedAllocated, after.ManagedAllocated, count);
            Console.WriteLine();
            Console.WriteLine($"methods JIT-compiled during the load: {after.JitMethods - before.JitMethods}");
            Console.WriteLine($"RSS growth per key:        {PerKey(after.VmRss - before.VmRss, count):F2} B");
            Console.WriteLine($"RssAnon growth per key:    {PerKey(after.RssAnon - before.RssAnon, count):F2} B");
            Console.WriteLine($"UsedMemory growth per key: {PerKey(after.UsedMemory - before.UsedMemory, count):F2} B");
            Console.WriteLine($"live entry bytes per key:  {PerKey(after.LiveBytes - before.LiveBytes, count):F2} B");
            Console.WriteLine();
            Console.WriteLine("where the RSS growth goes, per key:");
            Console.WriteLine($"  live entries (header, key, value):            {PerKey(after.LiveBytes - before.LiveBytes, count),6:F2} B");
            Console.WriteLine($"  rest of UsedMemory (index, segment tails …):  {PerKey(after.UsedMemory - before.UsedMemory - (after.LiveBytes - before.LiveBytes), count),6:F2} B");
            Console.WriteLine($"  RssAnon beyond UsedMemory (heap, JIT, …):     {PerKey(after.RssAnon - before.RssAnon - (after.UsedMemory - before.UsedMemory), count),6:F2} B");
            Console.WriteLine($"  file-backed pages (RssFile: runtime, JIT):    {PerKey(after.RssFile - before.RssFile, count),6:F2} B");
        }

        private static void Row(string name, long before, long after, int count) =>
            Console.WriteLine($"| {name,-28} | {before,11:N0} | {after,11:N0} | {after - before,11:N0} | {PerKey(after - before, count),9:F2} |");

        private static double PerKey(long bytes, int count) => (double)bytes / count;

        /// <summary>The kB fields of /proc/self/status, in bytes.</summary>
        private static Dictionary<string, long> ReadStatus()
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("reads /proc/self/status (Linux only)");
            }

            var fields = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines("/proc/self/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var text = line[(colon + 1)..].Trim();
                if (colon > 0 && text.EndsWith(" kB", StringComparison.Ordinal))
                {
                    fields[line[..colon]] = long.Parse(text[..^3], NumberStyles.Integer, CultureInfo.InvariantCulture) * 1024;
                }
            }

            return fields;
        }
    }
}
