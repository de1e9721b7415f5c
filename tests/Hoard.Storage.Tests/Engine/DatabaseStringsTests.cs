using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseStringsTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly Keyspace _keyspace;
    private readonly Database _db;

    public DatabaseStringsTests()
    {
        _keyspace = new Keyspace(new StorageOptions { Shards = 2, SegmentSize = 1024 }, _clock);
        _db = _keyspace[0];
    }

    public void Dispose()
    {
        _keyspace.CheckIntegrity();
        _keyspace.Dispose();
    }

    private long In(long ms) => _clock.NowMs + ms;

    [Fact]
    public void Get_returns_what_set_stored_and_not_found_for_a_missing_key()
    {
        Assert.Equal(StorageStatus.Ok, _db.SetText("k", "hello"));
        Assert.Equal("hello", _db.GetText("k"));
        Assert.Null(_db.GetText("missing"));
    }

    [Fact]
    public void Set_overwrites_with_values_of_any_length()
    {
        _db.SetText("k", "short");
        _db.SetText("k", new string('x', 3000));
        Assert.Equal(new string('x', 3000), _db.GetText("k"));
        _db.SetText("k", "");
        Assert.Equal("", _db.GetText("k"));
    }

    [Fact]
    public void Set_nx_writes_only_a_missing_key()
    {
        Assert.Equal(StorageStatus.Ok, _db.SetText("k", "1", SetCondition.IfAbsent));
        Assert.Equal(StorageStatus.NotApplied, _db.SetText("k", "2", SetCondition.IfAbsent));
        Assert.Equal("1", _db.GetText("k"));
    }

    [Fact]
    public void Set_xx_writes_only_an_existing_key()
    {
        Assert.Equal(StorageStatus.NotApplied, _db.SetText("k", "1", SetCondition.IfExists));
        Assert.Null(_db.GetText("k"));
        _db.SetText("k", "1");
        Assert.Equal(StorageStatus.Ok, _db.SetText("k", "2", SetCondition.IfExists));
        Assert.Equal("2", _db.GetText("k"));
    }

    [Fact]
    public void Set_with_get_returns_the_old_value_and_writes_the_new_one()
    {
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.Set(B("k"), B("new"), SetCondition.Always, Expiry.None, true, ref old, out var hadOld));
        Assert.False(hadOld);

        Assert.Equal(StorageStatus.Ok, _db.Set(B("k"), B("newer"), SetCondition.Always, Expiry.None, true, ref old, out hadOld));
        Assert.True(hadOld);
        Assert.Equal("new", old.Text);
        Assert.Equal("newer", _db.GetText("k"));
    }

    [Fact]
    public void Set_with_get_on_a_hash_is_wrongtype_and_writes_nothing()
    {
        _db.HSetText("h", "f", "v");
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.WrongType, _db.Set(B("h"), B("x"), SetCondition.Always, Expiry.None, true, ref old, out _));
        Assert.Equal(ValueKind.Hash, _db.TypeOf(B("h")));
    }

    [Fact]
    public void Set_nx_with_get_returns_the_old_value_without_writing()
    {
        _db.SetText("k", "old");
        var old = default(BytesSink);
        Assert.Equal(StorageStatus.NotApplied, _db.Set(B("k"), B("new"), SetCondition.IfAbsent, Expiry.None, true, ref old, out var hadOld));
        Assert.True(hadOld);
        Assert.Equal("old", old.Text);
        Assert.Equal("old", _db.GetText("k"));
    }

    [Fact]
    public void Set_clears_the_ttl_unless_keepttl_is_given()
    {
        _db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(10_000)));
        _db.SetText("k", "w", expiry: Expiry.KeepTtl);
        Assert.Equal(In(10_000), _db.GetExpireAt(B("k")));

        _db.SetText("k", "x");
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Set_with_keepttl_on_a_key_without_ttl_leaves_it_persistent()
    {
        _db.SetText("k", "v");
        _db.SetText("k", "longer value", expiry: Expiry.KeepTtl);
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
        Assert.Equal("longer value", _db.GetText("k"));
    }

    [Fact]
    public void Getdel_returns_the_value_and_deletes_the_key()
    {
        _db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.GetDelete(B("k"), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.False(_db.Exists(B("k")));
        Assert.Equal(StorageStatus.NotFound, _db.GetDelete(B("k"), ref sink));
    }

    [Fact]
    public void Getdel_on_a_hash_is_wrongtype_and_keeps_it()
    {
        _db.HSetText("h", "f", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.WrongType, _db.GetDelete(B("h"), ref sink));
        Assert.True(_db.Exists(B("h")));
    }

    [Fact]
    public void Getex_sets_changes_and_removes_the_ttl()
    {
        _db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.GetAndExpire(B("k"), Expiry.AtUnixMs(In(5000)), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.Equal(In(5000), _db.GetExpireAt(B("k")));

        Assert.Equal(StorageStatus.Ok, _db.GetAndExpire(B("k"), Expiry.KeepTtl, ref sink));
        Assert.Equal(In(5000), _db.GetExpireAt(B("k")));

        Assert.Equal(StorageStatus.Ok, _db.GetAndExpire(B("k"), Expiry.None, ref sink));
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Getex_with_a_past_time_returns_the_value_and_deletes_the_key()
    {
        _db.SetText("k", "v");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.GetAndExpire(B("k"), Expiry.AtUnixMs(_clock.NowMs - 1), ref sink));
        Assert.Equal("v", sink.Text);
        Assert.False(_db.Exists(B("k")));
    }

    [Fact]
    public void Getex_of_a_missing_key_is_not_found()
    {
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.NotFound, _db.GetAndExpire(B("nope"), Expiry.None, ref sink));
    }

    [Fact]
    public void Incr_of_a_missing_key_starts_from_zero_and_stores_an_int()
    {
        Assert.Equal(StorageStatus.Ok, _db.Increment(B("n"), 1, out var v));
        Assert.Equal(1, v);
        Assert.Equal("int", _db.EncodingOf(B("n")));
        Assert.Equal("1", _db.GetText("n"));
    }

    [Fact]
    public void Incrby_and_decrby_add_and_subtract()
    {
        _db.SetText("n", "10");
        _db.Increment(B("n"), 5, out _);
        _db.Increment(B("n"), -20, out var v);
        Assert.Equal(-5, v);
        Assert.Equal("-5", _db.GetText("n"));
        Assert.Equal("int", _db.EncodingOf(B("n")));
    }

    [Fact]
    public void Incr_keeps_the_ttl()
    {
        _db.SetText("n", "1", expiry: Expiry.AtUnixMs(In(9000)));
        _db.Increment(B("n"), 1, out _);
        _db.Increment(B("n"), 1, out _);
        Assert.Equal(In(9000), _db.GetExpireAt(B("n")));
        Assert.Equal("3", _db.GetText("n"));
    }

    [Theory]
    [InlineData(long.MaxValue, 1)]
    [InlineData(long.MinValue, -1)]
    [InlineData(long.MaxValue - 5, 6)]
    public void Incr_past_the_64_bit_range_is_overflow_and_changes_nothing(long start, long delta)
    {
        _db.SetText("n", start.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(StorageStatus.Overflow, _db.Increment(B("n"), delta, out _));
        Assert.Equal(start.ToString(System.Globalization.CultureInfo.InvariantCulture), _db.GetText("n"));
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
        _db.SetText("n", value);
        Assert.Equal(StorageStatus.NotInteger, _db.Increment(B("n"), 1, out _));
        Assert.Equal(value, _db.GetText("n"));
    }

    [Fact]
    public void Incr_of_a_hash_is_wrongtype()
    {
        _db.HSetText("h", "f", "1");
        Assert.Equal(StorageStatus.WrongType, _db.Increment(B("h"), 1, out _));
    }

    [Fact]
    public void A_string_holding_an_integer_is_not_int_encoded_until_incremented()
    {
        _db.SetText("n", "42");
        Assert.Equal("embstr", _db.EncodingOf(B("n")));
        _db.Increment(B("n"), 0, out _);
        Assert.Equal("int", _db.EncodingOf(B("n")));
        _db.SetText("s", new string('a', 45));
        Assert.Equal("raw", _db.EncodingOf(B("s")));
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
        _db.SetText("f", start);
        Assert.Equal(StorageStatus.Ok, _db.IncrementFloat(B("f"), delta, out _));
        Assert.Equal(expected, _db.GetText("f"));
    }

    [Fact]
    public void Incrbyfloat_of_a_missing_key_starts_from_zero_and_of_an_int_uses_its_value()
    {
        _db.IncrementFloat(B("f"), 2.5, out var r);
        Assert.Equal(2.5, r);
        _db.Increment(B("n"), 7, out _);
        _db.IncrementFloat(B("n"), 0.5, out r);
        Assert.Equal(7.5, r);
        Assert.Equal("7.5", _db.GetText("n"));
    }

    [Fact]
    public void Incrbyfloat_rejects_non_floats_and_non_finite_results()
    {
        _db.SetText("f", "abc");
        Assert.Equal(StorageStatus.NotFloat, _db.IncrementFloat(B("f"), 1, out _));
        _db.SetText("g", "1e308");
        Assert.Equal(StorageStatus.NotFinite, _db.IncrementFloat(B("g"), 1e308, out _));
        Assert.Equal("1e308", _db.GetText("g"));
    }

    [Fact]
    public void Append_creates_extends_and_returns_the_new_length()
    {
        Assert.Equal(StorageStatus.Ok, _db.Append(B("k"), B("Hello"), out var n));
        Assert.Equal(5, n);
        Assert.Equal(StorageStatus.Ok, _db.Append(B("k"), B(" World"), out n));
        Assert.Equal(11, n);
        Assert.Equal("Hello World", _db.GetText("k"));
    }

    [Fact]
    public void Append_to_an_int_appends_to_its_digits_and_keeps_the_ttl()
    {
        _db.Increment(B("n"), 12, out _);
        _db.SetExpireAt(B("n"), In(7000));
        _db.Append(B("n"), B("3"), out var n);
        Assert.Equal(3, n);
        Assert.Equal("123", _db.GetText("n"));
        Assert.Equal(In(7000), _db.GetExpireAt(B("n")));
    }

    [Fact]
    public void Append_to_a_hash_is_wrongtype()
    {
        _db.HSetText("h", "f", "v");
        Assert.Equal(StorageStatus.WrongType, _db.Append(B("h"), B("x"), out _));
    }

    [Fact]
    public void Strlen_counts_bytes_and_is_zero_for_a_missing_key()
    {
        _db.SetText("k", "héllo");
        Assert.Equal(StorageStatus.Ok, _db.Length(B("k"), out var n));
        Assert.Equal(6, n);
        _db.Length(B("missing"), out n);
        Assert.Equal(0, n);
        _db.Increment(B("i"), -123, out _);
        _db.Length(B("i"), out n);
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
        _db.SetText("k", "Hello World");
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.GetRange(B("k"), start, end, ref sink));
        Assert.Equal(expected, sink.Text);
    }

    [Fact]
    public void Getrange_of_a_missing_key_is_empty_and_of_an_int_slices_its_digits()
    {
        var sink = default(BytesSink);
        Assert.Equal(StorageStatus.Ok, _db.GetRange(B("missing"), 0, -1, ref sink));
        Assert.Equal("", sink.Text);
        _db.Increment(B("n"), 12345, out _);
        _db.GetRange(B("n"), 1, 2, ref sink);
        Assert.Equal("23", sink.Text);
    }

    [Fact]
    public void Setrange_overwrites_in_the_middle_and_returns_the_length()
    {
        _db.SetText("k", "Hello World");
        Assert.Equal(StorageStatus.Ok, _db.SetRange(B("k"), 6, B("Redis"), out var n));
        Assert.Equal(11, n);
        Assert.Equal("Hello Redis", _db.GetText("k"));
    }

    [Fact]
    public void Setrange_past_the_end_pads_with_zero_bytes()
    {
        _db.SetText("k", "ab");
        _db.SetRange(B("k"), 5, B("xy"), out var n);
        Assert.Equal(7, n);
        Assert.Equal("ab\0\0\0xy", _db.GetText("k"));

        _db.SetRange(B("new"), 3, B("z"), out n);
        Assert.Equal(4, n);
        Assert.Equal("\0\0\0z", _db.GetText("new"));
    }

    [Fact]
    public void Setrange_with_an_empty_value_on_a_missing_key_creates_nothing()
    {
        Assert.Equal(StorageStatus.Ok, _db.SetRange(B("k"), 10, ReadOnlySpan<byte>.Empty, out var n));
        Assert.Equal(0, n);
        Assert.False(_db.Exists(B("k")));
    }

    [Fact]
    public void Setrange_with_an_empty_value_returns_the_current_length()
    {
        _db.SetText("k", "abc");
        _db.SetRange(B("k"), 10, ReadOnlySpan<byte>.Empty, out var n);
        Assert.Equal(3, n);
        Assert.Equal("abc", _db.GetText("k"));
    }

    [Fact]
    public void Setrange_keeps_the_ttl()
    {
        _db.SetText("k", "abc", expiry: Expiry.AtUnixMs(In(4000)));
        _db.SetRange(B("k"), 1, B("ZZZZ"), out _);
        Assert.Equal("aZZZZ", _db.GetText("k"));
        Assert.Equal(In(4000), _db.GetExpireAt(B("k")));
    }
}
