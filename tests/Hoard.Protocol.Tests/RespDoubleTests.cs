using Hoard.Protocol.Tests.Support;

namespace Hoard.Protocol.Tests;

/// <summary>Doubles formatted as Redis 7.2+'s d2string (util.c) and fpconv's emit_digits do.</summary>
public sealed class RespDoubleTests
{
    private static string Format(double value)
    {
        Span<byte> text = stackalloc byte[RespDouble.MaxLength];
        return Wire.Text(text[..RespDouble.Format(value, text)]);
    }

    [Theory]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    public void Special_values_are_spelled_out(double value, string expected) =>
        Assert.Equal(expected, Format(value));

    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(-2.0, "-2")]
    [InlineData(5e9, "5000000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(4611686018427387904.0, "4611686018427387904")]
    [InlineData(-4611686018427387904.0, "-4611686018427387904")]
    public void Integral_values_within_two_to_the_62_are_printed_as_integers(double value, string expected) =>
        Assert.Equal(expected, Format(value));

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.1, "-0.1")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1.5e-5, "0.000015")]
    [InlineData(1.2345678, "1.2345678")]
    [InlineData(1234567.125, "1234567.125")]
    [InlineData(3.141592653589793, "3.141592653589793")]
    public void Other_values_use_the_shortest_round_trip_digits_in_plain_notation_where_fpconv_does(double value, string expected) =>
        Assert.Equal(expected, Format(value));

    [Theory]
    [InlineData(1e20, "1e+20")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e19, "1.5e+19")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(-1.5e-7, "-1.5e-7")]
    [InlineData(1e-10, "1e-10")]
    [InlineData(1e100, "1e+100")]
    [InlineData(1e105, "1e+105")]
    [InlineData(1e-100, "1e-100")]
    [InlineData(1.1e-300, "1.1e-300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-1.7976931348623157e308, "-1.7976931348623157e+308")]
    public void Very_large_and_small_values_use_an_unpadded_exponent(double value, string expected) =>
        Assert.Equal(expected, Format(value));

    [Theory]
    [InlineData(4611686018427388928.0, "4611686018427389000")]
    [InlineData(12345678901234567e3, "12345678901234567000")]
    [InlineData(9223372036854775808.0, "9223372036854776000")]
    public void Large_values_with_few_digits_are_padded_with_zeros(double value, string expected) =>
        Assert.Equal(expected, Format(value));

    [Fact]
    public void Every_formatted_value_parses_back_to_the_same_double()
    {
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = Format(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
