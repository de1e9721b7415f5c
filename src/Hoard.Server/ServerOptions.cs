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
}
