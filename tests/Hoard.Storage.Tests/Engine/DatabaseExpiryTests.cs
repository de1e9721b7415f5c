using Hoard.Storage.Internal;
using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseExpiryTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly Keyspace _keyspace;
    private readonly Database _db;

    public DatabaseExpiryTests()
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
    public void A_key_without_ttl_reports_minus_one_and_a_missing_key_minus_two()
    {
        _db.SetText("k", "v");
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
        Assert.Equal(-2, _db.GetExpireAt(B("x")));
    }

    [Fact]
    public void Expireat_sets_and_changes_the_ttl()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(1000)));
        Assert.Equal(In(1000), _db.GetExpireAt(B("k")));
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(2000)));
        Assert.Equal(In(2000), _db.GetExpireAt(B("k")));
        Assert.Equal("v", _db.GetText("k"));
    }

    [Fact]
    public void Expireat_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, _db.SetExpireAt(B("x"), In(1000)));

    [Fact]
    public void Expireat_works_on_hashes_and_ints()
    {
        _db.HSetText("h", "f", "v");
        _db.Increment(B("n"), 5, out _);
        _db.SetExpireAt(B("h"), In(100));
        _db.SetExpireAt(B("n"), In(100));
        Assert.Equal((StorageStatus.Ok, "v"), _db.HGetText("h", "f"));
        Assert.Equal("5", _db.GetText("n"));
        _clock.Advance(100);
        Assert.False(_db.Exists(B("h")));
        Assert.False(_db.Exists(B("n")));
    }

    [Fact]
    public void Persist_removes_the_ttl_and_reports_whether_there_was_one()
    {
        _db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(1000)));
        Assert.True(_db.Persist(B("k")));
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
        Assert.False(_db.Persist(B("k")));
        Assert.False(_db.Persist(B("x")));
        _clock.Advance(5000);
        Assert.Equal("v", _db.GetText("k"));
    }

    [Fact]
    public void Nx_sets_only_when_there_is_no_ttl()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfNoTtl));
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(2000), ExpireCondition.IfNoTtl));
        Assert.Equal(In(1000), _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Xx_sets_only_when_there_is_a_ttl()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfHasTtl));
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
        _db.SetExpireAt(B("k"), In(1000));
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(2000), ExpireCondition.IfHasTtl));
        Assert.Equal(In(2000), _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Gt_sets_only_a_later_time_and_treats_no_ttl_as_infinite()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfLater));
        _db.SetExpireAt(B("k"), In(1000));
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(500), ExpireCondition.IfLater));
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfLater));
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(1500), ExpireCondition.IfLater));
        Assert.Equal(In(1500), _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Lt_sets_only_an_earlier_time_and_treats_no_ttl_as_infinite()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfEarlier));
        Assert.Equal(StorageStatus.NotApplied, _db.SetExpireAt(B("k"), In(1500), ExpireCondition.IfEarlier));
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), In(500), ExpireCondition.IfEarlier));
        Assert.Equal(In(500), _db.GetExpireAt(B("k")));
    }

    [Fact]
    public void A_time_in_the_past_deletes_the_key()
    {
        _db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("k"), _clock.NowMs - 1));
        Assert.False(_db.Exists(B("k")));
        Assert.Equal(0, _db.Count);
        _db.SetText("j", "v");
        Assert.Equal(StorageStatus.Ok, _db.SetExpireAt(B("j"), _clock.NowMs));
        Assert.False(_db.Exists(B("j")));
    }

    [Fact]
    public void An_expired_key_vanishes_on_access_and_counts_as_expired()
    {
        var observer = new CountingObserver();
        _keyspace.Observer = observer;
        _db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(100)));
        _clock.Advance(99);
        Assert.Equal("v", _db.GetText("k"));
        _clock.Advance(1);
        Assert.Null(_db.GetText("k"));
        Assert.Equal(-2, _db.GetExpireAt(B("k")));
        Assert.Equal(1, _keyspace.Stats.ExpiredKeys);
        Assert.Equal(1, observer.Expired);
        Assert.Equal(0, _db.Count);
    }

    [Fact]
    public void An_expired_key_is_absent_for_every_command()
    {
        _db.SetText("k", "5", expiry: Expiry.AtUnixMs(In(10)));
        _db.HSetText("h", "f", "v");
        _db.SetExpireAt(B("h"), In(10));
        _clock.Advance(10);
        Assert.False(_db.Exists(B("k")));
        Assert.Equal(ValueKind.None, _db.TypeOf(B("h")));
        Assert.Equal(StorageStatus.Ok, _db.Increment(B("k"), 1, out var n));
        Assert.Equal(1, n);
        Assert.Equal(-1, _db.GetExpireAt(B("k")));
        Assert.Equal(StorageStatus.Ok, _db.SetText("h", "x", SetCondition.IfAbsent));
    }

    [Fact]
    public void Active_expiry_removes_expired_keys_without_access()
    {
        for (var i = 0; i < 500; i++)
        {
            _db.SetText($"t{i}", "v", expiry: Expiry.AtUnixMs(In(100 + i)));
            _db.SetText($"p{i}", "v");
        }

        _clock.Advance(10_000);
        var removed = 0;
        for (var round = 0; round < 1000 && _db.Count > 500; round++)
        {
            removed += _keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
        }

        // The cycle's own count leaves out keys that its share of cleaning found expired; the stats count all.
        Assert.InRange(removed, 1, 500);
        Assert.Equal(500, _db.Count);
        Assert.Equal(500, _keyspace.Stats.ExpiredKeys);
        Assert.Equal(0, _keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Active_expiry_leaves_keys_whose_time_has_not_come()
    {
        for (var i = 0; i < 100; i++)
        {
            _db.SetText($"t{i}", "v", expiry: Expiry.AtUnixMs(In(10_000)));
        }

        Assert.Equal(0, _keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1)));
        Assert.Equal(100, _db.Count);
    }

    [Fact]
    public void Changing_a_ttl_many_times_keeps_the_value()
    {
        _db.SetText("k", new string('v', 300));
        for (var i = 0; i < 100; i++)
        {
            if (i % 3 == 1)
            {
                _db.Persist(B("k"));
            }
            else
            {
                _db.SetExpireAt(B("k"), In(1000 + i));
            }
        }

        Assert.Equal(new string('v', 300), _db.GetText("k"));
        Assert.Equal(In(1099), _db.GetExpireAt(B("k")));
    }
}
