using System.Globalization;
using System.Net;
using Hoard.Storage;

namespace Hoard.Server.Configuration;

/// <summary>Every setting Hoard has, under its redis.conf name.</summary>
public static class ConfigRegistry
{
    private static readonly Dictionary<string, ConfigSetting> Settings = Build().ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>All settings, for CONFIG GET patterns.</summary>
    public static IEnumerable<ConfigSetting> All => Settings.Values;

    /// <summary>Finds a setting by name, ignoring case.</summary>
    public static bool TryGet(string name, out ConfigSetting setting) => Settings.TryGetValue(name, out setting!);

    /// <summary>Applies one setting before the node starts; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static void Apply(ServerOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TryGet(name, out var setting))
        {
            throw new ArgumentException($"unknown setting '{name}'");
        }

        var error = setting.Set(options, null, value);
        if (error is not null)
        {
            throw new ArgumentException($"{name}: {error}");
        }
    }

    private static IEnumerable<ConfigSetting> Build()
    {
        yield return OutputBufferLimits.Setting;
        yield return new("port", (o, _) => Text(o.Port), (o, _, v) => Int(v, 0, 65535, x => o.Port = x), Mutable: false);
        yield return new("bind", (o, _) => string.Join(' ', o.Bind), (o, _, v) => Bind(o, v), Mutable: false);
        yield return new("requirepass", (o, _) => o.RequirePass ?? "", (o, _, v) =>
        {
            o.RequirePass = v.Length == 0 ? null : v;
            return null;
        }, Mutable: true);
        yield return new("databases", (o, _) => Text(o.Storage.Databases), (o, _, v) => Int(v, 1, 256, x => o.Storage = CopyWith(o.Storage, x)), Mutable: false);
        yield return new("maxmemory", (o, s) => Text(s?.Keyspace.MaxMemory ?? o.Storage.MaxMemory), (o, s, v) =>
        {
            if (!MemorySize.TryParse(v, out var bytes))
            {
                return "argument must be a memory value";
            }

            o.Storage.MaxMemory = bytes;
            if (s is not null)
            {
                s.Keyspace.MaxMemory = bytes;
            }

            return null;
        }, Mutable: true);
        yield return new("maxmemory-policy", (o, s) => (s?.Keyspace.Policy ?? o.Storage.Policy).ToName(), (o, s, v) =>
        {
            if (!EvictionPolicyNames.TryParse(v, out var policy))
            {
                return "argument(s) must be one of the following: " + string.Join(", ", EvictionPolicyNames.All);
            }

            o.Storage.Policy = policy;
            if (s is not null)
            {
                s.Keyspace.Policy = policy;
            }

            return null;
        }, Mutable: true);
        yield return new("hz", (o, _) => Text(o.Hz), (o, _, v) => Int(v, 1, 500, x => o.Hz = x), Mutable: true);
        yield return new("hash-max-listpack-entries", (o, _) => Text(o.Storage.HashMaxListpackEntries),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.HashMaxListpackEntries = x), Mutable: true);
        yield return new("hash-max-listpack-value", (o, _) => Text(o.Storage.HashMaxListpackValue),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.HashMaxListpackValue = x), Mutable: true);
        yield return new("set-max-intset-entries", (o, _) => Text(o.Storage.SetMaxIntsetEntries),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.SetMaxIntsetEntries = x), Mutable: true);
        yield return new("set-max-listpack-entries", (o, _) => Text(o.Storage.SetMaxListpackEntries),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.SetMaxListpackEntries = x), Mutable: true);
        yield return new("set-max-listpack-value", (o, _) => Text(o.Storage.SetMaxListpackValue),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.SetMaxListpackValue = x), Mutable: true);
        yield return new("zset-max-listpack-entries", (o, _) => Text(o.Storage.ZSetMaxListpackEntries),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.ZSetMaxListpackEntries = x), Mutable: true);
        yield return new("zset-max-listpack-value", (o, _) => Text(o.Storage.ZSetMaxListpackValue),
            (o, _, v) => Int(v, 0, int.MaxValue, x => o.Storage.ZSetMaxListpackValue = x), Mutable: true);
        yield return new("list-max-listpack-size", (o, _) => Text(o.Storage.ListMaxListpackSize),
            (o, _, v) => Int(v, int.MinValue, int.MaxValue, x => o.Storage.ListMaxListpackSize = x), Mutable: true);
        yield return new("proto-max-bulk-len", (o, _) => Text(o.ProtoMaxBulkLength), (o, s, v) => Memory(v, 1 << 20, x =>
        {
            o.ProtoMaxBulkLength = x;
            if (s is not null)
            {
                s.ReaderOptions.MaxBulkLength = x;
            }
        }), Mutable: true);
        yield return new("tracking-table-max-keys", (o, s) => Text(s?.Tracking.MaxKeys ?? o.TrackingTableMaxKeys), (o, s, v) => Int(v, 0, int.MaxValue, x =>
        {
            o.TrackingTableMaxKeys = x;
            if (s is not null)
            {
                s.Tracking.MaxKeys = x;
            }
        }), Mutable: true);
        yield return new("repl-backlog-size", (o, _) => Text(o.ReplicationBacklogSize),
            (o, _, v) => Memory(v, 16 * 1024, x => o.ReplicationBacklogSize = x), Mutable: false);
        yield return new("repl-sync-max-rate", (o, _) => Text(o.ReplicationSyncMaxRate),
            (o, _, v) => Memory(v, 0, x => o.ReplicationSyncMaxRate = x), Mutable: true);
        yield return new("cluster-move-max-rate", (o, _) => Text(o.SlotMoveMaxRate),
            (o, _, v) => Memory(v, 0, x => o.SlotMoveMaxRate = x), Mutable: true);
        foreach (var setting in ClusterConfigSettings.All())
        {
            yield return setting;
        }

        foreach (var setting in CompatibilitySettings.All())
        {
            yield return setting;
        }

        yield return new("client-query-buffer-limit", (o, _) => Text(o.ClientQueryBufferLimit), (o, s, v) => Memory(v, 1 << 20, x =>
        {
            o.ClientQueryBufferLimit = x;
            if (s is not null)
            {
                s.ReaderOptions.QueryBufferLimit = x;
            }
        }), Mutable: true);
    }

    internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string? Int(string value, long min, long max, Action<int> apply)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            return $"argument must be between {min} and {max} inclusive";
        }

        apply((int)n);
        return null;
    }

    private static string? Memory(string value, long min, Action<long> apply)
    {
        if (!MemorySize.TryParse(value, out var bytes) || bytes < min)
        {
            return "argument must be a memory value";
        }

        apply(bytes);
        return null;
    }

    private static string? Bind(ServerOptions options, string value)
    {
        var addresses = new List<IPAddress>();
        foreach (var part in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var text = part.TrimStart('-');
            if (text == "*")
            {
                addresses.Add(IPAddress.Any);
            }
            else if (text == "::*")
            {
                addresses.Add(IPAddress.IPv6Any);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                addresses.Add(address);
            }
            else if (text == "localhost")
            {
                addresses.Add(IPAddress.Loopback);
            }
            else
            {
                return $"invalid bind address '{part}'";
            }
        }

        if (addresses.Count == 0)
        {
            return "bind needs at least one address";
        }

        options.Bind.Clear();
        foreach (var address in addresses)
        {
            options.Bind.Add(address);
        }

        return null;
    }

    /// <summary>A copy of <paramref name="s"/> with another number of databases (an init-only setting).</summary>
    internal static StorageOptions CopyWith(StorageOptions s, int databases) => new()
    {
        Databases = databases,
        MaxMemory = s.MaxMemory,
        Policy = s.Policy,
        HashMaxListpackEntries = s.HashMaxListpackEntries,
        HashMaxListpackValue = s.HashMaxListpackValue,
        SetMaxIntsetEntries = s.SetMaxIntsetEntries,
        SetMaxListpackEntries = s.SetMaxListpackEntries,
        SetMaxListpackValue = s.SetMaxListpackValue,
        ZSetMaxListpackEntries = s.ZSetMaxListpackEntries,
        ZSetMaxListpackValue = s.ZSetMaxListpackValue,
        ListMaxListpackSize = s.ListMaxListpackSize,
        Shards = s.Shards,
        SegmentSize = s.SegmentSize,
        S3FifoSmallRatio = s.S3FifoSmallRatio,
    };
}
