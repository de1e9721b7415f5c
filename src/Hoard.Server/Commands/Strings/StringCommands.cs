using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>GET and SET (https://redis.io/docs/latest/commands/set/), the hot path.</summary>
internal static partial class StringCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new("get", 2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1, Get, "Returns the string value of a key."));
        table.Add(new("set", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Set, "Sets the string value of a key, ignoring its type."));
    }

    private static void Get(ref CommandContext c)
    {
        var reply = new BulkReply(c.Writer);
        var status = c.Database.Get(c[1], ref reply);
        c.Writer = reply.Writer;
        switch (status)
        {
            case StorageStatus.Ok:
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteNull();
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void Set(ref CommandContext c)
    {
        var condition = SetCondition.Always;
        var expiry = Expiry.None;
        var wantOld = false;
        var expirySeen = false;
        for (var i = 3; i < c.Count; i++)
        {
            var word = c[i];
            if (Arguments.EqualsIgnoreCase(word, "NX"u8) && condition == SetCondition.Always)
            {
                condition = SetCondition.IfAbsent;
            }
            else if (Arguments.EqualsIgnoreCase(word, "XX"u8) && condition == SetCondition.Always)
            {
                condition = SetCondition.IfExists;
            }
            else if (Arguments.EqualsIgnoreCase(word, "GET"u8))
            {
                wantOld = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "KEEPTTL"u8) && !expirySeen)
            {
                expirySeen = true;
                expiry = Expiry.KeepTtl;
            }
            else if (!expirySeen && i + 1 < c.Count && TryExpiryOption(word, out var unit, out var absolute))
            {
                expirySeen = true;
                if (!TryExpiry(in c, c[++i], unit, absolute, out expiry))
                {
                    c.Writer.WriteError(Errors.InvalidExpireTime("set"));
                    return;
                }
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var old = new BulkReply(c.Writer);
        var status = c.Database.Set(c[1], c[2], condition, expiry, wantOld, ref old, out var hadOld);
        c.Writer = old.Writer;
        switch (status)
        {
            case StorageStatus.Ok or StorageStatus.NotApplied when wantOld:
                if (!hadOld)
                {
                    c.Writer.WriteNull();
                }

                break;
            case StorageStatus.Ok:
                c.Writer.WriteOk();
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteNull();
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    /// <summary>EX / PX (relative) or EXAT / PXAT (absolute); <paramref name="unit"/> in milliseconds.</summary>
    internal static bool TryExpiryOption(ReadOnlySpan<byte> word, out long unit, out bool absolute)
    {
        (unit, absolute) = word switch
        {
            _ when Arguments.EqualsIgnoreCase(word, "EX"u8) => (1000L, false),
            _ when Arguments.EqualsIgnoreCase(word, "PX"u8) => (1L, false),
            _ when Arguments.EqualsIgnoreCase(word, "EXAT"u8) => (1000L, true),
            _ when Arguments.EqualsIgnoreCase(word, "PXAT"u8) => (1L, true),
            _ => (0L, false),
        };
        return unit != 0;
    }

    /// <summary>Converts an expiry argument; false for "invalid expire time" (not positive, or overflowing).</summary>
    internal static bool TryExpiry(in CommandContext c, ReadOnlySpan<byte> text, long unit, bool absolute, out Expiry expiry)
    {
        expiry = Expiry.None;
        if (!Arguments.TryParseInt64(text, out var amount) || amount <= 0 || amount > long.MaxValue / unit)
        {
            return false;
        }

        var ms = amount * unit;
        if (!absolute)
        {
            var now = c.Server.NowMs();
            if (ms > long.MaxValue - now)
            {
                return false;
            }

            ms += now;
        }

        expiry = Expiry.AtUnixMs(ms);
        return true;
    }
}
