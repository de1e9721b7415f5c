using Hoard.Server.Tracking;

namespace Hoard.Server.Commands.Connection;

/// <summary>CLIENT TRACKING, CACHING, TRACKINGINFO and GETREDIR: client-side caching (<see cref="TrackingHub"/>).</summary>
internal static partial class ClientCommands
{
    /// <summary>CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p …] [OPTIN] [OPTOUT] [NOLOOP].</summary>
    private static void Tracking(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|tracking");
        var mode = TrackingFlags.None;
        long redirect = 0;
        var prefixes = new List<byte[]>();
        for (var i = 3; i < c.Count; i++)
        {
            var more = i + 1 < c.Count;
            if (c.Is(i, "REDIRECT"u8) && more)
            {
                if (!Arguments.TryParseInt64(c[++i], out redirect))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (!c.Server.TryGetConnection(redirect, out _))
                {
                    c.Writer.WriteError("ERR The client ID you want redirect to does not exist"u8);
                    return;
                }
            }
            else if (c.Is(i, "PREFIX"u8) && more)
            {
                prefixes.Add(c[++i].ToArray());
            }
            else if (c.Is(i, "BCAST"u8))
            {
                mode |= TrackingFlags.Broadcast;
            }
            else if (c.Is(i, "OPTIN"u8))
            {
                mode |= TrackingFlags.OptIn;
            }
            else if (c.Is(i, "OPTOUT"u8))
            {
                mode |= TrackingFlags.OptOut;
            }
            else if (c.Is(i, "NOLOOP"u8))
            {
                mode |= TrackingFlags.NoLoop;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        if (c.Is(2, "OFF"u8))
        {
            c.Server.Tracking.Disable(c.Session);
            c.Writer.WriteOk();
            return;
        }

        if (!c.Is(2, "ON"u8))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var broadcast = (mode & TrackingFlags.Broadcast) != 0;
        var optIn = (mode & TrackingFlags.OptIn) != 0;
        var optOut = (mode & TrackingFlags.OptOut) != 0;
        var error = !broadcast && prefixes.Count > 0 ? "ERR PREFIX option requires BCAST mode to be enabled"
            : broadcast && (optIn || optOut) ? "ERR OPTIN and OPTOUT are not compatible with BCAST"
            : optIn && optOut ? "ERR You can't use both OPTIN and OPTOUT"
            : c.Server.Tracking.Enable(c.Session, mode, redirect, prefixes);
        if (error is not null)
        {
            c.Writer.WriteError(error);
            return;
        }

        c.Writer.WriteOk();
    }

    /// <summary>CLIENT CACHING YES|NO: whether the next command's keys are tracked, in OPTIN / OPTOUT mode.</summary>
    private static void Caching(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|caching");
        var tracking = c.Session.Tracking;
        var flags = tracking.Flags;
        if ((flags & TrackingFlags.On) == 0)
        {
            c.Writer.WriteError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"u8);
        }
        else if (c.Is(2, "YES"u8))
        {
            if ((flags & TrackingFlags.OptIn) == 0)
            {
                c.Writer.WriteError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."u8);
                return;
            }

            tracking.Add(TrackingFlags.CachingYes);
            c.Writer.WriteOk();
        }
        else if (c.Is(2, "NO"u8))
        {
            if ((flags & TrackingFlags.OptOut) == 0)
            {
                c.Writer.WriteError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."u8);
                return;
            }

            tracking.Add(TrackingFlags.CachingNo);
            c.Writer.WriteOk();
        }
        else
        {
            c.Writer.WriteError(Errors.Syntax);
        }
    }

    /// <summary>CLIENT TRACKINGINFO: the flags, the client notices go to (-1 when off, 0 itself) and the prefixes.</summary>
    private static void TrackingInfo(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|trackinginfo");
        var tracking = c.Session.Tracking;
        var flags = tracking.Flags;
        c.Writer.WriteMapHeader(3);
        c.Writer.WriteBulkString("flags"u8);
        var names = FlagNames(flags);
        c.Writer.WriteSetHeader(names.Count);
        foreach (var name in names)
        {
            c.Writer.WriteBulkString(name);
        }

        c.Writer.WriteBulkString("redirect"u8);
        c.Writer.WriteInteger((flags & TrackingFlags.On) != 0 ? tracking.RedirectId : -1);
        c.Writer.WriteBulkString("prefixes"u8);
        var prefixes = tracking.Prefixes;
        c.Writer.WriteArrayHeader(prefixes.Count);
        foreach (var prefix in prefixes)
        {
            c.Writer.WriteBulkString(prefix);
        }
    }

    /// <summary>CLIENT GETREDIR: the client notices go to; 0 for this one, -1 when tracking is off.</summary>
    private static void GetRedirect(ref CommandContext c)
    {
        c.Session.RecordSubcommand("client|getredir");
        var tracking = c.Session.Tracking;
        c.Writer.WriteInteger(tracking.IsOn ? tracking.RedirectId : -1);
    }

    private static List<string> FlagNames(TrackingFlags flags)
    {
        if ((flags & TrackingFlags.On) == 0)
        {
            return ["off"];
        }

        var names = new List<string> { "on" };
        void Add(TrackingFlags flag, string name)
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        Add(TrackingFlags.Broadcast, "bcast");
        Add(TrackingFlags.OptIn, "optin");
        if ((flags & TrackingFlags.OptIn) != 0)
        {
            Add(TrackingFlags.CachingYes, "caching-yes");
        }

        Add(TrackingFlags.OptOut, "optout");
        if ((flags & TrackingFlags.OptOut) != 0)
        {
            Add(TrackingFlags.CachingNo, "caching-no");
        }

        Add(TrackingFlags.NoLoop, "noloop");
        Add(TrackingFlags.BrokenRedirect, "broken_redirect");
        return names;
    }
}
