using System.Collections.Concurrent;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// A primary runs random commands with a sink capturing its stream; a replica applies every record in order and must
/// end holding exactly the same keys, types, values and expiries — run sequentially, under eviction, and from several
/// threads at once (which is where records made outside the shard lock would come out of order).
/// </summary>
public class ReplicaModelTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(2, 8 * 1024)] // evicts
    public void A_replica_applying_the_stream_holds_what_the_primary_holds(int shards, long maxMemory)
    {
        long evicted = 0, keysLeft = 0;
        RandomWrites.Ops().Array[50, 300].Sample(ops =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(RandomWrites.Options(shards, maxMemory), clock);
            var stream = new RecordCapture();
            primary.Replication = stream;
            foreach (var op in ops)
            {
                RandomWrites.Run(op, primary, clock);
            }

            AssertReplicaConverges(primary, stream, clock);
            Interlocked.Add(ref evicted, primary.Stats.EvictedKeys);
            Interlocked.Add(ref keysLeft, Enumerable.Range(0, primary.DatabaseCount).Sum(db => primary[db].Count));
        }, iter: 150, print: Print);

        Assert.True(keysLeft > 150, $"the runs ended with {keysLeft} keys in all: too few to compare");
        Assert.Equal(maxMemory > 0, evicted > 0);
    }

    [Fact]
    public void A_replica_applying_the_stream_of_concurrent_writers_holds_what_the_primary_holds()
    {
        RandomWrites.Ops().Array[100, 400].Array[3].Sample(threads =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(RandomWrites.Options(shards: 2), clock);
            var stream = new RecordCapture();
            primary.Replication = stream;
            using var start = new Barrier(threads.Length);
            var failures = new ConcurrentQueue<Exception>();
            var workers = threads.Select(ops => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    foreach (var op in ops)
                    {
                        RandomWrites.Run(op, primary, clock);
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.Empty(failures);

            AssertReplicaConverges(primary, stream, clock);
        }, iter: 40, print: threads => string.Join("\n--\n", threads.Select(Print)));
    }

    private static void AssertReplicaConverges(Keyspace primary, RecordCapture stream, ManualTimeProvider clock)
    {
        using var replica = new Keyspace(RandomWrites.Options(shards: 8), clock);
        foreach (var record in stream.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }

        Assert.Equal(KeyspaceState.Of(primary), KeyspaceState.Of(replica));
        primary.CheckIntegrity();
        replica.CheckIntegrity();
    }

    private static string Print(RandomWrites.Op[] ops) => string.Join("\n", ops.Select(o => o.ToString()));
}
