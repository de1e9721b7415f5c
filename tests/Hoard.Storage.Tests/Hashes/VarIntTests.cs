using Hoard.Storage.Hashes;

namespace Hoard.Storage.Tests.Hashes;

public class VarIntTests
{
    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(1UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(16383UL, 2)]
    [InlineData(16384UL, 3)]
    [InlineData(2097151UL, 3)]
    [InlineData(2097152UL, 4)]
    [InlineData(268435455UL, 4)]
    [InlineData(268435456UL, 5)]
    [InlineData(4294967295UL, 5)]
    [InlineData(4294967296UL, 5)]
    [InlineData(34359738367UL, 5)]
    [InlineData(34359738368UL, 6)]
    [InlineData(9223372036854775807UL, 9)]
    [InlineData(9223372036854775808UL, 10)]
    [InlineData(ulong.MaxValue, 10)]
    public void Values_at_the_seven_bit_boundaries_round_trip_with_the_expected_size(ulong value, int expectedSize)
    {
        Assert.Equal(expectedSize, VarInt.SizeOf(value));

        var buffer = new byte[VarInt.MaxLength + 3];
        int written = VarInt.Write(buffer, value);
        Assert.Equal(expectedSize, written);

        int read = VarInt.Read(buffer, out ulong decoded);
        Assert.Equal(expectedSize, read);
        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(16383UL, new byte[] { 0xFF, 0x7F })]
    [InlineData(16384UL, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(4294967296UL, new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void The_encoding_is_unsigned_LEB128(ulong value, byte[] expected)
    {
        var buffer = new byte[VarInt.MaxLength];
        int written = VarInt.Write(buffer, value);
        Assert.Equal(expected, buffer[..written]);
    }

    [Fact]
    public void Size_of_agrees_with_the_written_length_for_every_bit_width()
    {
        var buffer = new byte[VarInt.MaxLength];
        for (int bits = 0; bits <= 64; bits++)
        {
            ulong top = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            foreach (ulong value in new[] { top, top + 1, top / 2 + 1 })
            {
                Assert.Equal(VarInt.Write(buffer, value), VarInt.SizeOf(value));
            }
        }
    }

    [Fact]
    public void Random_values_round_trip()
    {
        var random = new Random(1234);
        var buffer = new byte[VarInt.MaxLength];
        for (int i = 0; i < 10_000; i++)
        {
            ulong value = (ulong)random.NextInt64() >> random.Next(64);
            if (random.Next(2) == 0)
            {
                value |= 1UL << 63;
            }

            int written = VarInt.Write(buffer, value);
            Assert.Equal(written, VarInt.Read(buffer, out ulong decoded));
            Assert.Equal(value, decoded);
        }
    }

    [Fact]
    public void Reading_ignores_bytes_after_the_encoding()
    {
        byte[] source = [0xAC, 0x02, 0xFF, 0xFF];
        Assert.Equal(2, VarInt.Read(source, out ulong value));
        Assert.Equal(300UL, value);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80 })]
    public void A_truncated_encoding_is_rejected(byte[] source)
    {
        Assert.Throws<InvalidDataException>(() => VarInt.Read(source, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 })]
    public void An_encoding_that_overflows_64_bits_is_rejected(byte[] source)
    {
        Assert.Throws<InvalidDataException>(() => VarInt.Read(source, out _));
    }

    [Fact]
    public void A_non_minimal_encoding_that_fits_in_ten_bytes_is_accepted()
    {
        byte[] source = [0x81, 0x80, 0x00];
        Assert.Equal(3, VarInt.Read(source, out ulong value));
        Assert.Equal(1UL, value);
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(128UL, 1)]
    [InlineData(4294967296UL, 4)]
    public void Writing_into_a_too_short_destination_throws(ulong value, int destinationLength)
    {
        var buffer = new byte[destinationLength];
        Assert.Throws<ArgumentException>(() => VarInt.Write(buffer, value));
    }
}
