using Hoard.Protocol;
using Hoard.Storage;

namespace Hoard.Server.Commands;

/// <summary>
/// Arguments of a command handed to the keyspace as elements, read in place: <paramref name="count"/> of them from
/// <paramref name="first"/>, every <paramref name="step"/>-th (2 for the members of ZADD's score/member pairs).
/// </summary>
/// <param name="args">The command's arguments.</param>
/// <param name="first">The position of the first element.</param>
/// <param name="count">The number of elements.</param>
/// <param name="step">The distance between elements.</param>
internal readonly struct ArgumentElements(CommandBuffer args, int first, int count, int step = 1) : IElements
{
    /// <summary>Every argument from <paramref name="first"/> to the end.</summary>
    public ArgumentElements(CommandBuffer args, int first)
        : this(args, first, args.Count - first)
    {
    }

    /// <inheritdoc/>
    public int Count => count;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> this[int index] => args[first + (index * step)];
}
