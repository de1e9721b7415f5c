using System.Globalization;
using System.Text;
using Hoard.Server.Connections;

namespace Hoard.Server.Commands.Connection;

/// <summary>
/// CLIENT ID, INFO, LIST, KILL, SETNAME, GETNAME, SETINFO, NO-EVICT, NO-TOUCH, TRACKING, CACHING, TRACKINGINFO, GETREDIR, HELP
/// (https://redis.io/docs/latest/commands/client/), with Redis 7.2's replies and CLIENT LIST line format.
/// </summary>
internal static partial class ClientCommands
{
    /// <summary>Redis's error for a name with a character outside <c>!</c>…<c>~</c>.</summary>
    public static ReadOnlySpan<byte> InvalidName => "ERR Client names cannot contain spaces, newlines or special characters."u8;

    // The input buffer a connection reads into (CLIENT LIST rbs).
    private const int ReadBufferSize = 16 * 1024;

    private static readonly (string Name, int Arity)[] Subcommands =
    [
        ("ID", 2), ("INFO", 2), ("LIST", -2), ("KILL", -3), ("SETNAME", 3), ("GETNAME", 2), ("SETINFO", 4),
        ("NO-EVICT", 3), ("NO-TOUCH", 3), ("TRACKING", -3), ("CACHING", 3), ("TRACKINGINFO", 2), ("GETREDIR", 2), ("UNBLOCK", -3), ("HELP", 2),
    ];

    private static readonly string[] HelpLines =
    [
        "CACHING (YES|NO)",
        "    In OPTIN mode, track the keys of the next command (YES); in OPTOUT mode, do not (NO).",
        "GETNAME",
        "    Return the name of the current connection.",
        "GETREDIR",
        "    Return the ID of the client tracking notices go to: 0 for this one, -1 when tracking is off.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> ...] [OPTIN] [OPTOUT] [NOLOOP]",
        "    Be told when keys this connection read (or, with BCAST, keys with a prefix) change: client-side caching.",
        "TRACKINGINFO",
        "    Report this connection's tracking flags, redirect and prefixes.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
    ];

    private enum ClientType
    {
        None = -1,
        Normal,
        Replica,
        PubSub,
        Master,
    }

    public static void Register(CommandTable table) =>
        table.Add(new("client", -2, CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0, Client, "A container for client connection commands."));

