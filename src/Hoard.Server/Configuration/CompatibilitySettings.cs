using System.Globalization;
using Hoard.Server.Notifications;

namespace Hoard.Server.Configuration;

/// <summary>
/// The slow log's settings and the redis.conf settings clients commonly probe (CONFIG GET save, appendonly …).
/// Hoard keeps no data on disk (only the cluster's topology log, see ClusterSettings) and runs no replication yet, so most of these are stored and reported, not acted on;
/// values are validated as Redis 7.2 does, and the ones Redis cannot change at run time are immutable here too.
/// </summary>
internal static class CompatibilitySettings
{
    private static readonly string[] LogLevels = ["debug", "verbose", "notice", "warning", "nothing"];

    public static IEnumerable<ConfigSetting> All()
    {
        yield return new("slowlog-log-slower-than", (o, _) => Text(o.SlowlogLogSlowerThan),
            (o, _, v) => Integer(v, -1, long.MaxValue, x => o.SlowlogLogSlowerThan = x), Mutable: true);
        yield return new("slowlog-max-len", (o, _) => Text(o.SlowlogMaxLength),
            (o, _, v) => Integer(v, 0, int.MaxValue, x => o.SlowlogMaxLength = (int)x), Mutable: true);

        // Persistence: Hoard is a cache and never writes to disk; "no persistence" is the only honest setting.
        yield return Stored("save", "", mutable: true, Anything);
        yield return Stored("appendonly", "no", mutable: true, v => string.Equals(v, "no", StringComparison.OrdinalIgnoreCase)
            ? null : "Hoard does not persist data (appendonly must be no)");
        yield return Stored("appendfsync", "everysec", mutable: true, OneOf("always", "everysec", "no"));
        yield return Stored("appendfilename", "appendonly.aof", mutable: false, Anything);
        yield return Stored("dbfilename", "dump.rdb", mutable: false, Anything);
        yield return Stored("rdbcompression", "yes", mutable: true, YesNo);
        yield return Stored("stop-writes-on-bgsave-error", "yes", mutable: true, YesNo);

        // Replication: stored for clients that probe them.
        yield return Stored("replica-read-only", "yes", mutable: true, YesNo, key: "replica-read-only");
        yield return Stored("slave-read-only", "yes", mutable: true, YesNo, key: "replica-read-only");
        yield return Stored("min-replicas-to-write", "0", mutable: true, Range(0, int.MaxValue));

        // Connections.
        yield return Stored("timeout", "0", mutable: true, Range(0, int.MaxValue));
        yield return Stored("tcp-keepalive", "300", mutable: true, Range(0, int.MaxValue));
        yield return Stored("tcp-backlog", "511", mutable: false, Range(0, int.MaxValue));
        yield return Stored("maxclients", "10000", mutable: true, Range(1, int.MaxValue));
        yield return Stored("protected-mode", "no", mutable: true, YesNo);
        yield return Stored("io-threads", "1", mutable: false, Range(1, 128));
        yield return Stored("unixsocket", "", mutable: false, Anything);

        // Events (notify-keyspace-events is acted on: Notifications/) and eviction tuning.
        yield return new("notify-keyspace-events", (o, s) => KeyspaceNotifications.Format(s?.Notifications.Configured ?? o.NotifyKeyspaceEvents), (o, s, v) =>
        {
            if (!KeyspaceNotifications.TryParse(v, out var classes))
            {
                return KeyspaceNotifications.InvalidClassError;
            }

            o.NotifyKeyspaceEvents = classes;
            s?.Notifications.Configure(classes);
            return null;
        }, Mutable: true);
        yield return Stored("lfu-log-factor", "10", mutable: true, Range(0, int.MaxValue));
        yield return Stored("lfu-decay-time", "1", mutable: true, Range(0, int.MaxValue));
        yield return Stored("maxmemory-samples", "5", mutable: true, Range(1, 64));
        yield return Stored("maxmemory-clients", "0", mutable: true, MemoryValue);
        yield return Stored("lazyfree-lazy-eviction", "no", mutable: true, YesNo);
        yield return Stored("lazyfree-lazy-expire", "no", mutable: true, YesNo);
        yield return Stored("lazyfree-lazy-server-del", "no", mutable: true, YesNo);
        yield return Stored("lazyfree-lazy-user-del", "no", mutable: true, YesNo);
        yield return Stored("lazyfree-lazy-user-flush", "no", mutable: true, YesNo);
        yield return Stored("activedefrag", "no", mutable: true, YesNo);
        yield return Stored("activerehashing", "yes", mutable: true, YesNo);
        yield return Stored("latency-tracking", "no", mutable: true, YesNo);
        yield return Stored("latency-monitor-threshold", "0", mutable: true, Range(0, long.MaxValue));

        // Process.
        yield return Stored("loglevel", "notice", mutable: true, OneOf(LogLevels));
        yield return Stored("logfile", "", mutable: false, Anything);
        yield return Stored("daemonize", "no", mutable: false, YesNo);
        yield return Stored("supervised", "no", mutable: false, OneOf("upstart", "systemd", "auto", "no"));
        yield return Stored("pidfile", "", mutable: false, Anything);
    }

    /// <summary>A setting whose value is only stored; <paramref name="key"/> lets aliases share one value.</summary>
    private static ConfigSetting Stored(string name, string initial, bool mutable, Func<string, string?> validate, string? key = null)
    {
        key ??= name;
        return new(name,
            (o, _) => o.StoredSettings.GetValueOrDefault(key, initial),
            (o, _, v) =>
            {
                var error = validate(v);
                if (error is null)
                {
                    o.StoredSettings[key] = IsYesNo(validate) ? v.ToLowerInvariant() : v;
                }

                return error;
            },
            mutable);
    }

    private static bool IsYesNo(Func<string, string?> validate) => validate == YesNo;

    private static string? Anything(string value) => null;

    private static readonly Func<string, string?> YesNo = v =>
        string.Equals(v, "yes", StringComparison.OrdinalIgnoreCase) || string.Equals(v, "no", StringComparison.OrdinalIgnoreCase)
            ? null
            : "argument must be 'yes' or 'no'";

    private static Func<string, string?> OneOf(params string[] choices) => v =>
        choices.Contains(v, StringComparer.OrdinalIgnoreCase) ? null : "argument(s) must be one of the following: " + string.Join(", ", choices);

    private static Func<string, string?> Range(long min, long max) => v =>
    {
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return "argument couldn't be parsed into an integer";
        }

        return n < min || n > max ? $"argument must be between {min} and {max} inclusive" : null;
    };

    private static string? MemoryValue(string value) => MemorySize.TryParse(value, out _) ? null : "argument must be a memory value";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Integer(string value, long min, long max, Action<long> apply)
    {
        var error = Range(min, max)(value);
        if (error is null)
        {
            apply(long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        return error;
    }
}
