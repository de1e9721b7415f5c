using System.Text;
using Hoard.Cluster.Node;
using Hoard.Server.Commands.Connection;
using Hoard.Server.Commands.Server;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands.Cluster;

/// <summary>
/// CLUSTER's read-only subcommands, READONLY, READWRITE and ASKING
/// (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/). The administrative subcommands,
/// which become committed topology entries, are in <see cref="ClusterAdminCommands"/>.
/// </summary>
internal static class ClusterCommands
{
    private const CommandFlags Anytime = CommandFlags.Loading | CommandFlags.Stale;

    public static void Register(CommandTable table)
    {
        var cluster = new Subcommands("cluster")
            .Add("info", 2, Anytime, 0, 0, 0, Info, "Returns information about the state of a node.")
            .Add("myid", 2, Anytime, 0, 0, 0, MyId, "Returns the ID of a node.")
            .Add("myshardid", 2, Anytime, 0, 0, 0, MyShardId, "Returns the shard ID of a node.")
            .Add("nodes", 2, Anytime, 0, 0, 0, Nodes, "Returns the cluster configuration for a node.")
            .Add("slots", 2, Anytime, 0, 0, 0, Slots, "Returns the mapping of cluster slots to nodes.")
            .Add("shards", 2, Anytime, 0, 0, 0, Shards, "Returns the mapping of cluster slots to shards.")
            .Add("replicas", 3, Anytime, 0, 0, 0, Replicas, "Lists the replica nodes of a master node.")
            .Add("slaves", 3, Anytime, 0, 0, 0, Replicas, "Lists the replica nodes of a master node.")
            .Add("keyslot", 3, Anytime, 0, 0, 0, KeySlot, "Returns the hash slot for a key.")
            .Add("countkeysinslot", 3, Anytime, 0, 0, 0, CountKeysInSlot, "Returns the number of keys in a hash slot.")
            .Add("getkeysinslot", 4, Anytime, 0, 0, 0, GetKeysInSlot, "Returns the key names in a hash slot.")
            .Add("help", 2, Anytime, 0, 0, 0, Help, "Returns helpful text about the different subcommands.");
        ClusterAdminCommands.Register(cluster);
        table.Add(new("cluster", -2, CommandFlags.None, 0, 0, 0, cluster.Dispatch, "A container for Redis Cluster commands."));
        table.Add(new("readonly", 1, Anytime | CommandFlags.Fast, 0, 0, 0, ReadOnly, "Enables read-only queries for a connection to a Redis Cluster replica node."));
        table.Add(new("readwrite", 1, Anytime | CommandFlags.Fast, 0, 0, 0, ReadWrite, "Enables read-write queries for a connection to a Redis Cluster replica node."));
        table.Add(new("asking", 1, CommandFlags.Fast, 0, 0, 0, Asking, "Signals that a cluster client is following an -ASK redirect."));
        InternalCommands.Register(table);
    }

    /// <summary>The node's cluster service, or null after writing Redis's error for a node not in cluster mode.</summary>
    internal static ClusterNodeService? Require(ref CommandContext c)
    {
        if (c.Server.Cluster is { } cluster)
        {
            return cluster;
        }

        c.Writer.WriteError("ERR This instance has cluster support disabled"u8);
        return null;
    }

    private static void Info(ref CommandContext c)
    {
        if (Require(ref c) is not { } cluster)
        {
            return;
        }

        var extras = new ClusterInfoExtras(cluster.IsVoter, cluster.HasQuorum, cluster.Leader?.ToString(), Redirected: c.Server.Router?.Redirected ?? 0);
        c.Writer.WriteVerbatim(Encoding.UTF8.GetBytes(ClusterReplies.Info(cluster.Topology, cluster.Self, extras)));
    }

    private static void MyId(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            c.Writer.WriteBulkString(cluster.MyId);
        }
    }

    private static void MyShardId(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            c.Writer.WriteBulkString(cluster.MyShardId);
        }
    }

    private static void Nodes(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            c.Writer.WriteVerbatim(Encoding.UTF8.GetBytes(ClusterReplies.Nodes(cluster.Topology, cluster.Self, c.Server.NowMs())));
        }
    }

    private static void Slots(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            ClusterReplies.Slots(ref c.Writer, cluster.Topology, cluster.Self);
        }
    }

    private static void Shards(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            ClusterReplies.Shards(ref c.Writer, cluster.Topology, cluster.Self);
        }
    }

    private static void Replicas(ref CommandContext c)
    {
        if (Require(ref c) is { } cluster)
        {
            ClusterReplies.Replicas(ref c.Writer, cluster.Topology, cluster.Self, Encoding.UTF8.GetString(c[2]), c.Server.NowMs());
        }
    }

    /// <summary>Works without cluster mode too, as in Redis.</summary>
    private static void KeySlot(ref CommandContext c) => c.Writer.WriteInteger(HashSlot.Of(c[2]));

    private static void CountKeysInSlot(ref CommandContext c)
    {
        if (Require(ref c) is not null && TryParseSlot(ref c, 2, out var slot))
        {
            c.Writer.WriteInteger(c.Server.Keyspace.CountKeysInSlot(slot));
        }
    }

    private static void GetKeysInSlot(ref CommandContext c)
    {
        if (Require(ref c) is null || !TryParseSlot(ref c, 2, out var slot))
        {
            return;
        }

        if (!Arguments.TryParseInt64(c[3], out var count) || count < 0)
        {
            c.Writer.WriteError("ERR Invalid number of keys"u8);
            return;
        }

        var keys = new CollectingSink();
        c.Server.Keyspace[0].KeysInSlot(slot, (int)Math.Min(count, int.MaxValue), ref keys);
        c.Writer.WriteArrayHeader(keys.Items.Count);
        foreach (var key in keys.Items)
        {
            c.Writer.WriteBulkString(key);
        }
    }

    /// <summary>Parses a slot number, writing Redis's error when it is not one.</summary>
    internal static bool TryParseSlot(ref CommandContext c, int index, out int slot)
    {
        if (Arguments.TryParseInt64(c[index], out var value) && value is >= 0 and < HashSlot.Count)
        {
            slot = (int)value;
            return true;
        }

        slot = 0;
        c.Writer.WriteError("ERR Invalid or out of range slot"u8);
        return false;
    }

    private static void ReadOnly(ref CommandContext c)
    {
        if (Require(ref c) is not null)
        {
            c.Session.ReadOnly = true;
            c.Writer.WriteOk();
        }
    }

    private static void ReadWrite(ref CommandContext c)
    {
        if (Require(ref c) is not null)
        {
            c.Session.ReadOnly = false;
            c.Writer.WriteOk();
        }
    }

    private static void Asking(ref CommandContext c)
    {
        if (Require(ref c) is not null)
        {
            c.Session.Asking = true;
            c.Writer.WriteOk();
        }
    }

    private static void Help(ref CommandContext c) => SubcommandHelp.Write(ref c.Writer, "CLUSTER",
    [
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "MYSHARDID",
        "    Return the node's shard id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port@bus-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Accepted for compatibility; epochs are assigned by the consensus group.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "SLAVES <node-id>",
        "    Return <node-id> replicas.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
    ]);
}
