using System.Text;
using Hoard.Storage.Hashes;

namespace Hoard.Storage.Tests.Hashes;

public class HashTableTests
{
    private static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static string? Get(HashTable table, string field) =>
        table.TryGetValue(B(field), out byte[]? value) ? S(value) : null;

    private static Dictionary<string, string> Contents(HashTable table)
    {
        var contents = new Dictionary<string, string>();
        foreach (var (field, value) in table)
        {
            contents.Add(S(field), S(value));
        }

        return contents;
    }

    private static long ExpectedByteSize(IEnumerable<KeyValuePair<string, string>> entries) =>
        HashTable.TableOverhead + entries.Sum(kv => HashTable.EntryByteSize(kv.Key.Length, kv.Value.Length));

    [Fact]
    public void A_new_table_is_empty()
    {
        var table = new HashTable();
        Assert.Empty(table);
        Assert.False(table.TryGetValue(B("a"), out _));
        Assert.False(table.Remove(B("a")));
        Assert.Equal(HashTable.TableOverhead, table.ByteSize);
    }

    [Fact]
    public void Set_reports_whether_the_field_is_new()
    {
        var table = new HashTable();
        Assert.True(table.Set(B("f"), B("1")));
        Assert.False(table.Set(B("f"), B("2")));
        Assert.True(table.Set(B("g"), B("3")));

        Assert.Equal(2, table.Count);
        Assert.Equal("2", Get(table, "f"));
        Assert.Equal("3", Get(table, "g"));
        Assert.True(table.Contains(B("g")));
        Assert.False(table.Contains(B("h")));
    }

    [Fact]
    public void A_value_of_the_same_length_is_overwritten_in_the_existing_array()
    {
        var table = new HashTable();
        table.Set(B("f"), B("abc"));
        table.TryGetValue(B("f"), out byte[]? before);
        long size = table.ByteSize;

        table.Set(B("f"), B("xyz"));
        table.TryGetValue(B("f"), out byte[]? after);

        Assert.Same(before, after);
        Assert.Equal("xyz", S(after));
        Assert.Equal(size, table.ByteSize);
    }

    [Fact]
    public void A_value_of_a_different_length_replaces_the_array_and_adjusts_the_byte_size()
    {
        var table = new HashTable();
        table.Set(B("f"), B("abc"));
        table.TryGetValue(B("f"), out byte[]? before);

        table.Set(B("f"), B(new string('x', 100)));
        table.TryGetValue(B("f"), out byte[]? after);

        Assert.NotSame(before, after);
        Assert.Equal(new string('x', 100), S(after));
        Assert.Equal(HashTable.TableOverhead + HashTable.EntryByteSize(1, 100), table.ByteSize);
    }

    [Fact]
    public void A_value_can_be_set_from_a_slice_of_its_own_array()
    {
        var table = new HashTable();
        table.Set(B("f"), B("abcd"));
        table.TryGetValue(B("f"), out byte[]? value);

        table.Set(B("f"), value.AsSpan());
        Assert.Equal("abcd", Get(table, "f"));
        table.Set(B("f"), value.AsSpan(1, 2));
        Assert.Equal("bc", Get(table, "f"));
    }

    [Fact]
    public void Byte_size_counts_a_fixed_overhead_plus_rounded_payloads_per_entry()
    {
        Assert.Equal(44 + 24 + 8 + 24 + 8, HashTable.EntryByteSize(1, 8));
        Assert.Equal(44 + 24 + 16 + 24 + 16, HashTable.EntryByteSize(9, 16));
        // Empty fields and values share Array.Empty, so only the entry itself is counted.
        Assert.Equal(44, HashTable.EntryByteSize(0, 0));

        var table = new HashTable();
        table.Set(B("field"), B("value"));
        table.Set(B(""), B(""));
        Assert.Equal(HashTable.TableOverhead + HashTable.EntryByteSize(5, 5) + HashTable.EntryByteSize(0, 0), table.ByteSize);

        table.Remove(B("field"));
        table.Remove(B(""));
        Assert.Equal(HashTable.TableOverhead, table.ByteSize);
    }

    [Fact]
    public void Removing_moves_the_last_entry_into_the_hole_and_keeps_every_lookup_right()
    {
        var table = new HashTable();
        for (int i = 0; i < 5; i++)
        {
            table.Set(B($"f{i}"), B($"v{i}"));
        }

        Assert.True(table.Remove(B("f1")));
        Assert.False(table.Remove(B("f1")));

        Assert.Equal(["f0", "f4", "f2", "f3"], Enumerable.Range(0, 4).Select(i => S(table.GetAt(i).Key)));
        Assert.Equal("v4", Get(table, "f4"));
        Assert.True(table.Remove(B("f4")));
        Assert.Equal("v3", Get(table, "f3"));
        Assert.True(table.Remove(B("f0")));
        Assert.Equal(new Dictionary<string, string> { ["f2"] = "v2", ["f3"] = "v3" }, Contents(table));
    }

