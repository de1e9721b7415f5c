using StackExchange.Redis;

namespace Hoard.Client;

/// <summary>Settings of a <see cref="HoardCache"/> (the Options pattern: <c>services.AddHoard(o => …)</c>).</summary>
public sealed class HoardCacheOptions
{
    /// <summary>A StackExchange.Redis configuration string naming the cluster's nodes, e.g. <c>127.0.0.1:7000,127.0.0.1:7001</c>.</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>A connection to use instead of <see cref="Configuration"/>; its owner disposes it.</summary>
    public IConnectionMultiplexer? Multiplexer { get; set; }

    /// <summary>Put before every key in the cluster; the near cache is told of changes to keys with this prefix.</summary>
    public string KeyPrefix { get; set; } = "cache:";

    /// <summary>Options of entries a call gives none for.</summary>
    public HoardEntryOptions DefaultEntryOptions { get; set; } = new();

    /// <summary>Whether values are also kept in this process (the near cache, kept coherent by the server's CLIENT TRACKING).</summary>
    public bool NearCache { get; set; } = true;

    /// <summary>The most entries the near cache holds.</summary>
    public int NearCacheMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// How long a cluster call is retried while it fails in a way that passes (a node failing over, a slot moving, a
    /// timeout) before the cluster is taken as unavailable: GetOrSet then asks the factory, Set and Remove throw.
    /// </summary>
    public TimeSpan ClusterRetryBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Serialized values longer than this many bytes are stored LZ4-compressed (when that makes them smaller); 0: never.</summary>
    public int CompressAbove { get; set; } = 4096;

    /// <summary>
    /// Whether values are read from replicas when there are some (writes and leases always go to primaries). A value
    /// just written may then be read older for a moment (the replica's lag); the near cache stays coherent, since
    /// replicas send notices too.
    /// </summary>
    public bool ReadFromReplicas { get; set; }

    /// <summary>How values become bytes (System.Text.Json unless set).</summary>
    public ICacheSerializer Serializer { get; set; } = new JsonCacheSerializer();
}
