using System.Text;
using Hoard.Protocol;

namespace Hoard.Server.Commands.Connection;

/// <summary>HELP replies and subcommand errors of container commands (CLIENT, PUBSUB), worded as Redis 7's.</summary>
internal static class SubcommandHelp
{
    /// <summary>
    /// Writes Redis's help array: <c>NAME &lt;subcommand&gt; [&lt;arg&gt; [value] [opt] ...]. Subcommands are:</c>, the
    /// lines, then <c>HELP</c> / <c>    Print this help.</c>, all simple strings.
    /// </summary>
    public static void Write(ref RespWriter writer, string container, string[] lines)
    {
        writer.WriteArrayHeader(lines.Length + 3);
        writer.WriteSimpleString(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        foreach (var line in lines)
        {
            writer.WriteSimpleString(line);
        }

        writer.WriteSimpleString("HELP"u8);
        writer.WriteSimpleString("    Print this help."u8);
    }

    /// <summary>
    /// The error for a subcommand that did not run: unknown (<c>unknown subcommand 'x'. Try CLIENT HELP.</c>), wrong
    /// arity for its table entry (<c>wrong number of arguments for 'client|setname' command</c>), or refused by the
    /// handler (<c>unknown subcommand or wrong number of arguments for 'x'. Try CLIENT HELP.</c>).
    /// </summary>
    /// <param name="c">The command.</param>
    /// <param name="container">The container's name in upper case.</param>
    /// <param name="arities">Each known subcommand (upper case) and its arity counted as Redis does (name included).</param>
    public static void WriteError(ref CommandContext c, string container, (string Name, int Arity)[] arities)
    {
        var subcommand = Printable(c[1]);
        foreach (var (name, arity) in arities)
        {
            if (!string.Equals(name, subcommand, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fits = arity >= 0 ? c.Count == arity : c.Count >= -arity;
            c.Writer.WriteError(fits
                ? $"ERR unknown subcommand or wrong number of arguments for '{subcommand}'. Try {container} HELP."
                : $"ERR wrong number of arguments for '{container.ToLowerInvariant()}|{name.ToLowerInvariant()}' command");
            return;
        }

        c.Writer.WriteError($"ERR unknown subcommand '{subcommand}'. Try {container} HELP.");
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, 128));
        foreach (var b in bytes[..Math.Min(bytes.Length, 128)])
        {
            text.Append(b is >= 32 and < 127 ? (char)b : ' ');
        }

        return text.ToString();
    }
}
