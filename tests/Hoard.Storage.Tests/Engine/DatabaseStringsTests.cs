using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseStringsTests() : KeyspaceFixture(new StorageOptions { Shards = 2, SegmentSize = 1024 })
{
    [Fact]
    public void Get_returns_what_set_stored_and_not_found_for_a_missing_key()
    {
        Assert.Equal(StorageStatus.Ok, Db.SetText("k", "hello"));
        Assert.Equal("hello", Db.GetText("k"));
        Assert.Null(Db.GetText("missing"));
    }

    [Fact]
    public void Set_overwrites_with_values_of_any_length()
    {
        Db.SetText("k", "short");
        Db.SetText("k", new string('x', 3000));
        Assert.Equal(new string('x', 3000), Db.GetText("k"));
        Db.SetText("k", "");
        Assert.Equal("", Db.GetText("k"));
    }

    [Fact]
    public void Set_nx_writes_only_a_missing_key()
    {
        Assert.Equal(StorageStatus.Ok, Db.SetText("k", "1", SetCondition.IfAbsent));
        Assert.Equal(StorageStatus.NotApplied, Db.SetText("k", "2", SetCondition.IfAbsent));
        Assert.Equal("1", Db.GetText("k"));
    }

    [Fact]
    public void Set_xx_writes_only_an_existing_key()
    {
        Assert.Equal(StorageStatus.NotApplied, Db.SetText("k", "1", SetCondition.IfExists));
        Assert.Null(Db.GetText("k"));
        Db.SetText("k", "1");
        Assert.Equal(StorageStatus.Ok, Db.SetText("k", "2", SetCondition.IfExists));
        Assert.Equal("2", Db.GetText("k"));
    }

    [Fact]
    public void Set_with_get_returns_the_old_value_and_writes_the_new_one()
    {
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.Set(B("k"), B("new"), SetCondition.Always, Expiry.None, true, ref old, out var hadOld));
        Assert.False(hadOld);

        Assert.Equal(StorageStatus.Ok, Db.Set(B("k"), B("newer"), SetCondition.Always, Expiry.None, true, ref old, out hadOld));
        Assert.True(hadOld);
        Assert.Equal("new", old.Text);
        Assert.Equal("newer", Db.GetText("k"));
    }

    [Fact]
    public void Set_with_get_on_a_hash_is_wrongtype_and_writes_nothing()
    {
        Db.HSetText("h", "f", "v");
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.WrongType, Db.Set(B("h"), B("x"), SetCondition.Always, Expiry.None, true, ref old, out _));
        Assert.Equal(ValueKind.Hash, Db.TypeOf(B("h")));
    }

    [Fact]
    public void Set_nx_with_get_returns_the_old_value_without_writing()
    {
        Db.SetText("k", "old");
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.NotApplied, Db.Set(B("k"), B("new"), SetCondition.IfAbsent, Expiry.None, true, ref old, out var hadOld));
        Assert.True(hadOld);
        Assert.Equal("old", old.Text);
        Assert.Equal("old", Db.GetText("k"));
    }

    [Fact]
    public void Set_clears_the_ttl_unless_keepttl_is_given()
    {
        Db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(10_000)));
        Db.SetText("k", "w", expiry: Expiry.KeepTtl);
        Assert.Equal(In(10_000), Db.GetExpireAt(B("k")));

        Db.SetText("k", "x");
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Set_with_keepttl_on_a_key_without_ttl_leaves_it_persistent()
    {
        Db.SetText("k", "v");
        Db.SetText("k", "longer value", expiry: Expiry.KeepTtl);
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
        Assert.Equal("longer value", Db.GetText("k"));
    }

    [Fact]
    public void Getdel_returns_the_value_and_deletes_the_key()
    {
        Db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.GetDelete(B("k"), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.False(Db.Exists(B("k")));
        Assert.Equal(StorageStatus.NotFound, Db.GetDelete(B("k"), ref sink));
    }

    [Fact]
    public void Getdel_on_a_hash_is_wrongtype_and_keeps_it()
    {
        Db.HSetText("h", "f", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.WrongType, Db.GetDelete(B("h"), ref sink));
        Assert.True(Db.Exists(B("h")));
    }

    [Fact]
    public void Getex_sets_changes_and_removes_the_ttl()
    {
        Db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.GetAndExpire(B("k"), Expiry.AtUnixMs(In(5000)), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.Equal(In(5000), Db.GetExpireAt(B("k")));

        Assert.Equal(StorageStatus.Ok, Db.GetAndExpire(B("k"), Expiry.KeepTtl, ref sink));
        Assert.Equal(In(5000), Db.GetExpireAt(B("k")));

        Assert.Equal(StorageStatus.Ok, Db.GetAndExpire(B("k"), Expiry.None, ref sink));
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Getex_with_a_past_time_returns_the_value_and_deletes_the_key()
    {
        Db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.GetAndExpire(B("k"), Expiry.AtUnixMs(Clock.NowMs - 1), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.False(Db.Exists(B("k")));
    }

    [Fact]
    public void Getex_of_a_missing_key_is_not_found()
    {
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.NotFound, Db.GetAndExpire(B("nope"), Expiry.None, ref sink));
    }

    [Fact]
    public void Incr_of_a_missing_key_starts_from_zero_and_stores_an_int()
    {
        Assert.Equal(StorageStatus.Ok, Db.Increment(B("n"), 1, out var v));
        Assert.Equal(1, v);
        Assert.Equal("int", Db.EncodingOf(B("n")));
        Assert.Equal("1", Db.GetText("n"));
    }

    [Fact]
    public void Incrby_and_decrby_add_and_subtract()
    {
        Db.SetText("n", "10");
        Db.Increment(B("n"), 5, out _);
        Db.Increment(B("n"), -20, out var v);
        Assert.Equal(-5, v);
        Assert.Equal("-5", Db.GetText("n"));
        Assert.Equal("int", Db.EncodingOf(B("n")));
    }

    [Fact]
    public void Incr_keeps_the_ttl()
    {
        Db.SetText("n", "1", expiry: Expiry.AtUnixMs(In(9000)));
        Db.Increment(B("n"), 1, out _);
        Db.Increment(B("n"), 1, out _);
        Assert.Equal(In(9000), Db.GetExpireAt(B("n")));
        Assert.Equal("3", Db.GetText("n"));
    }

    [Theory]
    [InlineData(long.MaxValue, 1)]
    [InlineData(long.MinValue, -1)]
    [InlineData(long.MaxValue - 5, 6)]
    public void Incr_past_the_64_bit_range_is_overflow_and_changes_nothing(long start, long delta)
    {
        Db.SetText("n", start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(StorageStatus.Overflow, Db.Increment(B("n"), delta, out _));
        Assert.Equal(start.ToString(System.Globalization.CultureInfo.InvariantCulture), Db.GetText("n"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void Incr_of_a_non_integer_string_is_not_integer(string value)
    {
        Db.SetText("n", value);
        Assert.Equal(StorageStatus.NotInteger, Db.Increment(B("n"), 1, out _));
        Assert.Equal(value, Db.GetText("n"));
    }

    [Fact]
    public void Incr_of_a_hash_is_wrongtype()
    {
        Db.HSetText("h", "f", "1");
        Assert.Equal(StorageStatus.WrongType, Db.Increment(B("h"), 1, out _));
    }

    [Fact]
    public void A_string_holding_an_integer_is_not_int_encoded_until_incremented()
    {
        Db.SetText("n", "42");
        Assert.Equal("embstr", Db.EncodingOf(B("n")));
        Db.Increment(B("n"), 0, out _);
        Assert.Equal("int", Db.EncodingOf(B("n")));
        Db.SetText("s", new string('a', 45));
        Assert.Equal("raw", Db.EncodingOf(B("s")));
    }

    [Theory]
    [InlineData("10.5", 0.1, "10.6")]
    [InlineData("5.0e3", 0, "5000")]
    [InlineData("3", 1.5, "4.5")]
    [InlineData("1", -1, "0")]
    [InlineData("0.1", 0.2, "0.30000000000000004")]
    [InlineData("-5", 2.25, "-2.75")]
    public void Incrbyfloat_stores_the_result_as_redis_formats_it(string start, double delta, string expected)
    {
        Db.SetText("f", start);
        Assert.Equal(StorageStatus.Ok, Db.IncrementFloat(B("f"), delta, out _));
        Assert.Equal(expected, Db.GetText("f"));
    }

    [Fact]
    public void Incrbyfloat_of_a_missing_key_starts_from_zero_and_of_an_int_uses_its_value()
    {
        Db.IncrementFloat(B("f"), 2.5, out var r);
        Assert.Equal(2.5, r);
        Db.Increment(B("n"), 7, out _);
        Db.IncrementFloat(B("n"), 0.5, out r);
        Assert.Equal(7.5, r);
        Assert.Equal("7.5", Db.GetText("n"));
    }

    [Fact]
    public void Incrbyfloat_rejects_non_floats_and_non_finite_results()
    {
        Db.SetText("f", "abc");
        Assert.Equal(StorageStatus.NotFloat, Db.IncrementFloat(B("f"), 1, out _));
        Db.SetText("g", "1e308");
        Assert.Equal(StorageStatus.NotFinite, Db.IncrementFloat(B("g"), 1e308, out _));
        Assert.Equal("1e308", Db.GetText("g"));
    }

    [Fact]
    public void Append_creates_extends_and_returns_the_new_length()
    {
        Assert.Equal(StorageStatus.Ok, Db.Append(B("k"), B("Hello"), out var n));
        Assert.Equal(5, n);
        Assert.Equal(StorageStatus.Ok, Db.Append(B("k"), B(" World"), out n));
        Assert.Equal(11, n);
        Assert.Equal("Hello World", Db.GetText("k"));
    }

    [Fact]
    public void Append_to_an_int_appends_to_its_digits_and_keeps_the_ttl()
    {
        Db.Increment(B("n"), 12, out _);
        Db.SetExpireAt(B("n"), In(7000));
        Db.Append(B("n"), B("3"), out var n);
        Assert.Equal(3, n);
        Assert.Equal("123", Db.GetText("n"));
        Assert.Equal(In(7000), Db.GetExpireAt(B("n")));
    }

    [Fact]
    public void Append_to_a_hash_is_wrongtype()
    {
        Db.HSetText("h", "f", "v");
        Assert.Equal(StorageStatus.WrongType, Db.Append(B("h"), B("x"), out _));
    }

    [Fact]
    public void Strlen_counts_bytes_and_is_zero_for_a_missing_key()
    {
        Db.SetText("k", "héllo");
        Assert.Equal(StorageStatus.Ok, Db.Length(B("k"), out var n));
        Assert.Equal(6, n);
        Db.Length(B("missing"), out n);
        Assert.Equal(0, n);
        Db.Increment(B("i"), -123, out _);
        Db.Length(B("i"), out n);
        Assert.Equal(4, n);
    }

    [Theory]
    [InlineData(0, 3, "Hell")]
    [InlineData(-3, -1, "rld")]
    [InlineData(0, -1, "Hello World")]
    [InlineData(10, 100, "d")]
    [InlineData(5, 3, "")]
    [InlineData(-1, -3, "")]
    [InlineData(-100, 2, "Hel")]
    [InlineData(11, 20, "")]
    [InlineData(0, 0, "H")]
    public void Getrange_follows_redis_offset_rules(long start, long end, string expected)
    {
        Db.SetText("k", "Hello World");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.GetRange(B("k"), start, end, ref sink));
        Assert.Equal(expected, sink.Text);
    }

    [Fact]
    public void Getrange_of_a_missing_key_is_empty_and_of_an_int_slices_its_digits()
    {
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, Db.GetRange(B("missing"), 0, -1, ref sink));
        Assert.Equal("", sink.Text);
        Db.Increment(B("n"), 12345, out _);
        Db.GetRange(B("n"), 1, 2, ref sink);
        Assert.Equal("23", sink.Text);
    }

    [Fact]
    public void Setrange_overwrites_in_the_middle_and_returns_the_length()
    {
        Db.SetText("k", "Hello World");
        Assert.Equal(StorageStatus.Ok, Db.SetRange(B("k"), 6, B("Redis"), out var n));
        Assert.Equal(11, n);
        Assert.Equal("Hello Redis", Db.GetText("k"));
    }

    [Fact]
    public void Setrange_past_the_end_pads_with_zero_bytes()
    {
        Db.SetText("k", "ab");
        Db.SetRange(B("k"), 5, B("xy"), out var n);
        Assert.Equal(7, n);
        Assert.Equal("ab\0\0\0xy", Db.GetText("k"));

        Db.SetRange(B("new"), 3, B("z"), out n);
        Assert.Equal(4, n);
        Assert.Equal("\0\0\0z", Db.GetText("new"));
    }

    [Fact]
    public void Setrange_with_an_empty_value_on_a_missing_key_creates_nothing()
    {
        Assert.Equal(StorageStatus.Ok, Db.SetRange(B("k"), 10, ReadOnlySpan<byte>.Empty, out var n));
        Assert.Equal(0, n);
        Assert.False(Db.Exists(B("k")));
    }

    [Fact]
    public void Setrange_with_an_empty_value_returns_the_current_length()
    {
        Db.SetText("k", "abc");
        Db.SetRange(B("k"), 10, ReadOnlySpan<byte>.Empty, out var n);
        Assert.Equal(3, n);
        Assert.Equal("abc", Db.GetText("k"));
    }

    [Fact]
    public void Setrange_keeps_the_ttl()
    {
        Db.SetText("k", "abc", expiry: Expiry.AtUnixMs(In(4000)));
        Db.SetRange(B("k"), 1, B("ZZZZ"), out _);
        Assert.Equal("aZZZZ", Db.GetText("k"));
        Assert.Equal(In(4000), Db.GetExpireAt(B("k")));
    }
}
