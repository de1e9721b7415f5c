using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>SET's and GET's variants: SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX.</summary>
internal static partial class StringCommands
{
    private static void SetIfAbsent(ref CommandContext c)
    {
        var status = c.Database.Set(c[1], c[2], SetCondition.IfAbsent);
        WriteAppliedOrError(ref c, status);
        if (status == StorageStatus.Ok)
        {
            c.Notify(NotifyClass.String, "set"u8, c[1]);
        }
    }

    private static void SetWithSeconds(ref CommandContext c) => SetWithTtl(ref c, 1000, "setex"u8);

    private static void SetWithMilliseconds(ref CommandContext c) => SetWithTtl(ref c, 1, "psetex"u8);

    /// <summary>SETEX / PSETEX key ttl value.</summary>
    private static void SetWithTtl(ref CommandContext c, long unit, ReadOnlySpan<byte> command)
    {
        if (!Arguments.TryParseInt64(c[2], out var amount))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (!TryExpiry(in c, amount, unit, absolute: false, out var expiry))
        {
            WriteInvalidExpireTime(ref c, command);
            return;
        }

        var status = c.Database.Set(c[1], c[3], SetCondition.Always, expiry);
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteOk();
            c.Notify(NotifyClass.String, "set"u8, c[1]);
            c.Notify(NotifyClass.Generic, "expire"u8, c[1]);
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    /// <summary>GETSET: SET key value GET (the TTL is dropped, as SET does).</summary>
    private static void GetSet(ref CommandContext c)
    {
        var old = new BulkReply(c.Writer);
        var status = c.Database.Set(c[1], c[2], SetCondition.Always, Expiry.None, wantOld: true, ref old, out var hadOld);
        c.Writer = old.Writer;
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
        else if (!hadOld)
        {
            c.Writer.WriteNull();
        }

        if (status == StorageStatus.Ok)
        {
            c.Notify(NotifyClass.String, "set"u8, c[1]);
        }
    }

    private static void GetDelete(ref CommandContext c)
    {
        var reply = new BulkReply(c.Writer);
        var status = c.Database.GetDelete(c[1], ref reply);
        c.Writer = reply.Writer;
        WriteValueStatus(ref c, status);
        if (status == StorageStatus.Ok)
        {
            c.Notify(NotifyClass.Generic, "del"u8, c[1]);
        }
    }

    /// <summary>GETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST]; without an option it is GET.</summary>
    private static void GetExpire(ref CommandContext c)
    {
        var options = new StringOptions();
        if (!options.TryParse(in c, 2, isSet: false))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (!options.TryResolveExpiry(ref c, "getex"u8, out var expiry))
        {
            return;
        }

        // No option leaves the TTL as it is; PERSIST removes it (Expiry.None).
        if (options.Ttl == TtlChoice.None)
        {
            expiry = Expiry.KeepTtl;
        }

        // PERSIST raises "persist" only when there was a TTL to remove: looked up only when someone listens.
        var hadTtl = options.Ttl == TtlChoice.Persist && (c.Server.Notifications.Active & NotifyClass.Generic) != 0
            && c.Database.GetExpireAt(c[1]) > 0;
        var reply = new BulkReply(c.Writer);
        var status = c.Database.GetAndExpire(c[1], expiry, ref reply);
        c.Writer = reply.Writer;
        if (status == StorageStatus.OutOfMemory && reply.Written)
        {
            // The value is already in the reply; Redis cannot fail here, so the TTL change is simply not made.
            return;
        }

        WriteValueStatus(ref c, status);
        if (status == StorageStatus.Ok && options.Ttl != TtlChoice.None)
        {
            if (options.Ttl == TtlChoice.Persist)
            {
                if (hadTtl)
                {
                    c.Notify(NotifyClass.Generic, "persist"u8, c[1]);
                }
            }
            else
            {
                c.Notify(NotifyClass.Generic, expiry.At <= c.Server.NowMs() ? "del"u8 : "expire"u8, c[1]);
            }
        }
    }

    /// <summary>MGET: nil for a missing key or one holding another type.</summary>
    private static void MultiGet(ref CommandContext c)
    {
        var db = c.Database;
        c.Writer.WriteArrayHeader(c.Count - 1);
        for (var i = 1; i < c.Count; i++)
        {
            var reply = new BulkReply(c.Writer);
            var status = db.Get(c[i], ref reply);
            c.Writer = reply.Writer;
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteNull();
            }
        }
    }

    private static void MultiSet(ref CommandContext c)
    {
        if (c.Count % 2 == 0)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'mset' command"u8);
            return;
        }

        var db = c.Database;
        for (var i = 1; i < c.Count; i += 2)
        {
            var status = db.Set(c[i], c[i + 1]);
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }

            c.Notify(NotifyClass.String, "set"u8, c[i]);
        }

        c.Writer.WriteOk();
    }

    /// <summary>MSETNX: 0 and nothing written if any key exists, else every key is set and 1.</summary>
    private static void MultiSetIfAbsent(ref CommandContext c)
    {
        if (c.Count % 2 == 0)
        {
            c.Writer.WriteError("ERR wrong number of arguments for 'msetnx' command"u8);
            return;
        }

        var db = c.Database;
        for (var i = 1; i < c.Count; i += 2)
        {
            if (db.Exists(c[i]))
            {
                c.Writer.WriteInteger(0);
                return;
            }
        }

        for (var i = 1; i < c.Count; i += 2)
        {
            var status = db.Set(c[i], c[i + 1]);
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }

            c.Notify(NotifyClass.String, "set"u8, c[i]);
        }

        c.Writer.WriteInteger(1);
    }

    /// <summary>After a read into a <see cref="BulkReply"/>: nil when missing, the error when failed.</summary>
    private static void WriteValueStatus(ref CommandContext c, StorageStatus status)
    {
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

    /// <summary>1 when done, 0 when a condition stopped it, the error otherwise.</summary>
    private static void WriteAppliedOrError(ref CommandContext c, StorageStatus status)
    {
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteInteger(1);
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteInteger(0);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }
}
