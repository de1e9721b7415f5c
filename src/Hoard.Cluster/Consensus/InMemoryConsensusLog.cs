using System.Net;

namespace Hoard.Cluster.Consensus;

/// <summary>
/// A consensus log for one process: every entry commits at once and is applied before
/// <see cref="ReplicateAsync"/> returns. It lets code above the seam be tested without a network; with
/// <see cref="SetLeader"/> a test makes it act as a follower (or as a member that knows no leader) to exercise the
/// paths that forward entries to the leader.
/// </summary>
public sealed class InMemoryConsensusLog : IConsensusLog
{
    private readonly Lock gate = new();
    private readonly IReplicatedState state;
    private EndPoint? leader;
    private bool disposed;
    private CancellationTokenSource? leadership;
    private TaskCompletionSource<CancellationToken> leadershipGained = NewSignal<CancellationToken>();
    private TaskCompletionSource leaderKnown = NewSignal();

    /// <summary>Creates a stopped log over <paramref name="state"/>; it leads once started.</summary>
    /// <param name="state">The state the entries are applied to.</param>
    /// <param name="localEndPoint">This member's endpoint; loopback port 0 when omitted.</param>
    public InMemoryConsensusLog(IReplicatedState state, EndPoint? localEndPoint = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        this.state = state;
        LocalEndPoint = localEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0);
        Members = [LocalEndPoint];
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public IReadOnlyList<EndPoint> Members { get; }

    /// <inheritdoc />
    public EndPoint? Leader
    {
        get
        {
            lock (gate)
                return leader;
        }
    }

    /// <inheritdoc />
    public bool IsLeader
    {
        get
        {
            lock (gate)
                return leadership is not null;
        }
    }

    /// <inheritdoc />
    public event Action<EndPoint?>? LeaderChanged;

    /// <summary>Makes this member the leader: there is nothing on disk to restore.</summary>
    /// <param name="cancellationToken">Unused: starting completes at once.</param>
    /// <returns>A completed task.</returns>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        SetLeader(LocalEndPoint);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Simulates what this member knows of the group: <see cref="LocalEndPoint"/> makes it lead, another endpoint
    /// makes it a follower of that leader, <see langword="null"/> a member that knows no leader.
    /// </summary>
    /// <param name="newLeader">The leader this member should believe in.</param>
    public void SetLeader(EndPoint? newLeader)
    {
        CancellationTokenSource? lost = null;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (Equals(leader, newLeader))
                return;

            leader = newLeader;
            var leads = Equals(newLeader, LocalEndPoint);
            if (leads && leadership is null)
            {
                leadership = new CancellationTokenSource();
                leadershipGained.SetResult(leadership.Token);
            }
            else if (!leads && leadership is not null)
            {
                lost = StepDown();
            }

            if (newLeader is null)
                leaderKnown = NewSignal();
            else
                leaderKnown.TrySetResult();
        }

        Cancel(lost);
        LeaderChanged?.Invoke(newLeader);
    }

    /// <summary>Applies <paramref name="entry"/> at once if this member leads.</summary>
    /// <param name="entry">The entry's bytes.</param>
    /// <param name="cancellationToken">Checked before applying.</param>
    /// <returns>A completed task, or one faulted with <see cref="NotLeaderException"/>.</returns>
    public Task ReplicateAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (leadership is null)
                return Task.FromException(new NotLeaderException(leader));

            state.Apply(entry.Span);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once a leader is known: entries apply as they commit, so the state is current whenever the
    /// member is part of a group with a leader.
    /// </summary>
    /// <param name="cancellationToken">Gives up waiting for a leader.</param>
    /// <returns>A task that completes when a leader is known.</returns>
    public Task ReadBarrierAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return leaderKnown.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return leadershipGained.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops leading: leadership tokens are cancelled; later calls throw.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        CancellationTokenSource? lost;
        lock (gate)
        {
            if (disposed)
                return ValueTask.CompletedTask;

            disposed = true;
            lost = leadership is null ? null : StepDown();
            leadershipGained.TrySetException(new ObjectDisposedException(nameof(InMemoryConsensusLog)));
            leaderKnown.TrySetException(new ObjectDisposedException(nameof(InMemoryConsensusLog)));
        }

        Cancel(lost);
        return ValueTask.CompletedTask;
    }

    // Called under the gate; the caller cancels the returned source once it has left the gate, so that callbacks
    // registered on the leadership token do not run under it.
    private CancellationTokenSource StepDown()
    {
        var lost = leadership!;
        leadership = null;
        leadershipGained = NewSignal<CancellationToken>();
        return lost;
    }

    private static void Cancel(CancellationTokenSource? lost)
    {
        if (lost is null)
            return;

        lost.Cancel();
        lost.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
