using System.Text;
using Hoard.Storage.Internal;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// What a slot move needs of the engine: a snapshot of some slots' keys only, importing records as writes of the
/// target's own (sent on to its replicas), and finding the keys of slots to drop.
/// </summary>
public class SlotMoveTests
{
    [Fact]
    public void A_snapshot_of_some_slots_sends_exactly_their_keys_of_database_0()
    {
        using var source = new Keyspace(RandomWrites.Options(shards: 4));
        for (var i = 0; i < 2000; i++)
        {
            source[0].SetText($"k{i}", $"v{i}");
            source[1].SetText($"k{i}", $"other{i}");
        }

        var slots = new SlotSet();
        slots.AddRange(0, 4095);
        slots.AddRange(10000, 10000);
        var expected = Enumerable.Range(0, 2000).Select(i => $"k{i}").Where(k => slots.ContainsKeyOf(B(k))).ToHashSet();

        var snapshot = new RecordCapture();
        for (var walk = source.StartSnapshot(slots); !walk.IsComplete;)
        {
            walk.Step(100, snapshot);
        }

        var sent = snapshot.All.Select(Describe).ToList();
        Assert.All(sent, s => Assert.Equal(0, s.Database));
        Assert.Equal(expected.Order(), sent.Select(s => s.Key).Order());
        Assert.InRange(expected.Count, 300, 700); // about a quarter of the keys
    }

    [Fact]
    public void Imported_records_are_the_target_s_own_writes_and_its_slot_walk_finds_them()
    {
        using var source = new Keyspace(RandomWrites.Options(shards: 2));
        for (var i = 0; i < 500; i++)
        {
            source[0].SetText($"k{i}", $"v{i}");
            source[0].HSetText($"h{i}", "f", $"v{i}");
        }

        var slots = new SlotSet();
        slots.AddRange(0, 8191);
        var snapshot = new RecordCapture();
        for (var walk = source.StartSnapshot(slots); !walk.IsComplete;)
        {
            walk.Step(1000, snapshot);
        }

        using var target = new Keyspace(RandomWrites.Options(shards: 2));
        target[0].SetText("mine", "stays"); // a key of the target's own, in a slot it keeps or not
        var stream = new RecordCapture();
        target.Replication = stream;
        foreach (var record in snapshot.All)
        {
            Assert.Equal(StorageStatus.Ok, target.Import(record));
        }

        Assert.Equal(snapshot.Count, stream.Count); // every imported key goes on to the target's replicas
        Assert.Equal(snapshot.Count + 1, target[0].Count);
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(slots.ContainsKeyOf(B($"k{i}")) ? $"v{i}" : null, target[0].GetText($"k{i}"));
        }

        var found = new List<string>();
        var sink = new KeyList(found);
        for (var cursor = target.KeysInSlots(0, 100, slots, ref sink); cursor != 0;)
        {
            cursor = target.KeysInSlots(cursor, 100, slots, ref sink);
        }

        var imported = snapshot.All.Select(r => Describe(r).Key);
        var expected = slots.ContainsKeyOf(B("mine")) ? imported.Append("mine") : imported;
        Assert.Equal(expected.Order(), found.Order());
        target.CheckIntegrity();
    }

    [Fact]
    public void Only_upserts_and_deletes_can_be_imported()
    {
        using var keyspace = new Keyspace(RandomWrites.Options(shards: 2));
        var flush = new RecordCapture();
        keyspace.Replication = flush;
        keyspace.FlushAll();

        Assert.Throws<InvalidDataException>(() => keyspace.Import(flush.Last));
    }

    private static (int Database, string Key) Describe(byte[] record)
    {
        var r = new RecordReader(record);
        return (r.Database, Encoding.UTF8.GetString(r.Key));
    }

    private readonly struct KeyList(List<string> keys) : IValueSink
    {
        public void Write(scoped ReadOnlySpan<byte> value) => keys.Add(Encoding.UTF8.GetString(value));
    }
}
