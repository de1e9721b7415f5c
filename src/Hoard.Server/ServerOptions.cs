using System.Collections.Concurrent;
using System.Net;
using Hoard.Storage;

namespace Hoard.Server;

/// <summary>A node's settings, named after redis.conf (the CLI maps flags and config files onto them).</summary>
public sealed class ServerOptions
{
    /// <summary>TCP port (<c>port</c>); 0 picks a free one.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>Addresses to listen on (<c>bind</c>); loopback unless told otherwise.</summary>
    public IList<IPAddress> Bind { get; } = [IPAddress.Loopback];

    /// <summary>Password clients must give with AUTH (<c>requirepass</c>), or null.</summary>
    public string? RequirePass { get; set; }

    /// <summary>Settings of the keyspace (databases, maxmemory, policy …).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Active expiry cycles per second (<c>hz</c>).</summary>
    public int Hz { get; set; } = 10;

    /// <summary>Largest bulk argument (<c>proto-max-bulk-len</c>).</summary>
    public long ProtoMaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest pending request of one client (<c>client-query-buffer-limit</c>).</summary>
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Commands slower than this many microseconds are logged (<c>slowlog-log-slower-than</c>); negative disables.</summary>
    public long SlowlogLogSlowerThan { get; set; } = 10_000;

    /// <summary>Entries the slow log keeps (<c>slowlog-max-len</c>).</summary>
    public int SlowlogMaxLength { get; set; } = 128;

    /// <summary>
    /// Bytes a subscriber may have waiting before it is disconnected: the hard limit of
    /// <c>client-output-buffer-limit pubsub</c> (Redis's default 32 MB); 0 for none.
    /// </summary>
    public long PubSubOutputLimit { get; set; } = PubSub.PubSubHub.DefaultOutputLimit;

    /// <summary>
    /// Keys client tracking remembers at most (<c>tracking-table-max-keys</c>, Redis's default 1,000,000; 0 for no
    /// limit): past that the oldest are invalidated and forgotten.
    /// </summary>
    public long TrackingTableMaxKeys { get; set; } = Tracking.TrackingHub.DefaultMaxKeys;

    /// <summary>Bytes of replication stream a primary keeps for replicas that reconnect (<c>repl-backlog-size</c>).</summary>
    public long ReplicationBacklogSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes a second at most of a full sync's snapshot (<c>repl-sync-max-rate</c>, Hoard's own; 0 for no limit): the
    /// walk yields to the clients the primary serves meanwhile (docs/replication.md, "Pacing").
    /// </summary>
    public long ReplicationSyncMaxRate { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes a second at most of a slot move's snapshot (<c>cluster-move-max-rate</c>, Hoard's own; 0 for no limit):
    /// the source walks its keys paced as a full sync is, so it keeps serving at full speed (docs/cluster.md).
    /// </summary>
    public long SlotMoveMaxRate { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes of stream a connected replica may have unread before it is dropped (and resyncs in full): the hard limit
    /// of <c>client-output-buffer-limit replica</c> (Redis's default 256 MB); 0 for none.
    /// </summary>
    public long ReplicaOutputLimit { get; set; } = 256L * 1024 * 1024;

    /// <summary>The keyspace notification classes on (<c>notify-keyspace-events</c>; none by default, as Redis).</summary>
    public Notifications.NotifyClass NotifyKeyspaceEvents { get; set; }

    /// <summary>Cluster mode: slots, the consensus group, routing (<c>cluster-*</c>).</summary>
    public ClusterOptions Cluster { get; } = new();

    /// <summary>Values of the redis.conf settings Hoard accepts and reports but does not act on, by name.</summary>
    internal ConcurrentDictionary<string, string> StoredSettings { get; } = new(StringComparer.OrdinalIgnoreCase);
}
