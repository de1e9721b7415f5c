using Hoard.Protocol;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Hashes;

/// <summary>The hash commands (https://redis.io/docs/latest/commands/?group=hash), with Redis 7.2's replies.</summary>
internal static class HashCommands
{
    private static ReadOnlySpan<byte> HashNotInteger => "ERR hash value is not an integer"u8;

    private static ReadOnlySpan<byte> HashNotFloat => "ERR hash value is not a float"u8;

    public static void Register(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags read = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("hset", -4, write, 1, 1, 1, HSet, "Creates or modifies the value of a field in a hash."));
        table.Add(new("hsetnx", 4, write, 1, 1, 1, HSetNx, "Sets the value of a field in a hash only when the field doesn't exist."));
        table.Add(new("hmset", -4, write, 1, 1, 1, HMSet, "Sets the values of multiple fields."));
        table.Add(new("hget", 3, read, 1, 1, 1, HGet, "Returns the value of a field in a hash."));
        table.Add(new("hmget", -3, read, 1, 1, 1, HMGet, "Returns the values of all fields in a hash."));
        table.Add(new("hgetall", 2, CommandFlags.ReadOnly, 1, 1, 1, HGetAll, "Returns all fields and values in a hash."));
        table.Add(new("hdel", -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, HDel, "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."));
        table.Add(new("hexists", 3, read, 1, 1, 1, HExists, "Determines whether a field exists in a hash."));
        table.Add(new("hlen", 2, read, 1, 1, 1, HLen, "Returns the number of fields in a hash."));
        table.Add(new("hstrlen", 3, read, 1, 1, 1, HStrLen, "Returns the length of the value of a field."));
        table.Add(new("hkeys", 2, CommandFlags.ReadOnly, 1, 1, 1, HKeys, "Returns all fields in a hash."));
        table.Add(new("hvals", 2, CommandFlags.ReadOnly, 1, 1, 1, HVals, "Returns all values in a hash."));
        table.Add(new("hincrby", 4, write, 1, 1, 1, HIncrBy, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."));
        table.Add(new("hincrbyfloat", 4, write, 1, 1, 1, HIncrByFloat, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."));
        table.Add(new("hrandfield", -2, CommandFlags.ReadOnly, 1, 1, 1, HRandField, "Returns one or more random fields from a hash."));
        table.Add(new("hscan", -3, CommandFlags.ReadOnly, 1, 1, 1, HScan, "Iterates over fields and values of a hash."));
    }

    private static void HSet(ref CommandContext c)
    {
        if (!SetPairs(ref c, out var added))
        {
            return;
        }

        c.Writer.WriteInteger(added);
    }

    private static void HMSet(ref CommandContext c)
    {
        if (SetPairs(ref c, out _))
        {
            c.Writer.WriteOk();
        }
    }

    /// <summary>Sets every field/value pair from argument 2 on; false when an error reply was written.</summary>
    private static bool SetPairs(ref CommandContext c, out long added)
    {
        added = 0;
        if (c.Count % 2 != 0)
        {
            c.Writer.WriteError($"ERR wrong number of arguments for '{(c.Is(0, "HMSET"u8) ? "hmset" : "hset")}' command");
            return false;
        }

        var db = c.Database;
        for (var i = 2; i < c.Count; i += 2)
        {
            var status = db.HashSet(c[1], c[i], c[i + 1], onlyIfNew: false, out var isNew);
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(status));
                return false;
            }

            added += isNew ? 1 : 0;
        }

        c.Notify(NotifyClass.Hash, "hset"u8, c[1]);

        return true;
    }

    private static void HSetNx(ref CommandContext c)
    {
        var status = c.Database.HashSet(c[1], c[2], c[3], onlyIfNew: true, out var added);
        switch (status)
        {
            case StorageStatus.Ok or StorageStatus.NotApplied:
                c.Writer.WriteInteger(added ? 1 : 0);
                if (added)
                {
                    c.Notify(NotifyClass.Hash, "hset"u8, c[1]);
                }

                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void HGet(ref CommandContext c)
    {
        var reply = new BulkReply(c.Writer);
        var status = c.Database.HashGet(c[1], c[2], ref reply);
        c.Writer = reply.Writer;
        Errors.WriteMissingOrError(ref c.Writer, status);
    }

    private static void HMGet(ref CommandContext c)
    {
        var db = c.Database;

        // The type is checked first, so that a wrong-typed key answers an error rather than a half-written array.
        var first = db.HashLength(c[1], out _);
        if (first != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(first));
            return;
        }

        c.Writer.WriteArrayHeader(c.Count - 2);
        for (var i = 2; i < c.Count; i++)
        {
            var reply = new BulkReply(c.Writer);
            db.HashGet(c[1], c[i], ref reply);
            c.Writer = reply.Writer;
            if (!reply.Written)
            {
                // Missing field, missing key, or a key replaced by another type meanwhile: all read as null here.
                c.Writer.WriteNull();
            }
        }
    }

    private static void HGetAll(ref CommandContext c) => WriteAll(ref c, PairShape.Both);

    private static void HKeys(ref CommandContext c) => WriteAll(ref c, PairShape.First);

    private static void HVals(ref CommandContext c) => WriteAll(ref c, PairShape.Second);

    private static void WriteAll(ref CommandContext c, PairShape shape)
    {
        var scratch = new ScratchReply(c.Writer.Version, shape);
        var status = c.Database.HashGetAll(c[1], ref scratch);
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            scratch.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        if (shape == PairShape.Both)
        {
            c.Writer.WriteMapHeader(scratch.Count);
        }
        else
        {
            c.Writer.WriteArrayHeader(scratch.Count);
        }

        scratch.CopyTo(ref c.Writer);
    }

    private static void HDel(ref CommandContext c)
    {
        var db = c.Database;
        long removed = 0;
        for (var i = 2; i < c.Count; i++)
        {
            var status = db.HashDelete(c[1], c[i], out var gone);
            if (status != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(status));
                return;
            }

            removed += gone ? 1 : 0;
        }

        c.Writer.WriteInteger(removed);
        if (removed > 0)
        {
            c.Notify(NotifyClass.Hash, "hdel"u8, c[1]);
            if ((c.Server.Notifications.Active & NotifyClass.Generic) != 0 && !db.Exists(c[1]))
            {
                c.Notify(NotifyClass.Generic, "del"u8, c[1]); // the last field went, and the key with it
            }
        }
    }

    private static void HExists(ref CommandContext c)
    {
        KeyMisses.NotifyIfMissing(ref c, c[1]);
        var status = c.Database.HashExists(c[1], c[2], out var exists);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteInteger(exists ? 1 : 0);
    }

    private static void HLen(ref CommandContext c)
    {
        KeyMisses.NotifyIfMissing(ref c, c[1]);
        var status = c.Database.HashLength(c[1], out var length);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteInteger(length);
    }

    private static void HStrLen(ref CommandContext c)
    {
        KeyMisses.NotifyIfMissing(ref c, c[1]);
        var status = c.Database.HashFieldLength(c[1], c[2], out var length);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteInteger(Math.Max(0, length));
    }

    private static void HIncrBy(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[3], out var delta))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var status = c.Database.HashIncrement(c[1], c[2], delta, out var result);
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteInteger(result);
                c.Notify(NotifyClass.Hash, "hincrby"u8, c[1]);
                break;
            case StorageStatus.NotInteger:
                c.Writer.WriteError(HashNotInteger);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void HIncrByFloat(ref CommandContext c)
    {
        if (!Arguments.TryParseDouble(c[3], out var delta) || double.IsNaN(delta))
        {
            c.Writer.WriteError(Errors.NotFloat);
            return;
        }

        var status = c.Database.HashIncrementFloat(c[1], c[2], delta, out var result);
        switch (status)
        {
            case StorageStatus.Ok:
                // The reply is the text stored, always a bulk string (RESP3 too), as Redis does.
                Span<byte> text = stackalloc byte[RedisNumber.MaxDoubleLength];
                c.Writer.WriteBulkString(text[..RedisNumber.FormatDouble(result, text)]);
                c.Notify(NotifyClass.Hash, "hincrbyfloat"u8, c[1]);
                break;
            case StorageStatus.NotFloat:
                c.Writer.WriteError(HashNotFloat);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void HRandField(ref CommandContext c)
    {
        if (c.Count == 2)
        {
            var one = new ScratchReply(c.Writer.Version, PairShape.First);
            var status = c.Database.HashRandomFields(c[1], 1, ref one);
            if (status == StorageStatus.Ok && one.Count == 1)
            {
                one.CopyTo(ref c.Writer);
                return;
            }

            one.Release();
            Errors.WriteMissingOrError(ref c.Writer, status == StorageStatus.Ok ? StorageStatus.NotFound : status);
            return;
        }

        var withValues = false;
        if (c.Count == 4 && c.Is(3, "WITHVALUES"u8))
        {
            withValues = true;
        }
        else if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var count))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (withValues && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
        {
            c.Writer.WriteError("ERR value is out of range"u8);
            return;
        }

        if (count == 0)
        {
            c.Writer.WriteArrayHeader(0);
            return;
        }

        var shape = !withValues ? PairShape.First : c.Writer.Version == RespVersion.Resp3 ? PairShape.NestedPair : PairShape.Both;
        var scratch = new ScratchReply(c.Writer.Version, shape);
        var result = c.Database.HashRandomFields(c[1], count, ref scratch);
        if (result is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            scratch.Release();
            c.Writer.WriteError(Errors.For(result));
            return;
        }

        c.Writer.WriteArrayHeader(shape == PairShape.Both ? scratch.Count * 2 : scratch.Count);
        scratch.CopyTo(ref c.Writer);
    }

    private static void HScan(ref CommandContext c)
    {
        if (!ScanArguments.TryParseCursor(ref c, out var cursor))
        {
            return;
        }

        if (!ScanArguments.TryParseOptions(ref c, out var patternAt, out var count))
        {
            return;
        }

        var pattern = patternAt > 0 ? c[patternAt] : default;

        var scratch = new ScratchReply(c.Writer.Version, PairShape.Both);
        var status = c.Database.HashScan(c[1], cursor, pattern, count, ref scratch, out var next);
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            scratch.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        ScanArguments.WriteCursor(ref c.Writer, next);
        c.Writer.WriteArrayHeader(scratch.Count * 2);
        scratch.CopyTo(ref c.Writer);
    }
}
