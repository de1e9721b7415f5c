using System.Globalization;
using System.Net;
using Hoard.Cluster.Consensus;
using Hoard.Cluster.Topology;
using Microsoft.Extensions.Logging;

namespace Hoard.Cluster.Node;

/// <summary>
/// A node's part in the cluster: its identity, its copy of the topology, and the way its changes reach the
/// consensus group. A voter runs a member of the group and applies the log itself; any other node follows the
/// topology the leader pushes (and pulls it when it starts or misses a push). Changes from anywhere are sent to
/// the leader, which checks them against its topology and replicates them one at a time.
/// </summary>
public sealed partial class ClusterNodeService : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    // The one answer to HOARD.PROPOSE that means "send it again, elsewhere"; any other error is the change's own.
    private const string NotLeader = "TRYAGAIN not the consensus leader";

    private readonly ClusterSettings _settings;
    private readonly IConsensusLog? _log;
    private readonly TopologyStateMachine _state = new();
    private readonly PeerClient _peers;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _proposals = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _duties = [];
    private ClusterTopology _current = ClusterTopology.Empty;
    private long _published; // the newest epoch whose listeners (the server's routes) have run
    private int _nextVoter;
    private object? _acceptingBox; // a boxed VoterAddress, so it is written and read whole

    /// <summary>Creates the node's cluster service; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="settings">The node's cluster settings.</param>
    /// <param name="consensus">Makes the consensus member for a voter from its replicated state (Raft in production).</param>
    /// <param name="password">The nodes' <c>requirepass</c>, for calls between nodes.</param>
    /// <param name="loggers">Where to log.</param>
    public ClusterNodeService(
        ClusterSettings settings,
        Func<IReplicatedState, IConsensusLog> consensus,
        string? password,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(consensus);
        ArgumentNullException.ThrowIfNull(loggers);
        _settings = settings;
        _logger = loggers.CreateLogger("Hoard.Cluster");
        _peers = new PeerClient(password, TimeSpan.FromSeconds(2));
        Identity = NodeIdentity.LoadOrCreate(settings.DataDirectory);
        _state.Changed += Publish;
        if (settings.IsVoter)
        {
            _log = consensus(_state);
            _log.LeaderChanged += leader => ClusterLog.LeaderChanged(_logger, leader?.ToString() ?? "unknown");
        }
    }

    /// <summary>Raised after the topology changed, with the new one.</summary>
    public event Action<ClusterTopology>? TopologyChanged;

    /// <summary>This node's settings.</summary>
    public ClusterSettings Settings => _settings;

    /// <summary>This node's lasting ids.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>This node's id.</summary>
    public string MyId => Identity.NodeId;

    /// <summary>The shard this node belongs to: the topology's word once it joined, its own new shard before.</summary>
    public string MyShardId => Topology.Nodes.TryGetValue(MyId, out var me) ? me.ShardId : Identity.ShardId;

    /// <summary>The topology as this node knows it.</summary>
    public ClusterTopology Topology => Volatile.Read(ref _current);

    /// <summary>Whether this node votes in the consensus group.</summary>
    public bool IsVoter => _log is not null;

    /// <summary>Whether this node leads the consensus group now.</summary>
    public bool IsLeader => _log?.IsLeader == true;

    /// <summary>
    /// Whether the topology can change now: a voter that knows a leader (its group has a majority), or a follower
    /// that heard from the group within the node timeout.
    /// </summary>
    public bool HasQuorum => _log is not null ? _log.Leader is not null : DateTime.UtcNow - LastHeardFromGroup < _settings.NodeTimeout * 2;

    /// <summary>The leader's client endpoint, when one is known.</summary>
    public VoterAddress? Leader => _log?.Leader is { } leader ? VoterAt(leader) : null;

    /// <summary>When a follower last received the topology from the group.</summary>
    public DateTime LastHeardFromGroup { get; private set; }

    /// <summary>Starts the consensus member (voters) or the topology pull (followers).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once the node runs.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ClusterLog.Starting(_logger, MyId, IsVoter ? "voter" : "follower", _settings.EffectiveVoters.Count);
        if (_log is not null)
        {
            await _log.StartAsync(cancellationToken).ConfigureAwait(false);
            _duties.Add(Task.Run(() => LeadWhileLeaderAsync(_log, _stopping.Token), CancellationToken.None));
        }
        else
        {
            _duties.Add(Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None));
        }

        _duties.Add(Task.Run(() => BeatAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>
    /// Gets <paramref name="entry"/> committed: replicated by this node when it leads, otherwise sent to the leader.
    /// Returns once the change is visible on this node.
    /// </summary>
    /// <param name="entry">The change.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>Null when the change committed (or was already true), else the error as Redis would word it.</returns>
    public async Task<string?> ProposeAsync(TopologyEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(_settings.ProposalTimeout);
        var token = timeout.Token;
        var bytes = EntryCodec.Encode(entry);
        try
        {
            while (true)
            {
                if (IsLeader)
                {
                    try
                    {
                        return await ProposeAsLeaderAsync(entry, bytes, token).ConfigureAwait(false);
                    }
                    catch (NotLeaderException)
                    {
                        // Lost the leadership while proposing: send it to the new leader.
                    }
                }
                else if (await ForwardAsync(bytes, token).ConfigureAwait(false) is { } forwarded)
                {
                    if (forwarded.Error is null)
                    {
                        await WaitForEpochAsync(forwarded.Epoch, token).ConfigureAwait(false);
                    }

                    return forwarded.Error;
                }

                await Task.Delay(RetryDelay, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return "CLUSTERDOWN The cluster's consensus group did not accept the change in time (is a majority of its voters up?)";
        }
    }

    /// <summary>Brings this node's topology up to what the group committed so far (a read barrier, or a pull).</summary>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>A task that completes once the topology is current.</returns>
    public async Task SyncTopologyAsync(CancellationToken cancellationToken)
    {
        if (_log is not null)
        {
            await _log.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PullAsync(cancellationToken, Accepting).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until this node's topology reached <paramref name="epoch"/>, which another node saw committed, and the
    /// <see cref="TopologyChanged"/> listeners ran for it: the server's routes follow it (<see cref="Topology"/> is
    /// published a moment before them, and a command answered in between would meet the old routes).
    /// </summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>A task that completes once the topology reached it.</returns>
    public async Task WaitForEpochAsync(long epoch, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _published) < epoch)
        {
            await SyncTopologyAsync(cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref _published) < epoch)
            {
                await Task.Delay(RetryDelay / 5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs a change another node sent (HOARD.PROPOSE): only the leader accepts one.</summary>
    /// <param name="entry">The entry's bytes.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>
    /// On success the leader's epoch once the change applied (the proposer waits until it has that epoch too);
    /// else the error text (<c>TRYAGAIN …</c> when this node does not lead).
    /// </returns>
    public async Task<ProposalAnswer> AcceptProposalAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        TopologyEntry decoded;
        try
        {
            decoded = EntryCodec.Decode(entry.Span);
        }
        catch (InvalidDataException e)
        {
            return new ProposalAnswer("ERR " + e.Message, 0);
        }

        try
        {
            if (IsLeader)
            {
                var error = await ProposeAsLeaderAsync(decoded, entry.ToArray(), cancellationToken).ConfigureAwait(false);
                return new ProposalAnswer(error, Topology.Epoch);
            }
        }
        catch (NotLeaderException)
        {
            // Lost the leadership meanwhile.
        }

        return new ProposalAnswer(NotLeader, 0);
    }

    /// <summary>Takes a topology pushed by the leader (HOARD.TOPOLOGY) if it is newer than this node's.</summary>
    /// <param name="topology">The encoded topology.</param>
    /// <returns>Whether this node adopted it.</returns>
    public bool AcceptTopology(ReadOnlySpan<byte> topology)
    {
        if (_log is not null)
        {
            return false; // a voter has the log itself
        }

        var pushed = TopologyCodec.Decode(topology);
        LastHeardFromGroup = DateTime.UtcNow;
        if (pushed.Epoch <= Topology.Epoch)
        {
            return false;
        }

        Publish(pushed);
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_duties).ConfigureAwait(false);
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _proposals.Dispose();
    }

    private async Task<string?> ProposeAsLeaderAsync(TopologyEntry entry, ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await _proposals.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var check = TopologyApply.Apply(Topology, entry);
            switch (check.Outcome)
            {
                case ApplyOutcome.Rejected:
                    return "ERR " + check.Reason;
                case ApplyOutcome.Stale:
                    return "TRYAGAIN the topology changed while the change was decided";
                case ApplyOutcome.Unchanged:
                    return null;
                default:
                    await _log!.ReplicateAsync(bytes, token).ConfigureAwait(false);
                    return null;
            }
        }
        finally
        {
            _proposals.Release();
        }
    }

    /// <summary>Outside the group: the voter that last accepted a forwarded change (the leader then), or null.</summary>
    private VoterAddress? Accepting
    {
        get => Volatile.Read(ref _acceptingBox) is VoterAddress voter ? voter : null;
        set => Volatile.Write(ref _acceptingBox, value);
    }

    /// <summary>Sends an entry to the leader (or, not knowing it, to the next voter); null when it should be sent again.</summary>
    private async Task<Forwarded?> ForwardAsync(byte[] entry, CancellationToken token)
    {
        // A node outside the group does not know the leader: it remembers the voter that last accepted a change.
        var target = Leader ?? Accepting ?? NextVoter();
        if (target is null)
        {
            return null;
        }

        try
        {
            var reply = await _peers.CallAsync(target.Value.ClientEndPoint, ["HOARD.PROPOSE"u8.ToArray(), entry], token).ConfigureAwait(false);
            if (!reply.IsError)
            {
                Accepting = target;
                return new Forwarded(null, long.TryParse(reply.Text, CultureInfo.InvariantCulture, out var epoch) ? epoch : 0);
            }

            // A stale change is answered with a TRYAGAIN of its own: sending the same bytes again cannot help.
            if (reply.Text == NotLeader)
            {
                Accepting = null;
                return null;
            }

            return new Forwarded(reply.Text, 0);
        }
        catch (IOException e)
        {
            Accepting = null;
            ClusterLog.PeerUnreachable(_logger, target.Value.ToString(), e.Message);
            return null;
        }
    }

    private VoterAddress? NextVoter()
    {
        var others = _settings.EffectiveVoters.Where(v => v != _settings.Self).ToList();
        return others.Count == 0 ? null : others[(int)((uint)Interlocked.Increment(ref _nextVoter) % others.Count)];
    }

    private VoterAddress? VoterAt(EndPoint clusterEndPoint)
    {
        foreach (var voter in _settings.EffectiveVoters)
        {
            if (voter.ClusterEndPoint.Equals(clusterEndPoint) || voter.ClusterEndPoint.ToString() == clusterEndPoint.ToString())
            {
                return voter;
            }
        }

        return null;
    }

    private void Publish(ClusterTopology topology)
    {
        Volatile.Write(ref _current, topology);
        ClusterLog.TopologyApplied(_logger, topology.Epoch, topology.Nodes.Count, topology.AssignedSlotCount);
        TopologyChanged?.Invoke(topology);
        for (var published = Volatile.Read(ref _published); published < topology.Epoch; published = Volatile.Read(ref _published))
        {
            Interlocked.CompareExchange(ref _published, topology.Epoch, published);
        }

        // After the listeners (the server's routes): a primary turned replica must not drop its need for a lease
        // while its routes still say it owns the slots.
        UpdateLeaseNeed(topology);
        if (IsLeader)
        {
            PushToFollowers(topology);
        }
    }

    /// <summary>The leader's answer to a forwarded change: no error and its epoch when it committed.</summary>
    private readonly record struct Forwarded(string? Error, long Epoch);
}
