using CsCheck;
using Hoard.Storage.Internal;
using Hoard.Storage.Keys;
using Hoard.Storage.Replication;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>
/// A hash too large for one record goes in pieces (<see cref="SnapshotWalk"/>), each a step of its own under a lock
/// taken for it alone, and whatever the hash goes through between pieces, a receiver applying the pieces and the
/// stream in the order they were made holds what the source holds.
/// </summary>
public class SnapshotPiecesTests
{
    private const int Fields = 6_000;

    [Fact]
    public void A_large_hash_goes_in_pieces_no_larger_than_the_piece_size()
    {
        using var primary = new Keyspace(new StorageOptions { Shards = 2 });
        FillBigHash(primary, "big");
        primary[0].HSetText("small", "f", "v");
        primary[0].SetText("s", "v");

        var snapshot = new RecordCapture();
        var walk = primary.StartSnapshot();
        var keys = 0;
        var steps = 0;
        while (!walk.IsComplete)
        {
            keys += walk.Step(1024, snapshot);
            steps++;
        }

        var big = snapshot.All.Where(r => new RecordReader(r).Key.SequenceEqual("big"u8)).Select(r => (new RecordReader(r).Kind, r.Length)).ToList();
        Assert.Equal(RecordKind.Upsert, big[0].Kind);
        Assert.All(big.Skip(1), r => Assert.Equal(RecordKind.HashFieldsSet, r.Kind));
        Assert.All(big, r => Assert.InRange(r.Length, 1, SnapshotWalk.PieceBytes + 64));
        var fieldBytes = Fields * (6 + 1 + 100 + 1);
        Assert.InRange(big.Count, fieldBytes / SnapshotWalk.PieceBytes, (fieldBytes / SnapshotWalk.PieceBytes) + 2);
        Assert.Equal(3, keys); // the hash counts once
        Assert.True(steps >= big.Count, $"{big.Count} pieces in {steps} steps: a piece is a step of its own");

        using var replica = new Keyspace(new StorageOptions { Shards = 1 });
        foreach (var record in snapshot.All)
        {
            Assert.Equal(StorageStatus.Ok, replica.Apply(record));
        }

        Assert.Equal(KeyspaceState.Of(primary, anyFieldOrder: true), KeyspaceState.Of(replica, anyFieldOrder: true));
        replica.CheckIntegrity();
    }

    public enum Change { SetField, SetNewField, DeleteField, DeleteKey, SetString, Expire, Persist, Restore }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Whatever_the_hash_goes_through_between_pieces_the_receiver_converges(bool slotMove)
    {
        var gen = Gen.Frequency(
            (20, Gen.Const(Change.SetField)), (10, Gen.Const(Change.SetNewField)), (20, Gen.Const(Change.DeleteField)),
            (1, Gen.Const(Change.DeleteKey)), (1, Gen.Const(Change.SetString)), (2, Gen.Const(Change.Expire)),
            (1, Gen.Const(Change.Persist)), (1, Gen.Const(Change.Restore)))
            .Select(Gen.Int[0, Fields + 500], (change, field) => (change, field)).Array[0, 6].Array[12];
        gen.Sample(changesPerStep =>
        {
            var clock = new ManualTimeProvider();
            using var source = new Keyspace(new StorageOptions { Shards = 2 }, clock);
            FillBigHash(source, "{a}big");
            FillBigHash(source, "{a}other", fields: 1_000);
            source[0].SetText("{a}s", "v");

            // One ordered channel, as a move or a full sync sends them: every stream record made before a step
            // reaches the receiver before that step's records, and every one made after it, after them.
            var channel = new RecordCapture();
            source.Replication = channel;
            var slots = new SlotSet();
            slots.AddRange(HashSlot.Of(B("{a}")), HashSlot.Of(B("{a}")));
            var walk = source.StartSnapshot(slotMove ? slots : null);
            var step = 0;
            while (!walk.IsComplete)
            {
                walk.Step(2, channel);
                foreach (var (change, field) in changesPerStep[step++ % changesPerStep.Length])
                {
                    Apply(source, clock, change, field);
                }
            }

            using var receiver = new Keyspace(new StorageOptions { Shards = 1 }, clock);
            foreach (var record in channel.All)
            {
                Assert.Equal(StorageStatus.Ok, slotMove ? receiver.Import(record) : receiver.Apply(record));
            }

            Assert.Equal(KeyspaceState.Of(source, anyFieldOrder: true), KeyspaceState.Of(receiver, anyFieldOrder: true));
            receiver.CheckIntegrity();
        }, iter: 40, print: steps => string.Join("\n", steps.Select(s => string.Join(", ", s))));
    }

    private static void Apply(Keyspace source, ManualTimeProvider clock, Change change, int field)
    {
        var db = source[0];
        var key = B("{a}big");
        switch (change)
        {
            case Change.SetField:
            case Change.SetNewField:
                db.HashSet(key, B($"f{(change == Change.SetField ? field : Fields + 1000 + field)}"), B($"changed{field}"), onlyIfNew: false, out _);
                break;
            case Change.DeleteField:
                db.HashDelete(key, B($"f{field}"), out _);
                break;
            case Change.DeleteKey:
                db.Delete(key);
                break;
            case Change.SetString:
                db.SetText("{a}big", "now a string");
                break;
            case Change.Expire:
                db.SetExpireAt(key, clock.NowMs + 60_000);
                break;
            case Change.Persist:
                db.Persist(key);
                break;
            case Change.Restore:
                var copy = new RecordCapture();
                db.WriteRecord(B("{a}other"), copy);
                var r = new RecordReader(copy.Last);
                db.Restore(key, r.Type, 0, r.Value, replace: true);
                break;
        }
    }

    private static void FillBigHash(Keyspace keyspace, string key, int fields = Fields)
    {
        for (var i = 0; i < fields; i++)
        {
            keyspace[0].HSetText(key, $"f{i}", new string((char)('a' + (i % 26)), 100));
        }
    }
}
