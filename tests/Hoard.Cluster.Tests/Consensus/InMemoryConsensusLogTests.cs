using System.Net;
using System.Text;
using Hoard.Cluster.Consensus;
using Hoard.Cluster.Tests.Support;

namespace Hoard.Cluster.Tests.Consensus;

public class InMemoryConsensusLogTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 7100);
    private static readonly IPEndPoint Other = new(IPAddress.Loopback, 7101);

    [Fact]
    public async Task LeadsOnceStartedAndAppliesEntriesInOrderBeforeReturning()
    {
        var state = new RecordingState();
        await using var log = new InMemoryConsensusLog(state, Local);
        var changes = new List<EndPoint?>();
        log.LeaderChanged += changes.Add;
        Assert.False(log.IsLeader);
        Assert.Null(log.Leader);

        await log.StartAsync(CancellationToken.None);
        Assert.True(log.IsLeader);
        Assert.Equal(Local, log.Leader);
        Assert.Equal([Local], log.Members);
        Assert.Equal([Local], changes);

        for (var i = 1; i <= 5; i++)
        {
            await log.ReplicateAsync(Encoding.UTF8.GetBytes($"e{i}"), CancellationToken.None);
            Assert.Equal($"e{i}", state.Entries[^1]);
        }

        Assert.Equal(["e1", "e2", "e3", "e4", "e5"], state.Entries);
        await log.ReadBarrierAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RejectsEntriesBeforeItStarts()
    {
        var state = new RecordingState();
        await using var log = new InMemoryConsensusLog(state);

        var e = await Assert.ThrowsAsync<NotLeaderException>(() => log.ReplicateAsync(new byte[] { 1 }, CancellationToken.None));
        Assert.Null(e.Leader);
        Assert.Empty(state.Entries);
    }

    [Fact]
    public async Task AsAFollowerRejectsEntriesNamingTheLeader()
    {
        var state = new RecordingState();
        await using var log = new InMemoryConsensusLog(state, Local);
        await log.StartAsync(CancellationToken.None);
        var leadership = await log.WaitForLeadershipAsync(CancellationToken.None);
        var changes = new List<EndPoint?>();
        log.LeaderChanged += changes.Add;

        log.SetLeader(Other);

        Assert.False(log.IsLeader);
        Assert.Equal(Other, log.Leader);
        Assert.True(leadership.IsCancellationRequested);
        Assert.Equal([Other], changes);
        var e = await Assert.ThrowsAsync<NotLeaderException>(() => log.ReplicateAsync(new byte[] { 1 }, CancellationToken.None));
        Assert.Equal(Other, e.Leader);
        Assert.Empty(state.Entries);
    }

    [Fact]
    public async Task SettingTheSameLeaderAgainRaisesNothing()
    {
        await using var log = new InMemoryConsensusLog(new RecordingState(), Local);
        await log.StartAsync(CancellationToken.None);
        var changes = new List<EndPoint?>();
        log.LeaderChanged += changes.Add;

        log.SetLeader(Local);

        Assert.Empty(changes);
    }

    [Fact]
    public async Task WithoutALeaderTheReadBarrierWaitsForOne()
    {
        await using var log = new InMemoryConsensusLog(new RecordingState(), Local);
        await log.StartAsync(CancellationToken.None);
        log.SetLeader(null);
        Assert.Null(log.Leader);
        var e = await Assert.ThrowsAsync<NotLeaderException>(() => log.ReplicateAsync(new byte[] { 1 }, CancellationToken.None));
        Assert.Null(e.Leader);

        var barrier = log.ReadBarrierAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(barrier.IsCompleted);

        log.SetLeader(Other);
        await barrier.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ReadBarrierGivesUpWhenCancelled()
    {
        await using var log = new InMemoryConsensusLog(new RecordingState(), Local);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.ReadBarrierAsync(cancel.Token));
    }

    [Fact]
    public async Task WaitForLeadershipCompletesWhenLeadershipReturns()
    {
        var state = new RecordingState();
        await using var log = new InMemoryConsensusLog(state, Local);
        await log.StartAsync(CancellationToken.None);
        log.SetLeader(Other);

        var waiting = log.WaitForLeadershipAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        log.SetLeader(Local);
        var leadership = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(leadership.IsCancellationRequested);
        await log.ReplicateAsync(new byte[] { (byte)'x' }, CancellationToken.None);
        Assert.Equal(["x"], state.Entries);
    }

    [Fact]
    public async Task DisposingEndsLeadershipAndRefusesLaterCalls()
    {
        var log = new InMemoryConsensusLog(new RecordingState(), Local);
        await log.StartAsync(CancellationToken.None);
        var leadership = await log.WaitForLeadershipAsync(CancellationToken.None);

        await log.DisposeAsync();

        Assert.True(leadership.IsCancellationRequested);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.ReplicateAsync(new byte[] { 1 }, CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => log.SetLeader(Local));
    }
}
