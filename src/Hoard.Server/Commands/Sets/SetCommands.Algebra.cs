using Hoard.Server.Commands.Hashes;
using Hoard.Server.Notifications;
using Hoard.Storage;

namespace Hoard.Server.Commands.Sets;

/// <summary>
/// SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD. Keys in different shards are read one shard lock at a
/// time (see Database.SetAlgebra.cs): not atomic across shards outside a transaction.
/// </summary>
internal static partial class SetCommands
{
    private static void SInter(ref CommandContext c) => Combine(ref c, SetAlgebra.Intersection);

    private static void SUnion(ref CommandContext c) => Combine(ref c, SetAlgebra.Union);

    private static void SDiff(ref CommandContext c) => Combine(ref c, SetAlgebra.Difference);

    private static void SInterStore(ref CommandContext c) => CombineStore(ref c, SetAlgebra.Intersection, "sinterstore"u8);

    private static void SUnionStore(ref CommandContext c) => CombineStore(ref c, SetAlgebra.Union, "sunionstore"u8);

    private static void SDiffStore(ref CommandContext c) => CombineStore(ref c, SetAlgebra.Difference, "sdiffstore"u8);

    private static void Combine(ref CommandContext c, SetAlgebra algebra)
    {
        var scratch = new ScratchReply(c.Writer.Version, PairShape.First);
        var status = c.Database.SetCombine(algebra, new ArgumentElements(c.Args, 1), ref scratch);
        WriteMembers(ref c, ref scratch, status, asSet: true);
    }

    private static void CombineStore(ref CommandContext c, SetAlgebra algebra, ReadOnlySpan<byte> eventName)
    {
        var status = c.Database.SetCombineStore(algebra, c[1], new ArgumentElements(c.Args, 2), out var count, out var deleted);
        WriteCountOrError(ref c, status, count);
        if (status == StorageStatus.Ok)
        {
            ElementEvents.Stored(ref c, NotifyClass.Set, eventName, c[1], count, deleted);
        }
    }

    private static void SInterCard(ref CommandContext c)
    {
        if (!Arguments.TryParseInt64(c[1], out var keys) || keys < 1)
        {
            c.Writer.WriteError("ERR numkeys should be greater than 0"u8);
            return;
        }

        if (keys > c.Count - 2)
        {
            c.Writer.WriteError("ERR Number of keys can't be greater than number of args"u8);
            return;
        }

        long limit = 0;
        for (var i = 2 + (int)keys; i < c.Count; i++)
        {
            if (c.Is(i, "LIMIT"u8) && i + 1 < c.Count)
            {
                if (!Arguments.TryParseInt64(c[++i], out limit) || limit < 0)
                {
                    c.Writer.WriteError("ERR LIMIT can't be negative"u8);
                    return;
                }
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }

        var status = c.Database.SetIntersectionCount(new ArgumentElements(c.Args, 2, (int)keys), limit, out var count);
        WriteCountOrError(ref c, status, count);
    }
}