    /// <summary>Whether a name or library attribute shows safely in CLIENT LIST: only the bytes <c>!</c> to <c>~</c>.</summary>
    public static bool IsValidAttribute(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is < (byte)'!' or > (byte)'~')
            {
                return false;
            }
        }

        return true;
    }

    private static void Client(ref CommandContext c)
    {
        if (c.Is(1, "ID"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("client|id");
            c.Writer.WriteInteger(c.Session.Id);
        }
        else if (c.Is(1, "INFO"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("client|info");
            c.Writer.WriteVerbatim(Encoding.UTF8.GetBytes(Describe(c.Session, DateTimeOffset.UtcNow, "client|info") + "\n"));
        }
        else if (c.Is(1, "LIST"u8))
        {
            List(ref c);
        }
        else if (c.Is(1, "KILL"u8) && c.Count >= 3)
        {
            Kill(ref c);
        }
        else if (c.Is(1, "UNBLOCK"u8) && c.Count is 3 or 4)
        {
            Unblock(ref c);
        }
        else if (c.Is(1, "SETNAME"u8) && c.Count == 3)
        {
            c.Session.RecordSubcommand("client|setname");
            if (!IsValidAttribute(c[2]))
            {
                c.Writer.WriteError(InvalidName);
                return;
            }

            c.Session.Name = c[2].IsEmpty ? null : Encoding.ASCII.GetString(c[2]);
            c.Writer.WriteOk();
        }
        else if (c.Is(1, "GETNAME"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("client|getname");
            if (c.Session.Name is { } name)
            {
                c.Writer.WriteBulkString(name);
            }
            else
            {
                c.Writer.WriteNull();
            }
        }
        else if (c.Is(1, "SETINFO"u8) && c.Count == 4)
        {
            SetInfo(ref c);
        }
        else if ((c.Is(1, "NO-EVICT"u8) || c.Is(1, "NO-TOUCH"u8)) && c.Count == 3)
        {
            var evict = c.Is(1, "NO-EVICT"u8);
            c.Session.RecordSubcommand(evict ? "client|no-evict" : "client|no-touch");
            bool on;
            if (c.Is(2, "ON"u8))
            {
                on = true;
            }
            else if (c.Is(2, "OFF"u8))
            {
                on = false;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }

            if (evict)
            {
                c.Session.NoEvict = on;
            }
            else
            {
                c.Session.NoTouch = on;
            }

            c.Writer.WriteOk();
        }
        else if (c.Is(1, "TRACKING"u8) && c.Count >= 3)
        {
            Tracking(ref c);
        }
        else if (c.Is(1, "CACHING"u8) && c.Count == 3)
        {
            Caching(ref c);
        }
        else if (c.Is(1, "TRACKINGINFO"u8) && c.Count == 2)
        {
            TrackingInfo(ref c);
        }
        else if (c.Is(1, "GETREDIR"u8) && c.Count == 2)
        {
            GetRedirect(ref c);
        }
        else if (c.Is(1, "HELP"u8) && c.Count == 2)
        {
            c.Session.RecordSubcommand("client|help");
            SubcommandHelp.Write(ref c.Writer, "CLIENT", HelpLines);
        }
        else
        {
            SubcommandHelp.WriteError(ref c, "CLIENT", Subcommands);
        }
    }

    /// <summary>CLIENT LIST [TYPE type] | [ID id …]: one line per client, in connection order.</summary>
    private static void List(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|list");
        var type = ClientType.None;
        HashSet<long>? ids = null;
        if (c.Count == 4 && c.Is(2, "TYPE"u8))
        {
            type = ParseType(c[3]);
            if (type == ClientType.None)
            {
                c.Writer.WriteError("ERR Unknown client type '" + Encoding.UTF8.GetString(c[3]) + "'");
                return;
            }
        }
        else if (c.Count > 3 && c.Is(2, "ID"u8))
        {
            ids = [];
            for (var i = 3; i < c.Count; i++)
            {
                if (!Arguments.TryParseInt64(c[i], out var id))
                {
                    c.Writer.WriteError("ERR Invalid client ID"u8);
                    return;
                }

                ids.Add(id);
            }
        }
        else if (c.Count != 2)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var text = new StringBuilder();
        foreach (var session in c.Server.Clients.OrderBy(s => s.Id))
        {
            if ((ids is not null && !ids.Contains(session.Id)) || (type != ClientType.None && TypeOf(session) != type))
            {
                continue;
            }

            text.Append(Describe(session, now, ReferenceEquals(session, c.Session) ? "client|list" : null)).Append('\n');
        }

        c.Writer.WriteVerbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>CLIENT KILL ip:port (reply OK or an error) | CLIENT KILL filter value … (reply: how many were killed).</summary>
    private static void Kill(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|kill");
        string? address = null, local = null;
        var type = ClientType.None;
        long id = 0;
        var skipMe = true;
        if (c.Count == 3)
        {
            // The old form: a client may kill itself.
            address = Encoding.UTF8.GetString(c[2]);
            skipMe = false;
        }
        else
        {
            for (var i = 2; i < c.Count; i += 2)
            {
                var more = c.Count > i + 1;
                if (c.Is(i, "ID"u8) && more)
                {
                    if (!Arguments.TryParseInt64(c[i + 1], out id) || id < 1)
                    {
                        c.Writer.WriteError("ERR client-id should be greater than 0"u8);
                        return;
                    }
                }
                else if (c.Is(i, "TYPE"u8) && more)
                {
                    type = ParseType(c[i + 1]);
                    if (type == ClientType.None)
                    {
                        c.Writer.WriteError("ERR Unknown client type '" + Encoding.UTF8.GetString(c[i + 1]) + "'");
                        return;
                    }
                }
                else if (c.Is(i, "ADDR"u8) && more)
                {
                    address = Encoding.UTF8.GetString(c[i + 1]);
                }
                else if (c.Is(i, "LADDR"u8) && more)
                {
                    local = Encoding.UTF8.GetString(c[i + 1]);
                }
                else if (c.Is(i, "USER"u8) && more)
                {
                    if (!c[i + 1].SequenceEqual("default"u8))
                    {
                        c.Writer.WriteError("ERR No such user '" + Encoding.UTF8.GetString(c[i + 1]) + "'");
                        return;
                    }
                }
                else if (c.Is(i, "SKIPME"u8) && more)
                {
                    if (c.Is(i + 1, "YES"u8))
                    {
                        skipMe = true;
                    }
                    else if (c.Is(i + 1, "NO"u8))
                    {
                        skipMe = false;
                    }
                    else
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
        }

        var killed = 0;
        var closeSelf = false;
        foreach (var session in c.Server.Clients.ToList())
        {
            if ((address is not null && Address(session.Remote) != address)
                || (local is not null && Address(session.Local) != local)
                || (type != ClientType.None && TypeOf(session) != type)
                || (id != 0 && session.Id != id)
                || (skipMe && ReferenceEquals(session, c.Session))
                || (session.CloseRequested && !ReferenceEquals(session, c.Session)))
            {
                // A client already closing (killed, QUIT) is gone for Redis, which frees it at once.
                continue;
            }

            if (ReferenceEquals(session, c.Session))
            {
                closeSelf = true;
            }
            else
            {
                c.Server.Disconnect(session.Id);
            }

            killed++;
        }

        if (c.Count == 3)
        {
            if (killed == 0)
            {
                c.Writer.WriteError("ERR No such client"u8);
            }
            else
            {
                c.Writer.WriteOk();
            }
        }
        else
        {
            c.Writer.WriteInteger(killed);
        }

        // After the reply is queued: it is sent, then the connection closes.
        if (closeSelf)
        {
            c.Session.CloseRequested = true;
        }
    }

    /// <summary>CLIENT SETINFO LIB-NAME|LIB-VER value (an empty value clears it).</summary>
    private static void SetInfo(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|setinfo");
        var name = c.Is(2, "LIB-NAME"u8);
        if (!name && !c.Is(2, "LIB-VER"u8))
        {
            c.Writer.WriteError("ERR Unrecognized option '" + Encoding.UTF8.GetString(c[2]) + "'");
            return;
        }

        if (!IsValidAttribute(c[3]))
        {
            c.Writer.WriteError("ERR " + Encoding.UTF8.GetString(c[2]) + " cannot contain spaces, newlines or special characters.");
            return;
        }

        var value = c[3].IsEmpty ? null : Encoding.ASCII.GetString(c[3]);
        if (name)
        {
            c.Session.LibraryName = value;
        }
        else
        {
            c.Session.LibraryVersion = value;
        }

        c.Writer.WriteOk();
    }

    private static ClientType ParseType(ReadOnlySpan<byte> name) =>
        Arguments.EqualsIgnoreCase(name, "normal"u8) ? ClientType.Normal
        : Arguments.EqualsIgnoreCase(name, "slave"u8) || Arguments.EqualsIgnoreCase(name, "replica"u8) ? ClientType.Replica
        : Arguments.EqualsIgnoreCase(name, "pubsub"u8) ? ClientType.PubSub
        : Arguments.EqualsIgnoreCase(name, "master"u8) ? ClientType.Master
        : ClientType.None;

    private static ClientType TypeOf(ClientSession session) =>
        session.Subscriptions.IsSubscribed ? ClientType.PubSub : ClientType.Normal;

    private static string Address(System.Net.EndPoint? endPoint) => endPoint?.ToString() ?? "";

    /// <summary>One CLIENT LIST line (no newline), fields in Redis 7.2's order.</summary>
    /// <param name="session">The client.</param>
    /// <param name="now">The time age and idle are counted to.</param>
    /// <param name="running">The full name of the command the client is running now (its own CLIENT LIST/INFO).</param>
    internal static string Describe(ClientSession session, DateTimeOffset now, string? running)
    {
        var flags = new StringBuilder();
        if (session.Subscriptions.IsSubscribed)
        {
            flags.Append('P');
        }

        if (session.InTransaction)
        {
            flags.Append('x');
        }

        if (session.Transaction is { Dirty: true })
        {
            flags.Append('d'); // a WATCHed key was touched: EXEC will fail
        }

        if (session.CloseRequested)
        {
            flags.Append('c');
        }

        if (session.NoEvict)
        {
            flags.Append('e');
        }

        if (session.NoTouch)
        {
            flags.Append('T');
        }

        var tracking = session.Tracking.Flags;
        if ((tracking & Hoard.Server.Tracking.TrackingFlags.On) != 0)
        {
            flags.Append('t');
        }

        if ((tracking & Hoard.Server.Tracking.TrackingFlags.BrokenRedirect) != 0)
        {
            flags.Append('R');
        }

        if ((tracking & Hoard.Server.Tracking.TrackingFlags.Broadcast) != 0)
        {
            flags.Append('B');
        }

        if (flags.Length == 0)
        {
            flags.Append('N');
        }

        var pending = session.PendingOutput?.Invoke() ?? 0;
        var age = (long)Math.Max(0, (now - session.CreatedAt).TotalSeconds);
        var idle = running is not null ? 0 : (long)Math.Max(0, (now - session.LastActiveAt).TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"id={session.Id} addr={Address(session.Remote)} laddr={Address(session.Local)} fd={session.FileDescriptor} " +
            $"name={session.Name} age={age} idle={idle} flags={flags} db={session.Database} " +
            $"sub={session.Subscriptions.ChannelCount} psub={session.Subscriptions.PatternCount} ssub={session.Subscriptions.ShardChannelCount} multi={(session.InTransaction ? session.Transaction!.Queued.Count : -1)} " +
            $"qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs={ReadBufferSize} rbp=0 obl=0 oll=0 omem={pending} " +
            $"tot-mem={ReadBufferSize + pending} events=r cmd={running ?? session.LastCommand} user=default redir=-1 " +
            $"resp={(int)session.Protocol} lib-name={session.LibraryName} lib-ver={session.LibraryVersion}");
    }
}
