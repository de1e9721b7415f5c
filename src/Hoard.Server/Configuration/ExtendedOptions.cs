using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Hoard.Server.Configuration;

/// <summary>
/// Settings that have no field in <see cref="ServerOptions"/>: the slow log's limits and the redis.conf settings
/// clients probe with CONFIG GET that Hoard only stores (save, appendonly, timeout …). Attached to a
/// <see cref="ServerOptions"/> instance, so they travel with it from the config file to the running node.
/// </summary>
public sealed class ExtendedOptions
{
    private static readonly ConditionalWeakTable<ServerOptions, ExtendedOptions> Attached = [];
    private long _slowlogLogSlowerThan = 10_000;
    private int _slowlogMaxLength = 128;

    /// <summary>The extended settings of <paramref name="options"/> (created with defaults on first use).</summary>
    public static ExtendedOptions Of(ServerOptions options) => Attached.GetValue(options, _ => new ExtendedOptions());

    /// <summary>Commands slower than this many microseconds are logged (<c>slowlog-log-slower-than</c>); negative disables.</summary>
    public long SlowlogLogSlowerThan
    {
        get => Volatile.Read(ref _slowlogLogSlowerThan);
        set => Volatile.Write(ref _slowlogLogSlowerThan, value);
    }

    /// <summary>Entries the slow log keeps (<c>slowlog-max-len</c>).</summary>
    public int SlowlogMaxLength
    {
        get => Volatile.Read(ref _slowlogMaxLength);
        set => Volatile.Write(ref _slowlogMaxLength, value);
    }

    /// <summary>Values of the settings Hoard stores but does not act on, by name.</summary>
    internal ConcurrentDictionary<string, string> Stored { get; } = new(StringComparer.OrdinalIgnoreCase);
}
