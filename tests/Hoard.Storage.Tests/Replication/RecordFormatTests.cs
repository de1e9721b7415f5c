using Hoard.Storage.Replication;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Replication;

/// <summary>The record format: every kind and type written and read back, incomplete and malformed input.</summary>
public class RecordFormatTests
{
    public static TheoryData<RecordValueType, byte[]> Values => new()
    {
        { RecordValueType.String, B("hello") },
        { RecordValueType.String, [] },
        { RecordValueType.String, new byte[300] }, // a two-byte length
        { RecordValueType.Integer, BitConverter.GetBytes(-42L) },
        { RecordValueType.Hash, [2, 1, (byte)'a', 1, (byte)'1', 1, (byte)'b', 0] },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void An_upsert_reads_back_as_written(RecordValueType type, byte[] value)
    {
        var key = B("user:1");
        var record = new byte[ReplicationRecord.UpsertLength(200, key.Length, value.Length)];
        value.CopyTo(ReplicationRecord.WriteUpsert(record, 200, key, type, 1_700_000_000_123, value.Length));

        var r = new RecordReader(record);
        Assert.Equal(RecordKind.Upsert, r.Kind);
        Assert.Equal(record.Length, r.Length);
        Assert.Equal(200, r.Database);
        Assert.Equal(key, r.Key.ToArray());
        Assert.Equal(type, r.Type);
        Assert.Equal(1_700_000_000_123, r.ExpireAt);
        Assert.Equal(value, r.Value.ToArray());
        AssertOnlyWholeIsComplete(record);
    }

    [Fact]
    public void An_upsert_is_laid_out_as_documented()
    {
        var record = new byte[ReplicationRecord.UpsertLength(3, 1, 2)];
        "hi"u8.CopyTo(ReplicationRecord.WriteUpsert(record, 3, "k"u8, RecordValueType.String, 0x0102, 2));
        Assert.Equal(new byte[] { 1, 3, 1, (byte)'k', 0, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 2, (byte)'h', (byte)'i' }, record);
    }

    [Fact]
    public void A_delete_reads_back_as_written()
    {
        var key = new byte[130];
        var record = new byte[ReplicationRecord.DeleteLength(7, key.Length)];
        Assert.Equal(record.Length, ReplicationRecord.WriteDelete(record, 7, key));

        var r = new RecordReader(record);
        Assert.Equal(RecordKind.Delete, r.Kind);
        Assert.Equal(7, r.Database);
        Assert.Equal(key, r.Key.ToArray());
        Assert.Equal(record.Length, r.Length);
        AssertOnlyWholeIsComplete(record);
    }

    [Fact]
    public void A_fields_set_record_reads_back_as_written_and_is_laid_out_as_documented()
    {
        byte[] fields = [1, 1, (byte)'f', 2, (byte)'v', (byte)'w'];
        var record = new byte[ReplicationRecord.HashFieldsSetLength(2, 1, fields.Length)];
        fields.CopyTo(ReplicationRecord.WriteHashFieldsSet(record, 2, "h"u8, 0x0102, fields.Length));
        byte[] expected = [6, 2, 1, (byte)'h', 0x02, 0x01, 0, 0, 0, 0, 0, 0, 6, .. fields];
        Assert.Equal(expected, record);

        var r = new RecordReader(record);
        Assert.Equal((RecordKind.HashFieldsSet, 2, "h", 0x0102L), (r.Kind, r.Database, System.Text.Encoding.UTF8.GetString(r.Key), r.ExpireAt));
        Assert.Equal(fields, r.Value.ToArray());
        Assert.True(r.HasKey);
        AssertOnlyWholeIsComplete(record);
    }

    [Fact]
    public void A_field_delete_reads_back_as_written()
    {
        var field = new byte[200]; // a two-byte length
        var record = new byte[ReplicationRecord.HashFieldDeleteLength(0, 2, field.Length)];
        Assert.Equal(record.Length, ReplicationRecord.WriteHashFieldDelete(record, 0, "hh"u8, field));

        var r = new RecordReader(record);
        Assert.Equal((RecordKind.HashFieldDelete, 0, "hh"), (r.Kind, r.Database, System.Text.Encoding.UTF8.GetString(r.Key)));
        Assert.Equal(field, r.Field.ToArray());
        Assert.True(r.HasKey);
        AssertOnlyWholeIsComplete(record);
    }

    [Fact]
    public void Flushes_and_swaps_read_back_as_written()
    {
        var buffer = new byte[ReplicationRecord.MaxShortLength];

        var flushDb = buffer[..ReplicationRecord.WriteFlushDatabase(buffer, 255)];
        Assert.Equal(new byte[] { 3, 0xFF, 0x01 }, flushDb);
        var r = new RecordReader(flushDb);
        Assert.Equal((RecordKind.FlushDatabase, 255), (r.Kind, r.Database));
        AssertOnlyWholeIsComplete(flushDb);

        var flushAll = buffer[..ReplicationRecord.WriteFlushAll(buffer)];
        Assert.Equal(new byte[] { 4 }, flushAll);
        Assert.Equal(RecordKind.FlushAll, new RecordReader(flushAll).Kind);
        AssertOnlyWholeIsComplete(flushAll);

        var swap = buffer[..ReplicationRecord.WriteSwapDatabases(buffer, 1, 130)];
        r = new RecordReader(swap);
        Assert.Equal((RecordKind.SwapDatabases, 1, 130), (r.Kind, r.Database, r.OtherDatabase));
        AssertOnlyWholeIsComplete(swap);
    }

    [Fact]
    public void The_length_ignores_what_follows_the_record()
    {
        byte[] stream = [2, 0, 1, (byte)'k', 4, 1];
        Assert.True(ReplicationRecord.TryGetLength(stream, out var length));
        Assert.Equal(4, length);
        Assert.True(ReplicationRecord.TryGetLength(stream.AsSpan(length), out length));
        Assert.Equal(1, length);
        Assert.False(ReplicationRecord.TryGetLength(stream.AsSpan(5), out _)); // a swap missing its databases
    }

    [Theory]
    [InlineData(new byte[] { 0 })] // no kind 0
    [InlineData(new byte[] { 9, 0 })] // no kind 9
    [InlineData(new byte[] { 1, 0, 1, (byte)'k', 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // no value type 6
    [InlineData(new byte[] { 8, 0, 1, (byte)'k', 2, 0, 0 })] // hashes have no object operations
    [InlineData(new byte[] { 3, 0x80, 0x02 })] // database 256
    [InlineData(new byte[] { 2, 0, 0x81, 0x80, 0x80, 0x80, 0x02 })] // a key of 512 MB + 1
    public void Unknown_kinds_and_impossible_numbers_are_rejected(byte[] bytes)
    {
        Assert.Throws<InvalidDataException>(() => ReplicationRecord.TryGetLength(bytes, out _));
        Assert.Throws<InvalidDataException>(() => _ = new RecordReader(bytes));
    }

    [Fact]
    public void A_varint_longer_than_ten_bytes_is_malformed_not_incomplete()
    {
        byte[] record = [3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];
        Assert.Throws<InvalidDataException>(() => ReplicationRecord.TryGetLength(record, out _));
    }

    private static void AssertOnlyWholeIsComplete(byte[] record)
    {
        for (var n = 0; n < record.Length; n++)
        {
            Assert.False(ReplicationRecord.TryGetLength(record.AsSpan(0, n), out _), $"{n} of {record.Length} bytes");
            Assert.Throws<InvalidDataException>(() => _ = new RecordReader(record.AsSpan(0, n)));
        }

        Assert.True(ReplicationRecord.TryGetLength(record, out var length));
        Assert.Equal(record.Length, length);
        Assert.Equal(record[0], (byte)new RecordReader(record).Kind);
    }
}
