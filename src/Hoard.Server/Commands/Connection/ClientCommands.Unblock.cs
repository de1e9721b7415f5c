namespace Hoard.Server.Commands.Connection;

/// <summary>CLIENT UNBLOCK (https://redis.io/docs/latest/commands/client-unblock/).</summary>
internal static partial class ClientCommands
{
    /// <summary>Ends a blocked client's wait as its timeout would (TIMEOUT, the default) or with an error (ERROR): 1, or 0 if it was not blocked.</summary>
    private static void Unblock(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|unblock");
        if (!Arguments.TryParseInt64(c[2], out var id))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var error = false;
        if (c.Count == 4)
        {
            error = c.Is(3, "ERROR"u8);
            if (!error && !c.Is(3, "TIMEOUT"u8))
            {
                c.Writer.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"u8);
                return;
            }
        }

        var target = c.Server.Clients.FirstOrDefault(s => s.Id == id);
        var unblocked = target is not null
            && c.Server.Blocking.Unblock(target, error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null);
        c.Writer.WriteInteger(unblocked ? 1 : 0);
    }
}
