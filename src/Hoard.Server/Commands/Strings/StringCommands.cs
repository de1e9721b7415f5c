using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>
/// The string family (https://redis.io/docs/latest/commands/?group=string): GET and SET, the hot path, here; the
/// variants, counters, ranges and LCS in the other parts of this class.
/// </summary>
internal static partial class StringCommands
{
    private const CommandFlags WriteOom = CommandFlags.Write | CommandFlags.DenyOom;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new("get", 2, ReadFast, 1, 1, 1, Get, "Returns the string value of a key."));
        table.Add(new("set", -3, WriteOom, 1, 1, 1, Set, "Sets the string value of a key, ignoring its type."));
        table.Add(new("setnx", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, SetIfAbsent, "Set the string value of a key only when the key doesn't exist."));
        table.Add(new("setex", 4, WriteOom, 1, 1, 1, SetWithSeconds, "Sets the string value and expiration time of a key."));
        table.Add(new("psetex", 4, WriteOom, 1, 1, 1, SetWithMilliseconds, "Sets both string value and expiration time in milliseconds of a key."));
        table.Add(new("getset", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, GetSet, "Returns the previous string value of a key after setting it to a new value."));
        table.Add(new("getdel", 2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, GetDelete, "Returns the string value of a key after deleting the key."));
        table.Add(new("getex", -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, GetExpire, "Returns the string value of a key after setting its expiration time."));
        table.Add(new("mget", -2, ReadFast, 1, -1, 1, MultiGet, "Atomically returns the string values of one or more keys."));
        table.Add(new("mset", -3, WriteOom, 1, -1, 2, MultiSet, "Atomically creates or modifies the string values of one or more keys."));
        table.Add(new("msetnx", -3, WriteOom, 1, -1, 2, MultiSetIfAbsent, "Atomically modifies the string values of one or more keys only when all keys don't exist."));
        table.Add(new("append", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, Append, "Appends a string to the value of a key. Creates the key if it doesn't exist."));
        table.Add(new("strlen", 2, ReadFast, 1, 1, 1, Length, "Returns the length of a string value."));
        table.Add(new("incr", 2, WriteOom | CommandFlags.Fast, 1, 1, 1, Increment, "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."));
        table.Add(new("decr", 2, WriteOom | CommandFlags.Fast, 1, 1, 1, Decrement, "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."));
        table.Add(new("incrby", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, IncrementBy, "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."));
        table.Add(new("decrby", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, DecrementBy, "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."));
        table.Add(new("incrbyfloat", 3, WriteOom | CommandFlags.Fast, 1, 1, 1, IncrementByFloat, "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."));
        table.Add(new("getrange", 4, CommandFlags.ReadOnly, 1, 1, 1, GetRange, "Returns a substring of the string stored at a key."));
        table.Add(new("substr", 4, CommandFlags.ReadOnly, 1, 1, 1, GetRange, "Returns a substring from a string value."));
        table.Add(new("setrange", 4, WriteOom, 1, 1, 1, SetRange, "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."));
        table.Add(new("lcs", -3, CommandFlags.ReadOnly, 1, 2, 1, LongestCommonSubsequence, "Finds the longest common substring."));
    }

    private static void Get(ref CommandContext c)
    {
        var reply = new BulkReply(c.Writer);
        var status = c.Database.Get(c[1], ref reply);
        c.Writer = reply.Writer;
        Errors.WriteMissingOrError(ref c.Writer, status);
    }

    private static void Set(ref CommandContext c)
    {
        var options = new StringOptions();
        if (!options.TryParse(in c, 3, isSet: true))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        if (!options.TryResolveExpiry(ref c, "set"u8, out var expiry))
        {
            return;
        }

        var old = new BulkReply(c.Writer);
        var status = c.Database.Set(c[1], c[2], options.Condition, expiry, options.Get, ref old, out var hadOld);
        c.Writer = old.Writer;
        switch (status)
        {
            case StorageStatus.Ok or StorageStatus.NotApplied when options.Get:
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

        if (status == StorageStatus.Ok)
        {
            c.Notify(NotifyClass.String, "set"u8, c[1]);
            if (options.Ttl is not (TtlChoice.None or TtlChoice.Keep))
            {
                c.Notify(NotifyClass.Generic, "expire"u8, c[1]);
            }
        }
    }

    /// <summary>Redis's getExpireMillisecondsOrReply on a parsed amount: false when not positive or overflowing.</summary>
    private static bool TryExpiry(in CommandContext c, long amount, long unit, bool absolute, out Expiry expiry)
    {
        expiry = Expiry.None;
        if (amount <= 0 || amount > long.MaxValue / unit)
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

    /// <summary>
    /// Writes <c>-ERR invalid expire time in '<paramref name="command"/>' command</c> without allocating.
    /// </summary>
    internal static void WriteInvalidExpireTime(ref CommandContext c, ReadOnlySpan<byte> command)
    {
        var prefix = "ERR invalid expire time in '"u8;
        var suffix = "' command"u8;
        Span<byte> text = stackalloc byte[64];
        prefix.CopyTo(text);
        command.CopyTo(text[prefix.Length..]);
        suffix.CopyTo(text[(prefix.Length + command.Length)..]);
        c.Writer.WriteError(text[..(prefix.Length + command.Length + suffix.Length)]);
    }

    /// <summary>The TTL choice of SET and GETEX's options.</summary>
    private enum TtlChoice : byte
    {
        None,
        Seconds,
        Milliseconds,
        UnixSeconds,
        UnixMilliseconds,
        Keep,
        Persist,
    }

    /// <summary>
    /// SET's and GETEX's options, parsed with Redis's rules (parseExtendedStringArgumentsOrReply): repeating an
    /// option is allowed (the last expiry wins), mixing two TTL choices or NX with XX is a syntax error, and the
    /// expiry's value is checked only after every option was read.
    /// </summary>
    private ref struct StringOptions
    {
        public SetCondition Condition;
        public bool Get;
        public TtlChoice Ttl;
        public int TtlArgument;

        public bool TryParse(in CommandContext c, int from, bool isSet)
        {
            for (var i = from; i < c.Count; i++)
            {
                var word = c[i];
                var hasNext = i + 1 < c.Count;
                if (isSet && Arguments.EqualsIgnoreCase(word, "NX"u8) && Condition != SetCondition.IfExists)
                {
                    Condition = SetCondition.IfAbsent;
                }
                else if (isSet && Arguments.EqualsIgnoreCase(word, "XX"u8) && Condition != SetCondition.IfAbsent)
                {
                    Condition = SetCondition.IfExists;
                }
                else if (isSet && Arguments.EqualsIgnoreCase(word, "GET"u8))
                {
                    Get = true;
                }
                else if (isSet && Arguments.EqualsIgnoreCase(word, "KEEPTTL"u8) && Allows(TtlChoice.Keep))
                {
                    Ttl = TtlChoice.Keep;
                }
                else if (!isSet && Arguments.EqualsIgnoreCase(word, "PERSIST"u8) && Allows(TtlChoice.Persist))
                {
                    Ttl = TtlChoice.Persist;
                }
                else if (hasNext && ExpiryChoice(word) is var choice && choice != TtlChoice.None && Allows(choice))
                {
                    Ttl = choice;
                    TtlArgument = ++i;
                }
                else
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The expiry the options ask for (KEEPTTL keeps it, no option or PERSIST removes it); on a bad value
        /// writes the error and returns false.
        /// </summary>
        public readonly bool TryResolveExpiry(ref CommandContext c, ReadOnlySpan<byte> command, out Expiry expiry)
        {
            expiry = Ttl == TtlChoice.Keep ? Expiry.KeepTtl : Expiry.None;
            if (Ttl is TtlChoice.None or TtlChoice.Keep or TtlChoice.Persist)
            {
                return true;
            }

            if (!Arguments.TryParseInt64(c[TtlArgument], out var amount))
            {
                c.Writer.WriteError(Errors.NotInteger);
                return false;
            }

            var unit = Ttl is TtlChoice.Seconds or TtlChoice.UnixSeconds ? 1000L : 1L;
            var absolute = Ttl is TtlChoice.UnixSeconds or TtlChoice.UnixMilliseconds;
            if (!TryExpiry(in c, amount, unit, absolute, out expiry))
            {
                WriteInvalidExpireTime(ref c, command);
                return false;
            }

            return true;
        }

        private readonly bool Allows(TtlChoice choice) => Ttl == TtlChoice.None || Ttl == choice;

        private static TtlChoice ExpiryChoice(ReadOnlySpan<byte> word) => word.Length switch
        {
            2 when Arguments.EqualsIgnoreCase(word, "EX"u8) => TtlChoice.Seconds,
            2 when Arguments.EqualsIgnoreCase(word, "PX"u8) => TtlChoice.Milliseconds,
            4 when Arguments.EqualsIgnoreCase(word, "EXAT"u8) => TtlChoice.UnixSeconds,
            4 when Arguments.EqualsIgnoreCase(word, "PXAT"u8) => TtlChoice.UnixMilliseconds,
            _ => TtlChoice.None,
        };
    }
}
