using Hoard.Server.Commands.Cluster;
using Hoard.Server.Commands.Connection;
using Hoard.Server.Commands.Hashes;
using Hoard.Server.Commands.Keys;
using Hoard.Server.Commands.PubSub;
using Hoard.Server.Commands.Replication;
using Hoard.Server.Commands.Server;
using Hoard.Server.Commands.Sets;
using Hoard.Server.Commands.SortedSets;
using Hoard.Server.Commands.Strings;
using Hoard.Server.Commands.Transactions;

namespace Hoard.Server.Commands;

/// <summary>The command table of a Hoard node: every family registers its commands here.</summary>
internal static class BuiltInCommands
{
    public static CommandTable Create()
    {
        var table = new CommandTable();
        ConnectionCommands.Register(table);
        PubSubCommands.Register(table);
        StringCommands.Register(table);
        KeyCommands.Register(table);
        HashCommands.Register(table);
        SetCommands.Register(table);
        SortedSetCommands.Register(table);
        Commands.Lists.ListCommands.Register(table);
        ServerCommands.Register(table);
        CommandCommands.Register(table);
        ClusterCommands.Register(table);
        SlotMoveCommands.Register(table);
        ReplicationCommands.Register(table);
        TransactionCommands.Register(table);
        return table;
    }
}
