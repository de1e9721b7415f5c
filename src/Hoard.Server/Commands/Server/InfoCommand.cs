using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Hoard.Storage;

namespace Hoard.Server.Commands.Server;

/// <summary>
/// INFO [section …] (https://redis.io/docs/latest/commands/info/): Redis 7.2's sections and field names, the lines
/// ending in CRLF, each section headed <c># Name</c> and separated by an empty line.
/// </summary>
internal static class InfoCommand
{

    private static readonly string[] DefaultSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster", "keyspace"];
    private static readonly string[] AllSections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "commandstats", "cluster", "keyspace"];

    private static readonly string HoardVersion =
        typeof(HoardServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(HoardServer).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public static void Info(ref CommandContext c)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (c.Count == 1)
        {
            wanted.UnionWith(DefaultSections);
        }

        for (var i = 1; i < c.Count; i++)
        {
            var name = Encoding.UTF8.GetString(c[i]).ToLowerInvariant();
            switch (name)
            {
                case "all" or "everything":
                    wanted.UnionWith(AllSections);
                    break;
                case "default":
                    wanted.UnionWith(DefaultSections);
                    break;
                default:
                    wanted.Add(name);
                    break;
            }
        }

        c.Writer.WriteVerbatim(Encoding.UTF8.GetBytes(Build(c.Server, wanted)));
    }

    /// <summary>The INFO text of the sections in <paramref name="wanted"/>, in Redis's order.</summary>
    public static string Build(HoardServer server, IReadOnlySet<string> wanted)
    {
        var text = new StringBuilder();
        foreach (var section in AllSections)
        {
            if (!wanted.Contains(section))
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("\r\n");
            }

            switch (section)
            {
                case "server": Server(text, server); break;
                case "clients": Clients(text, server); break;
                case "memory": Memory(text, server); break;
                case "persistence": Persistence(text, server); break;
                case "stats": Stats(text, server); break;
                case "replication": Replication(text, server); break;
                case "cpu": Cpu(text); break;
                case "commandstats": CommandStats(text, server); break;
                case "cluster": Header(text, "Cluster"); Line(text, "cluster_enabled", server.Cluster is null ? 0 : 1); break;
                default: Keyspace(text, server); break;
            }
        }

        return text.ToString();
    }

    private static void Header(StringBuilder text, string name) => text.Append("# ").Append(name).Append("\r\n");

    private static void Server(StringBuilder text, HoardServer server)
    {
        Header(text, "Server");
        var uptime = (long)(DateTimeOffset.UtcNow - server.StartedAt).TotalSeconds;
        Line(text, "redis_version", RedisCompatibility.RedisVersion);
        Line(text, "hoard_version", HoardVersion);
        Line(text, "redis_git_sha1", "00000000");
        Line(text, "redis_git_dirty", 0);
        Line(text, "redis_mode", server.Cluster is null ? "standalone" : "cluster");
        Line(text, "os", $"{OsName()} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        Line(text, "arch_bits", IntPtr.Size * 8);
        Line(text, "multiplexing_api", "dotnet-sockets");
        Line(text, "runtime", RuntimeInformation.FrameworkDescription);
        Line(text, "process_id", Environment.ProcessId);
        Line(text, "process_supervised", "no");
        Line(text, "run_id", server.Metrics.RunId);
        Line(text, "tcp_port", server.EndPoints.Count > 0 ? server.EndPoints[0].Port : server.Options.Port);
        Line(text, "server_time_usec", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        Line(text, "uptime_in_seconds", uptime);
        Line(text, "uptime_in_days", uptime / 86400);
        Line(text, "hz", server.Options.Hz);
        Line(text, "configured_hz", server.Options.Hz);
        Line(text, "executable", Environment.ProcessPath ?? "");
        Line(text, "config_file", "");
        Line(text, "io_threads_active", 0);
    }

    private static string OsName()
    {
        var description = RuntimeInformation.OSDescription;
        return OperatingSystem.IsLinux() && !description.StartsWith("Linux", StringComparison.Ordinal)
            ? "Linux " + Environment.OSVersion.Version
            : description;
    }

    private static void Clients(StringBuilder text, HoardServer server)
    {
        Header(text, "Clients");
        Line(text, "connected_clients", server.ConnectedClients);
        Line(text, "cluster_connections", 0);
        Line(text, "maxclients", Setting(server, "maxclients"));
        Line(text, "blocked_clients", server.Blocking.BlockedClients);
        Line(text, "tracking_clients", server.Tracking.Clients);
        Line(text, "clients_in_timeout_table", 0);
        Line(text, "total_blocking_keys", 0);
    }

    private static void Memory(StringBuilder text, HoardServer server)
    {
        Header(text, "Memory");
        var keyspace = server.Keyspace;
        var used = keyspace.UsedMemory;
        var rss = ResidentBytes();
        var peak = Math.Max(server.Metrics.PeakMemory, used);
        var max = keyspace.MaxMemory;
        Line(text, "used_memory", used);
        Line(text, "used_memory_human", Human(used));
        Line(text, "used_memory_rss", rss);
        Line(text, "used_memory_rss_human", Human(rss));
        Line(text, "used_memory_peak", peak);
        Line(text, "used_memory_peak_human", Human(peak));
        Line(text, "used_memory_peak_perc", peak == 0 ? "0.00%" : (100.0 * used / peak).ToString("0.00", CultureInfo.InvariantCulture) + "%");
        Line(text, "used_memory_dataset", keyspace.LiveBytes);
        Line(text, "used_memory_managed_heap", GC.GetTotalMemory(forceFullCollection: false));
        Line(text, "total_system_memory", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        Line(text, "total_system_memory_human", Human(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        Line(text, "maxmemory", max);
        Line(text, "maxmemory_human", Human(max));
        Line(text, "maxmemory_policy", keyspace.Policy.ToName());
        Line(text, "mem_fragmentation_ratio", used == 0 ? "0.00" : ((double)rss / used).ToString("0.00", CultureInfo.InvariantCulture));
        Line(text, "mem_allocator", "hoard");
        Line(text, "lazyfree_pending_objects", 0);
    }

    /// <summary>Resident set size: the second field of /proc/self/statm times the page size, else the working set.</summary>
    private static long ResidentBytes()
    {
        try
        {
            if (File.Exists("/proc/self/statm"))
            {
                var fields = File.ReadAllText("/proc/self/statm").Split(' ');
                if (fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages))
                {
                    return pages * Environment.SystemPageSize;
                }
            }
        }
        catch (IOException)
        {
            // Fall back below.
        }
        catch (UnauthorizedAccessException)
        {
            // Fall back below.
        }

        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static void Persistence(StringBuilder text, HoardServer server)
    {
        Header(text, "Persistence");
        Line(text, "loading", 0);
        Line(text, "async_loading", 0);
        Line(text, "rdb_changes_since_last_save", 0);
        Line(text, "rdb_bgsave_in_progress", 0);
        Line(text, "rdb_last_save_time", server.StartedAt.ToUnixTimeSeconds());
        Line(text, "rdb_last_bgsave_status", "ok");
        Line(text, "aof_enabled", 0);
        Line(text, "aof_rewrite_in_progress", 0);
        Line(text, "aof_last_bgrewrite_status", "ok");
        Line(text, "aof_last_write_status", "ok");
    }

    private static void Stats(StringBuilder text, HoardServer server)
    {
        Header(text, "Stats");
        var stats = server.Keyspace.Stats;
        Line(text, "total_connections_received", server.ConnectionsReceived);
        Line(text, "total_commands_processed", server.Metrics.TotalCommands);
        Line(text, "instantaneous_ops_per_sec", server.Metrics.InstantaneousOpsPerSecond);
        Line(text, "rejected_connections", 0);
        Line(text, "sync_full", server.Replication.FullSyncs);
        Line(text, "sync_partial_ok", server.Replication.PartialSyncs);
        Line(text, "sync_partial_err", 0);
        Line(text, "expired_keys", stats.ExpiredKeys);
        Line(text, "evicted_keys", stats.EvictedKeys);
        Line(text, "evicted_clients", 0);
        Line(text, "keyspace_hits", stats.Hits);
        Line(text, "keyspace_misses", stats.Misses);
        Line(text, "pubsub_channels", 0);
        Line(text, "pubsub_patterns", 0);
        Line(text, "latest_fork_usec", 0);
        Line(text, "total_forks", 0);
        Line(text, "tracking_total_keys", server.Tracking.TotalKeys);
        Line(text, "tracking_total_items", server.Tracking.TotalItems);
        Line(text, "tracking_total_prefixes", server.Tracking.TotalPrefixes);
    }

    private static void Replication(StringBuilder text, HoardServer server)
    {
        Header(text, "Replication");
        var replication = server.Replication;
        if (replication.Link is { } link)
        {
            Line(text, "role", "slave");
            Line(text, "master_host", link.Host);
            Line(text, "master_port", link.Port);
            Line(text, "master_link_status", link.IsUp ? "up" : "down");
            Line(text, "master_last_io_seconds_ago", (long)(DateTime.UtcNow - link.LastIo).TotalSeconds);
            Line(text, "master_sync_in_progress", link.State == "sync" ? 1 : 0);
            Line(text, "slave_read_repl_offset", link.Offset);
            Line(text, "slave_repl_offset", link.Offset);
            if (link.State == "sync")
            {
                // Redis's fields count bytes of a snapshot whose size it knows; Hoard's walk knows its keys, so the
                // total and what is left are -1 (as for Redis's diskless sync) and the percentage counts keys.
                var (total, loaded) = (link.SyncKeysTotal, link.SyncKeysLoaded);
                Line(text, "master_sync_total_bytes", -1);
                Line(text, "master_sync_read_bytes", link.SyncBytesRead);
                Line(text, "master_sync_left_bytes", -1);
                Line(text, "master_sync_perc", (total == 0 ? 0 : Math.Min(100.0, 100.0 * loaded / total)).ToString("0.00", CultureInfo.InvariantCulture));
                Line(text, "master_sync_last_io_seconds_ago", (long)(DateTime.UtcNow - link.LastIo).TotalSeconds);
                Line(text, "master_sync_keys_total", total);
                Line(text, "master_sync_keys_loaded", loaded);
            }

            Line(text, "slave_priority", 100);
            Line(text, "slave_read_only", 1);
            Line(text, "replica_announced", 1);
        }
        else
        {
            Line(text, "role", "master");
        }

        var replicas = replication.Replicas;
        Line(text, "connected_slaves", replicas.Count);
        var index = 0;
        foreach (var replica in replicas)
        {
            Line(text, $"slave{index++}", $"ip={replica.Address},port={replica.ListeningPort},state={(replica.Online ? "online" : "wait_bgsave")},offset={replica.AckedOffset},lag={replica.LagSeconds}");
        }

        var backlog = replication.Backlog;
        Line(text, "master_failover_state", "no-failover");
        Line(text, "master_replid", replication.ReplicationId);
        Line(text, "master_replid2", new string('0', 40));
        Line(text, "master_repl_offset", replication.Offset);
        Line(text, "second_repl_offset", -1);
        Line(text, "repl_backlog_active", backlog is null ? 0 : 1);
        Line(text, "repl_backlog_size", backlog?.Capacity ?? server.Options.ReplicationBacklogSize);
        Line(text, "repl_backlog_first_byte_offset", backlog?.FirstOffset ?? 0);
        Line(text, "repl_backlog_histlen", backlog is null ? 0 : backlog.Offset - backlog.FirstOffset);
    }

    private static void Cpu(StringBuilder text)
    {
        Header(text, "CPU");
        using var process = Process.GetCurrentProcess();
        Line(text, "used_cpu_sys", Seconds(process.PrivilegedProcessorTime));
        Line(text, "used_cpu_user", Seconds(process.UserProcessorTime));
        Line(text, "used_cpu_sys_children", "0.000000");
        Line(text, "used_cpu_user_children", "0.000000");
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture);

    private static void CommandStats(StringBuilder text, HoardServer server)
    {
        Header(text, "Commandstats");
        var definitions = server.Commands.All
            .SelectMany(d => Subcommands.Of(d) is { } subs ? subs.All : [d])
            .OrderBy(d => d.Name, StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            var stats = d.Statistics;
            var (calls, rejected, failed) = (stats.Calls, stats.RejectedCalls, stats.FailedCalls);
            if (calls == 0 && rejected == 0)
            {
                continue;
            }

            var usec = stats.Microseconds;
            var perCall = calls == 0 ? 0 : (double)usec / calls;
            Line(text, "cmdstat_" + d.Name, string.Create(CultureInfo.InvariantCulture,
                $"calls={calls},usec={usec},usec_per_call={perCall:0.00},rejected_calls={rejected},failed_calls={failed}"));
        }
    }

    private static void Keyspace(StringBuilder text, HoardServer server)
    {
        Header(text, "Keyspace");
        var keyspace = server.Keyspace;
        for (var i = 0; i < keyspace.DatabaseCount; i++)
        {
            var db = keyspace[i];
            var keys = db.Count;
            if (keys > 0)
            {
                Line(text, "db" + i.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture,
                    $"keys={keys},expires={db.VolatileCount},avg_ttl={db.AverageTtlMs}"));
            }
        }
    }

    private static string Setting(HoardServer server, string name) =>
        Configuration.ConfigRegistry.TryGet(name, out var setting) ? setting.Get(server.Options, server) : "";

    /// <summary>Redis's bytesToHuman: <c>912B</c>, <c>1.50K</c>, <c>2.00M</c> …</summary>
    public static string Human(long bytes)
    {
        string[] units = ["K", "M", "G", "T", "P", "E"];
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        }

        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + units[unit];
    }

    private static void Line(StringBuilder text, string name, string value) => text.Append(name).Append(':').Append(value).Append("\r\n");

    private static void Line(StringBuilder text, string name, long value) =>
        text.Append(name).Append(':').Append(value.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
}
