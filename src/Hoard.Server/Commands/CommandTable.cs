using System.Diagnostics.CodeAnalysis;

namespace Hoard.Server.Commands;

/// <summary>
/// Every command the server knows, looked up by name case-insensitively without allocating (the name's bytes are
/// widened to chars on the stack and looked up through an alternate-key view of the dictionary).
/// </summary>
public sealed class CommandTable
{
    private const int MaxNameLength = 64;
    private readonly Dictionary<string, CommandDefinition> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandDefinition>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates an empty table.</summary>
    public CommandTable() => _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every command, for COMMAND and COMMAND COUNT.</summary>
    public IReadOnlyCollection<CommandDefinition> All => _byName.Values;

    /// <summary>Adds a command; a second one of the same name replaces the first.</summary>
    public void Add(CommandDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _byName[definition.Name] = definition;
    }

    /// <summary>Finds a command by its name's bytes, ignoring ASCII case.</summary>
    public bool TryGet(ReadOnlySpan<byte> name, [NotNullWhen(true)] out CommandDefinition? definition)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            definition = null;
            return false;
        }

        Span<char> chars = stackalloc char[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            chars[i] = (char)name[i];
        }

        return _lookup.TryGetValue(chars, out definition);
    }

    /// <summary>Finds a command by name, ignoring case.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out CommandDefinition? definition) =>
        _byName.TryGetValue(name, out definition);
}
