using System.Text;
using CsCheck;
using Hoard.Storage.Keys;

namespace Hoard.Storage.Tests.Keys;

public class HashSlotTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    [Theory]
    [InlineData("123456789", 12739)]
    [InlineData("{user1000}.following", 3443)]
    [InlineData("{user1000}.followers", 3443)]
    [InlineData("", 0)]
    public void Known_keys_land_in_the_slots_redis_assigns(string key, int slot)
        => Assert.Equal(slot, HashSlot.Of(B(key)));

    [Fact]
    public void The_crc_of_the_standard_check_string_is_0x31C3()
        => Assert.Equal(0x31C3, HashSlot.Crc16("123456789"u8));

    [Fact]
    public void The_crc_of_nothing_is_zero()
        => Assert.Equal(0, HashSlot.Crc16(ReadOnlySpan<byte>.Empty));

    [Theory]
    [InlineData("{user1000}.following", "user1000")]
    [InlineData("foo{bar}{zap}", "bar")]
    [InlineData("foo{{bar}}zap", "{bar")]
    [InlineData("foo{}{bar}", "foo{}{bar}")]
    [InlineData("foo{bar", "foo{bar")]
    [InlineData("foo}bar{", "foo}bar{")]
    [InlineData("foo}{x}", "x")]
    [InlineData("{}", "{}")]
    [InlineData("{a}", "a")]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    public void The_hash_tag_is_the_first_non_empty_braced_part_or_else_the_whole_key(string key, string hashed)
        => Assert.Equal(B(hashed), HashSlot.HashTag(B(key)).ToArray());

    [Fact]
    public void An_empty_tag_hashes_the_whole_key()
    {
        Assert.Equal(HashSlot.Crc16("foo{}{bar}"u8) & (HashSlot.Count - 1), HashSlot.Of("foo{}{bar}"u8));
        Assert.NotEqual(HashSlot.Of("bar"u8), HashSlot.Of("foo{}{bar}"u8));
    }

    [Fact]
    public void A_nested_brace_is_part_of_the_tag()
        => Assert.Equal(HashSlot.Of("{bar"u8), HashSlot.Of("foo{{bar}}zap"u8));

    [Fact]
    public void Keys_with_the_same_tag_share_a_slot()
    {
        Gen.Select(Gen.Byte.Array[0, 20], Gen.Byte.Array[0, 20], Gen.Byte.Array[1, 20])
            .Where((_, _, tag) => !tag.Contains((byte)'}'))
            .Sample((prefix, suffix, tag) =>
            {
                if (prefix.Contains((byte)'{'))
                {
                    return true; // a brace in the prefix would start a different tag
                }

                byte[] key = [.. prefix, (byte)'{', .. tag, (byte)'}', .. suffix];
                return HashSlot.Of(key) == HashSlot.Of(tag)
                    && HashSlot.Of(key) == HashSlot.Of([(byte)'{', .. tag, (byte)'}']);
            });
    }

    [Fact]
    public void The_table_driven_crc_equals_the_bit_by_bit_definition()
    {
        Gen.Byte.Array[0, 64].Sample(data => HashSlot.Crc16(data) == BitwiseCrc16(data));
    }

    [Fact]
    public void Every_slot_is_within_range()
    {
        Gen.Byte.Array[0, 64].Sample(key => HashSlot.Of(key) is >= 0 and < HashSlot.Count);
    }

    [Fact]
    public void Computing_a_slot_allocates_nothing()
    {
        byte[] key = B("{user1000}.following");
        Assert.Equal(3443, HashSlot.Of(key)); // warm up (JIT)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            HashSlot.Of(key);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static int BitwiseCrc16(byte[] data)
    {
        int crc = 0;
        foreach (byte b in data)
        {
            crc ^= b << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xFFFF;
            }
        }

        return crc;
    }
}
