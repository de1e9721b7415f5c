using System.Globalization;
using System.Text;
using Hoard.Storage.Objects;
using Hoard.Storage.Sets;

namespace Hoard.Storage.Tests.Sets;

public class SetObjectTests
{
    private static readonly StorageOptions Options = new() { SetMaxIntsetEntries = 8, SetMaxListpackEntries = 4, SetMaxListpackValue = 6 };

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Members(SetObject set)
    {
        var scratch = new byte[SetObject.ScratchLength];
        return [.. Enumerable.Range(0, set.Count).Select(i => Encoding.UTF8.GetString(set.GetAt(i, scratch)))];
    }

    private static SetObject Of(params string[] members)
    {
        var set = new SetObject(B(members[0]), members.Length, Options);
        foreach (var m in members)
        {
            set.Add(B(m), Options);
        }

        return set;
    }

    [Fact]
    public void An_intset_keeps_integers_sorted_and_widens_for_large_ones()
    {
        var set = Of("5", "-3", "40000");
        Assert.Equal("intset", set.Encoding);
        Assert.Equal(["-3", "5", "40000"], Members(set));
        Assert.True(set.Add(B("-9223372036854775808"), Options));
        Assert.True(set.Add(B("9223372036854775807"), Options));
        Assert.Equal(["-9223372036854775808", "-3", "5", "40000", "9223372036854775807"], Members(set));
        Assert.False(set.Add(B("5"), Options));
        Assert.True(set.Contains(B("40000")));
        Assert.False(set.Contains(B("040000")));
        Assert.False(set.Contains(B("x")));
        Assert.True(set.Remove(B("-3")));
        Assert.False(set.Remove(B("-3")));
        Assert.Equal("intset", set.Encoding);
    }

    [Theory]
    [InlineData("007")]
    [InlineData("+1")]
    [InlineData("-0")]
    [InlineData(" 1")]
    [InlineData("1e3")]
    [InlineData("1.0")]
    public void Text_that_is_not_a_canonical_integer_leaves_the_intset(string member)
    {
        var set = Of("1", "2");
        set.Add(B(member), Options);
        Assert.Equal("listpack", set.Encoding);
        Assert.Equal(["1", "2", member], Members(set));
        Assert.True(set.Contains(B("1")));
        Assert.True(set.Contains(B(member)));
    }

    [Fact]
    public void Encodings_convert_upward_on_the_limits_and_never_back()
    {
        var set = Of("1");
        for (var i = 2; i <= 8; i++)
        {
            set.Add(B(i.ToString(CultureInfo.InvariantCulture)), Options);
        }

        Assert.Equal("intset", set.Encoding);
        set.Add(B("9"), Options);
        Assert.Equal("hashtable", set.Encoding); // past set-max-intset-entries: straight to a hashtable

        var listpack = Of("a", "b", "c", "d");
        Assert.Equal("listpack", listpack.Encoding);
        listpack.Add(B("e"), Options);
        Assert.Equal("hashtable", listpack.Encoding);
        Assert.True(listpack.Remove(B("e")) && listpack.Remove(B("d")));
        Assert.Equal("hashtable", listpack.Encoding);

        var longMember = Of("a");
        longMember.Add(B("1234567"), Options);
        Assert.Equal("hashtable", longMember.Encoding);

        var wideInts = Of("1234567"); // the integer's digits count against the listpack value limit
        wideInts.Add(B("a"), Options);
        Assert.Equal("hashtable", wideInts.Encoding);

        Assert.Equal("hashtable", new SetObject(B("a"), 5, Options).Encoding); // SADD's size hint
        Assert.Equal("intset", new SetObject(B("1"), 8, Options).Encoding);
        Assert.Equal("hashtable", new SetObject(B("1"), 9, Options).Encoding);
        Assert.Equal("listpack", new SetObject(B("a"), 9, new StorageOptions()).Encoding);
    }

    [Fact]
    public void ByteSize_is_maintained_and_matches_a_fresh_set_with_the_same_members()
    {
        foreach (var first in new[] { "1", "a" })
        {
            var set = new SetObject(B(first), 1, Options);
            var model = new List<string>();
            var random = new Random(7);
            for (var i = 0; i < 300; i++)
            {
                var member = random.Next(3) == 0 ? $"m{random.Next(40)}" : random.Next(-50, 50).ToString(CultureInfo.InvariantCulture);
                if (random.Next(3) == 0)
                {
                    set.Remove(B(member));
                    model.Remove(member);
                }
                else if (set.Add(B(member), Options))
                {
                    model.Add(member);
                }

                Assert.Equal(model.Order(StringComparer.Ordinal), Members(set).Order(StringComparer.Ordinal));
                Assert.True(set.ByteSize > 0);
            }

            var copy = (SetObject)set.Clone();
            Assert.Equal(set.Encoding, copy.Encoding);
            Assert.Equal(Members(set), Members(copy));
            Assert.InRange(copy.ByteSize, set.ByteSize - (8 * set.Count) - 64, set.ByteSize + 64);
        }
    }

    [Fact]
    public void The_packed_form_round_trips_and_rejects_bad_input()
    {
        foreach (var members in new[] { new[] { "3", "1", "2" }, ["a", "1"], ["a", "b", "c", "d", "e", "f"] })
        {
            var set = Of(members);
            var packed = new byte[set.GetPackedSize()];
            Assert.Equal(packed.Length, set.WritePacked(packed));
            var back = SetObject.FromPacked(packed, Options);
            Assert.Equal(set.Encoding, back.Encoding);
            Assert.Equal(Members(set), Members(back));
            Assert.Same(typeof(SetObject), ObjectCodec.FromPacked(Hoard.Storage.Replication.RecordValueType.Set, packed, Options).GetType());
        }

        Assert.Throws<InvalidDataException>(() => SetObject.FromPacked([0], Options));
        Assert.Throws<InvalidDataException>(() => SetObject.FromPacked([2, 1, (byte)'a', 1, (byte)'a'], Options));
        Assert.Throws<InvalidDataException>(() => SetObject.FromPacked([2, 1, (byte)'a'], Options));
        Assert.Throws<InvalidDataException>(() => SetObject.FromPacked([1, 1, (byte)'a', 9], Options));
        Assert.Throws<InvalidDataException>(() => SetObject.FromPacked([], Options));
    }
}
