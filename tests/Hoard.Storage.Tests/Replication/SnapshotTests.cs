using System.Text;
using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// Full sync without a pause (docs/replication.md): record the stream from offset O, walk the keyspace with
/// <see cref="Keyspace.StartSnapshot"/> while writes go on, and a replica that applies the snapshot and then the
/// stream from O holds what the primary holds.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void A_snapshot_of_a_quiet_keyspace_sends_every_live_key_once()
    {
        var clock = new ManualTimeProvider();
        using var primary = new Keyspace(RandomWrites.Options(shards: 4), clock);
        for (var i = 0; i < 300; i++)
        {
            primary[i % RandomWrites.Databases].SetText($"s{i}", $"v{i}");
            primary[0].Increment(B($"n{i}"), i, out _);
            primary[1].HSetText($"h{i % 20}", $"f{i}", $"v{i}"); // 20 hashes of 15 fields: tables
        }

        primary[2].SetText("gone", "v", expiry: Expiry.AtUnixMs(clock.NowMs + 5));
        primary[2].SetText("later", "v", expiry: Expiry.AtUnixMs(clock.NowMs + 50));
        clock.Advance(5);

        var snapshot = new RecordCapture();
        var walk = primary.StartSnapshot();
        var steps = 0;
        do
        {
            var before = snapshot.Count;
            var keys = walk.Step(50, snapshot);
            Assert.Equal(snapshot.Count - before, keys); // no hash here is large enough to go in pieces
            Assert.InRange(keys, 0, 50 + 255); // about maxKeys: the last step may overshoot
            steps++;
        }
        while (!walk.IsComplete);

        var sent = snapshot.All.Select(NameOf).ToList();
        Assert.Equal(100 + 300 + 100 + 20 + 100 + 1, sent.Count);
        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.DoesNotContain("2/gone", sent);
        Assert.InRange(steps, sent.Count / 50 / 2, (sent.Count / 50) + 4 + 1);

        using var replica = new Keyspace(RandomWrites.Options(shards: 2), clock);
        ApplyAll(replica, snapshot.All);
        Assert.Equal(KeyspaceState.Of(primary), KeyspaceState.Of(replica));
        replica.CheckIntegrity();
    }

    [Fact]
    public void A_snapshot_of_an_empty_keyspace_is_done_in_one_call()
    {
        using var keyspace = new Keyspace(new StorageOptions { Shards = 4 });
        var snapshot = new RecordCapture();
        var walk = keyspace.StartSnapshot();
        Assert.Equal(0, walk.Step(10, snapshot));
        Assert.True(walk.IsComplete);
        Assert.Equal(0, snapshot.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => walk.Step(0, snapshot));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_replica_applying_a_snapshot_taken_during_writes_then_the_stream_holds_what_the_primary_holds(int shards)
    {
        // Swaps are left out: the walk names databases as they are at each step, so a SWAPDB during it restarts the sync.
        var gen = Gen.Select(RandomWrites.Ops(swaps: false).Array[20, 100], RandomWrites.Ops(swaps: false).Array[50, 300], Gen.Int[1, 20]);
        gen.Sample((before, during, maxKeys) =>
        {
            var clock = new ManualTimeProvider();
            using var primary = new Keyspace(RandomWrites.Options(shards), clock);
            foreach (var op in before)
            {
                RandomWrites.Run(op, primary, clock);
            }

            var stream = new RecordCapture();
            primary.Replication = stream; // offset O
            var snapshot = new RecordCapture();
            var walk = primary.StartSnapshot();
            var i = 0;
            do
            {
                walk.Step(maxKeys, snapshot);
                for (var n = 0; n < 3 && i < during.Length; n++)
                {
                    RandomWrites.Run(during[i++], primary, clock);
                }
            }
            while (!walk.IsComplete);

            while (i < during.Length)
            {
                RandomWrites.Run(during[i++], primary, clock);
            }

            using var replica = new Keyspace(RandomWrites.Options(shards: 2), clock);
            ApplyAll(replica, snapshot.All);
            ApplyAll(replica, stream.All);
            Assert.Equal(KeyspaceState.Of(primary), KeyspaceState.Of(replica));
            primary.CheckIntegrity();
            replica.CheckIntegrity();
        }, iter: 100, print: t => $"maxKeys {t.Item3}\nbefore:\n{string.Join("\n", t.Item1.AsEnumerable())}\nduring:\n{string.Join("\n", t.Item2.AsEnumerable())}");
    }

    [Fact]
    public void A_snapshot_sends_each_untouched_key_once_while_the_index_grows_and_converges()
    {
        var clock = new ManualTimeProvider();
        using var primary = new Keyspace(new StorageOptions { Databases = 2, Shards = 4, SegmentSize = 4096 }, clock);
        const int untouched = 200;
        for (var i = 0; i < untouched; i++)
        {
            primary[i % 2].SetText($"old:{i}", $"v{i}");
        }

        var stream = new RecordCapture();
        primary.Replication = stream;
        var snapshot = new RecordCapture();
        var walk = primary.StartSnapshot();
        var added = 0;
        var random = new Random(7);
        do
        {
            walk.Step(8, snapshot);
            for (var n = 0; n < 32; n++, added++)
            {
                primary[added % 2].SetText($"new:{added}", $"v{added}");
                if (added % 5 == 0)
                {
                    primary[random.Next(2)].Delete(B($"new:{random.Next(added)}"));
                }
            }
        }
        while (!walk.IsComplete);

        // From about 50 keys a shard to over 250: each shard's index grows by a quarter at a time, several times over.
        Assert.True(added > 4 * untouched, $"only {added} keys added during the walk");
        var sent = snapshot.All.Select(NameOf).ToList();
        var old = sent.Where(k => k.Contains("/old:", StringComparison.Ordinal)).ToList();
        Assert.Equal(untouched, old.Count);
        Assert.Equal(untouched, old.Distinct().Count());
        Assert.Equal(sent.Count, sent.Distinct().Count());

        using var replica = new Keyspace(new StorageOptions { Databases = 2, Shards = 1 }, clock);
        ApplyAll(replica, snapshot.All);
        ApplyAll(replica, stream.All);
        Assert.Equal(KeyspaceState.Of(primary), KeyspaceState.Of(replica));
        primary.CheckIntegrity();
        replica.CheckIntegrity();
    }

    [Fact]
    public void A_replica_filled_in_its_primarys_walk_order_keeps_its_index_probes_short()
    {
        // The walk sends each shard's keys in the order of their hash codes. A replica that hashed keys the same way
        // would get them in the order of its own index, crowded into the part of a table sized for the keys so far:
        // one run of linear probes that every insert walks to its end (a full sync of 1 M keys took 40 s).
        using var primary = new Keyspace(new StorageOptions { Shards = 1 });
        for (var i = 0; i < 100_000; i++)
        {
            primary[0].SetText($"key:{i}", "v");
        }

        using var replica = new Keyspace(new StorageOptions { Shards = 1 });
        var snapshot = new RecordCapture();
        for (var walk = primary.StartSnapshot(); !walk.IsComplete;)
        {
            walk.Step(1024, snapshot);
        }

        var longest = 0;
        var records = snapshot.All;
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(records[i]));
            if (i % 5_000 == 0)
            {
                longest = Math.Max(longest, replica.LongestIndexProbe()); // the runs are longest while it fills
            }
        }

        Assert.Equal(100_000, replica[0].Count);
        Assert.InRange(longest, 0, Math.Max(64, 4 * primary.LongestIndexProbe()));
        replica.CheckIntegrity();
    }

    private static string NameOf(byte[] bytes)
    {
        var record = new RecordReader(bytes);
        Assert.Equal(RecordKind.Upsert, record.Kind);
        return $"{record.Database}/{Encoding.UTF8.GetString(record.Key)}";
    }

    private static void ApplyAll(Keyspace replica, List<byte[]> records)
    {
        foreach (var record in records)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }
    }
}
