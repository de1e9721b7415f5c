using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Hoard.Server.Commands.Server;

/// <summary>
/// The subcommands of a container command (CONFIG GET, SLOWLOG LEN …): Redis checks their arity separately and
/// counts their calls as <c>config|get</c>. The parent command's handler is <see cref="Dispatch"/>, so COMMAND
/// finds the subcommands through the parent's handler.
/// </summary>
internal sealed class Subcommands
{
    private readonly Dictionary<string, CommandDefinition> _byName = new(StringComparer.OrdinalIgnoreCase);

    public Subcommands(string parent) => Parent = parent;

    /// <summary>What the parent does when given no subcommand (COMMAND alone), or null.</summary>
    public CommandHandler? WithoutSubcommand { get; init; }

    /// <summary>The parent's name, lower case.</summary>
    public string Parent { get; }

    /// <summary>Every subcommand, named <c>parent|sub</c>.</summary>
    public IReadOnlyCollection<CommandDefinition> All => _byName.Values;

    /// <summary>Adds <c>parent|<paramref name="name"/></c>; <paramref name="arity"/> counts the parent's name too.</summary>
    public Subcommands Add(string name, int arity, CommandFlags flags, int firstKey, int lastKey, int step, CommandHandler handler, string summary)
    {
        _byName[name] = new CommandDefinition($"{Parent}|{name}", arity, flags, firstKey, lastKey, step, handler, summary);
        return this;
    }

    /// <summary>Finds a subcommand by its own name (without the parent's).</summary>
    public bool TryGet(ReadOnlySpan<byte> name, [NotNullWhen(true)] out CommandDefinition? definition)
    {
        if (name.Length > 64)
        {
            definition = null;
            return false;
        }

        return _byName.TryGetValue(Encoding.Latin1.GetString(name), out definition);
    }

    /// <summary>The parent's handler: finds the subcommand, checks its arity, runs it and counts it.</summary>
    public void Dispatch(ref CommandContext c)
    {
        if (c.Count == 1 && WithoutSubcommand is not null)
        {
            WithoutSubcommand(ref c);
            return;
        }

        if (!TryGet(c[1], out var sub))
        {
            var name = Encoding.Latin1.GetString(c[1][..Math.Min(c[1].Length, 128)]);
            c.Writer.WriteError($"ERR unknown subcommand '{name}'. Try {Parent.ToUpperInvariant()} HELP.");
            return;
        }

        if (!sub.AcceptsArgumentCount(c.Count))
        {
            c.Writer.WriteError($"ERR wrong number of arguments for '{sub.Name}' command");
            return;
        }

        var started = Stopwatch.GetTimestamp();
        sub.Handler(ref c);
        sub.Statistics.Record(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The subcommands of <paramref name="definition"/> if it is a container command.</summary>
    public static Subcommands? Of(CommandDefinition definition) => definition.Handler.Target as Subcommands;
}
