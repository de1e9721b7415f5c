using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using RaftNotLeaderException = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Hoard.Cluster.Consensus;

/// <summary>
/// One voter of a Raft group (DotNext.Net.Cluster over TCP) whose committed entries drive an
/// <see cref="IReplicatedState"/>. The log and the snapshots live under <see cref="RaftOptions.DataDirectory"/>,
/// so a member restarted over the same directory recovers its state and catches up from the leader.
/// </summary>
public sealed class RaftConsensusLog : IConsensusLog
{
    private readonly IReplicatedState state;
    private readonly RaftOptions options;
    private readonly ILogger logger;
    private ReplicatedStateMachine? stateMachine;
    private WriteAheadLog? writeAheadLog;
    private RaftCluster? member;
    private bool disposed;

    /// <summary>Creates a stopped member; <see cref="StartAsync"/> restores the state and joins the group.</summary>
    /// <param name="state">The state the committed entries are applied to.</param>
    /// <param name="options">Where this member listens, who votes, where its files go, its timeouts.</param>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public RaftConsensusLog(IReplicatedState state, RaftOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.state = state;
        this.options = options;
        logger = options.LoggerFactory.CreateLogger<RaftConsensusLog>();
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint => options.LocalEndPoint;

    /// <inheritdoc />
    public IReadOnlyList<EndPoint> Members => options.Voters;

    /// <inheritdoc />
    public EndPoint? Leader => member?.Leader?.EndPoint;

    /// <inheritdoc />
    public bool IsLeader => member?.Leader is { IsRemote: false };

    /// <inheritdoc />
    public event Action<EndPoint?>? LeaderChanged;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The member was started already.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (member is not null)
            throw new InvalidOperationException("The consensus member was started already.");

        var snapshots = Directory.CreateDirectory(Path.Combine(options.DataDirectory, "snapshots"));
        stateMachine = new ReplicatedStateMachine(snapshots, state, options.SnapshotInterval, logger);

        // The log computes where replay starts from the restored snapshot when it is constructed.
        await stateMachine.RestoreAsync(cancellationToken).ConfigureAwait(false);
        writeAheadLog = new WriteAheadLog(
            new WriteAheadLog.Options { Location = Path.Combine(options.DataDirectory, "log") }, stateMachine);

        member = new RaftCluster(CreateConfiguration()) { AuditTrail = writeAheadLog };
        member.LeaderChanged += OnLeaderChanged;

        // Replays the committed entries on disk, then opens the TCP port and starts as a follower.
        await member.StartAsync(cancellationToken).ConfigureAwait(false);
        ConsensusLog.Started(logger, LocalEndPoint, options.Voters);
    }

    /// <inheritdoc />
    public async Task ReplicateAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        var running = Running;
        var logEntry = new BinaryLogEntry
        {
            Content = entry,
            Term = running.Term,
            CommandId = ReplicatedStateMachine.EntryCommandId,
        };
        try
        {
            // DotNext returns once the log has applied the entry (it waits for the applied index, not the commit
            // index): the contract of this method. A test holds it to that.
            await running.ReplicateAsync(logEntry, cancellationToken).ConfigureAwait(false);
        }
        catch (RaftNotLeaderException)
        {
            throw new NotLeaderException(Leader);
        }

        // Followers learn the new commit index from the next round of appends; without this one they would wait
        // for the next heartbeat (half the lower election timeout, 150 ms) before applying the entry. Not awaited:
        // it waits for every reachable member, and a slow one must not delay the caller.
        _ = AnnounceCommitAsync(running);
    }

    private async Task AnnounceCommitAsync(RaftCluster running)
    {
        using var timeout = new CancellationTokenSource(options.UpperElectionTimeout);
        try
        {
            await running.ForceReplicationAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RaftNotLeaderException or ObjectDisposedException)
        {
            // Leadership moved or the member stops: the next leader's appends carry the commit.
        }
    }

    /// <inheritdoc />
    /// <remarks>While no leader is known (an election is under way) it retries until one is, or until cancelled.</remarks>
    public async Task ReadBarrierAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var running = Running;
            try
            {
                await running.ApplyReadBarrierAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is QuorumUnreachableException or MemberUnavailableException)
            {
                await Task.Delay(options.LowerElectionTimeout / 2, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
        => Running.WaitForLeadershipAsync(cancellationToken);

    /// <summary>Leaves the group: stops the member, closes its port, then closes the log and the snapshot folder.</summary>
    /// <returns>A task that completes once everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;

        disposed = true;
        if (member is not null)
        {
            member.LeaderChanged -= OnLeaderChanged;
            await member.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await member.DisposeAsync().ConfigureAwait(false);
        }

        if (writeAheadLog is not null)
            await writeAheadLog.DisposeAsync().ConfigureAwait(false);
        if (stateMachine is not null)
            await stateMachine.DisposeAsync().ConfigureAwait(false);
    }

    private RaftCluster Running
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return member ?? throw new InvalidOperationException("The consensus member is not started.");
        }
    }

    private RaftCluster.TcpConfiguration CreateConfiguration()
    {
        var configuration = new RaftCluster.TcpConfiguration(options.LocalEndPoint)
        {
            LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,
            RequestTimeout = options.RequestTimeout,
            ConnectTimeout = options.ConnectTimeout,

            // Every voter starts with the same member list, so none waits to be added by a leader.
            ColdStart = false,

            // Null selects the built-in in-memory storage: the member list is the options' voter list at every start.
            ConfigurationStorage = null!,
            LoggerFactory = options.LoggerFactory,
        };
        var voters = ((InMemoryClusterConfigurationStorage<EndPoint>)configuration.ConfigurationStorage)
            .CreateInitialConfigurationBuilder();
        foreach (var voter in options.Voters)
            voters.Add(voter);
        voters.Build();
        return configuration;
    }

    private void OnLeaderChanged(ICluster sender, IClusterMember? leader)
    {
        ConsensusLog.LeaderChanged(logger, leader?.EndPoint);
        LeaderChanged?.Invoke(leader?.EndPoint);
    }
}
