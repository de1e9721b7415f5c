using System.Text;
using Hoard.Storage.Lists;

namespace Hoard.Storage.Tests.Lists;

public class ListObjectTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_million_elements_cost_their_bytes_and_one_length_byte_each()
    {
        var list = new ListObject(-2);
        for (var i = 0; i < 1_000_000; i++)
        {
            list.PushRight(B($"element:{i:D7}"));
        }

        list.Verify();

        // redis-server 7.0 answers MEMORY USAGE 17,114,488 for the same list (15-byte elements): 17.1 bytes each.
        var perElement = list.ByteSize / 1_000_000.0;
        Assert.InRange(perElement, 16.0, 16.2);
        Assert.Equal("quicklist", list.Encoding);
    }

    [Fact]
    public void A_list_pushed_on_the_left_packs_as_tightly()
    {
        var list = new ListObject(-2);
        for (var i = 0; i < 100_000; i++)
        {
            list.PushLeft(B($"element:{i:D7}"));
        }

        list.Verify();
        Assert.InRange(list.ByteSize / 100_000.0, 16.0, 16.3);
    }

    [Fact]
    public void The_encoding_becomes_quicklist_past_the_chunk_size_and_listpack_again_at_half()
    {
        var list = new ListObject(-1); // 4 KB chunks
        var element = new byte[100];
        while (list.Encoding == "listpack")
        {
            list.PushRight(element);
        }

        Assert.InRange(list.Count, 40, 41); // 101 bytes an entry: the 41st passes 4,096
        var sink = new ListObjectModelTests.Collect();
        while (list.Count > 21)
        {
            list.PopRight(ref sink);
        }

        Assert.Equal("quicklist", list.Encoding); // one chunk of 2,121 bytes: more than half
        list.PopRight(ref sink);
        Assert.Equal("listpack", list.Encoding); // 20 entries, 2,020 bytes: at most half a chunk
        list.Verify();
    }

    [Fact]
    public void A_queue_fed_on_the_left_and_drained_on_the_right_keeps_its_order_and_memory()
    {
        var list = new ListObject(-2);
        var sink = new ListObjectModelTests.Collect();
        var next = 0;
        for (var i = 0; i < 50_000; i++)
        {
            list.PushLeft(B($"job{i}"));
            if (i % 3 != 0)
            {
                list.PopRight(ref sink);
                Assert.Equal($"job{next++}", Encoding.UTF8.GetString(sink.Items[^1]));
            }
        }

        list.Verify();
        Assert.Equal(50_000 - next, list.Count);
        Assert.True(list.ByteSize < list.Count * 12, $"{list.ByteSize} bytes for {list.Count} elements");
    }

    [Fact]
    public void A_packed_form_that_is_empty_or_malformed_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => ListObject.FromPacked([0], -2));
        Assert.Throws<InvalidDataException>(() => ListObject.FromPacked([2, 1, (byte)'a'], -2));
        Assert.Throws<InvalidDataException>(() => ListObject.FromPacked([1, 1, (byte)'a', 9], -2));
        Assert.Throws<InvalidDataException>(() => ListObject.FromPacked([], -2));
        Assert.Equal(1, ListObject.FromPacked([1, 1, (byte)'a'], -2).Count);
    }
}
