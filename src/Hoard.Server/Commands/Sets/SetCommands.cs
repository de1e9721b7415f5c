using Hoard.Server.Commands.Hashes;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Sets;

/// <summary>The set commands (https://redis.io/docs/latest/commands/?group=set), with Redis 7.2's replies.</summary>
internal static partial class SetCommands
{
    private static ReadOnlySpan<byte> NotPositive => "ERR value is out of range, must be positive"u8;

    public static void Register(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags writeFast = CommandFlags.Write | CommandFlags.Fast;
        const CommandFlags read = CommandFlags.ReadOnly | CommandFlags.Fast;
        const CommandFlags store = CommandFlags.Write | CommandFlags.DenyOom;
        table.Add(new("sadd", -3, write, 1, 1, 1, SAdd, "Adds one or more members to a set. Creates the key if it doesn't exist."));
        table.Add(new("srem", -3, writeFast, 1, 1, 1, SRem, "Removes one or more members from a set. Deletes the set if the last member was removed."));
        table.Add(new("sismember", 3, read, 1, 1, 1, SIsMember, "Determines whether a member belongs to a set."));
        table.Add(new("smismember", -3, read, 1, 1, 1, SMIsMember, "Determines whether multiple members belong to a set."));
        table.Add(new("scard", 2, read, 1, 1, 1, SCard, "Returns the number of members in a set."));
        table.Add(new("smembers", 2, CommandFlags.ReadOnly, 1, 1, 1, SMembers, "Returns all members of a set."));
        table.Add(new("spop", -2, writeFast, 1, 1, 1, SPop, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."));
        table.Add(new("srandmember", -2, CommandFlags.ReadOnly, 1, 1, 1, SRandMember, "Get one or multiple random members from a set"));
        table.Add(new("smove", 4, writeFast, 1, 2, 1, SMove, "Moves a member from one set to another."));
        table.Add(new("sscan", -3, CommandFlags.ReadOnly, 1, 1, 1, SScan, "Iterates over members of a set."));
        table.Add(new("sinter", -2, CommandFlags.ReadOnly, 1, -1, 1, SInter, "Returns the intersect of multiple sets."));
        table.Add(new("sunion", -2, CommandFlags.ReadOnly, 1, -1, 1, SUnion, "Returns the union of multiple sets."));
        table.Add(new("sdiff", -2, CommandFlags.ReadOnly, 1, -1, 1, SDiff, "Returns the difference of multiple sets."));
        table.Add(new("sinterstore", -3, store, 1, -1, 1, SInterStore, "Stores the intersect of multiple sets in a key."));
        table.Add(new("sunionstore", -3, store, 1, -1, 1, SUnionStore, "Stores the union of multiple sets in a key."));
        table.Add(new("sdiffstore", -3, store, 1, -1, 1, SDiffStore, "Stores the difference of multiple sets in a key."));
        table.Add(new("sintercard", -3, CommandFlags.ReadOnly, 0, 0, 0, SInterCard, "Returns the number of members of the intersect of multiple sets.")
        {
            KeyCountAt = 1,
        });
    }

    private static void SAdd(ref CommandContext c)
    {
        var status = c.Database.SetAdd(c[1], new ArgumentElements(c.Args, 2), out var added);
        WriteCountOrError(ref c, status, added);
        if (status == StorageStatus.Ok && added > 0)
        {
            c.Notify(NotifyClass.Set, "sadd"u8, c[1]);
        }
    }

    private static void SRem(ref CommandContext c)
    {
        var status = c.Database.SetRemove(c[1], new ArgumentElements(c.Args, 2), out var removed);
        WriteCountOrError(ref c, status, removed);
        if (status == StorageStatus.Ok && removed > 0)
        {
            ElementEvents.Removed(ref c, NotifyClass.Set, "srem"u8, c[1]);
        }
    }

    private static void SIsMember(ref CommandContext c)
    {
        var status = c.Database.SetContains(c[1], c[2], out var contains);
        WriteCountOrError(ref c, status, contains ? 1 : 0);
    }

    private static void SMIsMember(ref CommandContext c)
    {
        var count = c.Count - 2;
        var results = count <= 256 ? stackalloc bool[count] : new bool[count];
        var status = c.Database.SetContainsEach(c[1], new ArgumentElements(c.Args, 2), results);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteArrayHeader(count);
        foreach (var contains in results)
        {
            c.Writer.WriteInteger(contains ? 1 : 0);
        }
    }

    private static void SCard(ref CommandContext c)
    {
        var status = c.Database.SetCardinality(c[1], out var count);
        WriteCountOrError(ref c, status, count);
    }

    private static void SMembers(ref CommandContext c)
    {
        var scratch = new ScratchReply(c.Writer.Version, PairShape.First);
        var status = c.Database.SetMembers(c[1], ref scratch);
        WriteMembers(ref c, ref scratch, status, asSet: true);
    }

    private static void SPop(ref CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (c.Count == 2)
        {
            var one = new ScratchReply(c.Writer.Version, PairShape.First);
            var popped = c.Database.SetPop(c[1], 1, ref one);
            var any = popped == StorageStatus.Ok && one.Count > 0;
            WriteOneOrNull(ref c, ref one, popped);
            if (any)
            {
                ElementEvents.Removed(ref c, NotifyClass.Set, "spop"u8, c[1]);
            }

            return;
        }

        // Redis's one message for both: a count that is not an integer, or is negative.
        if (!Arguments.TryParseInt64(c[2], out var count) || count < 0)
        {
            c.Writer.WriteError(NotPositive);
            return;
        }

        if (count == 0)
        {
            var check = c.Database.SetCardinality(c[1], out _);
            if (check != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(check));
                return;
            }

            c.Writer.WriteSetHeader(0);
            return;
        }

        var scratch = new ScratchReply(c.Writer.Version, PairShape.First);
        var status = c.Database.SetPop(c[1], count, ref scratch);
        var anyPopped = status == StorageStatus.Ok && scratch.Count > 0;
        WriteMembers(ref c, ref scratch, status, asSet: true);
        if (anyPopped)
        {
            ElementEvents.Removed(ref c, NotifyClass.Set, "spop"u8, c[1]);
        }
    }

    private static void SRandMember(ref CommandContext c)
    {
        if (c.Count > 3)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (c.Count == 2)
        {
            var one = new ScratchReply(c.Writer.Version, PairShape.First);
            var picked = c.Database.SetRandomMembers(c[1], 1, ref one);
            WriteOneOrNull(ref c, ref one, picked);
            return;
        }

        if (!Arguments.TryParseInt64(c[2], out var count))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (count == long.MinValue)
        {
            c.Writer.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8);
            return;
        }

        if (count == 0)
        {
            var check = c.Database.SetCardinality(c[1], out _);
            if (check != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(check));
                return;
            }

            c.Writer.WriteArrayHeader(0);
            return;
        }