    [Fact]
    public void Binary_fields_empty_names_and_empty_values_are_distinct_keys()
    {
        var table = new HashTable();
        Assert.True(table.Set([], B("empty name")));
        Assert.True(table.Set([0], B("one zero")));
        Assert.True(table.Set([0, 0], []));
        Assert.True(table.Set([0, 1, 0, 255], [0, 0, 0]));

        Assert.Equal(4, table.Count);
        Assert.Equal("empty name", Get(table, ""));
        Assert.Equal("one zero", Get(table, "\0"));
        Assert.Equal("", Get(table, "\0\0"));
        Assert.True(table.TryGetValue([0, 1, 0, 255], out byte[]? value));
        Assert.Equal(new byte[] { 0, 0, 0 }, value);
        Assert.False(table.Contains([0, 0, 0]));
        Assert.True(table.Remove([]));
        Assert.Null(Get(table, ""));
    }

    [Fact]
    public void Lookups_updates_and_removals_by_span_allocate_nothing()
    {
        var table = new HashTable();
        for (int i = 0; i < 100; i++)
        {
            table.Set(B($"field{i}"), B($"value{i:D3}"));
        }

        byte[] present = B("field42");
        byte[] absent = B("missing");
        byte[] sameLength = B("VALUE042");
        static int Work(HashTable table, byte[] present, byte[] absent, byte[] sameLength)
        {
            int total = 0;
            total += table.TryGetValue(present, out byte[]? value) ? value.Length : 0;
            total += table.TryGetValue(absent, out _) ? 1 : 0;
            total += table.Set(present, sameLength) ? 1 : 0;
            total += table.Remove(absent) ? 1 : 0;
            total += table.Contains(present) ? 1 : 0;
            foreach (var (field, _) in table)
            {
                total += field.Length;
            }

            return total;
        }

        Work(table, present, absent, sameLength);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int result = Work(table, present, absent, sameLength);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_comparer_hashes_arrays_and_spans_alike()
    {
        HashTable.FieldComparer comparer = HashTable.FieldComparer.Instance;
        byte[] a = B("some field");
        byte[] b = B("some field");

        Assert.True(comparer.Equals(a, b));
        Assert.True(comparer.Equals(a.AsSpan(), b));
        Assert.False(comparer.Equals(a, B("some fielD")));
        Assert.False(comparer.Equals(a, null));
        Assert.True(comparer.Equals(null, null));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(a.AsSpan()));
        Assert.Equal(a, comparer.Create(a.AsSpan()));
    }

    [Fact]
    public void A_table_built_from_a_packed_hash_has_the_same_entries_in_the_same_order()
    {
        byte[] blob = PackedHash.Empty.ToArray();
        var expected = new List<(string, string)>();
        for (int i = 0; i < 130; i++)
        {
            string field = i == 0 ? "" : $"f\0{i}";
            string value = i % 3 == 0 ? "" : new string('v', i);
            var next = new byte[PackedHash.SizeAfterSet(blob, B(field), B(value), out _)];
            PackedHash.Set(blob, B(field), B(value), next);
            blob = next;
            expected.Add((field, value));
        }

        HashTable table = HashTable.FromPacked(blob);

        Assert.Equal(130, table.Count);
        Assert.Equal(expected, table.Select(kv => (S(kv.Key), S(kv.Value))));
        Assert.Equal(ExpectedByteSize(expected.Select(e => KeyValuePair.Create(e.Item1, e.Item2))), table.ByteSize);
    }

    [Fact]
    public void A_packed_hash_that_names_a_field_twice_is_rejected()
    {
        var blob = new byte[64];
        var builder = new PackedHash.Builder(blob, 2);
        builder.Add(B("a"), B("1"));
        builder.Add(B("a"), B("2"));
        int size = builder.Finish();

        Assert.Throws<InvalidDataException>(() => HashTable.FromPacked(blob.AsSpan(0, size)));
    }

    [Fact]
    public void Writing_the_table_packed_round_trips()
    {
        var table = new HashTable();
        for (int i = 0; i < 50; i++)
        {
            table.Set(B($"k{i}"), B(new string((char)i, i)));
        }

        table.Remove(B("k7"));
        table.Remove(B("k0"));

        var blob = new byte[table.GetPackedSize()];
        Assert.Equal(blob.Length, table.WritePacked(blob));
        Assert.True(PackedHash.IsValid(blob));
        Assert.Equal(table.Count, PackedHash.Count(blob));
        Assert.Equal(Contents(table), Contents(HashTable.FromPacked(blob)));
        Assert.Throws<ArgumentException>(() => table.WritePacked(new byte[blob.Length - 1]));
    }

