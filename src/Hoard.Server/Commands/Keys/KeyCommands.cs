using System.Buffers.Text;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Keys;

/// <summary>
/// The generic key family (https://redis.io/docs/latest/commands/?group=generic): DEL, UNLINK, EXISTS, TYPE,
/// RENAME, RENAMENX, COPY, KEYS, SCAN, RANDOMKEY, TOUCH here; the TTL commands, DUMP / RESTORE and MIGRATE in the
/// other parts of this class.
/// </summary>
internal static partial class KeyCommands
{
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new("del", -2, CommandFlags.Write, 1, -1, 1, Delete, "Deletes one or more keys."));
        table.Add(new("unlink", -2, WriteFast, 1, -1, 1, Delete, "Asynchronously deletes one or more keys."));
        table.Add(new("exists", -2, ReadFast, 1, -1, 1, Exists, "Determines whether one or more keys exist."));
        table.Add(new("touch", -2, ReadFast, 1, -1, 1, Touch, "Returns the number of existing keys out of those specified after updating the time they were last accessed."));
        table.Add(new("type", 2, ReadFast, 1, 1, 1, TypeOf, "Determines the type of value stored at a key."));
        table.Add(new("rename", 3, CommandFlags.Write, 1, 2, 1, Rename, "Renames a key and overwrites the destination."));
        table.Add(new("renamenx", 3, WriteFast, 1, 2, 1, RenameIfAbsent, "Renames a key only when the target key name doesn't exist."));
        table.Add(new("copy", -3, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, Copy, "Copies the value of a key to a new key."));
        table.Add(new("keys", 2, CommandFlags.ReadOnly, 0, 0, 0, Keys, "Returns all key names that match a pattern."));
        table.Add(new("scan", -2, CommandFlags.ReadOnly, 0, 0, 0, Scan, "Iterates over the key names in the database."));
        table.Add(new("randomkey", 1, CommandFlags.ReadOnly, 0, 0, 0, RandomKey, "Returns a random key name from the database."));
        RegisterExpiry(table);
        RegisterDump(table);
        RegisterMigrate(table);
    }

    /// <summary>DEL / UNLINK: how many of the keys existed (a repeated key counts once, as it is gone after).</summary>
    /// <summary>DEL / UNLINK: how many of the keys existed; a <c>del</c> event for each one deleted.</summary>
    private static void Delete(ref CommandContext c)
    {
        var db = c.Database;
        long count = 0;
        for (var i = 1; i < c.Count; i++)
        {
            if (db.Delete(c[i]))
            {
                count++;
                c.Notify(NotifyClass.Generic, "del"u8, c[i]);
            }
        }

        c.Writer.WriteInteger(count);
    }

    /// <summary>EXISTS: a key given twice counts twice.</summary>
    private static void Exists(ref CommandContext c) => CountKeys(ref c, static (db, key) => db.Exists(key));

    private static void Touch(ref CommandContext c) => CountKeys(ref c, static (db, key) => db.Touch(key));

    /// <summary>
    /// Applies <paramref name="operation"/> to every key argument and replies how many said true; a key it said false
    /// for was missing (<c>keymiss</c>).
    /// </summary>
    private static void CountKeys(ref CommandContext c, Func<Database, ReadOnlySpan<byte>, bool> operation)
    {
        var db = c.Database;
        long count = 0;
        for (var i = 1; i < c.Count; i++)
        {
            if (operation(db, c[i]))
            {
                count++;
            }
            else
            {
                KeyMisses.Notify(ref c, c[i]);
            }
        }

        c.Writer.WriteInteger(count);
    }

    private static void TypeOf(ref CommandContext c)
    {
        var kind = c.Database.TypeOf(c[1]);
        c.Writer.WriteSimpleString(TypeName(kind));
        if (kind == ValueKind.None)
        {
            KeyMisses.Notify(ref c, c[1]);
        }
    }

    /// <summary>TYPE's answer for a kind of value.</summary>
    internal static ReadOnlySpan<byte> TypeName(ValueKind kind) => kind switch
    {
        ValueKind.String => "string"u8,
        ValueKind.Hash => "hash"u8,
        ValueKind.List => "list"u8,
        ValueKind.Set => "set"u8,
        ValueKind.SortedSet => "zset"u8,
        _ => "none"u8,
    };

    private static void Rename(ref CommandContext c)
    {
        var status = c.Database.Rename(c[1], c[2]);
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteOk();
                NotifyRenamed(ref c);
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteError(Errors.NoSuchKey);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void RenameIfAbsent(ref CommandContext c)
    {
        var status = c.Database.Rename(c[1], c[2], onlyIfAbsent: true);
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteInteger(1);
                NotifyRenamed(ref c);
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteInteger(0);
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteError(Errors.NoSuchKey);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    /// <summary>RENAME's events: <c>rename_from</c> for the source, then <c>rename_to</c> for the destination.</summary>
    private static void NotifyRenamed(ref CommandContext c)
    {
        c.Notify(NotifyClass.Generic, "rename_from"u8, c[1]);
        c.Notify(NotifyClass.Generic, "rename_to"u8, c[2]);
    }

    /// <summary>COPY source destination [DB index] [REPLACE]: 1 if copied, 0 if the source is missing or the destination exists.</summary>
    private static void Copy(ref CommandContext c)
    {
        var source = c.Database;
        var target = source;
        var replace = false;
        for (var i = 3; i < c.Count; i++)
        {
            if (Arguments.EqualsIgnoreCase(c[i], "REPLACE"u8))
            {
                replace = true;
            }
            else if (Arguments.EqualsIgnoreCase(c[i], "DB"u8) && i + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++i], out var index) || index is < int.MinValue or > int.MaxValue)
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (index < 0 || index >= c.Server.Keyspace.DatabaseCount)
                {
                    c.Writer.WriteError(Errors.DbIndexOutOfRange);
                    return;
                }

                target = c.Server.Keyspace[(int)index];
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        if (target.Index == source.Index && c[1].SequenceEqual(c[2]))
        {
            c.Writer.WriteError("ERR source and destination objects are the same"u8);
            return;
        }

        var status = source.Copy(c[1], target, c[2], replace);
        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteInteger(1);
                c.Notify(NotifyClass.Generic, "copy_to"u8, c[2], target.Index);
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteInteger(0);
                KeyMisses.Notify(ref c, c[1]);
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteInteger(0);
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    /// <summary>KEYS pattern: every matching key (collected first: the reply starts with their number).</summary>
    private static void Keys(ref CommandContext c)
    {
        var keys = new CollectingSink();
        c.Database.Keys(c[1], ref keys);
        WriteKeys(ref c, OnlyEmptyIf(c[1].IsEmpty, keys.Items));
    }

    /// <summary>SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]: [next cursor, [keys]].</summary>
    private static void Scan(ref CommandContext c)
    {
        if (!TryParseCursor(c[1], out var cursor))
        {
            c.Writer.WriteError("ERR invalid cursor"u8);
            return;
        }

        var pattern = ReadOnlySpan<byte>.Empty;
        var emptyPattern = false;
        long count = 10;
        var type = ValueKind.None;
        for (var i = 2; i < c.Count; i++)
        {
            var word = c[i];
            if (i + 1 >= c.Count)
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }

            if (Arguments.EqualsIgnoreCase(word, "COUNT"u8))
            {
                if (!Arguments.TryParseInt64(c[++i], out count))
                {
                    c.Writer.WriteError(Errors.NotInteger);
                    return;
                }

                if (count < 1)
                {
                    c.Writer.WriteError(Errors.Syntax);
                    return;
                }
            }
            else if (Arguments.EqualsIgnoreCase(word, "MATCH"u8))
            {
                pattern = c[++i];
                emptyPattern = pattern.IsEmpty;
            }
            else if (Arguments.EqualsIgnoreCase(word, "TYPE"u8))
            {
                type = KindNamed(c[++i]);
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var keys = new CollectingSink();
        var next = c.Database.Scan(cursor, pattern, (int)Math.Min(count, int.MaxValue), type, ref keys);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(next, digits, out var written);
        c.Writer.WriteArrayHeader(2);
        c.Writer.WriteBulkString(digits[..written]);
        WriteKeys(ref c, OnlyEmptyIf(emptyPattern, keys.Items));
    }

    /// <summary>
    /// The engine reads an empty pattern as "all keys"; for Redis an empty pattern matches only the empty key.
    /// </summary>
    private static List<byte[]> OnlyEmptyIf(bool emptyPattern, List<byte[]> keys)
    {
        if (emptyPattern)
        {
            keys.RemoveAll(k => k.Length != 0);
        }

        return keys;
    }

    /// <summary>A cursor is an unsigned 64-bit decimal number, nothing else.</summary>
    private static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        return !text.IsEmpty && text[0] is >= (byte)'0' and <= (byte)'9'
            && Utf8Parser.TryParse(text, out cursor, out var consumed) && consumed == text.Length;
    }

    /// <summary>The kind SCAN … TYPE names; a name of no known kind matches no key (Redis 7 does not complain).</summary>
    private static ValueKind KindNamed(ReadOnlySpan<byte> name) => name switch
    {
        _ when Arguments.EqualsIgnoreCase(name, "string"u8) => ValueKind.String,
        _ when Arguments.EqualsIgnoreCase(name, "hash"u8) => ValueKind.Hash,
        _ when Arguments.EqualsIgnoreCase(name, "list"u8) => ValueKind.List,
        _ when Arguments.EqualsIgnoreCase(name, "set"u8) => ValueKind.Set,
        _ when Arguments.EqualsIgnoreCase(name, "zset"u8) => ValueKind.SortedSet,
        _ => NoKind,
    };

    /// <summary>A kind no key has: the engine's type filter then matches nothing.</summary>
    private const ValueKind NoKind = (ValueKind)byte.MaxValue;

    private static void RandomKey(ref CommandContext c)
    {
        var reply = new BulkReply(c.Writer);
        var found = c.Database.RandomKey(ref reply);
        c.Writer = reply.Writer;
        if (!found)
        {
            c.Writer.WriteNull();
        }
    }

    private static void WriteKeys(ref CommandContext c, List<byte[]> keys)
    {
        c.Writer.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            c.Writer.WriteBulkString(key);
        }
    }
}
