using System.Diagnostics;
using System.Text;
using Hoard.Cluster.Consensus;
using Hoard.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace Hoard.Cluster.Tests.Consensus;

// Three voters on loopback per test; the tests of this class run one at a time.
public class RaftConsensusLogTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ElectsALeaderAndAppliesEntriesInOrderOnEveryMember()
    {
        await using var group = await RaftGroup.StartAsync();
        using var cancel = new CancellationTokenSource(Bound);
        var started = Stopwatch.StartNew();
        var leader = await group.WaitForLeaderAsync(cancel.Token);
        output.WriteLine($"leader known to all {started.ElapsedMilliseconds} ms after the last member started");

        var expected = Enumerable.Range(1, 20).Select(i => $"e{i}").ToList();
        var latency = Stopwatch.StartNew();
        foreach (var entry in expected)
        {
            await leader.Log.ReplicateAsync(Encoding.UTF8.GetBytes(entry), cancel.Token);
            Assert.Equal(entry, leader.State.Entries[^1]);
        }

        output.WriteLine($"20 entries committed and applied in {latency.ElapsedMilliseconds} ms");
        foreach (var member in group.Running)
        {
            await member.Log.ReadBarrierAsync(cancel.Token);
            Assert.Equal(expected, member.State.Entries);
            Assert.False(member.State.UsedConcurrently);
            Assert.Equal(leader.EndPoint, member.LeaderChanges[^1]);
        }
    }

    [Fact]
    public async Task ReplicateReturnsOnlyOnceTheEntryIsAppliedHere()
    {
        // A single voter commits on its own, so the entry is committed while its Apply is held.
        using var gate = new ManualResetEventSlim();
        await using var group = await RaftGroup.StartAsync(size: 1, newState: () => new RecordingState { ApplyGate = gate });
        using var cancel = new CancellationTokenSource(Bound);
        var leader = await group.WaitForLeaderAsync(cancel.Token);

        var replicating = leader.Log.ReplicateAsync(Encoding.UTF8.GetBytes("held"), cancel.Token);
        try
        {
            await leader.State.ApplyStarted.WaitAsync(cancel.Token);
            await Task.Delay(200, cancel.Token);
            Assert.False(replicating.IsCompleted);
        }
        finally
        {
            gate.Set();
        }

        await replicating;
        Assert.Equal(["held"], leader.State.Entries);
    }

    [Fact]
    public async Task AFollowerRejectsEntriesNamingTheLeader()
    {
        await using var group = await RaftGroup.StartAsync();
        using var cancel = new CancellationTokenSource(Bound);
        var leader = await group.WaitForLeaderAsync(cancel.Token);
        var follower = group.Running.First(m => m != leader);

        var e = await Assert.ThrowsAsync<NotLeaderException>(
            () => follower.Log.ReplicateAsync(Encoding.UTF8.GetBytes("x"), cancel.Token));

        Assert.Equal(leader.EndPoint, e.Leader);
        Assert.False(follower.Log.IsLeader);
        await follower.Log.ReadBarrierAsync(cancel.Token);
        Assert.All(group.Running, m => Assert.Empty(m.State.Entries));
    }

    [Fact]
    public async Task SurvivorsElectANewLeaderAndAMemberAloneKnowsNone()
    {
        await using var group = await RaftGroup.StartAsync();
        using var cancel = new CancellationTokenSource(Bound);
        var first = await group.WaitForLeaderAsync(cancel.Token);
        var leadership = await first.Log.WaitForLeadershipAsync(cancel.Token);
        await first.Log.ReplicateAsync(Encoding.UTF8.GetBytes("before"), cancel.Token);

        var stopped = Stopwatch.StartNew();
        await group.StopMemberAsync(first.Index);
        Assert.True(leadership.IsCancellationRequested);
        var second = await group.WaitForLeaderAsync(cancel.Token);
        output.WriteLine($"new leader {stopped.ElapsedMilliseconds} ms after the old one stopped");
        Assert.NotEqual(first.EndPoint, second.EndPoint);

        await second.Log.ReplicateAsync(Encoding.UTF8.GetBytes("after"), cancel.Token);
        foreach (var member in group.Running)
        {
            await member.Log.ReadBarrierAsync(cancel.Token);
            Assert.Equal(["before", "after"], member.State.Entries);
            Assert.Equal(second.EndPoint, member.LeaderChanges[^1]);
        }

        // Without a majority the last member cannot keep or elect a leader.
        var alone = group.Running.First(m => m != second);
        await group.StopMemberAsync(second.Index);
        await RaftGroup.WaitUntilAsync(() => alone.Log.Leader is null, cancel.Token);
        Assert.Null(alone.LeaderChanges[^1]);
        var e = await Assert.ThrowsAsync<NotLeaderException>(
            () => alone.Log.ReplicateAsync(Encoding.UTF8.GetBytes("lost"), cancel.Token));
        Assert.Null(e.Leader);
    }

    [Fact]
    public async Task ARestartedMemberRecoversFromItsSnapshotAndLog()
    {
        await using var group = await RaftGroup.StartAsync(snapshotInterval: 5);
        using var cancel = new CancellationTokenSource(Bound);
        var leader = await group.WaitForLeaderAsync(cancel.Token);
        var follower = group.Running.First(m => m != leader);
        for (var i = 1; i <= 12; i++)
            await group.ReplicateAsync($"e{i}", cancel.Token);
        await follower.Log.ReadBarrierAsync(cancel.Token);

        // Snapshots are written in the background: wait for the follower's first one before stopping it.
        var snapshots = Path.Combine(group.DataDirectory(follower.Index), "snapshots");
        await RaftGroup.WaitUntilAsync(() => Directory.GetFiles(snapshots).Length > 0, cancel.Token);
        Assert.NotEmpty(OpenFiles.Under(group.DataDirectory(follower.Index)));
        await group.StopMemberAsync(follower.Index);
        Assert.Empty(OpenFiles.Under(group.DataDirectory(follower.Index)));
        Assert.NotEmpty(Directory.GetFiles(snapshots));
        for (var i = 13; i <= 15; i++)
            await group.ReplicateAsync($"e{i}", cancel.Token);

        // The leader may already be sending the missed entries (or a snapshot of them) once the member listens.
        var restarted = await group.StartMemberAsync(follower.Index);
        Assert.True(restarted.State.Restores >= 1);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"e{i}"), restarted.State.Entries.Take(12));
        await restarted.Log.ReadBarrierAsync(cancel.Token);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => $"e{i}"), restarted.State.Entries);
        Assert.False(restarted.State.UsedConcurrently);
    }

    [Fact]
    public async Task TheWholeGroupRestartedRecoversItsState()
    {
        await using var group = await RaftGroup.StartAsync(snapshotInterval: 4);
        using var cancel = new CancellationTokenSource(Bound);
        await group.WaitForLeaderAsync(cancel.Token);
        for (var i = 1; i <= 6; i++)
            await group.ReplicateAsync($"e{i}", cancel.Token);
        foreach (var member in group.Running)
            await member.Log.ReadBarrierAsync(cancel.Token);

        // Snapshots are written in the background: wait for the first member's before stopping everyone.
        await RaftGroup.WaitUntilAsync(() => Directory.GetFiles(Path.Combine(group.DataDirectory(0), "snapshots")).Length > 0, cancel.Token);
        for (var i = 0; i < group.Voters.Count; i++)
            await group.StopMemberAsync(i);

        // Alone, the first member can only have its own disk to go by: the snapshot of e1–e4, then e5 and e6.
        var first = await group.StartMemberAsync(0);
        Assert.Equal(1, first.State.Restores);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"e{i}"), first.State.Entries);
        for (var i = 1; i < group.Voters.Count; i++)
            await group.StartMemberAsync(i);

        await group.WaitForLeaderAsync(cancel.Token);
        await group.ReplicateAsync("e7", cancel.Token);
        foreach (var member in group.Running)
        {
            await member.Log.ReadBarrierAsync(cancel.Token);
            Assert.Equal(Enumerable.Range(1, 7).Select(i => $"e{i}"), member.State.Entries);
        }
    }
}
