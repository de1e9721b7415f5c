using System.Text;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Tests.Hashes;

public class PackedHashTests
{
    // Latin-1 maps every byte to one char and back, so test strings can carry any binary content.
    private static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static byte[] Set(byte[] blob, byte[] field, byte[] value, out bool existed)
    {
        int size = PackedHash.SizeAfterSet(blob, field, value, out existed);
        var destination = new byte[size + 5];
        int written = PackedHash.Set(blob, field, value, destination);
        Assert.Equal(size, written);
        return destination[..written];
    }

    private static byte[] Set(byte[] blob, string field, string value) => Set(blob, B(field), B(value), out _);

    private static byte[]? Delete(byte[] blob, byte[] field)
    {
        int size = PackedHash.SizeAfterDelete(blob, field);
        var destination = new byte[Math.Max(size, 0) + 5];
        int written = PackedHash.Delete(blob, field, destination);
        Assert.Equal(size, written);
        return written < 0 ? null : destination[..written];
    }

    private static List<(string Field, string Value)> Entries(ReadOnlySpan<byte> blob)
    {
        var entries = new List<(string, string)>();
        foreach (var (field, value) in PackedHash.Enumerate(blob))
        {
            entries.Add((S(field), S(value)));
        }

        return entries;
    }

    private static string? Get(byte[] blob, string field) =>
        PackedHash.TryGet(blob, B(field), out int offset, out int length) ? S(blob.AsSpan(offset, length)) : null;

    [Fact]
    public void The_empty_blob_is_a_single_zero_count_byte()
    {
        Assert.Equal(new byte[] { 0 }, PackedHash.Empty.ToArray());
        Assert.Equal(PackedHash.EmptyLength, PackedHash.Empty.Length);
        Assert.Equal(0, PackedHash.Count(PackedHash.Empty));
        Assert.True(PackedHash.IsValid(PackedHash.Empty));
        Assert.Empty(Entries(PackedHash.Empty));
        Assert.False(PackedHash.TryGet(PackedHash.Empty, B("a"), out _, out _));
        Assert.Equal(0, PackedHash.MaxFieldOrValueLength(PackedHash.Empty));
    }

