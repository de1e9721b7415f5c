using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hoard.Cluster.Consensus;
using Hoard.Cluster.Node;
using Hoard.Cluster.Topology;
using Hoard.Protocol;
using Hoard.Server.Cluster;
using Hoard.Server.Commands;
using Hoard.Server.Commands.Server;
using Hoard.Server.Configuration;
using Hoard.Server.Connections;
using Hoard.Server.PubSub;
using Hoard.Server.Replication;
using Hoard.Server.KeyEvents;
using Hoard.Server.Notifications;
using Hoard.Server.Tracking;
using Hoard.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Server;

/// <summary>
/// A Hoard node: listens on its port(s), runs each client's commands against one <see cref="Keyspace"/>, and
/// drives active expiry. Start with <see cref="StartAsync"/>, stop with <see cref="DisposeAsync"/>.
/// </summary>
public sealed class HoardServer : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly ConcurrentDictionary<long, ClientConnection> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private long _connectionsReceived;

    /// <summary>Creates a node; nothing listens until <see cref="StartAsync"/>.</summary>
    public HoardServer(ServerOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<HoardServer>();
        _time = time ?? TimeProvider.System;
        if (options.Cluster.Enabled)
        {
            options.Storage = ConfigRegistry.CopyWith(options.Storage, databases: 1); // Redis Cluster has database 0 only
        }

        Keyspace = new Keyspace(options.Storage, _time);
        ReaderOptions = new RespReaderOptions
        {
            MaxBulkLength = options.ProtoMaxBulkLength,
            QueryBufferLimit = options.ClientQueryBufferLimit,
        };
        Commands = BuiltInCommands.Create();
        Dispatcher = new CommandDispatcher(this, _loggers.CreateLogger<CommandDispatcher>());
        StartedAt = DateTimeOffset.UtcNow;
        SlowLog = new SlowLog(options);
        PubSub = new PubSubHub { OutputLimit = options.PubSubOutputLimit };
        KeyEvents = new KeyEventFanOut(Keyspace);
        Notifications = new KeyspaceNotifications(PubSub, Keyspace, KeyEvents);
        Notifications.Configure(options.NotifyKeyspaceEvents);
        Tracking = new TrackingHub(this) { MaxKeys = options.TrackingTableMaxKeys };
        Watches = new Transactions.WatchRegistry(this);
        Blocking = new Blocking.BlockingHub(this, options.Storage.Databases);
        Metrics = new ServerMetrics(this);
        Replication = new ReplicationManager(this, _loggers);
        WritePause = new WritePause(this, _logger, _stopping.Token);
        MigrateHold = new MigrateHold(this);
        SlotProxy = new Cluster.Moves.SlotProxy(this);
    }

    /// <summary>Clients blocked on keys (BLPOP and the other blocking commands).</summary>
    public Blocking.BlockingHub Blocking { get; }

    /// <summary>Runs commands on slots this node handed over moments ago at their new owner (cluster mode).</summary>
    internal Cluster.Moves.SlotProxy SlotProxy { get; }

    /// <summary>The slots Hoard's own slot moves carry into or out of this node (cluster mode).</summary>
    internal Cluster.Moves.SlotClaims SlotClaims { get; } = new();

    /// <summary>The node's loggers.</summary>
    internal ILoggerFactory Loggers => _loggers;

    /// <summary>Cancelled when the node stops.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>The replication stream and replicas of a primary, or the link of a replica.</summary>
    public ReplicationManager Replication { get; }

    /// <summary>Commands slower than <c>slowlog-log-slower-than</c> (SLOWLOG).</summary>
    public SlowLog SlowLog { get; }

    /// <summary>Run id, commands processed, ops per second and memory peak (INFO).</summary>
    public ServerMetrics Metrics { get; }

    /// <summary>Sets <see cref="ConnectionsReceived"/> back to zero (CONFIG RESETSTAT).</summary>
    public void ResetConnectionsReceived() => Interlocked.Exchange(ref _connectionsReceived, 0);

    /// <summary>The settings this node runs with (CONFIG SET changes them).</summary>
    public ServerOptions Options { get; }

    /// <summary>The node's data.</summary>
    public Keyspace Keyspace { get; }

    /// <summary>Every command this node answers.</summary>
    public CommandTable Commands { get; }

    /// <summary>Runs parsed commands.</summary>
    public CommandDispatcher Dispatcher { get; }

    /// <summary>Pub/Sub channels and patterns, and message delivery between clients.</summary>
    public PubSubHub PubSub { get; }

    /// <summary>Key events from the keyspace, passed on to every listener that joined (tracking, WATCH, …).</summary>
    public KeyEventFanOut KeyEvents { get; }

    /// <summary>Keyspace notifications (<c>notify-keyspace-events</c>): events about keys, published as Pub/Sub messages.</summary>
    public KeyspaceNotifications Notifications { get; }

    /// <summary>Client tracking (CLIENT TRACKING): the keys clients cache, and their invalidations.</summary>
    public TrackingHub Tracking { get; }

    /// <summary>The keys clients WATCH, marked dirty by key events (MULTI/EXEC).</summary>
    internal Transactions.WatchRegistry Watches { get; }

    /// <summary>Request limits shared by every connection (CONFIG SET changes them for all).</summary>
    public RespReaderOptions ReaderOptions { get; }

    /// <summary>The node's clock in Unix milliseconds (the keyspace's TTL clock).</summary>
    public long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>When the node started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Where the node listens (the actual port when 0 was asked for).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToList();

    /// <summary>Number of clients connected now.</summary>
    public int ConnectedClients => _clients.Count;

    /// <summary>Connections accepted since start (INFO total_connections_received).</summary>
    public long ConnectionsReceived => Interlocked.Read(ref _connectionsReceived);

    /// <summary>The sessions of the connected clients (CLIENT LIST).</summary>
    public IEnumerable<ClientSession> Clients => _clients.Values.Select(c => c.Session);

    /// <summary>This node's part in the cluster, or null when cluster mode is off.</summary>
    public ClusterNodeService? Cluster { get; private set; }

    /// <summary>The node's own log (events such as a manual failover's steps).</summary>
    internal ILogger Logger => _logger;

    /// <summary>Writes held during a manual failover (CLUSTER FAILOVER); never active outside cluster mode.</summary>
    internal WritePause WritePause { get; }

    /// <summary>Holds commands on the slots MIGRATE moves keys of, or a slot move hands over (cluster mode).</summary>
    internal MigrateHold MigrateHold { get; }

    /// <summary>Routes keyed commands by slot in cluster mode; null otherwise.</summary>
    internal SlotRouter? Router { get; private set; }

    /// <summary>
    /// Binds every address, joins the cluster in cluster mode, then starts accepting clients and expiring keys.
    /// Clients that connect while the node joins wait in the listen backlog, so none sees a half-started node.
    /// </summary>
    public async Task StartAsync()
    {
        foreach (var address in Options.Bind)
        {
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, Options.Port));
            listener.Listen(511);
            _listeners.Add(listener);
        }

        if (Options.Cluster.Enabled)
        {
            await StartClusterAsync().ConfigureAwait(false);
        }

        foreach (var listener in _listeners)
        {
            _loops.Add(AcceptLoopAsync(listener));
            ServerLog.Listening(_logger, listener.LocalEndPoint);
        }

        _loops.Add(ExpireLoopAsync());
    }

    /// <summary>A replica in the topology copies its shard's primary; a primary copies no one.</summary>
    private void FollowRole(ClusterTopology topology, string myId)
    {
        var primary = topology.Nodes.TryGetValue(myId, out var me) && me.Role == NodeRole.Replica ? topology.PrimaryOf(me.ShardId) : null;
        _ = primary is null ? Replication.StopReplicatingAsync() : Replication.ReplicateFromAsync(primary.Host, primary.Port);
    }

    private async Task StartClusterAsync()
    {
        var options = Options.Cluster;
        var port = EndPoints[0].Port;
        var bound = Options.Bind[0];
        var settings = new ClusterSettings
        {
            Host = options.AnnounceIp ?? (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : bound.ToString()),
            Port = port,
            ClusterPort = options.Port != 0 ? options.Port : port + VoterAddress.ClusterPortOffset,
            Voters = [.. options.Voters],
            DataDirectory = options.Directory,
            NodeTimeout = TimeSpan.FromMilliseconds(options.NodeTimeoutMs),
        };
        Func<ClusterSettings, IReplicatedState, IConsensusLog> consensus = options.ConsensusFactory ?? ((s, state) => RaftMembership.Create(s, state, _loggers));
        var router = new SlotRouter(MigrateHold, SlotProxy);
        var cluster = new ClusterNodeService(settings, state => consensus(settings, state), Options.RequirePass, _loggers);
        cluster.ReplicationOffset = () => Replication.Offset;
        cluster.TopologyChanged += topology =>
        {
            router.Update(topology, cluster.MyId);
            PubSub.DropShardChannels(channel => !router.ServesShardChannel(channel)); // slots gone: sunsubscribe, as Redis
            FollowRole(topology, cluster.MyId);
            WritePause.OnTopologyChanged(topology); // after the routes: held writes run again on them
        };
        router.Update(cluster.Topology, cluster.MyId);
        Router = router;
        Cluster = cluster;
        await cluster.StartAsync(_stopping.Token).ConfigureAwait(false);

        // Run a slot move's hold once, on no slot, so its code is compiled before the first move needs it within the
        // hold (a first move held its slots' commands 26 ms longer, waiting for that: docs/benchmarks.md).
        await MigrateHold.RunAsync(Array.Empty<int>(), () => Task.FromResult(0L)).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the write each session had marked running (<c>ClientSession.BeginWrite</c>), if any, has finished:
    /// after a pause or hold was raised, the commands that had not seen it have finished (a session's next write sees
    /// it, so a busy pipeline is not waited for to go idle). A write is microseconds of work: spin first (a yield
    /// would queue behind every client's work on a busy node), then sleep.
    /// </summary>
    internal async Task WaitForRunningWritesAsync(CancellationToken cancellationToken)
    {
        // All at once: the wait is the longest of the writes running, not their sum.
        var running = Clients.Select(s => (Session: s, State: s.WriteState)).Where(r => (r.State & 1) != 0).ToList();
        var spinner = default(SpinWait);
        while (true)
        {
            running.RemoveAll(r => r.Session.WriteState != r.State);
            if (running.Count == 0)
            {
                return;
            }

            if (spinner.Count < RunningWriteSpins)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Spins (tens of microseconds in all) before a wait for a running write sleeps.</summary>
    private const int RunningWriteSpins = 64;

    /// <summary>The connection of client <paramref name="clientId"/>, if it is connected.</summary>
    internal bool TryGetConnection(long clientId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClientConnection? connection) =>
        _clients.TryGetValue(clientId, out connection);

    /// <summary>Disconnects a client (CLIENT KILL); false if no client has that id.</summary>
    public bool Disconnect(long clientId)
    {
        if (!_clients.TryGetValue(clientId, out var connection))
        {
            return false;
        }

        connection.Session.CloseRequested = true;
        connection.Abort();
        return true;
    }

    /// <summary>Asks the node to stop (SHUTDOWN); the host observes <see cref="ShutdownRequested"/>.</summary>
    public void RequestShutdown() => _shutdown.TrySetResult();

    /// <summary>Completes when a client sent SHUTDOWN.</summary>
    public Task ShutdownRequested => _shutdown.Task;

    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Stops listening, disconnects every client, frees the keyspace.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        foreach (var client in _clients.Values)
        {
            client.Abort();
        }

        SlotProxy.Dispose();

        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or SocketException or ObjectDisposedException)
        {
            // Stopping: loops end by cancellation.
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }

        await Replication.DisposeAsync().ConfigureAwait(false);

        Metrics.Dispose();
        Keyspace.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            Interlocked.Increment(ref _connectionsReceived);
            var connection = new ClientConnection(this, socket, _loggers.CreateLogger<ClientConnection>());
            _clients[connection.Session.Id] = connection;
            _ = ServeAsync(connection, stopping);
        }
    }

    private async Task ServeAsync(ClientConnection connection, CancellationToken stopping)
    {
        try
        {
            await connection.RunAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            _clients.TryRemove(connection.Session.Id, out _);
            Tracking.Disable(connection.Session);
            Hoard.Server.Commands.Transactions.TransactionCommands.Forget(this, connection.Session);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Redis's active expiry: <c>hz</c> times a second, up to a quarter of each period.</summary>
    private async Task ExpireLoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            var period = TimeSpan.FromSeconds(1.0 / Math.Clamp(Options.Hz, 1, 500));
            try
            {
                await Task.Delay(period, stopping).ConfigureAwait(false);
                Keyspace.RunActiveExpireCycle(period / 4);
                Notifications.Drain(); // expired (and any other) events queued under shard locks
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}
