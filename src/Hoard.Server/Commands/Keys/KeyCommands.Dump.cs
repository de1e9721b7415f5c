using Hoard.Server.Notifications;
using Hoard.Storage.Replication;
using Hoard.Storage;

namespace Hoard.Server.Commands.Keys;

/// <summary>DUMP, RESTORE and RESTORE-ASKING (what MIGRATE sends to its target), in Hoard's payload form (<see cref="DumpPayload"/>).</summary>
internal static partial class KeyCommands
{
    private static void RegisterDump(CommandTable table)
    {
        table.Add(new("dump", 2, CommandFlags.ReadOnly, 1, 1, 1, Dump, "Returns a serialized representation of the value stored at a key."));
        table.Add(new("restore", -4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Restore, "Creates a key from the serialized representation of a value."));
        table.Add(new("restore-asking", -4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Asking, 1, 1, 1, Restore,
            "An internal command for migrating keys in a cluster: RESTORE on a slot being imported."));
    }

    private static void Dump(ref CommandContext c)
    {
        var record = new RecordCopy();
        if (!c.Database.WriteRecord(c[1], record))
        {
            c.Writer.WriteNull();
            KeyMisses.Notify(ref c, c[1]);
            return;
        }

        c.Writer.WriteBulkString(DumpPayload.FromRecord(record.Bytes, out _));
    }

    /// <summary>RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].</summary>
    private static void Restore(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[2], out var ttl))
        {
            c.Writer.WriteError(Errors.NotInteger);
            return;
        }

        bool replace = false, absolute = false, idle = false, frequency = false;
        for (var i = 4; i < c.Count; i++)
        {
            if (c.Is(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (c.Is(i, "ABSTTL"u8))
            {
                absolute = true;
            }
            else if (c.Is(i, "IDLETIME"u8) && i + 1 < c.Count && !frequency)
            {
                // Accepted for Redis's tools; the eviction policies keep their own access state.
                if (!Arguments.TryParseInt64(c[++i], out var seconds) || seconds < 0)
                {
                    c.Writer.WriteError("ERR Invalid IDLETIME value, must be >= 0"u8);
                    return;
                }

                idle = true;
            }
            else if (c.Is(i, "FREQ"u8) && i + 1 < c.Count && !idle)
            {
                if (!Arguments.TryParseInt64(c[++i], out var count) || count is < 0 or > 255)
                {
                    c.Writer.WriteError("ERR Invalid FREQ value, must be >= 0 and <= 255"u8);
                    return;
                }

                frequency = true;
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        if (ttl < 0)
        {
            c.Writer.WriteError("ERR Invalid TTL value, must be >= 0"u8);
            return;
        }

        if (!DumpPayload.TryRead(c[3], out var type, out var value))
        {
            c.Writer.WriteError("ERR DUMP payload version or checksum are wrong"u8);
            return;
        }

        var expireAt = ttl == 0 ? 0 : absolute ? ttl : c.Server.NowMs() + ttl;
        StorageStatus status;
        try
        {
            status = c.Database.Restore(c[1], type, expireAt, value, replace);
        }
        catch (InvalidDataException)
        {
            c.Writer.WriteError("ERR Bad data format"u8);
            return;
        }

        switch (status)
        {
            case StorageStatus.Ok:
                c.Writer.WriteOk();
                c.Notify(NotifyClass.Generic, "restore"u8, c[1]);
                break;
            case StorageStatus.NotApplied:
                c.Writer.WriteError("BUSYKEY Target key name already exists."u8);
                break;
            case StorageStatus.TooLarge:
                c.Writer.WriteError(Errors.TooLarge);
                break;
            default:
                c.Writer.WriteError(Errors.OutOfMemory);
                break;
        }
    }

    /// <summary>Keeps a copy of the one record written to it.</summary>
    private sealed class RecordCopy : IRecordSink
    {
        public byte[] Bytes { get; private set; } = [];

        public void Write(ReadOnlySpan<byte> record) => Bytes = record.ToArray();
    }
}
