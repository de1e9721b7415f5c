using Hoard.Protocol;

namespace Hoard.Server.Commands;

/// <summary>
/// One entry of the command table: what COMMAND INFO says about a command and the handler that runs it.
/// </summary>
/// <param name="Name">Lower-case name, as Redis reports it.</param>
/// <param name="Arity">Argument count including the name; negative means "at least".</param>
/// <param name="Flags">What the command does.</param>
/// <param name="FirstKey">Position of the first key, 0 if none.</param>
/// <param name="LastKey">Position of the last key; negative counts from the end.</param>
/// <param name="Step">Distance between keys.</param>
/// <param name="Handler">The code that runs it.</param>
/// <param name="Summary">One line for COMMAND DOCS.</param>
public sealed record CommandDefinition(
    string Name,
    int Arity,
    CommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    CommandHandler Handler,
    string Summary)
{
    /// <summary>
    /// The position of a <c>numkeys</c> argument the keys follow (LMPOP, ZUNIONSTORE, SINTERCARD …), 0 if none. Such a
    /// command's keys are the fixed ones (<see cref="FirstKey"/> to <see cref="LastKey"/>, none when FirstKey is 0)
    /// and then that many arguments from the one after it; COMMAND INFO flags it <c>movablekeys</c>.
    /// </summary>
    public int KeyCountAt { get; init; }

    /// <summary>Whether the command names keys: routing, CROSSSLOT, tracking and COMMAND GETKEYS look at them.</summary>
    public bool HasKeys => FirstKey != 0 || KeyCountAt != 0;

    /// <summary>
    /// The positions of the key arguments in <paramref name="args"/>, within its bounds, for the command whose name is
    /// at <paramref name="offset"/> (0, or where COMMAND GETKEYS finds the command it inspects).
    /// </summary>
    public KeyPositions KeysOf(CommandBuffer args, int offset = 0) => new(this, args, offset);

    /// <summary>Calls and time spent, for INFO commandstats.</summary>
    public CommandStatistics Statistics { get; } = new();

    /// <summary>Whether <paramref name="count"/> arguments (name included) satisfy the arity.</summary>
    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;

    /// <summary>The flag words COMMAND INFO prints.</summary>
    public IEnumerable<string> FlagNames()
    {
        if (Flags.HasFlag(CommandFlags.Write))
        {
            yield return "write";
        }

        if (Flags.HasFlag(CommandFlags.ReadOnly))
        {
            yield return "readonly";
        }

        if (Flags.HasFlag(CommandFlags.DenyOom))
        {
            yield return "denyoom";
        }

        if (Flags.HasFlag(CommandFlags.Admin))
        {
            yield return "admin";
        }

        if (Flags.HasFlag(CommandFlags.PubSub))
        {
            yield return "pubsub";
        }

        if (Flags.HasFlag(CommandFlags.NoAuth))
        {
            yield return "no_auth";
        }

        if (Flags.HasFlag(CommandFlags.Loading))
        {
            yield return "loading";
        }

        if (Flags.HasFlag(CommandFlags.Stale))
        {
            yield return "stale";
        }

        if (Flags.HasFlag(CommandFlags.Fast))
        {
            yield return "fast";
        }

        if (Flags.HasFlag(CommandFlags.Asking))
        {
            yield return "asking";
        }

        if (KeyCountAt != 0)
        {
            yield return "movablekeys";
        }
    }
}
