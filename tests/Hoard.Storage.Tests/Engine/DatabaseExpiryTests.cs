using Hoard.Storage.Tests.Support;
using static Hoard.Storage.Tests.Support.DatabaseText;

namespace Hoard.Storage.Tests.Engine;

public sealed class DatabaseExpiryTests() : KeyspaceFixture(new StorageOptions { Shards = 2, SegmentSize = 1024 })
{
    [Fact]
    public void A_key_without_ttl_reports_minus_one_and_a_missing_key_minus_two()
    {
        Db.SetText("k", "v");
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
        Assert.Equal(-2, Db.GetExpireAt(B("x")));
    }

    [Fact]
    public void Expireat_sets_and_changes_the_ttl()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(1000)));
        Assert.Equal(In(1000), Db.GetExpireAt(B("k")));
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(2000)));
        Assert.Equal(In(2000), Db.GetExpireAt(B("k")));
        Assert.Equal("v", Db.GetText("k"));
    }

    [Fact]
    public void HasTimedOut_sees_a_key_past_its_ttl_without_removing_it()
    {
        Db.SetText("k", "v");
        Db.SetText("forever", "v");
        Db.SetExpireAt(B("k"), In(100));
        Assert.False(Db.HasTimedOut(B("k")));
        Assert.False(Db.HasTimedOut(B("forever")));
        Assert.False(Db.HasTimedOut(B("missing")));
        Clock.Advance(100);
        Assert.True(Db.HasTimedOut(B("k")));
        Assert.True(Db.HasTimedOut(B("k"))); // still stored: nothing was removed
        Assert.False(Db.Exists(B("k"))); // an access removes it
        Assert.False(Db.HasTimedOut(B("k")));
    }

    [Fact]
    public void Expireat_of_a_missing_key_is_not_found()
        => Assert.Equal(StorageStatus.NotFound, Db.SetExpireAt(B("x"), In(1000)));

    [Fact]
    public void Expireat_works_on_hashes_and_ints()
    {
        Db.HSetText("h", "f", "v");
        Db.Increment(B("n"), 5, out _);
        Db.SetExpireAt(B("h"), In(100));
        Db.SetExpireAt(B("n"), In(100));
        Assert.Equal((StorageStatus.Ok, "v"), Db.HGetText("h", "f"));
        Assert.Equal("5", Db.GetText("n"));
        Clock.Advance(100);
        Assert.False(Db.Exists(B("h")));
        Assert.False(Db.Exists(B("n")));
    }

    [Fact]
    public void Persist_removes_the_ttl_and_reports_whether_there_was_one()
    {
        Db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(1000)));
        Assert.True(Db.Persist(B("k")));
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
        Assert.False(Db.Persist(B("k")));
        Assert.False(Db.Persist(B("x")));
        Clock.Advance(5000);
        Assert.Equal("v", Db.GetText("k"));
    }

    [Fact]
    public void Nx_sets_only_when_there_is_no_ttl()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfNoTtl));
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(2000), ExpireCondition.IfNoTtl));
        Assert.Equal(In(1000), Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Xx_sets_only_when_there_is_a_ttl()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfHasTtl));
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
        Db.SetExpireAt(B("k"), In(1000));
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(2000), ExpireCondition.IfHasTtl));
        Assert.Equal(In(2000), Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Gt_sets_only_a_later_time_and_treats_no_ttl_as_infinite()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfLater));
        Db.SetExpireAt(B("k"), In(1000));
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(500), ExpireCondition.IfLater));
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfLater));
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(1500), ExpireCondition.IfLater));
        Assert.Equal(In(1500), Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Lt_sets_only_an_earlier_time_and_treats_no_ttl_as_infinite()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(1000), ExpireCondition.IfEarlier));
        Assert.Equal(StorageStatus.NotApplied, Db.SetExpireAt(B("k"), In(1500), ExpireCondition.IfEarlier));
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), In(500), ExpireCondition.IfEarlier));
        Assert.Equal(In(500), Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void A_time_in_the_past_deletes_the_key()
    {
        Db.SetText("k", "v");
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("k"), Clock.NowMs - 1));
        Assert.False(Db.Exists(B("k")));
        Assert.Equal(0, Db.Count);
        Db.SetText("j", "v");
        Assert.Equal(StorageStatus.Ok, Db.SetExpireAt(B("j"), Clock.NowMs));
        Assert.False(Db.Exists(B("j")));
    }

    [Fact]
    public void An_expired_key_vanishes_on_access_and_counts_as_expired()
    {
        var observer = new CountingObserver();
        Keyspace.Observer = observer;
        Db.SetText("k", "v", expiry: Expiry.AtUnixMs(In(100)));
        Clock.Advance(99);
        Assert.Equal("v", Db.GetText("k"));
        Clock.Advance(1);
        Assert.Null(Db.GetText("k"));
        Assert.Equal(-2, Db.GetExpireAt(B("k")));
        Assert.Equal(1, Keyspace.Stats.ExpiredKeys);
        Assert.Equal(1, observer.Expired);
        Assert.Equal(0, Db.Count);
    }

    [Fact]
    public void An_expired_key_is_absent_for_every_command()
    {
        Db.SetText("k", "5", expiry: Expiry.AtUnixMs(In(10)));
        Db.HSetText("h", "f", "v");
        Db.SetExpireAt(B("h"), In(10));
        Clock.Advance(10);
        Assert.False(Db.Exists(B("k")));
        Assert.Equal(ValueKind.None, Db.TypeOf(B("h")));
        Assert.Equal(StorageStatus.Ok, Db.Increment(B("k"), 1, out var n));
        Assert.Equal(1, n);
        Assert.Equal(-1, Db.GetExpireAt(B("k")));
        Assert.Equal(StorageStatus.Ok, Db.SetText("h", "x", SetCondition.IfAbsent));
    }

    [Fact]
    public void Active_expiry_removes_expired_keys_without_access()
    {
        for (var i = 0; i < 500; i++)
        {
            Db.SetText($"t{i}", "v", expiry: Expiry.AtUnixMs(In(100 + i)));
            Db.SetText($"p{i}", "v");
        }

        Clock.Advance(10_000);
        var removed = 0;
        for (var round = 0; round < 1000 && Db.Count > 500; round++)
        {
            removed += Keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
        }

        // The cycle's own count leaves out keys that its share of cleaning found expired; the stats count all.
        Assert.InRange(removed, 1, 500);
        Assert.Equal(500, Db.Count);
        Assert.Equal(500, Keyspace.Stats.ExpiredKeys);
        Assert.Equal(0, Keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Active_expiry_leaves_keys_whose_time_has_not_come()
    {
        for (var i = 0; i < 100; i++)
        {
            Db.SetText($"t{i}", "v", expiry: Expiry.AtUnixMs(In(10_000)));
        }

        Assert.Equal(0, Keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1)));
        Assert.Equal(100, Db.Count);
    }

    [Fact]
    public void Changing_a_ttl_many_times_keeps_the_value()
    {
        Db.SetText("k", new string('v', 300));
        for (var i = 0; i < 100; i++)
        {
            if (i % 3 == 1)
            {
                Db.Persist(B("k"));
            }
            else
            {
                Db.SetExpireAt(B("k"), In(1000 + i));
            }
        }

        Assert.Equal(new string('v', 300), Db.GetText("k"));
        Assert.Equal(In(1099), Db.GetExpireAt(B("k")));
    }

    [Fact]
    public void Active_expiry_estimates_the_average_remaining_ttl()
    {
        Assert.Equal(0, Db.AverageTtlMs);
        for (var i = 0; i < 200; i++)
        {
            Db.Set(B("t" + i), B("v"), SetCondition.Always, Expiry.AtUnixMs(In(100_000)));
        }

        Db.SetText("persistent", "v");
        Keyspace.RunActiveExpireCycle(TimeSpan.FromSeconds(1));
        Assert.InRange(Db.AverageTtlMs, 99_000, 100_000);
        Assert.Equal(0, Keyspace[1].AverageTtlMs);
    }
}
