using System.Collections.Concurrent;
using System.Diagnostics;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

/// <summary>Several threads mixing commands over shared keys, with eviction and active expiry running meanwhile.</summary>
public class KeyspaceConcurrencyTests
{
    private const long MaxMemory = 2 * 1024 * 1024;
    private const int Keys = 10_000;
    private const int Workers = 4;
    private const int MaxOpsPerWorker = 400_000;
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan JoinWithin = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(EvictionPolicy.S3Fifo)]
    [InlineData(EvictionPolicy.AllKeysLfu)]
    [InlineData(EvictionPolicy.VolatileLru)]
    public void Concurrent_commands_with_eviction_and_active_expiry_leave_a_consistent_keyspace(EvictionPolicy policy)
    {
        using var keyspace = new Keyspace(new StorageOptions
        {
            Databases = 2,
            Shards = 4,
            SegmentSize = 4096,
            MaxMemory = MaxMemory,
            Policy = policy,
            HashMaxListpackEntries = 16,
        });
        var failures = new ConcurrentQueue<Exception>();
        var stop = new CancellationTokenSource();
        long ops = 0, outOfMemory = 0, maxSeen = 0;

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                stop.Cancel();
            }
        }

        var clock = Stopwatch.StartNew();
        var threads = new List<Thread>();
        for (var w = 0; w < Workers; w++)
        {
            var seed = w;
            threads.Add(new Thread(() => Guard(() =>
            {
                var n = Work(keyspace, new Random(seed), clock, stop.Token, out var oom);
                Interlocked.Add(ref ops, n);
                Interlocked.Add(ref outOfMemory, oom);
            })));
        }

        threads.Add(new Thread(() => Guard(() =>
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < RunFor)
            {
                keyspace.RunActiveExpireCycle(TimeSpan.FromMilliseconds(1));
                Thread.Sleep(1);
            }
        })));
        threads.Add(new Thread(() => Guard(() =>
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < RunFor)
            {
                var used = keyspace.UsedMemory;
                if (used > Interlocked.Read(ref maxSeen))
                {
                    Interlocked.Exchange(ref maxSeen, used);
                }

                Thread.Yield();
            }
        })));

        threads.ForEach(t => t.Start());
        foreach (var t in threads)
        {
            Assert.True(t.Join(JoinWithin), "a thread did not finish in time (deadlock?)");
        }

        Assert.Empty(failures);
        Assert.True(ops > 10_000, $"only {ops} operations ran");
        Assert.True(maxSeen <= MaxMemory, $"{maxSeen} bytes used at some point");
        Assert.True(keyspace.UsedMemory <= MaxMemory, $"{keyspace.UsedMemory} bytes used at the end");
        Assert.True(keyspace.Stats.EvictedKeys > 0, "nothing was evicted");
        keyspace.CheckIntegrity();

        // Still fully usable afterwards. (A write straight away may rightly be refused: under a volatile policy a
        // full keyspace with no key that has a TTL answers OOM, as Redis does.)
        keyspace.FlushAll();
        keyspace.CheckIntegrity();
        Assert.True(keyspace.UsedMemory < MaxMemory / 4, $"{keyspace.UsedMemory} bytes still used after FLUSHALL");
        Assert.Equal(StorageStatus.Ok, keyspace[0].SetText("after", "v"));
        Assert.Equal("v", keyspace[0].GetText("after"));
        keyspace.CheckIntegrity();
    }

    private static long Work(Keyspace keyspace, Random random, Stopwatch clock, CancellationToken stop, out long outOfMemory)
    {
        var value = new byte[600];
        random.NextBytes(value);
        var sink = default(BytesSink);
        outOfMemory = 0;
        long n = 0;
        for (; n < MaxOpsPerWorker && !stop.IsCancellationRequested && ((n & 255) != 0 || clock.Elapsed < RunFor); n++)
        {
            var db = keyspace[random.Next(8) == 0 ? 1 : 0];
            var key = B($"key:{random.Next(Keys)}");
            var roll = random.Next(100);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            StorageStatus status;
            if (roll < 30)
            {
                var expiry = random.Next(2) == 0 ? Expiry.AtUnixMs(now + random.Next(1, 300)) : Expiry.None;
                status = db.Set(key, value.AsSpan(0, random.Next(1, value.Length)), SetCondition.Always, expiry);
            }
            else if (roll < 60)
            {
                status = db.Get(key, ref sink);
            }
            else if (roll < 66)
            {
                db.Delete(key);
                status = StorageStatus.Ok;
            }
            else if (roll < 74)
            {
                status = db.SetExpireAt(key, now + random.Next(-10, 500), (ExpireCondition)random.Next(5));
            }
            else if (roll < 86)
            {
                status = db.HashSet(key, B($"f{random.Next(40)}"), value.AsSpan(0, random.Next(1, 100)), false, out _);
            }
            else if (roll < 92)
            {
                status = db.Increment(key, random.Next(-5, 5), out _);
            }
            else if (roll < 95)
            {
                status = db.HashDelete(key, B($"f{random.Next(40)}"), out _);
            }
            else if (roll < 98)
            {
                status = db.Append(key, value.AsSpan(0, random.Next(1, 50)), out _);
            }
            else
            {
                status = db.Copy(key, keyspace[random.Next(2)], B($"key:{random.Next(Keys)}"), replace: true);
            }

            switch (status)
            {
                case StorageStatus.OutOfMemory:
                    outOfMemory++;
                    break;
                case StorageStatus.Ok or StorageStatus.NotFound or StorageStatus.NotApplied or StorageStatus.WrongType
                    or StorageStatus.NotInteger:
                    break;
                default:
                    throw new InvalidOperationException($"unexpected status {status}");
            }
        }

        return n;
    }
}
