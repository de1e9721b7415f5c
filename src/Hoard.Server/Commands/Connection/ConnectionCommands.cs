using System.Security.Cryptography;
using System.Text;
using Hoard.Protocol;

namespace Hoard.Server.Commands.Connection;

/// <summary>
/// PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET, and CLIENT through <see cref="ClientCommands"/>
/// (https://redis.io/docs/latest/commands/?group=connection).
/// </summary>
internal static class ConnectionCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags always = CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new("ping", -1, always | CommandFlags.SubscribedContext, 0, 0, 0, Ping, "Returns the server's liveliness response."));
        table.Add(new("echo", 2, always, 0, 0, 0, Echo, "Returns the given string."));
        table.Add(new("quit", -1, always | CommandFlags.NoAuth | CommandFlags.SubscribedContext, 0, 0, 0, Quit, "Closes the connection."));
        table.Add(new("select", 2, always, 0, 0, 0, Select, "Changes the selected database."));
        table.Add(new("hello", -1, always | CommandFlags.NoAuth, 0, 0, 0, Hello, "Handshakes with the Redis server."));
        table.Add(new("auth", -2, always | CommandFlags.NoAuth, 0, 0, 0, Auth, "Authenticates the connection."));
        table.Add(new("reset", 1, always | CommandFlags.NoAuth | CommandFlags.SubscribedContext, 0, 0, 0, Reset, "Resets the connection."));
        ClientCommands.Register(table);
    }

    private static void Ping(ref CommandContext c)
    {
        if (c.Count > 2)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'ping' command"u8);
        }
        else if (c.Session.Subscriptions.IsSubscribed && c.Writer.Version == RespVersion.Resp2)
        {
            // Redis's answer in a RESP2 subscribed context, shaped like the messages the client is reading.
            c.Writer.WriteArrayHeader(2);
            c.Writer.WriteBulkString("pong"u8);
            c.Writer.WriteBulkString(c.Count == 2 ? c[1] : default);
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

        if (index != 0 && c.Server.Cluster is not null)
        {
            c.Writer.WriteError("ERR SELECT is not allowed in cluster mode"u8);
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

    /// <summary>HELLO [protover [AUTH username password] [SETNAME clientname]].</summary>
    private static void Hello(ref CommandContext c)
    {
        long version = 0;
        var next = 1;
        if (c.Count >= 2)
        {
            if (!Arguments.TryParseInt64(c[next++], out version))
            {
                c.Writer.WriteError("ERR Protocol version is not an integer or out of range"u8);
                return;
            }

            if (version is < 2 or > 3)
            {
                c.Writer.WriteError("NOPROTO unsupported protocol version"u8);
                return;
            }
        }

        int user = 0, name = 0;
        for (var j = next; j < c.Count; j++)
        {
            var more = c.Count - 1 - j;
            if (c.Is(j, "AUTH"u8) && more >= 2)
            {
                user = j + 1;
                j += 2;
            }
            else if (c.Is(j, "SETNAME"u8) && more >= 1)
            {
                if (!ClientCommands.IsValidAttribute(c[j + 1]))
                {
                    c.Writer.WriteError(ClientCommands.InvalidName);
                    return;
                }

                name = j + 1;
                j++;
            }
            else
            {
                c.Writer.WriteError("ERR Syntax error in HELLO option '" + Encoding.UTF8.GetString(c[j]) + "'");
                return;
            }
        }

        if (user != 0)
        {
            if (!CheckCredentials(c.Server, c[user], c[user + 1]))
            {
                c.Writer.WriteError(WrongPass);
                return;
            }

            c.Session.Authenticated = true;
        }

        if (!c.Session.Authenticated)
        {
            c.Writer.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"u8);
            return;
        }

        if (name != 0)
        {
            c.Session.Name = c[name].IsEmpty ? null : Encoding.ASCII.GetString(c[name]);
        }

        if (version != 0)
        {
            // The reply itself is already in the new protocol, and so is everything after it in this batch.
            c.Session.Protocol = (RespVersion)version;
            c.Writer.Version = c.Session.Protocol;
        }

        c.Writer.WriteMapHeader(7);
        c.Writer.WriteBulkString("server"u8);
        c.Writer.WriteBulkString("redis"u8);
        c.Writer.WriteBulkString("version"u8);
        c.Writer.WriteBulkString(RedisCompatibility.RedisVersion);
        c.Writer.WriteBulkString("proto"u8);
        c.Writer.WriteInteger((long)c.Session.Protocol);
        c.Writer.WriteBulkString("id"u8);
        c.Writer.WriteInteger(c.Session.Id);
        c.Writer.WriteBulkString("mode"u8);
        c.Writer.WriteBulkString(c.Server.Cluster is null ? "standalone"u8 : "cluster"u8);
        c.Writer.WriteBulkString("role"u8);
        c.Writer.WriteBulkString("master"u8);
        c.Writer.WriteBulkString("modules"u8);
        c.Writer.WriteArrayHeader(0);
    }

    /// <summary>AUTH [username] password: only the <c>default</c> user exists, with <c>requirepass</c> as its password.</summary>
    private static void Auth(ref CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        bool valid;
        if (c.Count == 2)
        {
            if (c.Server.Options.RequirePass is null)
            {
                c.Writer.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"u8);
                return;
            }

            valid = CheckCredentials(c.Server, "default"u8, c[1]);
        }
        else
        {
            valid = CheckCredentials(c.Server, c[1], c[2]);
        }

        if (!valid)
        {
            c.Writer.WriteError(WrongPass);
            return;
        }

        c.Session.Authenticated = true;
        c.Writer.WriteOk();
    }

    /// <summary>RESET: back to a new connection's state (db 0, RESP2, no subscriptions, no name, not authenticated).</summary>
    private static void Reset(ref CommandContext c)
    {
        var session = c.Session;
        Transactions.TransactionCommands.End(c.Server, session); // DISCARD and UNWATCH
        c.Server.PubSub.UnsubscribeAll(session.Subscriptions);
        session.Database = 0;
        session.Protocol = RespVersion.Resp2;
        c.Writer.Version = RespVersion.Resp2;
        session.Authenticated = c.Server.Options.RequirePass is null;
        session.Name = null;
        session.NoEvict = false;
        session.NoTouch = false;

        // The library name and version stay: they still describe the client behind the connection.
        c.Writer.WriteSimpleString("RESET"u8);
    }

    private static ReadOnlySpan<byte> WrongPass => "WRONGPASS invalid username-password pair or user is disabled."u8;

    /// <summary>
    /// Whether <paramref name="user"/>/<paramref name="password"/> authenticate: the user must be <c>default</c>; without
    /// <c>requirepass</c> it has no password (any is accepted), otherwise the password is compared in constant time.
    /// </summary>
    private static bool CheckCredentials(HoardServer server, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        if (!user.SequenceEqual("default"u8))
        {
            return false;
        }

        var required = server.Options.RequirePass;
        return required is null || CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(required), password);
    }
}
