using System.Globalization;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Configuration;
using Hoard.Storage;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands.Server;

/// <summary>
/// Server commands (https://redis.io/docs/latest/commands/?group=server): INFO, CONFIG, DBSIZE, FLUSHDB/FLUSHALL,
/// SWAPDB, TIME, LASTSAVE, SHUTDOWN, SLOWLOG, MEMORY, OBJECT. COMMAND is in <see cref="CommandCommands"/>.
/// </summary>
internal static class ServerCommands
{
    private const string PolicyNote = "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    public static void Register(CommandTable table)
    {
        const CommandFlags anytime = CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags admin = CommandFlags.Admin | anytime;
        table.Add(new("info", -1, anytime, 0, 0, 0, InfoCommand.Info, "Returns information and statistics about the server."));
        table.Add(new("dbsize", 1, CommandFlags.ReadOnly | CommandFlags.Fast, 0, 0, 0, DbSize, "Returns the number of keys in the database."));
        table.Add(new("flushdb", -1, CommandFlags.Write, 0, 0, 0, FlushDb, "Removes all keys from the current database."));
        table.Add(new("flushall", -1, CommandFlags.Write, 0, 0, 0, FlushAll, "Removes all keys from all databases."));
        table.Add(new("swapdb", 3, CommandFlags.Write | CommandFlags.Fast, 0, 0, 0, SwapDb, "Swaps two Redis databases."));
        table.Add(new("time", 1, anytime | CommandFlags.Fast, 0, 0, 0, Time, "Returns the server time."));
        table.Add(new("lastsave", 1, anytime | CommandFlags.Fast, 0, 0, 0, LastSave, "Returns the Unix timestamp of the last successful save to disk."));
        table.Add(new("shutdown", -1, admin, 0, 0, 0, Shutdown, "Synchronously saves the database(s) to disk and shuts down the Redis server."));

        var config = new Subcommands("config")
            .Add("get", -3, admin, 0, 0, 0, ConfigGet, "Returns the effective values of configuration parameters.")
            .Add("set", -4, admin, 0, 0, 0, ConfigSet, "Sets configuration parameters in-flight.")
            .Add("resetstat", 2, admin, 0, 0, 0, ConfigResetStat, "Resets the server's statistics.")
            .Add("rewrite", 2, admin, 0, 0, 0, ConfigRewrite, "Persists the effective configuration to file.")
            .Add("help", 2, anytime, 0, 0, 0, ConfigHelp, "Returns helpful text about the different subcommands.");
        table.Add(new("config", -2, CommandFlags.None, 0, 0, 0, config.Dispatch, "A container for server configuration commands."));

        var slowlog = new Subcommands("slowlog")
            .Add("get", -2, admin, 0, 0, 0, SlowlogGet, "Returns the slow log's entries.")
            .Add("len", 2, admin, 0, 0, 0, SlowlogLen, "Returns the number of entries in the slow log.")
            .Add("reset", 2, admin, 0, 0, 0, SlowlogReset, "Clears all entries from the slow log.")
            .Add("help", 2, anytime, 0, 0, 0, SlowlogHelp, "Show helpful text about the different subcommands");
        table.Add(new("slowlog", -2, CommandFlags.None, 0, 0, 0, slowlog.Dispatch, "A container for slow log commands."));

        var memory = new Subcommands("memory")
            .Add("usage", -3, CommandFlags.ReadOnly, 2, 2, 1, MemoryUsage, "Estimates the memory usage of a key.")
            .Add("help", 2, anytime, 0, 0, 0, MemoryHelp, "Returns helpful text about the different subcommands.");
        table.Add(new("memory", -2, CommandFlags.None, 0, 0, 0, memory.Dispatch, "A container for memory diagnostics commands."));

        var obj = new Subcommands("object")
            .Add("encoding", 3, CommandFlags.ReadOnly, 2, 2, 1, ObjectEncoding, "Returns the internal encoding of a Redis object.")
            .Add("freq", 3, CommandFlags.ReadOnly, 2, 2, 1, ObjectFreq, "Returns the logarithmic access frequency counter of a Redis object.")
            .Add("idletime", 3, CommandFlags.ReadOnly, 2, 2, 1, ObjectIdleTime, "Returns the time since the last access to a Redis object.")
            .Add("refcount", 3, CommandFlags.ReadOnly, 2, 2, 1, ObjectRefCount, "Returns the reference count of a value of a key.")
            .Add("help", 2, anytime, 0, 0, 0, ObjectHelp, "Returns helpful text about the different subcommands.");
        table.Add(new("object", -2, CommandFlags.None, 0, 0, 0, obj.Dispatch, "A container for object introspection commands."));
    }

