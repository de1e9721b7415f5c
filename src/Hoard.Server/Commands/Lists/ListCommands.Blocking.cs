using Hoard.Protocol;
using Hoard.Server.Blocking;
using Hoard.Storage;

namespace Hoard.Server.Commands.Lists;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP: the non-blocking form first; with nothing to take, the client waits in
/// the <see cref="BlockingHub"/> and is served by the write that gives it something.
/// </summary>
internal static partial class ListCommands
{
    private static void RegisterBlocking(CommandTable table)
    {
        const CommandFlags flags = CommandFlags.Write;
        table.Add(new("blpop", -3, flags, 1, -2, 1, BLPop, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
        table.Add(new("brpop", -3, flags, 1, -2, 1, BRPop, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
        table.Add(new("blmove", 6, flags | CommandFlags.DenyOom, 1, 2, 1, BLMove, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."));
        table.Add(new("brpoplpush", 4, flags | CommandFlags.DenyOom, 1, 2, 1, BRPopLPush, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."));
        table.Add(new("blmpop", -5, flags, 0, 0, 0, BLMPop, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.") { KeyCountAt = 2 });
    }

    private static void BLPop(ref CommandContext c) => BlockingPop(ref c, left: true);

    private static void BRPop(ref CommandContext c) => BlockingPop(ref c, left: false);

    private static void BlockingPop(ref CommandContext c, bool left)
    {
        if (!BlockingHub.TryParseTimeout(c[c.Count - 1], ref c.Writer, out var timeout))
        {
            return;
        }

        if (TryPopFirst(ref c, 1, c.Count - 2, left, 1, nested: false))
        {
            return;
        }

        var operation = new PopOperation(c.Server, left, 1, nested: false);
        c.Block(1, c.Count - 2, timeout, operation);
    }

    private static void BLMPop(ref CommandContext c)
    {
        if (!BlockingHub.TryParseTimeout(c[1], ref c.Writer, out var timeout)
            || !TryParseMultiPop(ref c, 2, out var keys, out var left, out var count))
        {
            return;
        }

        if (TryPopFirst(ref c, 3, keys, left, count, nested: true))
        {
            return;
        }

        c.Block(3, keys, timeout, new PopOperation(c.Server, left, count, nested: true));
    }

    /// <summary>
    /// Pops from the first non-empty list of <paramref name="keys"/> keys from argument <paramref name="first"/> on,
    /// replying <c>[key, element]</c> or <c>[key, [elements]]</c>; true when it replied (or met a wrong type).
    /// </summary>
    private static bool TryPopFirst(ref CommandContext c, int first, int keys, bool left, long count, bool nested)
    {
        for (var i = first; i < first + keys; i++)
        {
            var reply = new ListReply(c.Writer, key: c[i], keyed: true, nested: nested);
            var status = c.Database.ListPop(c[i], left, count, ref reply);
            c.Writer = reply.Writer;
            if (status == StorageStatus.Ok)
            {
                NotifyPopped(ref c, c[i], left);
                return true;
            }

            if (status != StorageStatus.NotFound)
            {
                c.Writer.WriteError(Errors.For(status));
                return true;
            }
        }

        return false;
    }

    private static void BLMove(ref CommandContext c)
    {
        if (!TryParseSide(c[3], out var fromLeft) || !TryParseSide(c[4], out var toLeft))
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        BlockingMove(ref c, fromLeft, toLeft, 5);
    }

    private static void BRPopLPush(ref CommandContext c) => BlockingMove(ref c, fromLeft: false, toLeft: true, 3);

    private static void BlockingMove(ref CommandContext c, bool fromLeft, bool toLeft, int timeoutAt)
    {
        if (!BlockingHub.TryParseTimeout(c[timeoutAt], ref c.Writer, out var timeout))
        {
            return;
        }

        var reply = new BulkReply(c.Writer);
        var status = c.Database.ListMove(c[1], c[2], fromLeft, toLeft, ref reply);
        c.Writer = reply.Writer;
        if (status != StorageStatus.NotFound)
        {
            if (status == StorageStatus.Ok)
            {
                NotifyMoved(ref c, c[1], c[2], fromLeft, toLeft);
            }
            else
            {
                c.Writer.WriteError(Errors.For(status));
            }

            return;
        }

        if (c.Session.ExecutingTransaction)
        {
            c.Writer.WriteNull(); // Redis: a null bulk string here, though a timeout answers a null array
            return;
        }

        c.Block(1, 1, timeout, new MoveOperation(c.Server, c[2].ToArray(), fromLeft, toLeft));
    }

    /// <summary>
    /// A blocked BLPOP/BRPOP (<c>[key, element]</c>) or BLMPOP (<c>[key, [elements]]</c>); served, it raises the pop's
    /// events (after the writer's own, which its command raised before the hub served the key).
    /// </summary>
    private sealed class PopOperation(HoardServer server, bool left, long count, bool nested) : IBlockedOperation
    {
        public DeferredReply TimedOut { get; } = static (ref RespWriter w) => w.WriteNullArray();

        public DeferredReply? TryServe(Database database, ReadOnlySpan<byte> key)
        {
            var copy = new CopyReply();
            if (database.ListPop(key, left, count, ref copy) != StorageStatus.Ok || copy.Items.Count == 0)
            {
                return null; // missing, emptied meanwhile, or now another type: keep waiting, as Redis does
            }

            NotifyServed(server, database, key, left);
            var name = key.ToArray();
            var items = copy.Items;
            return (ref RespWriter w) =>
            {
                w.WriteArrayHeader(2);
                w.WriteBulkString(name);
                if (nested)
                {
                    w.WriteArrayHeader(items.Count);
                }

                foreach (var item in items)
                {
                    w.WriteBulkString(item);
                }
            };
        }
    }

    /// <summary>A blocked BLMOVE/BRPOPLPUSH: the moved element; served, it raises LMOVE's events.</summary>
    private sealed class MoveOperation(HoardServer server, byte[] destination, bool fromLeft, bool toLeft) : IBlockedOperation
    {
        public DeferredReply TimedOut { get; } = static (ref RespWriter w) => w.WriteNullArray();

        public DeferredReply? TryServe(Database database, ReadOnlySpan<byte> key)
        {
            var copy = new CopyReply();
            var status = database.ListMove(key, destination, fromLeft, toLeft, ref copy);
            if (status == StorageStatus.WrongType)
            {
                // The destination holds another type: Redis answers the blocked client with the error.
                return static (ref RespWriter w) => w.WriteError(Errors.WrongType);
            }

            if (status != StorageStatus.Ok || copy.Items.Count == 0)
            {
                return null;
            }

            NotifyServed(server, database, key, fromLeft, destination, toLeft);
            var element = copy.Items[0];
            return (ref RespWriter w) => w.WriteBulkString(element);
        }
    }
}
