using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Lists;

/// <summary>The list commands (https://redis.io/docs/latest/commands/?group=list), with Redis 7.2's replies and errors.</summary>
internal static partial class ListCommands
{
    private static ReadOnlySpan<byte> MustBePositive => "ERR value is out of range, must be positive"u8;

    private static ReadOnlySpan<byte> IndexOutOfRange => "ERR index out of range"u8;

    public static void Register(CommandTable table)
    {
        const CommandFlags push = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags pop = CommandFlags.Write | CommandFlags.Fast;
        const CommandFlags read = CommandFlags.ReadOnly;
        table.Add(new("lpush", -3, push, 1, 1, 1, LPush, "Prepends one or more elements to a list. Creates the key if it doesn't exist."));
        table.Add(new("rpush", -3, push, 1, 1, 1, RPush, "Appends one or more elements to a list. Creates the key if it doesn't exist."));
        table.Add(new("lpushx", -3, push, 1, 1, 1, LPushX, "Prepends one or more elements to a list only when the list exists."));
        table.Add(new("rpushx", -3, push, 1, 1, 1, RPushX, "Appends an element to a list only when the list exists."));
        table.Add(new("lpop", -2, pop, 1, 1, 1, LPop, "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."));
        table.Add(new("rpop", -2, pop, 1, 1, 1, RPop, "Returns and removes the last elements of a list. Deletes the list if the last element was popped."));
        table.Add(new("llen", 2, read | CommandFlags.Fast, 1, 1, 1, LLen, "Returns the length of a list."));
        table.Add(new("lrange", 4, read, 1, 1, 1, LRange, "Returns a range of elements from a list."));
        table.Add(new("lindex", 3, read, 1, 1, 1, LIndex, "Returns an element from a list by its index."));
        table.Add(new("lset", 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, LSet, "Sets the value of an element in a list by its index."));
        table.Add(new("linsert", 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, LInsert, "Inserts an element before or after another element in a list."));
        table.Add(new("lrem", 4, CommandFlags.Write, 1, 1, 1, LRem, "Removes elements from a list. Deletes the list if the last element was removed."));
        table.Add(new("ltrim", 4, CommandFlags.Write, 1, 1, 1, LTrim, "Removes elements from both ends a list. Deletes the list if all elements were trimmed."));
        table.Add(new("lpos", -3, read, 1, 1, 1, LPos, "Returns the index of matching elements in a list."));
        table.Add(new("lmove", 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, LMove, "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."));
        table.Add(new("rpoplpush", 3, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, RPopLPush, "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."));
        table.Add(new("lmpop", -4, CommandFlags.Write, 0, 0, 0, LMPop, "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.") { KeyCountAt = 1 });
        RegisterBlocking(table);
    }

    private static void LPush(ref CommandContext c) => Push(ref c, left: true, onlyIfExists: false);

    private static void RPush(ref CommandContext c) => Push(ref c, left: false, onlyIfExists: false);

    private static void LPushX(ref CommandContext c) => Push(ref c, left: true, onlyIfExists: true);

    private static void RPushX(ref CommandContext c) => Push(ref c, left: false, onlyIfExists: true);

    private static void Push(ref CommandContext c, bool left, bool onlyIfExists)
    {
        var status = c.Database.ListPush(c[1], new ArgumentElements(c.Args, 2), left, onlyIfExists, out var length);
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteInteger(length);
            if (length > 0)
            {
                c.Notify(NotifyClass.List, PushEvent(left), c[1]); // an X form that met no list pushed nothing
            }
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    private static void LPop(ref CommandContext c) => Pop(ref c, left: true);

    private static void RPop(ref CommandContext c) => Pop(ref c, left: false);

    private static void Pop(ref CommandContext c, bool left)
    {
        if (c.Count > 3)
        {
            c.Writer.WriteError($"ERR wrong number of arguments for '{(left ? "lpop" : "rpop")}' command");
            return;
        }

        var hasCount = c.Count == 3;
        long count = 1;
        if (hasCount && (!Arguments.TryParseInt64(c[2], out count) || count < 0))
        {
            c.Writer.WriteError(MustBePositive);
            return;
        }

        var reply = new ListReply(c.Writer, array: hasCount);
        var status = c.Database.ListPop(c[1], left, count, ref reply);
        c.Writer = reply.Writer;
        switch (status)
        {
            case StorageStatus.Ok:
                if (reply.Count > 0)
                {
                    NotifyPopped(ref c, c[1], left); // not for a count of 0
                }

                break;
            case StorageStatus.NotFound when hasCount:
                c.Writer.WriteNullArray();
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteNull();
                break;
            default:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void LLen(ref CommandContext c)
    {
        var status = c.Database.ListLength(c[1], out var length);
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteInteger(length);
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    private static void LRange(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var start) || !Arguments.TryParseInt64(c[3], out var stop))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var reply = new ListReply(c.Writer);
        var status = c.Database.ListRange(c[1], start, stop, ref reply);
        c.Writer = reply.Writer;
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    private static void LIndex(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var index))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var reply = new BulkReply(c.Writer);
        var status = c.Database.ListIndex(c[1], index, ref reply);
        c.Writer = reply.Writer;
        Errors.WriteMissingOrError(ref c.Writer, status);
    }

    private static void LSet(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var index))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        switch (c.Database.ListSet(c[1], index, c[3]))
        {
            case StorageStatus.Ok:
                c.Writer.WriteOk();
                c.Notify(NotifyClass.List, "lset"u8, c[1]);
                break;
            case StorageStatus.NotFound:
                c.Writer.WriteError(Errors.NoSuchKey);
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteError(IndexOutOfRange);
                break;
            case var status:
                c.Writer.WriteError(Errors.For(status));
                break;
        }
    }

    private static void LInsert(ref CommandContext c)
    {
        bool before;
        if (c.Is(2, "BEFORE"u8))
        {
            before = true;
        }
        else if (c.Is(2, "AFTER"u8))
        {
            before = false;
        }
        else
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        var status = c.Database.ListInsert(c[1], before, c[3], c[4], out var length);
        WriteLengthOrError(ref c, status, length);
        if (status == StorageStatus.Ok && length > 0)
        {
            c.Notify(NotifyClass.List, "linsert"u8, c[1]); // not when the key or the pivot is missing
        }
    }

    private static void LRem(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var count))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var status = c.Database.ListRemove(c[1], count, c[3], out var removed);
        WriteLengthOrError(ref c, status, removed);
        if (status == StorageStatus.Ok && removed > 0)
        {
            ElementEvents.Removed(ref c, NotifyClass.List, "lrem"u8, c[1]);
        }
    }

    private static void LTrim(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var start) || !Arguments.TryParseInt64(c[3], out var stop))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        // Redis raises ltrim for every list trimmed, even when nothing went, and nothing for a missing key; the engine
        // answers Ok for both, so whether the key exists is looked at first (only while someone listens).
        var existed = (c.Server.Notifications.Active & (NotifyClass.List | NotifyClass.Generic)) != 0 && c.Database.Exists(c[1]);
        var status = c.Database.ListTrim(c[1], start, stop);
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteOk();
            if (existed)
            {
                ElementEvents.Removed(ref c, NotifyClass.List, "ltrim"u8, c[1]);
            }
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    private static void WriteLengthOrError(ref CommandContext c, StorageStatus status, long value)
    {
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteInteger(value);
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }
}
