using System.Collections.Concurrent;
using System.Net;
using Hoard.Cluster.Consensus;

namespace Hoard.Cluster.Tests.Support;

/// <summary>
/// Voters of one Raft group in this process, on loopback ports chosen at run time, each with a temporary data
/// directory; disposing stops every member and deletes the directories.
/// </summary>
public sealed class RaftGroup : IAsyncDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "hoard-raft-" + Guid.NewGuid().ToString("N"));
    private readonly int snapshotInterval;
    private readonly Func<RecordingState> newState;
    private readonly RaftMember?[] members;

    private RaftGroup(int size, int snapshotInterval, Func<RecordingState>? newState)
    {
        this.snapshotInterval = snapshotInterval;
        this.newState = newState ?? (() => new RecordingState());
        Voters = [.. Enumerable.Range(0, size).Select(_ => FreePort.Next())];
        members = new RaftMember?[size];
    }

    public IReadOnlyList<IPEndPoint> Voters { get; }

    /// <summary>The running member <paramref name="index"/>.</summary>
    public RaftMember this[int index] => members[index] ?? throw new InvalidOperationException($"Member {index} is stopped.");

    public IEnumerable<RaftMember> Running => members.OfType<RaftMember>();

    /// <summary>Starts every voter, each with a state <paramref name="newState"/> makes; none leads yet.</summary>
    public static async Task<RaftGroup> StartAsync(int size = 3, int snapshotInterval = 1000, Func<RecordingState>? newState = null)
    {
        var group = new RaftGroup(size, snapshotInterval, newState);
        try
        {
            for (var i = 0; i < size; i++)
                await group.StartMemberAsync(i);
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    public string DataDirectory(int index) => Path.Combine(root, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts member <paramref name="index"/> over its data directory with a new state.</summary>
    public async Task<RaftMember> StartMemberAsync(int index)
    {
        if (members[index] is not null)
            throw new InvalidOperationException($"Member {index} is running.");

        var state = newState();
        var log = new RaftConsensusLog(state, new RaftOptions
        {
            LocalEndPoint = Voters[index],
            Voters = Voters,
            DataDirectory = DataDirectory(index),
            SnapshotInterval = snapshotInterval,

            // Three times the production timeouts: these tests assert exact sequences on one leader, and a 2-core
            // machine shared with builds can stall a member long enough to depose a leader at 300–600 ms.
            LowerElectionTimeout = TimeSpan.FromMilliseconds(900),
            UpperElectionTimeout = TimeSpan.FromMilliseconds(1800),
            RequestTimeout = TimeSpan.FromMilliseconds(600),
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        });
        var member = new RaftMember(index, state, log);
        members[index] = member;
        await log.StartAsync(CancellationToken.None);
        return member;
    }

    public async Task StopMemberAsync(int index)
    {
        var member = this[index];
        members[index] = null;
        await member.Log.DisposeAsync();
    }

    /// <summary>Waits until every running member names the same leader, itself one of them; returns it.</summary>
    public async Task<RaftMember> WaitForLeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var running = Running.ToList();
            var leader = running.SingleOrDefault(m => m.Log.IsLeader);
            if (leader is not null && running.All(m => Equals(m.Log.Leader, leader.EndPoint)))
                return leader;
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>
    /// Replicates <paramref name="entry"/> on whichever member leads, finding the leader again if leadership moved
    /// (a busy 2-core machine can stall a member past an election timeout): for tests about what the group keeps,
    /// not about who leads. The entries must be distinct: a retry is skipped when the new leader holds the entry.
    /// </summary>
    public async Task ReplicateAsync(string entry, CancellationToken cancellationToken)
    {
        while (true)
        {
            var leader = await WaitForLeaderAsync(cancellationToken);
            try
            {
                await leader.Log.ReplicateAsync(System.Text.Encoding.UTF8.GetBytes(entry), cancellationToken);
                return;
            }
            catch (Hoard.Cluster.Consensus.NotLeaderException)
            {
                // Deposed before the entry committed. If the old leader had appended it to a member that wins the
                // election, the new leader commits it: retry only when the new leader's applied state lacks it.
                var next = await WaitForLeaderAsync(cancellationToken);
                await next.Log.ReadBarrierAsync(cancellationToken);
                if (next.State.Entries.Contains(entry))
                    return;
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 20 ms.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
            await Task.Delay(20, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i] is not null)
                await StopMemberAsync(i);
        }

        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);
    }
}

/// <summary>One running voter: its state, its log, and the leaders it announced.</summary>
public sealed class RaftMember
{
    private readonly ConcurrentQueue<EndPoint?> leaderChanges = new();

    public RaftMember(int index, RecordingState state, RaftConsensusLog log)
    {
        Index = index;
        State = state;
        Log = log;
        log.LeaderChanged += leaderChanges.Enqueue;
    }

    public int Index { get; }

    public RecordingState State { get; }

    public RaftConsensusLog Log { get; }

    public EndPoint EndPoint => Log.LocalEndPoint;

    /// <summary>Every argument LeaderChanged was raised with, in order.</summary>
    public IReadOnlyList<EndPoint?> LeaderChanges => [.. leaderChanges];
}