    [Fact]
    public void Get_at_and_get_random_reach_every_entry()
    {
        var table = new HashTable();
        for (int i = 0; i < 20; i++)
        {
            table.Set(B($"f{i}"), B($"v{i}"));
        }

        var random = new Random(7);
        var seen = new HashSet<string>();
        for (int i = 0; i < 2000; i++)
        {
            var (field, value) = table.GetRandom(random);
            Assert.Equal("v" + S(field)[1..], S(value));
            seen.Add(S(field));
        }

        Assert.Equal(20, seen.Count);
        Assert.Equal(Contents(table).Keys.Order(), Enumerable.Range(0, 20).Select(i => S(table.GetAt(i).Key)).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => table.GetAt(20));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.GetAt(-1));
        Assert.Throws<InvalidOperationException>(() => new HashTable().GetRandom(random));
    }

    [Fact]
    public void Adding_or_removing_during_enumeration_throws_but_updating_a_value_does_not()
    {
        var table = new HashTable();
        table.Set(B("a"), B("1"));
        table.Set(B("b"), B("2"));

        foreach (var (field, _) in table)
        {
            table.Set(field, B("updated, longer"));
        }

        Assert.All(table, kv => Assert.Equal("updated, longer", S(kv.Value)));
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var (field, _) in table)
            {
                table.Remove(field);
            }
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var _ in table)
            {
                table.Set(B("new"), B("x"));
            }
        });
    }

    [Fact]
    public void Scanning_an_unmodified_table_returns_every_entry_once()
    {
        var table = new HashTable();
        for (int i = 0; i < 101; i++)
        {
            table.Set(B($"f{i}"), B("v"));
        }

        var results = new List<KeyValuePair<byte[], byte[]>>();
        int cursor = 0, calls = 0;
        do
        {
            cursor = table.Scan(cursor, 10, results);
            calls++;
        }
        while (cursor != 0);

        Assert.Equal(11, calls);
        Assert.Equal(101, results.Select(kv => S(kv.Key)).Distinct().Count());
        Assert.Equal(101, results.Count);
        Assert.Equal(0, new HashTable().Scan(0, 10, results));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Scanning_returns_every_field_present_throughout_despite_modifications(int seed)
    {
        var random = new Random(seed);
        var table = new HashTable();
        for (int i = 0; i < 500; i++)
        {
            table.Set(B($"f{i}"), B("v"));
        }

        var present = new HashSet<string>(Enumerable.Range(0, 500).Select(i => $"f{i}"));
        var returned = new HashSet<string>();
        var batch = new List<KeyValuePair<byte[], byte[]>>();
        int cursor = 0, next = 500;
        do
        {
            batch.Clear();
            cursor = table.Scan(cursor, random.Next(1, 20), batch);
            returned.UnionWith(batch.Select(kv => S(kv.Key)));
            for (int i = random.Next(6); i > 0 && table.Count > 0; i--)
            {
                string victim = S(table.GetRandom(random).Key);
                table.Remove(B(victim));
                present.Remove(victim);
            }

            for (int i = random.Next(6); i > 0; i--)
            {
                table.Set(B($"f{next++}"), B("v"));
            }
        }
        while (cursor != 0);

        Assert.NotEmpty(present);
        Assert.Subset(returned, present);
    }

    [Fact]
    public void Trimming_excess_keeps_the_contents()
    {
        var table = new HashTable();
        for (int i = 0; i < 100; i++)
        {
            table.Set(B($"f{i}"), B($"v{i}"));
        }

        for (int i = 0; i < 90; i++)
        {
            table.Remove(B($"f{i}"));
        }

        table.TrimExcess();
        Assert.Equal(10, table.Count);
        Assert.Equal("v95", Get(table, "f95"));
        Assert.True(table.Set(B("new"), B("x")));
        Assert.Equal(11, table.Count);
    }

    [Fact]
    public void Random_sets_and_deletes_match_a_dictionary_model()
    {
        var random = new Random(424242);
        var pool = new List<string> { "", "\0", "\0\0", "a", "a\0" };
        while (pool.Count < 400)
        {
            pool.Add(string.Create(random.Next(1, 24), random, (chars, r) =>
            {
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = (char)r.Next(256);
                }
            }));
        }

        pool = pool.Distinct().ToList();
        var model = new Dictionary<string, string>();
        var table = new HashTable();

        for (int step = 0; step < 5000; step++)
        {
            double setProbability = step < 2500 ? 0.7 : 0.35;
            string field = pool[random.Next(pool.Count)];
            if (random.NextDouble() < setProbability)
            {
                string value = new string((char)random.Next(256), random.Next(4) == 0 ? 0 : random.Next(1, 40));
                bool isNew = table.Set(B(field), B(value));
                Assert.Equal(!model.ContainsKey(field), isNew);
                model[field] = value;
            }
            else
            {
                Assert.Equal(model.Remove(field), table.Remove(B(field)));
            }

            Assert.Equal(model.Count, table.Count);
            Assert.Equal(ExpectedByteSize(model), table.ByteSize);
            string probe = pool[random.Next(pool.Count)];
            Assert.Equal(model.GetValueOrDefault(probe), Get(table, probe));
            if (step % 50 == 0 || step == 4999)
            {
                Assert.Equal(model, Contents(table));
                Assert.Equal(model.Keys.Order(), Enumerable.Range(0, table.Count).Select(i => S(table.GetAt(i).Key)).Order());
            }
        }
    }
}
