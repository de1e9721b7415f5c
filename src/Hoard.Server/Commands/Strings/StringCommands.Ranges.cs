using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Strings;

/// <summary>APPEND, STRLEN, GETRANGE (and SUBSTR), SETRANGE.</summary>
internal static partial class StringCommands
{
    private static void Append(ref CommandContext c)
    {
        var status = c.Database.Append(c[1], c[2], out var length);
        WriteLengthOrError(ref c, status, length);
        if (status == StorageStatus.Ok)
        {
            c.Notify(NotifyClass.String, "append"u8, c[1]);
        }
    }

    private static void Length(ref CommandContext c)
    {
        KeyMisses.NotifyIfMissing(ref c, c[1]);
        var status = c.Database.Length(c[1], out var length);
        WriteLengthOrError(ref c, status, length);
    }

    /// <summary>GETRANGE / SUBSTR key start end: negative offsets count from the end; "" when out of range.</summary>
    private static void GetRange(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var start) || !Arguments.TryParseInt64(c[3], out var end))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        var reply = new BulkReply(c.Writer);
        var status = c.Database.GetRange(c[1], start, end, ref reply);
        c.Writer = reply.Writer;
        if (status != StorageStatus.Ok)
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }

    /// <summary>SETRANGE key offset value: the new length.</summary>
    private static void SetRange(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var offset))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        if (offset < 0)
        {
            c.Writer.WriteError("ERR offset is out of range"u8);
            return;
        }

        var value = c[3];
        var limit = Math.Min(c.Server.Options.ProtoMaxBulkLength, Keyspace.MaxValueLength);
        if (!value.IsEmpty && offset > limit - value.Length)
        {
            // Redis checks the type first, and a missing key is only created when something is written.
            var kind = c.Database.TypeOf(c[1]);
            c.Writer.WriteError(kind is ValueKind.None or ValueKind.String ? Errors.TooLarge : Errors.WrongType);
            return;
        }

        var status = c.Database.SetRange(c[1], offset, value, out var length);
        WriteLengthOrError(ref c, status, length);
        if (status == StorageStatus.Ok && !value.IsEmpty)
        {
            c.Notify(NotifyClass.String, "setrange"u8, c[1]);
        }
    }

    private static void WriteLengthOrError(ref CommandContext c, StorageStatus status, long length)
    {
        if (status == StorageStatus.Ok)
        {
            c.Writer.WriteInteger(length);
        }
        else
        {
            c.Writer.WriteError(Errors.For(status));
        }
    }
}
