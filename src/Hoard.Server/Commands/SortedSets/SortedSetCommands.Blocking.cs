using Hoard.Protocol;
using Hoard.Server.Blocking;
using Hoard.Server.Notifications;
using Hoard.Storage;
using Hoard.Storage.SortedSets;

namespace Hoard.Server.Commands.SortedSets;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP: the non-blocking pop first; with nothing to take, the client waits in the
/// <see cref="BlockingHub"/> (as BLPOP does) and is served by the write that gives it members.
/// </summary>
internal static partial class SortedSetCommands
{
    private static void RegisterBlocking(CommandTable table)
    {
        const CommandFlags flags = CommandFlags.Write | CommandFlags.Fast;
        table.Add(new("bzpopmin", -3, flags, 1, -2, 1, BZPopMin, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."));
        table.Add(new("bzpopmax", -3, flags, 1, -2, 1, BZPopMax, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise. Deletes the sorted set if the last element was popped."));
        table.Add(new("bzmpop", -5, CommandFlags.Write, 0, 0, 0, BZMPop, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.") { KeyCountAt = 2 });
    }

    private static void BZPopMin(ref CommandContext c) => BlockingPop(ref c, max: false);

    private static void BZPopMax(ref CommandContext c) => BlockingPop(ref c, max: true);

    /// <summary>BZPOPMIN/BZPOPMAX key [key …] timeout: <c>[key, member, score]</c> from the first non-empty key.</summary>
    private static void BlockingPop(ref CommandContext c, bool max)
    {
        if (!BlockingHub.TryParseTimeout(c[c.Count - 1], ref c.Writer, out var timeout))
        {
            return;
        }

        var operation = new PopOperation(c.Server, max, 1, nested: false);
        if (!TryPopAny(ref c, 1, c.Count - 2, operation))
        {
            c.Block(1, c.Count - 2, timeout, operation);
        }
    }

    /// <summary>BZMPOP timeout numkeys key … MIN|MAX [COUNT count]: ZMPOP's reply, or a wait.</summary>
    private static void BZMPop(ref CommandContext c)
    {
        if (!BlockingHub.TryParseTimeout(c[1], ref c.Writer, out var timeout)
            || !TryParseMultiPop(ref c, 2, out var keys, out var max, out var count))
        {
            return;
        }

        var operation = new PopOperation(c.Server, max, count, nested: true);
        if (!TryPopAny(ref c, 3, keys, operation))
        {
            c.Block(3, keys, timeout, operation);
        }
    }

    /// <summary>Pops from the first of <paramref name="keys"/> keys from argument <paramref name="first"/> that has members; false when none has (nothing written).</summary>
    private static bool TryPopAny(ref CommandContext c, int first, int keys, PopOperation operation)
    {
        for (var i = first; i < first + keys; i++)
        {
            var served = operation.TryPop(c.Database, c[i], out var failed);
            if (failed != StorageStatus.Ok)
            {
                c.Writer.WriteError(Errors.For(failed));
                return true;
            }

            if (served != null)
            {
                served(ref c.Writer);
                return true;
            }
        }

        return false;
    }

    /// <summary>A BZPOPMIN/BZPOPMAX (<c>[key, member, score]</c>) or BZMPOP (<c>[key, [[member, score] …]]</c>) pop.</summary>
    private sealed class PopOperation(HoardServer server, bool max, long count, bool nested) : IBlockedOperation
    {
        public DeferredReply TimedOut { get; } = static (ref RespWriter w) => w.WriteNullArray();

        public DeferredReply? TryServe(Database database, ReadOnlySpan<byte> key) => TryPop(database, key, out _);

        /// <summary>Pops from <paramref name="key"/>: the reply, or null when it has nothing (or another type: <paramref name="failed"/>).</summary>
        public DeferredReply? TryPop(Database database, ReadOnlySpan<byte> key, out StorageStatus failed)
        {
            failed = StorageStatus.Ok;
            var copy = new ScoredCopy();
            var status = database.SortedSetPop(key, count, max, ref copy, out var popped);
            if (status is not (StorageStatus.Ok or StorageStatus.NotFound))
            {
                failed = status;
                return null;
            }

            if (popped == 0)
            {
                return null;
            }

            server.Notifications.RaiseRemoved(NotifyClass.SortedSet, max ? "zpopmax"u8 : "zpopmin"u8, database, key);

            var name = key.ToArray();
            var entries = copy.Entries;
            return nested
                ? (ref RespWriter w) =>
                {
                    w.WriteArrayHeader(2);
                    w.WriteBulkString(name);
                    w.WriteArrayHeader(entries.Count);
                    foreach (var (member, score) in entries)
                    {
                        w.WriteArrayHeader(2);
                        w.WriteBulkString(member);
                        w.WriteDouble(score);
                    }
                }
                : (ref RespWriter w) =>
                {
                    w.WriteArrayHeader(3);
                    w.WriteBulkString(name);
                    w.WriteBulkString(entries[0].Member);
                    w.WriteDouble(entries[0].Score);
                };
        }
    }

    /// <summary>Keeps what a pop visited, for a reply written later.</summary>
    private struct ScoredCopy() : IScoredVisitor
    {
        public List<(byte[] Member, double Score)> Entries { get; } = [];

        public readonly bool Visit(scoped ReadOnlySpan<byte> member, double score)
        {
            Entries.Add((member.ToArray(), score));
            return true;
        }
    }
}
