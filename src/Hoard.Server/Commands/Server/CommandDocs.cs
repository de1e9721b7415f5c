namespace Hoard.Server.Commands.Server;

/// <summary>
/// The group and first Redis version of each command Hoard may know (COMMAND DOCS), and the ACL categories that
/// follow from them. Commands not listed here report group "generic" and no version.
/// </summary>
internal static class CommandDocs
{
    private static readonly Dictionary<string, (string Group, string Since)> Known = Build();

    public static string GroupOf(string name) => Known.TryGetValue(name, out var d) ? d.Group
        : name.Contains('|', StringComparison.Ordinal) ? GroupOf(name[..name.IndexOf('|', StringComparison.Ordinal)]) : "generic";

    public static string? SinceOf(string name) => Known.TryGetValue(name, out var d) ? d.Since : null;

    /// <summary>Redis's ACL categories, derived from the flags and the group.</summary>
    public static IEnumerable<string> AclCategories(CommandDefinition definition)
    {
        var flags = definition.Flags;
        if (flags.HasFlag(CommandFlags.Write))
        {
            yield return "@write";
        }

        if (flags.HasFlag(CommandFlags.ReadOnly))
        {
            yield return "@read";
        }

        if (flags.HasFlag(CommandFlags.Admin))
        {
            yield return "@admin";
            yield return "@dangerous";
        }

        var group = GroupOf(definition.Name) switch
        {
            "string" => "@string",
            "hash" => "@hash",
            "generic" => "@keyspace",
            "connection" => "@connection",
            "pubsub" => "@pubsub",
            "transactions" => "@transaction",
            _ => null,
        };
        if (group is not null)
        {
            yield return group;
        }

        yield return flags.HasFlag(CommandFlags.Fast) ? "@fast" : "@slow";
    }

    private static Dictionary<string, (string, string)> Build()
    {
        var map = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        void Add(string group, string since, params string[] names)
        {
            foreach (var name in names)
            {
                map[name] = (group, since);
            }
        }

        Add("connection", "1.0.0", "ping", "echo", "quit", "select", "auth");
        Add("connection", "2.4.0", "client");
        Add("connection", "6.0.0", "hello");
        Add("connection", "6.2.0", "reset");
        Add("string", "1.0.0", "get", "set", "setnx", "mget", "incr", "decr", "incrby", "decrby", "getset", "substr");
        Add("string", "1.0.1", "mset", "msetnx");
        Add("string", "2.0.0", "setex", "append");
        Add("string", "2.2.0", "strlen", "setrange");
        Add("string", "2.4.0", "getrange");
        Add("string", "2.6.0", "psetex", "incrbyfloat");
        Add("string", "6.2.0", "getdel", "getex");
        Add("string", "7.0.0", "lcs");
        Add("generic", "1.0.0", "del", "exists", "type", "expire", "ttl", "keys", "randomkey", "rename", "renamenx", "move");
        Add("generic", "1.2.0", "expireat");
        Add("generic", "2.2.0", "persist");
        Add("generic", "2.2.3", "object");
        Add("generic", "2.6.0", "pexpire", "pexpireat", "pttl", "dump", "restore");
        Add("generic", "2.8.0", "scan");
        Add("generic", "3.2.1", "touch");
        Add("generic", "4.0.0", "unlink");
        Add("generic", "6.2.0", "copy");
        Add("generic", "7.0.0", "expiretime", "pexpiretime");
        Add("hash", "2.0.0", "hset", "hsetnx", "hget", "hmget", "hmset", "hgetall", "hdel", "hexists", "hlen", "hkeys", "hvals", "hincrby");
        Add("hash", "2.6.0", "hincrbyfloat");
        Add("hash", "2.8.0", "hscan");
        Add("hash", "3.2.0", "hstrlen");
        Add("hash", "6.2.0", "hrandfield");
        Add("set", "1.0.0", "sadd", "srem", "sismember", "scard", "smembers", "spop", "srandmember", "smove", "sinter", "sinterstore",
            "sunion", "sunionstore", "sdiff", "sdiffstore");
        Add("set", "2.8.0", "sscan");
        Add("set", "6.2.0", "smismember");
        Add("set", "7.0.0", "sintercard");
        Add("transactions", "1.2.0", "multi", "exec");
        Add("transactions", "2.0.0", "discard");
        Add("transactions", "2.2.0", "watch", "unwatch");
        Add("sorted-set", "1.2.0", "zadd", "zincrby", "zrem", "zrange", "zrevrange", "zrangebyscore", "zcard", "zscore", "zremrangebyscore");
        Add("sorted-set", "2.0.0", "zunionstore", "zinterstore", "zrank", "zrevrank", "zremrangebyrank", "zcount");
        Add("sorted-set", "2.2.0", "zrevrangebyscore");
        Add("sorted-set", "2.8.0", "zscan");
        Add("sorted-set", "2.8.9", "zrangebylex", "zrevrangebylex", "zlexcount", "zremrangebylex");
        Add("sorted-set", "5.0.0", "zpopmin", "zpopmax");
        Add("sorted-set", "6.2.0", "zmscore", "zrandmember", "zunion", "zinter", "zdiff", "zdiffstore", "zrangestore");
        Add("sorted-set", "7.0.0", "zmpop", "zintercard");
        Add("server", "1.0.0", "info", "dbsize", "flushdb", "flushall", "lastsave", "shutdown", "monitor", "save", "bgsave");
        Add("server", "2.0.0", "config", "config|get", "config|set", "config|resetstat");
        Add("server", "2.8.0", "config|rewrite");
        Add("server", "5.0.0", "config|help", "command|help");
        Add("server", "2.2.12", "slowlog", "slowlog|get", "slowlog|len", "slowlog|reset");
        Add("server", "6.2.0", "slowlog|help");
        Add("server", "2.6.0", "time");
        Add("server", "4.0.0", "swapdb", "memory", "memory|usage", "memory|help");
        Add("server", "2.8.13", "command", "command|count", "command|info", "command|getkeys");
        Add("server", "7.0.0", "command|docs", "command|list");
        Add("generic", "2.2.3", "object|encoding", "object|idletime", "object|refcount");
        Add("generic", "4.0.0", "object|freq");
        Add("generic", "6.2.0", "object|help");
        Add("pubsub", "2.0.0", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish");
        Add("pubsub", "2.8.0", "pubsub");
        Add("pubsub", "7.0.0", "ssubscribe", "sunsubscribe", "spublish");
        Add("transactions", "1.2.0", "multi", "exec");
        Add("transactions", "2.0.0", "discard");
        Add("transactions", "2.2.0", "watch", "unwatch");
        Add("cluster", "3.0.0", "cluster", "readonly", "readwrite");
        return map;
    }
}