        // An array, not a set, in RESP3 too: a negative count may repeat members.
        var scratch = new ScratchReply(c.Writer.Version, PairShape.First);
        var status = c.Database.SetRandomMembers(c[1], count, ref scratch);
        WriteMembers(ref c, ref scratch, status, asSet: false);
    }

    private static void SMove(ref CommandContext c)
    {
        var status = c.Database.SetMove(c[1], c[2], c[3], out var moved, out var added);
        WriteCountOrError(ref c, status, moved ? 1 : 0);
        if (status != StorageStatus.Ok || !moved || c[1].SequenceEqual(c[2]))
        {
            return;
        }

        // As Redis: the source's srem (and del when emptied) first, then sadd if the destination lacked the member.
        ElementEvents.Removed(ref c, NotifyClass.Set, "srem"u8, c[1]);
        if (added)
        {
            c.Notify(NotifyClass.Set, "sadd"u8, c[2]);
        }
    }

    private static void SScan(ref CommandContext c)
    {
        if (!ScanArguments.TryParseCursor(ref c, out var cursor))
        {
            return;
        }

        // As Redis: a missing key answers an empty scan and a key of another type an error before the options are read.
        var found = c.Database.SetCardinality(c[1], out var size);
        if (found != StorageStatus.Ok || size == 0)
        {
            WriteEmptyScanOrError(ref c, found);
            return;
        }

        if (!ScanArguments.TryParseOptions(ref c, out var patternAt, out var count))
        {
            return;
        }

        var pattern = patternAt > 0 ? c[patternAt] : default;

        var scratch = new ScratchReply(c.Writer.Version, PairShape.First);
        var status = c.Database.SetScan(c[1], cursor, pattern, count, ref scratch, out var next);
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            scratch.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        ScanArguments.WriteCursor(ref c.Writer, next);
        c.Writer.WriteArrayHeader(scratch.Count);
        scratch.CopyTo(ref c.Writer);
    }

    private static void WriteEmptyScanOrError(ref CommandContext c, StorageStatus status)
    {
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteArrayHeader(2);
        c.Writer.WriteBulkString("0"u8);
        c.Writer.WriteArrayHeader(0);
    }

    private static void WriteCountOrError(ref CommandContext c, StorageStatus status, long count)
    {
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        c.Writer.WriteInteger(count);
    }

    /// <summary>The members gathered, as a set (RESP3 <c>~</c>) or an array; a missing key is an empty one.</summary>
    private static void WriteMembers(ref CommandContext c, ref ScratchReply scratch, StorageStatus status, bool asSet)
    {
        if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
        {
            scratch.Release();
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        if (asSet)
        {
            c.Writer.WriteSetHeader(scratch.Count);
        }
        else
        {
            c.Writer.WriteArrayHeader(scratch.Count);
        }

        scratch.CopyTo(ref c.Writer);
    }

    /// <summary>The one member gathered as a bulk string; a null for a missing key.</summary>
    private static void WriteOneOrNull(ref CommandContext c, ref ScratchReply one, StorageStatus status)
    {
        if (status == StorageStatus.Ok && one.Count == 1)
        {
            one.CopyTo(ref c.Writer);
            return;
        }

        one.Release();
        if (status is StorageStatus.Ok or StorageStatus.NotFound)
        {
            c.Writer.WriteNull();
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }
}
