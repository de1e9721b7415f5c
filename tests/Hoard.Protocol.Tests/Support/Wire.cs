using System.Text;

namespace Hoard.Protocol.Tests.Support;

/// <summary>Wire bytes written as strings: one char per byte (Latin-1), so "\0", "\r\n" and "\xFF" mean what they say.</summary>
public static class Wire
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A multibulk request for the given arguments.</summary>
    public static string Multibulk(params string[] args)
    {
        var text = new StringBuilder();
        text.Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            text.Append('$').Append(arg.Length).Append("\r\n").Append(arg).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>The arguments of a parsed command, one string per argument.</summary>
    public static string[] Args(CommandBuffer command)
    {
        var args = new string[command.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Text(command[i]);
        }

        return args;
    }
}
