namespace Hoard.Server.Commands.Connection;

/// <summary>PING, ECHO, QUIT, SELECT (https://redis.io/docs/latest/commands/?group=connection).</summary>
internal static class ConnectionCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags always = CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new("ping", -1, always | CommandFlags.SubscribedContext, 0, 0, 0, Ping, "Returns the server's liveliness response."));
        table.Add(new("echo", 2, always, 0, 0, 0, Echo, "Returns the given string."));
        table.Add(new("quit", -1, always | CommandFlags.NoAuth | CommandFlags.SubscribedContext, 0, 0, 0, Quit, "Closes the connection."));
        table.Add(new("select", 2, always, 0, 0, 0, Select, "Changes the selected database."));
    }

    private static void Ping(ref CommandContext c)
    {
        if (c.Count > 2)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'ping' command"u8);
        }
        else if (c.Count == 2)
        {
            c.Writer.WriteBulkString(c[1]);
        }
        else
        {
            c.Writer.WriteSimpleString("PONG"u8);
        }
    }

    private static void Echo(ref CommandContext c) => c.Writer.WriteBulkString(c[1]);

    private static void Quit(ref CommandContext c)
    {
        c.Writer.WriteOk();
        c.Session.CloseRequested = true;
    }

    private static void Select(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[1], out var index))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (index < 0 || index >= c.Server.Keyspace.DatabaseCount)
        {
            c.Writer.WriteError(Errors.DbIndexOutOfRange);
            return;
        }

        c.Session.Database = (int)index;
        c.Writer.WriteOk();
    }
}
