using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>Counters: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.</summary>
internal static partial class StringCommands
{
    private static void Increment(ref CommandContext c) => IncrementBy(ref c, 1);

    private static void Decrement(ref CommandContext c) => IncrementBy(ref c, -1);

    private static void IncrementBy(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var delta))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        IncrementBy(ref c, delta);
    }

    private static void DecrementBy(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var delta))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (delta == long.MinValue)
        {
            c.Writer.WriteError("ERR decrement would overflow"u8);
            return;
        }

        IncrementBy(ref c, -delta);
    }

    private static void IncrementBy(ref CommandContext c, long delta)
    {
        var status = c.Database.Increment(c[1], delta, out var result);
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteInteger(result);
            c.Notify(NotifyClass.String, "incrby"u8, c[1]);
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    /// <summary>INCRBYFLOAT: the reply is the new value as stored, a bulk string.</summary>
    private static void IncrementByFloat(ref CommandContext c)
    {
        if (!Arguments.TryParseDouble(c[2], out var delta))
        {
            // Redis checks the key's type before the increment.
            var kind = c.Database.TypeOf(c[1]);
            c.Writer.WriteError(kind is ValueKind.None or ValueKind.String ? Errors.NotFloat : Errors.WrongType);
            return;
        }

        var status = c.Database.IncrementFloat(c[1], delta, out var result);
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
            return;
        }

        Span<byte> text = stackalloc byte[RedisNumber.MaxDoubleLength];
        var n = RedisNumber.FormatDouble(result, text);
        c.Writer.WriteBulkString(text[..n]);
        c.Notify(NotifyClass.String, "incrbyfloat"u8, c[1]);
    }
}
