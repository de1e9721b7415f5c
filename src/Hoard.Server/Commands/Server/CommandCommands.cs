using System.Text;
using Hoard.Protocol;
using Hoard.Storage.Keys;

namespace Hoard.Server.Commands.Server;

/// <summary>COMMAND and its subcommands (https://redis.io/docs/latest/commands/command/), Redis 7's reply shapes.</summary>
internal static class CommandCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags anytime = CommandFlags.Loading | CommandFlags.Stale;
        var command = new Subcommands("command") { WithoutSubcommand = All }
            .Add("count", 2, anytime, 0, 0, 0, Count, "Returns a count of commands.")
            .Add("info", -2, anytime, 0, 0, 0, Info, "Returns information about one, multiple or all commands.")
            .Add("docs", -2, anytime, 0, 0, 0, Docs, "Returns documentary information about one, multiple or all commands.")
            .Add("getkeys", -3, anytime, 0, 0, 0, GetKeys, "Extracts the key names from an arbitrary command.")
            .Add("list", -2, anytime, 0, 0, 0, List, "Returns a list of command names.")
            .Add("help", 2, anytime, 0, 0, 0, Help, "Returns helpful text about the different subcommands.");
        table.Add(new("command", -1, anytime, 0, 0, 0, command.Dispatch, "Returns detailed information about all commands."));
    }

    private static IEnumerable<CommandDefinition> Sorted(CommandTable table) => table.All.OrderBy(d => d.Name, StringComparer.Ordinal);

    private static void All(ref CommandContext c)
    {
        var all = Sorted(c.Server.Commands).ToList();
        c.Writer.WriteArrayHeader(all.Count);
        foreach (var definition in all)
        {
            WriteInfo(ref c.Writer, definition);
        }
    }

    private static void Count(ref CommandContext c) => c.Writer.WriteInteger(c.Server.Commands.All.Count);

    private static void Info(ref CommandContext c)
    {
        if (c.Count == 2)
        {
            All(ref c);
            return;
        }

        c.Writer.WriteArrayHeader(c.Count - 2);
        for (var i = 2; i < c.Count; i++)
        {
            if (Find(c.Server.Commands, c[i]) is { } definition)
            {
                WriteInfo(ref c.Writer, definition);
            }
            else
            {
                c.Writer.WriteNullArray();
            }
        }
    }

    /// <summary>A command by name, or a subcommand by <c>parent|sub</c>.</summary>
    private static CommandDefinition? Find(CommandTable table, ReadOnlySpan<byte> name)
    {
        var bar = name.IndexOf((byte)'|');
        if (bar < 0)
        {
            return table.TryGet(name, out var definition) ? definition : null;
        }

        return table.TryGet(name[..bar], out var parent) && Subcommands.Of(parent) is { } subs && subs.TryGet(name[(bar + 1)..], out var sub)
            ? sub
            : null;
    }

    /// <summary>[name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands].</summary>
    private static void WriteInfo(ref RespWriter writer, CommandDefinition definition)
    {
        writer.WriteArrayHeader(10);
        writer.WriteBulkString(definition.Name);
        writer.WriteInteger(definition.Arity);
        var flags = definition.FlagNames().ToList();
        writer.WriteSetHeader(flags.Count);
        foreach (var flag in flags)
        {
            writer.WriteSimpleString(flag);
        }

        writer.WriteInteger(definition.FirstKey);
        writer.WriteInteger(definition.LastKey);
        writer.WriteInteger(definition.Step);
        var categories = CommandDocs.AclCategories(definition).ToList();
        writer.WriteSetHeader(categories.Count);
        foreach (var category in categories)
        {
            writer.WriteSimpleString(category);
        }

        writer.WriteArrayHeader(0); // tips
        writer.WriteArrayHeader(0); // key specs: clients use the legacy first/last/step above
        var subs = Subcommands.Of(definition)?.All.OrderBy(s => s.Name, StringComparer.Ordinal).ToList() ?? [];
        writer.WriteArrayHeader(subs.Count);
        foreach (var sub in subs)
        {
            WriteInfo(ref writer, sub);
        }
    }

    private static void Docs(ref CommandContext c)
    {
        var found = new List<CommandDefinition>();
        if (c.Count == 2)
        {
            found.AddRange(Sorted(c.Server.Commands));
        }

        for (var i = 2; i < c.Count; i++)
        {
            if (Find(c.Server.Commands, c[i]) is { } definition)
            {
                found.Add(definition);
            }
        }

        c.Writer.WriteMapHeader(found.Count);
        foreach (var definition in found)
        {
            c.Writer.WriteBulkString(definition.Name);
            WriteDoc(ref c.Writer, definition);
        }
    }

    private static void WriteDoc(ref RespWriter writer, CommandDefinition definition)
    {
        var since = CommandDocs.SinceOf(definition.Name);
        var subs = Subcommands.Of(definition)?.All.OrderBy(s => s.Name, StringComparer.Ordinal).ToList() ?? [];
        writer.WriteMapHeader(2 + (since is null ? 0 : 1) + (subs.Count > 0 ? 1 : 0));
        writer.WriteBulkString("summary"u8);
        writer.WriteBulkString(definition.Summary);
        if (since is not null)
        {
            writer.WriteBulkString("since"u8);
            writer.WriteBulkString(since);
        }

        writer.WriteBulkString("group"u8);
        writer.WriteBulkString(CommandDocs.GroupOf(definition.Name));
        if (subs.Count > 0)
        {
            writer.WriteBulkString("subcommands"u8);
            writer.WriteMapHeader(subs.Count);
            foreach (var sub in subs)
            {
                writer.WriteBulkString(sub.Name);
                WriteDoc(ref writer, sub);
            }
        }
    }

    private static void GetKeys(ref CommandContext c)
    {
        if (!c.Server.Commands.TryGet(c[2], out var definition))
        {
            c.Writer.WriteError("ERR Invalid command specified"u8);
            return;
        }

        var argc = c.Count - 2; // the inspected command's arguments, its name included
        if (Subcommands.Of(definition) is { } subs && argc >= 2 && subs.TryGet(c[3], out var sub))
        {
            definition = sub;
        }

        if (!definition.HasKeys)
        {
            c.Writer.WriteError("ERR The command has no key arguments"u8);
            return;
        }

        if (!definition.AcceptsArgumentCount(argc))
        {
            c.Writer.WriteError("ERR Invalid number of arguments specified for command"u8);
            return;
        }

        var keys = new List<int>();
        foreach (var i in definition.KeysOf(c.Args, offset: 2))
        {
            keys.Add(i);
        }

        if (keys.Count == 0)
        {
            c.Writer.WriteError("ERR Invalid arguments specified for command"u8);
            return;
        }

        c.Writer.WriteArrayHeader(keys.Count);
        foreach (var index in keys)
        {
            c.Writer.WriteBulkString(c[index]);
        }
    }

    private static void List(ref CommandContext c)
    {
        var names = c.Server.Commands.All
            .SelectMany(d => Subcommands.Of(d) is { } subs ? subs.All.Prepend(d) : [d])
            .ToList();
        if (c.Count == 5 && c.Is(2, "FILTERBY"u8))
        {
            var value = Encoding.UTF8.GetString(c[4]);
            if (c.Is(3, "MODULE"u8))
            {
                names.Clear();
            }
            else if (c.Is(3, "ACLCAT"u8))
            {
                names = names.Where(d => CommandDocs.AclCategories(d).Contains("@" + value, StringComparer.OrdinalIgnoreCase)).ToList();
            }
            else if (c.Is(3, "PATTERN"u8))
            {
                var pattern = Encoding.UTF8.GetBytes(value.ToLowerInvariant());
                names = names.Where(d => GlobPattern.IsMatch(pattern, Encoding.UTF8.GetBytes(d.Name))).ToList();
            }
            else
            {
                c.Writer.WriteError(Errors.Syntax);
                return;
            }
        }
        else if (c.Count != 2)
        {
            c.Writer.WriteError(Errors.Syntax);
            return;
        }

        c.Writer.WriteArrayHeader(names.Count);
        foreach (var definition in names.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            c.Writer.WriteBulkString(definition.Name);
        }
    }

    private static void Help(ref CommandContext c) => ServerCommands.WriteHelp(ref c.Writer, "COMMAND",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.");
}