    private static void DbSize(ref CommandContext c) => c.Writer.WriteInteger(c.Database.Count);

    /// <summary>FLUSHDB / FLUSHALL accept SYNC or ASYNC (both flush at once: freeing native memory is quick).</summary>
    private static bool FlushMode(ref CommandContext c)
    {
        if (c.Count == 1 || (c.Count == 2 && (c.Is(1, "SYNC"u8) || c.Is(1, "ASYNC"u8))))
        {
            return true;
        }

        c.Writer.WriteError(Errors.Syntax);
        return false;
    }

    private static void FlushDb(ref CommandContext c)
    {
        if (FlushMode(ref c))
        {
            c.Database.Flush();
            c.Writer.WriteOk();
        }
    }

    private static void FlushAll(ref CommandContext c)
    {
        if (FlushMode(ref c))
        {
            c.Server.Keyspace.FlushAll();
            c.Writer.WriteOk();
        }
    }

    private static void SwapDb(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[1], out var first) || first is < int.MinValue or > int.MaxValue)
        {
            c.Writer.WriteError("ERR invalid first DB index"u8);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var second) || second is < int.MinValue or > int.MaxValue)
        {
            c.Writer.WriteError("ERR invalid second DB index"u8);
            return;
        }

        var count = c.Server.Keyspace.DatabaseCount;
        if (first < 0 || first >= count || second < 0 || second >= count)
        {
            c.Writer.WriteError(Errors.DbIndexOutOfRange);
            return;
        }

        if (first != second)
        {
            c.Server.Keyspace.SwapDatabases((int)first, (int)second);
        }

        c.Writer.WriteOk();
    }

    private static void Time(ref CommandContext c)
    {
        var now = DateTimeOffset.UtcNow;
        var micros = (now.Ticks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
        c.Writer.WriteArrayHeader(2);
        c.Writer.WriteBulkString(micros / 1_000_000);
        c.Writer.WriteBulkString(micros % 1_000_000);
    }

    /// <summary>Hoard never saves: the last "save" is the start, when the (empty) data set was last consistent with disk.</summary>
    private static void LastSave(ref CommandContext c) => c.Writer.WriteInteger(c.Server.StartedAt.ToUnixTimeSeconds());

    private static void Shutdown(ref CommandContext c)
    {
        var abort = false;
        for (var i = 1; i < c.Count; i++)
        {
            if (c.Is(i, "ABORT"u8))
            {
                abort = true;
            }
            else if (!(c.Is(i, "NOSAVE"u8) || c.Is(i, "SAVE"u8) || c.Is(i, "NOW"u8) || c.Is(i, "FORCE"u8)))
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        if (abort)
        {
            if (c.Count != 2)
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }

            c.Writer.WriteError("ERR No shutdown in progress."u8);
            return;
        }

        // No reply: the server goes away, and the client sees the connection close.
        c.Server.RequestShutdown();
        c.Session.CloseRequested = true;
    }

    private static void ConfigGet(ref CommandContext c)
    {
        var found = new List<ConfigSetting>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 2; i < c.Count; i++)
        {
            var pattern = Encoding.UTF8.GetString(c[i]).ToLowerInvariant();
            var patternBytes = Encoding.UTF8.GetBytes(pattern);
            var exact = pattern.AsSpan().IndexOfAny("*?[\\") < 0;
            if (exact)
            {
                if (ConfigRegistry.TryGet(pattern, out var setting) && seen.Add(setting.Name))
                {
                    found.Add(setting);
                }

                continue;
            }

            foreach (var setting in ConfigRegistry.All.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                if (GlobPattern.IsMatch(patternBytes, Encoding.UTF8.GetBytes(setting.Name)) && seen.Add(setting.Name))
                {
                    found.Add(setting);
                }
            }
        }

        c.Writer.WriteMapHeader(found.Count);
        foreach (var setting in found)
        {
            c.Writer.WriteBulkString(setting.Name);
            c.Writer.WriteBulkString(setting.Get(c.Server.Options, c.Server));
        }
    }

    private static void ConfigSet(ref CommandContext c)
    {
        if (c.Count % 2 != 0)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'config|set' command"u8);
            return;
        }

        var changes = new List<(ConfigSetting Setting, string Name, string Value)>();
        for (var i = 2; i < c.Count; i += 2)
        {
            var name = Encoding.UTF8.GetString(c[i]);
            if (!ConfigRegistry.TryGet(name, out var setting))
            {
                c.Writer.WriteError($"ERR Unknown option or number of arguments for CONFIG SET - '{name}'");
                return;
            }

            if (!setting.Mutable)
            {
                c.Writer.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config");
                return;
            }

            if (changes.Any(x => x.Setting.Name == setting.Name || SameValue(x.Setting, setting)))
            {
                c.Writer.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter");
                return;
            }

            changes.Add((setting, name, Encoding.UTF8.GetString(c[i + 1])));
        }

        // Apply in order; if one is refused, put back the ones already applied, so the set is all or nothing.
        var applied = new List<(ConfigSetting Setting, string Old)>();
        foreach (var (setting, name, value) in changes)
        {
            var old = setting.Get(c.Server.Options, c.Server);
            var error = setting.Set(c.Server.Options, c.Server, value);
            if (error is not null)
            {
                for (var j = applied.Count - 1; j >= 0; j--)
                {
                    applied[j].Setting.Set(c.Server.Options, c.Server, applied[j].Old);
                }

                c.Writer.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - {error}");
                return;
            }

            applied.Add((setting, old));
        }

        c.Writer.WriteOk();
    }

    /// <summary>Aliases (slave-read-only / replica-read-only) name one value: setting both at once is a duplicate.</summary>
    private static bool SameValue(ConfigSetting a, ConfigSetting b) =>
        (a.Name, b.Name) is ("slave-read-only", "replica-read-only") or ("replica-read-only", "slave-read-only");

    private static void ConfigResetStat(ref CommandContext c)
    {
        foreach (var definition in c.Server.Commands.All)
        {
            definition.Statistics.Reset();
            foreach (var sub in Subcommands.Of(definition)?.All ?? [])
            {
                sub.Statistics.Reset();
            }
        }

        c.Server.Keyspace.ResetStats();
        c.Server.ResetConnectionsReceived();
        c.Server.Metrics.Reset();
        c.Writer.WriteOk();
    }

    private static void ConfigRewrite(ref CommandContext c) => c.Writer.WriteError("ERR The server is running without a config file"u8);

    private static void ConfigHelp(ref CommandContext c) => WriteHelp(ref c.Writer, "CONFIG",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.");

    private static void SlowlogGet(ref CommandContext c)
    {
        long count = 10;
        if (c.Count == 3)
        {
            if (!Arguments.TryParseInt64(c[2], out count) || count < -1)
            {
                c.Writer.WriteError("ERR count should be greater than or equal to -1"u8);
                return;
            }

            if (count == -1)
            {
                count = long.MaxValue;
            }
        }
        else if (c.Count > 3)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'slowlog|get' command"u8);
            return;
        }

        var entries = c.Server.SlowLog.Newest(count);
        c.Writer.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            c.Writer.WriteArrayHeader(6);
            c.Writer.WriteInteger(entry.Id);
            c.Writer.WriteInteger(entry.UnixTime);
            c.Writer.WriteInteger(entry.Microseconds);
            c.Writer.WriteArrayHeader(entry.Arguments.Count);
            foreach (var arg in entry.Arguments)
            {
                c.Writer.WriteBulkString(arg);
            }

            c.Writer.WriteBulkString(entry.ClientAddress);
            c.Writer.WriteBulkString(entry.ClientName);
        }
    }

    private static void SlowlogLen(ref CommandContext c) => c.Writer.WriteInteger(c.Server.SlowLog.Count);

    private static void SlowlogReset(ref CommandContext c)
    {
        c.Server.SlowLog.Reset();
        c.Writer.WriteOk();
    }

    private static void SlowlogHelp(ref CommandContext c) => WriteHelp(ref c.Writer, "SLOWLOG",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.");

    private static void MemoryUsage(ref CommandContext c)
    {
        for (var i = 3; i < c.Count; i++)
        {
            if (c.Is(i, "SAMPLES"u8) && i + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++i], out var samples))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (samples < 0)
                {
                    c.Writer.WriteError(Errors.Syntax);
                    return;
                }
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        // Hoard knows every entry's exact size, so SAMPLES changes nothing.
        var bytes = c.Database.MemoryUsage(c[2]);
        if (bytes < 0)
        {
            c.Writer.WriteNull();
        }
        else
        {
            c.Writer.WriteInteger(bytes);
        }
    }

    private static void MemoryHelp(ref CommandContext c) => WriteHelp(ref c.Writer, "MEMORY",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).");

    private static void ObjectEncoding(ref CommandContext c)
    {
        var encoding = c.Database.EncodingOf(c[2]);
        if (encoding is null)
        {
            c.Writer.WriteNull();
        }
        else
        {
            c.Writer.WriteBulkString(encoding);
        }
    }

    private static bool IsLfu(EvictionPolicy policy) => policy is EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu;

    private static void ObjectFreq(ref CommandContext c)
    {
        if (!c.Database.Exists(c[2]))
        {
            c.Writer.WriteNull();
            return;
        }

        if (!IsLfu(c.Server.Keyspace.Policy))
        {
            c.Writer.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. " + PolicyNote);
            return;
        }

        var counter = c.Database.AccessCounter(c[2]);
        if (counter < 0)
        {
            c.Writer.WriteNull();
        }
        else
        {
            c.Writer.WriteInteger(counter);
        }
    }

    /// <summary>Hoard keeps a reference bit, not an access clock: the idle time reported is 0 (best effort).</summary>
    private static void ObjectIdleTime(ref CommandContext c)
    {
        if (!c.Database.Exists(c[2]))
        {
            c.Writer.WriteNull();
            return;
        }

        if (IsLfu(c.Server.Keyspace.Policy))
        {
            c.Writer.WriteError("ERR An LFU maxmemory policy is selected, idle time not tracked. " + PolicyNote);
            return;
        }

        c.Writer.WriteInteger(0);
    }

    private static void ObjectRefCount(ref CommandContext c)
    {
        if (c.Database.Exists(c[2]))
        {
            c.Writer.WriteInteger(1);
        }
        else
        {
            c.Writer.WriteNull();
        }
    }

    private static void ObjectHelp(ref CommandContext c) => WriteHelp(ref c.Writer, "OBJECT",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.");

    /// <summary>Redis's help layout: a title line, the command's lines, then HELP.</summary>
    internal static void WriteHelp(ref RespWriter writer, string command, params string[] lines)
    {
        writer.WriteArrayHeader(lines.Length + 3);
        writer.WriteSimpleString(string.Create(CultureInfo.InvariantCulture, $"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
        foreach (var line in lines)
        {
            writer.WriteSimpleString(line);
        }

        writer.WriteSimpleString("HELP");
        writer.WriteSimpleString("    Print this help.");
    }
}
