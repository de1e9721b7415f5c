using System.Diagnostics;
using System.Globalization;
using Hoard.Server.Replication;
using Hoard.Server.Tests.Support;

namespace Hoard.Server.Tests.Replication;

/// <summary>
/// A full sync held to <c>repl-sync-max-rate</c> while clients write: the stream goes along with the snapshot, so the
/// backlog stays short however long the walk takes, and the replica ends with exactly the primary's keys.
/// </summary>
public class PacedSyncTests
{
    private const int Keys = 20_000;
    private const int ValueBytes = 200; // about 4 MiB of snapshot in 1,024-key frames of about 230 KB
    private const long Rate = 2 * 1024 * 1024;
    private static readonly string DuringTheSync = new('w', 150);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_paced_sync_under_writes_converges_to_the_primarys_keys()
    {
        await using var primary = await StartLoadedPrimaryAsync(backlogBytes: 1024 * 1024);
        await using var replica = await TestNode.StartAsync();
        await using var writer = await primary.ConnectAsync();
        await using var control = await replica.ConnectAsync();
        var progress = new List<(long Total, long Loaded)>();
        var clock = Stopwatch.StartNew();
        await StartSyncAsync(replica, primary);

        // While the walk runs (its progress in the replica's INFO): overwrite, delete and count, and one value larger than the stream's read buffer
        // (64 KiB), so a record is carried over between stream frames.
        var rounds = 0;
        long counter = 0;
        while (replica.Server.Replication.Link?.IsUp != true)
        {
            Assert.True(clock.Elapsed < Bound, "the sync did not complete within " + Bound);
            var i = rounds++ % Keys;
            Assert.Equal("OK", await writer.CallAsync("SET", $"k:{i}", $"new:{rounds}"));
            Assert.InRange(Assert.IsType<long>(await writer.CallAsync("DEL", $"k:{(i + (Keys / 2)) % Keys}")), 0L, 1L);
            counter = Assert.IsType<long>(await writer.CallAsync("INCR", "counter"));
            if (rounds == 50)
            {
                Assert.Equal("OK", await writer.CallAsync("SET", "large", new string('L', 200_000)));
            }

            if (rounds % 20 == 0 && SyncProgress(await control.CallAsync("INFO", "replication")) is { } seen)
            {
                progress.Add(seen);
            }

            await Task.Delay(2);
        }

        var synced = clock.Elapsed;
        Assert.True(rounds > 50, $"only {rounds} rounds of writes ran during the sync");
        Assert.True(progress.Count >= 2, $"INFO showed the sync in progress {progress.Count} times");
        // The keys when the walk began: fixed for the walk, and Keys give or take the writes that ran before it began (a
        // round deletes one key, the counter and "large" add one each).
        Assert.All(progress, p => Assert.Equal(progress[0].Total, p.Total));
        Assert.InRange(progress[0].Total, Keys - rounds, Keys + 2);
        Assert.True(progress[^1].Loaded > progress[0].Loaded, "the keys loaded did not grow");
        Assert.All(progress, p => Assert.InRange(p.Loaded, 0, p.Total));

        // About 4 MiB at 2 MiB/s: not much less than 2 s (the pacer lets at most its credit go early).
        var least = TimeSpan.FromSeconds((double)Keys * ValueBytes / Rate) - SyncPacer.Credit - TimeSpan.FromMilliseconds(200);
        Assert.True(synced > least, $"the sync took {synced.TotalMilliseconds:0} ms: not held to the rate");

        Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));
        await using var reader = await replica.ConnectAsync();
        Assert.Equal(await writer.CallAsync("DBSIZE"), await reader.CallAsync("DBSIZE"));
        for (var i = 0; i < Keys; i += 7)
        {
            Assert.Equal(await writer.CallAsync("GET", $"k:{i}"), await reader.CallAsync("GET", $"k:{i}"));
        }

        Assert.Equal(counter.ToString(CultureInfo.InvariantCulture), await reader.CallAsync("GET", "counter"));
        Assert.Equal(200_000L, await reader.CallAsync("STRLEN", "large"));
        Assert.Equal(primary.Server.Replication.Offset, replica.Server.Replication.Offset);
        Assert.Equal(1L, primary.Server.Replication.FullSyncs);
    }

    [Fact]
    public async Task The_stream_goes_along_with_a_paced_snapshot_so_the_backlog_does_not_grow()
    {
        // The smallest backlog (16 KiB) and about 2 s of writes of ~170 bytes each: held until the end of the walk,
        // they would grow it several times; sent after every snapshot frame (~0.1 s apart here), they never fill it.
        await using var primary = await StartLoadedPrimaryAsync(backlogBytes: 16 * 1024);
        await using var replica = await TestNode.StartAsync();
        await using var writer = await primary.ConnectAsync();
        var clock = Stopwatch.StartNew();
        await StartSyncAsync(replica, primary);

        var backlog = primary.Server.Replication.Backlog!;
        long written = 0, largest = 0;
        while (replica.Server.Replication.Link?.IsUp != true)
        {
            Assert.True(clock.Elapsed < Bound, "the sync did not complete within " + Bound);
            var before = backlog.Offset;
            Assert.Equal("OK", await writer.CallAsync("SET", $"k:{written % Keys}", DuringTheSync));
            written += backlog.Offset - before;
            largest = Math.Max(largest, backlog.Size);
            await Task.Delay(1);
        }

        Assert.True(written > 2 * backlog.Capacity, $"only {written} bytes of stream were written during the sync");
        Assert.Equal(backlog.Capacity, largest);
        Assert.Equal(1L, await writer.CallAsync("WAIT", "1", "5000"));
        Assert.Equal(primary.Server.Replication.Offset, replica.Server.Replication.Offset);
    }

    /// <summary>The keys total and loaded from INFO replication while a full sync is under way, else null.</summary>
    private static (long Total, long Loaded)? SyncProgress(object? info)
    {
        var fields = Assert.IsType<string>(info).Split("\r\n").Select(l => l.Split(':')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        if (fields["master_sync_in_progress"] != "1")
        {
            return null;
        }

        Assert.Equal("-1", fields["master_sync_total_bytes"]);
        Assert.True(long.Parse(fields["master_sync_read_bytes"], CultureInfo.InvariantCulture) >= 0);
        Assert.InRange(double.Parse(fields["master_sync_perc"], CultureInfo.InvariantCulture), 0, 100);
        return (long.Parse(fields["master_sync_keys_total"], CultureInfo.InvariantCulture), long.Parse(fields["master_sync_keys_loaded"], CultureInfo.InvariantCulture));
    }

    private static async Task<TestNode> StartLoadedPrimaryAsync(int backlogBytes)
    {
        var primary = await TestNode.StartAsync(o =>
        {
            o.ReplicationSyncMaxRate = Rate;
            o.ReplicationBacklogSize = backlogBytes;
        });
        await using var loader = await primary.ConnectAsync();
        var value = new string('a', ValueBytes);
        for (var i = 0; i < Keys; i++)
        {
            await loader.SendAsync("SET", $"k:{i}", value);
        }

        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal("OK", await loader.ReadAsync());
        }

        return primary;
    }

    private static async Task StartSyncAsync(TestNode replica, TestNode primary)
    {
        await using var control = await replica.ConnectAsync();
        Assert.Equal("OK", await control.CallAsync("REPLICAOF", "127.0.0.1", primary.Port));
        var deadline = DateTime.UtcNow + Bound;
        while (primary.Server.Replication.Backlog is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the replica did not ask for a sync within " + Bound);
            await Task.Delay(5);
        }
    }
}
