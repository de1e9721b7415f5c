using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Keys;

/// <summary>
/// TTL commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with Redis 7's NX / XX / GT / LT), TTL, PTTL, EXPIRETIME,
/// PEXPIRETIME, PERSIST.
/// </summary>
internal static partial class KeyCommands
{
    private static void RegisterExpiry(CommandTable table)
    {
        table.Add(new("expire", -3, WriteFast, 1, 1, 1, Expire, "Sets the expiration time of a key in seconds."));
        table.Add(new("pexpire", -3, WriteFast, 1, 1, 1, ExpireMilliseconds, "Sets the expiration time of a key in milliseconds."));
        table.Add(new("expireat", -3, WriteFast, 1, 1, 1, ExpireAt, "Sets the expiration time of a key to a Unix timestamp."));
        table.Add(new("pexpireat", -3, WriteFast, 1, 1, 1, ExpireAtMilliseconds, "Sets the expiration time of a key to a Unix milliseconds timestamp."));
        table.Add(new("ttl", 2, ReadFast, 1, 1, 1, TimeToLive, "Returns the expiration time in seconds of a key."));
        table.Add(new("pttl", 2, ReadFast, 1, 1, 1, TimeToLiveMilliseconds, "Returns the expiration time in milliseconds of a key."));
        table.Add(new("expiretime", 2, ReadFast, 1, 1, 1, ExpireTime, "Returns the expiration time of a key as a Unix timestamp."));
        table.Add(new("pexpiretime", 2, ReadFast, 1, 1, 1, ExpireTimeMilliseconds, "Returns the expiration time of a key as a Unix milliseconds timestamp."));
        table.Add(new("persist", 2, WriteFast, 1, 1, 1, Persist, "Removes the expiration time of a key."));
    }

    private static void Expire(ref CommandContext c) => SetExpiry(ref c, 1000, relative: true, "expire"u8);

    private static void ExpireMilliseconds(ref CommandContext c) => SetExpiry(ref c, 1, relative: true, "pexpire"u8);

    private static void ExpireAt(ref CommandContext c) => SetExpiry(ref c, 1000, relative: false, "expireat"u8);

    private static void ExpireAtMilliseconds(ref CommandContext c) => SetExpiry(ref c, 1, relative: false, "pexpireat"u8);

    /// <summary>
    /// Redis's expireGenericCommand: options first, then the number, overflow checks, and only then the key.
    /// A time in the past deletes the key (reply 1). Negative times are allowed.
    /// </summary>
    private static void SetExpiry(ref CommandContext c, long unit, bool relative, ReadOnlySpan<byte> command)
    {
        bool nx = false, xx = false, gt = false, lt = false;
        for (var i = 3; i < c.Count; i++)
        {
            var word = c[i];
            if (Arguments.EqualsIgnoreCase(word, "NX"u8))
            {
                nx = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "XX"u8))
            {
                xx = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "GT"u8))
            {
                gt = true;
            }
            else if (Arguments.EqualsIgnoreCase(word, "LT"u8))
            {
                lt = true;
            }
            else
            {
                WriteUnsupportedOption(ref c, word);
                return;
            }
        }

        if (nx && (xx || gt || lt))
        {
            c.Writer.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible"u8);
            return;
        }

        if (gt && lt)
        {
            c.Writer.WriteError("ERR GT and LT options at the same time are not compatible"u8);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var when))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (unit != 1)
        {
            if (when > long.MaxValue / unit || when < long.MinValue / unit)
            {
                Strings.StringCommands.WriteInvalidExpireTime(ref c, command);
                return;
            }

            when *= unit;
        }

        var basetime = relative ? c.Server.NowMs() : 0;
        if (when > long.MaxValue - basetime)
        {
            Strings.StringCommands.WriteInvalidExpireTime(ref c, command);
            return;
        }

        when += basetime;
        var db = c.Database;
        var condition = (nx, xx, gt, lt) switch
        {
            (true, _, _, _) => ExpireCondition.IfNoTtl,
            (_, _, true, _) => ExpireCondition.IfLater, // XX GT is GT: a key without TTL never passes GT
            (_, _, _, true) => ExpireCondition.IfEarlier,
            (_, true, _, _) => ExpireCondition.IfHasTtl,
            _ => ExpireCondition.Always,
        };

        // XX LT: the engine's LT lets a key without TTL pass; XX refuses it (checked apart, not atomically).
        if (xx && lt && db.GetExpireAt(c[1]) == -1)
        {
            c.Writer.WriteInteger(0);
            return;
        }

        var status = db.SetExpireAt(c[1], when, condition);
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteInteger(1);
                c.Notify(NotifyClass.Generic, when <= c.Server.NowMs() ? "del"u8 : "expire"u8, c[1]); // a past time deletes
                break;
            case StorageStatus.NotFound or StorageStatus.NotApplied:
                c.Writer.WriteInteger(0);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    /// <summary><c>-ERR Unsupported option …</c>, built on the stack.</summary>
    private static void WriteUnsupportedOption(ref CommandContext c, ReadOnlySpan<byte> option)
    {
        var prefix = "ERR Unsupported option "u8;
        var shown = option[..Math.Min(option.Length, 128)];
        Span<byte> text = stackalloc byte[prefix.Length + 128];
        prefix.CopyTo(text);
        shown.CopyTo(text[prefix.Length..]);
        c.Writer.WriteError(text[..(prefix.Length + shown.Length)]);
    }

    private static void TimeToLive(ref CommandContext c) => WriteTtl(ref c, milliseconds: false, absolute: false);

    private static void TimeToLiveMilliseconds(ref CommandContext c) => WriteTtl(ref c, milliseconds: true, absolute: false);

    private static void ExpireTime(ref CommandContext c) => WriteTtl(ref c, milliseconds: false, absolute: true);

    private static void ExpireTimeMilliseconds(ref CommandContext c) => WriteTtl(ref c, milliseconds: true, absolute: true);

    /// <summary>
    /// Redis's ttlGenericCommand: -2 missing, -1 no TTL; else the time left (never below 0) or the absolute time,
    /// seconds rounded to the nearest.
    /// </summary>
    private static void WriteTtl(ref CommandContext c, bool milliseconds, bool absolute)
    {
        var at = c.Database.GetExpireAt(c[1]);
        if (at < 0)
        {
            c.Writer.WriteInteger(at);
            if (at == -2)
            {
                KeyMisses.Notify(ref c, c[1]);
            }

            return;
        }

        var ttl = absolute ? at : Math.Max(0, at - c.Server.NowMs());
        c.Writer.WriteInteger(milliseconds ? ttl : (ttl / 1000) + (ttl % 1000 >= 500 ? 1 : 0));
    }

    private static void Persist(ref CommandContext c)
    {
        var removed = c.Database.Persist(c[1]);
        c.Writer.WriteInteger(removed ? 1 : 0);
        if (removed)
        {
            c.Notify(NotifyClass.Generic, "persist"u8, c[1]);
        }
    }
}