    [Fact]
    public void Setting_a_field_writes_the_documented_layout()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "ab", "xyz");
        blob = Set(blob, "", "q");

        Assert.Equal(new byte[] { 2, 2, (byte)'a', (byte)'b', 3, (byte)'x', (byte)'y', (byte)'z', 0, 1, (byte)'q' }, blob);
    }

    [Fact]
    public void A_set_field_can_be_read_back_through_the_returned_offsets()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "name", "hoard");

        Assert.True(PackedHash.TryGet(blob, B("name"), out int offset, out int length));
        Assert.Equal("hoard", S(blob.AsSpan(offset, length)));
        Assert.Equal(1, PackedHash.Count(blob));
        Assert.True(PackedHash.Contains(blob, B("name")));
        Assert.False(PackedHash.Contains(blob, B("nam")));
    }

    [Fact]
    public void Updating_a_field_keeps_its_position_and_new_fields_go_to_the_end()
    {
        byte[] blob = PackedHash.Empty.ToArray();
        blob = Set(blob, "a", "1");
        blob = Set(blob, "b", "2");
        blob = Set(blob, "c", "3");
        blob = Set(blob, B("a"), B("one, now longer"), out bool existed);
        Assert.True(existed);
        blob = Set(blob, B("d"), B("4"), out existed);
        Assert.False(existed);

        Assert.Equal([("a", "one, now longer"), ("b", "2"), ("c", "3"), ("d", "4")], Entries(blob));
    }

    [Fact]
    public void Deleting_a_field_keeps_the_order_of_the_others()
    {
        byte[] blob = PackedHash.Empty.ToArray();
        foreach (string field in new[] { "a", "b", "c", "d" })
        {
            blob = Set(blob, field, field + field);
        }

        blob = Delete(blob, B("b"))!;
        Assert.Equal([("a", "aa"), ("c", "cc"), ("d", "dd")], Entries(blob));
        blob = Delete(blob, B("d"))!;
        Assert.Equal([("a", "aa"), ("c", "cc")], Entries(blob));
        blob = Delete(blob, B("a"))!;
        blob = Delete(blob, B("c"))!;
        Assert.Equal(PackedHash.Empty.ToArray(), blob);
    }

    [Fact]
    public void Deleting_an_absent_field_returns_minus_one_and_writes_nothing()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "a", "1");
        var destination = new byte[16];
        destination.AsSpan().Fill(0xEE);

        Assert.Equal(-1, PackedHash.SizeAfterDelete(blob, B("b")));
        Assert.Equal(-1, PackedHash.Delete(blob, B("b"), destination));
        Assert.All(destination, b => Assert.Equal(0xEE, b));
        Assert.Equal(-1, PackedHash.Delete(PackedHash.Empty, B("b"), destination));
    }

    [Fact]
    public void Binary_fields_and_values_with_zero_bytes_are_kept_exactly()
    {
        byte[] field = [0, 1, 0, 255, 0];
        byte[] value = [0, 0, 0];
        byte[] blob = Set(PackedHash.Empty.ToArray(), field, value, out _);
        blob = Set(blob, [0, 1, 0, 255], [9], out bool existed);
        Assert.False(existed);

        Assert.True(PackedHash.TryGet(blob, field, out int offset, out int length));
        Assert.Equal(value, blob.AsSpan(offset, length).ToArray());
        Assert.False(PackedHash.TryGet(blob, [0, 1, 0, 255, 0, 0], out _, out _));
        Assert.False(PackedHash.TryGet(blob, [], out _, out _));
        Assert.Equal(2, PackedHash.Count(blob));
    }

    [Fact]
    public void An_empty_field_name_and_an_empty_value_are_ordinary_entries()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "", "");
        blob = Set(blob, "x", "");

        Assert.True(PackedHash.TryGet(blob, [], out _, out int length));
        Assert.Equal(0, length);
        Assert.Equal("", Get(blob, "x"));
        Assert.Null(Get(blob, "y"));
        Assert.Equal([("", ""), ("x", "")], Entries(blob));

        blob = Set(blob, "", "now set");
        Assert.Equal("now set", Get(blob, ""));
        blob = Delete(blob, [])!;
        Assert.Equal([("x", "")], Entries(blob));
    }

    [Fact]
    public void A_field_is_not_confused_with_its_prefix_or_extension()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "abc", "3");
        blob = Set(blob, "ab", "2");
        blob = Set(blob, "abcd", "4");

        Assert.Equal("2", Get(blob, "ab"));
        Assert.Equal("3", Get(blob, "abc"));
        Assert.Equal("4", Get(blob, "abcd"));
        Assert.Null(Get(blob, "a"));
    }

    [Theory]
    [InlineData(127, 128)]
    [InlineData(128, 127)]
    [InlineData(16383, 16384)]
    [InlineData(16384, 16383)]
    [InlineData(0, 16384)]
    public void Value_lengths_that_cross_a_varint_boundary_resize_the_entry(int before, int after)
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "first", "1");
        blob = Set(blob, B("big"), new byte[before], out _);
        blob = Set(blob, "last", "z");
        int sizeBefore = blob.Length;

        byte[] newValue = Enumerable.Range(0, after).Select(i => (byte)i).ToArray();
        blob = Set(blob, B("big"), newValue, out bool existed);

        Assert.True(existed);
        Assert.Equal(sizeBefore - before - VarInt.SizeOf((ulong)before) + after + VarInt.SizeOf((ulong)after), blob.Length);
        Assert.True(PackedHash.TryGet(blob, B("big"), out int offset, out int length));
        Assert.Equal(newValue, blob.AsSpan(offset, length).ToArray());
        Assert.Equal(["first", "big", "last"], Entries(blob).Select(e => e.Field));
        Assert.Equal("z", Get(blob, "last"));
        Assert.True(PackedHash.IsValid(blob));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16384)]
    public void Field_names_with_varint_boundary_lengths_are_found(int length)
    {
        byte[] field = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        byte[] blob = Set(Set(PackedHash.Empty.ToArray(), "a", "1"), field, B("v"), out _);

        Assert.True(PackedHash.TryGet(blob, field, out int offset, out int valueLength));
        Assert.Equal("v", S(blob.AsSpan(offset, valueLength)));
        Assert.Equal(length, PackedHash.MaxFieldOrValueLength(blob));
        // Header (1) + entry "a"="1" (4), then the field's length varint.
        Assert.Equal(5 + VarInt.SizeOf((ulong)length), PackedHash.GetAt(blob, 1).FieldOffset);
        Assert.Equal(5 + PackedHash.EntrySize(length, 1), blob.Length);
    }

    [Fact]
    public void The_count_header_grows_at_128_fields_and_shrinks_back()
    {
        byte[] blob = PackedHash.Empty.ToArray();
        for (int i = 0; i < 127; i++)
        {
            blob = Set(blob, $"f{i}", "v");
        }

        Assert.Equal(127, blob[0]);
        int sizeAt127 = blob.Length;
        blob = Set(blob, "f127", "v");
        Assert.Equal(128, PackedHash.Count(blob));
        Assert.Equal(new byte[] { 0x80, 0x01 }, blob[..2]);
        Assert.Equal(sizeAt127 + 1 + PackedHash.EntrySize(4, 1), blob.Length);
        Assert.Equal("v", Get(blob, "f0"));
        Assert.Equal("v", Get(blob, "f127"));

        blob = Delete(blob, B("f0"))!;
        Assert.Equal(127, PackedHash.Count(blob));
        Assert.Equal(127, blob[0]);
        // One header byte fewer again; "f0" (5 bytes) went, "f127" (7 bytes) stays.
        Assert.Equal(sizeAt127 - PackedHash.EntrySize(2, 1) + PackedHash.EntrySize(4, 1), blob.Length);
        Assert.Equal("f1", Entries(blob)[0].Field);
        Assert.True(PackedHash.IsValid(blob));
    }

    [Fact]
    public void A_length_beyond_the_blob_or_beyond_four_gigabytes_is_reported_as_corrupt()
    {
        // One field whose length claims 2^32 bytes.
        byte[] huge = [1, 0x80, 0x80, 0x80, 0x80, 0x10];
        // One field of length 5 with only 2 bytes present.
        byte[] truncated = [1, 5, 1, 2];
        // A count of 2^32.
        byte[] hugeCount = [0x80, 0x80, 0x80, 0x80, 0x10];

        foreach (byte[] blob in new[] { huge, truncated, hugeCount, [] })
        {
            Assert.False(PackedHash.IsValid(blob));
            Assert.Throws<InvalidDataException>(() => PackedHash.TryGet(blob, B("x"), out _, out _));
        }
    }

    [Fact]
    public void Validation_rejects_missing_entries_and_trailing_bytes()
    {
        byte[] blob = Set(Set(PackedHash.Empty.ToArray(), "a", "1"), "b", "2");
        Assert.True(PackedHash.IsValid(blob));

        byte[] countTooHigh = (byte[])blob.Clone();
        countTooHigh[0] = 3;
        Assert.False(PackedHash.IsValid(countTooHigh));

        byte[] countTooLow = (byte[])blob.Clone();
        countTooLow[0] = 1;
        Assert.False(PackedHash.IsValid(countTooLow));

        Assert.False(PackedHash.IsValid([.. blob, 0]));
    }

    [Fact]
    public void A_destination_that_is_too_short_or_overlaps_the_source_is_rejected()
    {
        byte[] blob = Set(PackedHash.Empty.ToArray(), "a", "1");
        int size = PackedHash.SizeAfterSet(blob, B("b"), B("2"), out _);

        Assert.Throws<ArgumentException>(() => PackedHash.Set(blob, B("b"), B("2"), new byte[size - 1]));

        var shared = new byte[64];
        blob.CopyTo(shared, 0);
        Assert.Throws<ArgumentException>(() =>
            PackedHash.Set(shared.AsSpan(0, blob.Length), B("b"), B("2"), shared.AsSpan(blob.Length - 1)));
        Assert.Throws<ArgumentException>(() =>
            PackedHash.Delete(shared.AsSpan(0, blob.Length), B("a"), shared.AsSpan(0)));

        // Adjacent but not overlapping is fine.
        int written = PackedHash.Set(shared.AsSpan(0, blob.Length), B("b"), B("2"), shared.AsSpan(blob.Length));
        Assert.Equal(size, written);
        Assert.Equal("2", Get(shared[blob.Length..(blob.Length + written)], "b"));
    }

    [Fact]
    public void A_value_of_unchanged_length_can_be_overwritten_in_place_through_the_offsets()
    {
        byte[] blob = Set(Set(PackedHash.Empty.ToArray(), "a", "old"), "b", "x");
        Assert.True(PackedHash.TryGet(blob, B("a"), out int offset, out int length));

        B("new").CopyTo(blob.AsSpan(offset, length));

        Assert.Equal([("a", "new"), ("b", "x")], Entries(blob));
    }

    [Fact]
    public void The_builder_writes_the_same_bytes_as_successive_sets()
    {
        (string Field, string Value)[] entries = [("a", "1"), ("", "empty field"), ("bin\0ary", ""), (new string('k', 200), "long field")];
        byte[] expected = PackedHash.Empty.ToArray();
        int size = PackedHash.HeaderSize(entries.Length);
        foreach (var (field, value) in entries)
        {
            expected = Set(expected, field, value);
            size += PackedHash.EntrySize(field.Length, value.Length);
        }

        var destination = new byte[size];
        var builder = new PackedHash.Builder(destination, entries.Length);
        foreach (var (field, value) in entries)
        {
            builder.Add(B(field), B(value));
        }

        Assert.Equal(size, builder.Finish());
        Assert.Equal(expected, destination);
    }

    [Fact]
    public void The_builder_insists_on_the_announced_count()
    {
        var destination = new byte[64];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var builder = new PackedHash.Builder(destination, 2);
            builder.Add(B("a"), B("1"));
            builder.Finish();
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            var builder = new PackedHash.Builder(destination, 1);
            builder.Add(B("a"), B("1"));
            builder.Add(B("b"), B("2"));
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            var builder = new PackedHash.Builder(new byte[4], 1);
            builder.Add(B("ab"), B("12"));
        });

        var empty = new PackedHash.Builder(destination, 0);
        Assert.Equal(1, empty.Finish());
        Assert.Equal(0, destination[0]);
    }

    [Fact]
    public void Entries_can_be_picked_by_index_with_their_offsets()
    {
        byte[] blob = Set(Set(Set(PackedHash.Empty.ToArray(), "a", "1"), "bb", "22"), "ccc", "333");

        PackedHash.Entry entry = PackedHash.GetAt(blob, 2);
        Assert.Equal("ccc", S(entry.Field));
        Assert.Equal("333", S(entry.Value));
        Assert.Equal("ccc", S(blob.AsSpan(entry.FieldOffset, 3)));
        Assert.Equal("333", S(blob.AsSpan(entry.ValueOffset, 3)));
        Assert.Equal("a", S(PackedHash.GetAt(blob, 0).Field));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedHash.GetAt(blob, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedHash.GetAt(blob, -1));
    }

    [Fact]
    public void Max_field_or_value_length_looks_at_both_fields_and_values()
    {
        byte[] blob = Set(Set(PackedHash.Empty.ToArray(), "short", new string('v', 65)), new string('f', 70), "x");
        Assert.Equal(70, PackedHash.MaxFieldOrValueLength(blob));
        blob = Delete(blob, B(new string('f', 70)))!;
        Assert.Equal(65, PackedHash.MaxFieldOrValueLength(blob));
    }

    [Fact]
    public void Reading_and_enumerating_allocate_nothing()
    {
        byte[] blob = PackedHash.Empty.ToArray();
        for (int i = 0; i < 50; i++)
        {
            blob = Set(blob, $"field{i}", $"value{i}");
        }

        byte[] probe = B("field49");
        byte[] destination = new byte[blob.Length + 32];
        static int Work(byte[] blob, byte[] probe, byte[] destination)
        {
            int total = 0;
            foreach (var entry in PackedHash.Enumerate(blob))
            {
                total += entry.Field.Length + entry.Value.Length;
            }

            PackedHash.TryGet(blob, probe, out int offset, out _);
            total += offset + PackedHash.Count(blob) + PackedHash.MaxFieldOrValueLength(blob);
            total += PackedHash.Set(blob, probe, probe, destination);
            total += PackedHash.Delete(blob, probe, destination);
            return total;
        }

        Work(blob, probe, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int result = Work(blob, probe, destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Random_sets_and_deletes_match_an_insertion_ordered_dictionary_model()
    {
        var random = new Random(20240611);
        // Field pool: includes the empty name, zero bytes, shared prefixes and 128-byte names.
        var pool = new List<string> { "", "\0", "\0\0", "a", "a\0", "ab" };
        while (pool.Count < 300)
        {
            int length = random.Next(10) == 0 ? 128 : random.Next(1, 9);
            pool.Add(string.Create(length, random, (chars, r) =>
            {
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = (char)r.Next(256);
                }
            }));
        }

        pool = pool.Distinct().ToList();
        var model = new Dictionary<string, string>();
        var order = new List<string>();
        byte[] blob = PackedHash.Empty.ToArray();
        bool crossedUp = false, crossedDown = false;

        for (int step = 0; step < 4000; step++)
        {
            // Grow during the first half, shrink during the second, so the count crosses 127/128 both ways.
            double setProbability = step < 2000 ? 0.75 : 0.3;
            string field = pool[random.Next(pool.Count)];
            int countBefore = model.Count;
            if (random.NextDouble() < setProbability)
            {
                int valueLength = random.Next(8) switch { 0 => 0, 1 => random.Next(120, 140), _ => random.Next(1, 12) };
                string value = new string((char)random.Next(256), valueLength);
                blob = Set(blob, B(field), B(value), out bool existed);
                Assert.Equal(model.ContainsKey(field), existed);
                if (!existed)
                {
                    order.Add(field);
                }

                model[field] = value;
            }
            else
            {
                byte[]? after = Delete(blob, B(field));
                Assert.Equal(model.Remove(field), after is not null);
                if (after is not null)
                {
                    order.Remove(field);
                    blob = after;
                }
            }

            crossedUp |= countBefore == 127 && model.Count == 128;
            crossedDown |= countBefore == 128 && model.Count == 127;

            Assert.True(PackedHash.IsValid(blob));
            Assert.Equal(model.Count, PackedHash.Count(blob));
            List<(string Field, string Value)> entries = Entries(blob);
            Assert.Equal(order, entries.Select(e => e.Field));
            Assert.All(entries, e => Assert.Equal(model[e.Field], e.Value));
            string probe = pool[random.Next(pool.Count)];
            Assert.Equal(model.GetValueOrDefault(probe), Get(blob, probe));
            int expectedMax = model.Count == 0 ? 0 : model.Max(kv => Math.Max(kv.Key.Length, kv.Value.Length));
            Assert.Equal(expectedMax, PackedHash.MaxFieldOrValueLength(blob));
        }

        Assert.True(crossedUp && crossedDown, "the random walk should cross the 128-field header boundary both ways");
    }
}
