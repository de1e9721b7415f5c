using System.Text;

namespace Hoard.Cli;

/// <summary>
/// Reads settings in redis.conf syntax: one <c>name value…</c> per line, <c>#</c> comments, values in double
/// quotes (with <c>\n \t \" \\ \xHH</c> escapes) or single quotes. Command-line flags use the same names.
/// </summary>
internal static class ConfigFile
{
    /// <summary>The settings of a file, in order (a later line wins, as in Redis).</summary>
    public static IEnumerable<(string Name, string Value)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"config file '{path}' not found");
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var words = Split(line) ?? throw new ConfigurationException($"{path}:{number}: unbalanced quotes");
            if (words.Count < 2)
            {
                throw new ConfigurationException($"{path}:{number}: '{words[0]}' needs a value");
            }

            yield return (words[0].ToLowerInvariant(), string.Join(' ', words.Skip(1)));
        }
    }

    /// <summary>The settings given as <c>--name value [value…]</c> flags.</summary>
    public static IEnumerable<(string Name, string Value)> FromFlags(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ConfigurationException($"unexpected argument '{args[i]}'");
            }

            var name = args[i][2..].ToLowerInvariant();
            var values = new List<string>();
            while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values.Add(args[++i]);
            }

            if (values.Count == 0)
            {
                throw new ConfigurationException($"--{name} needs a value");
            }

            yield return (name, string.Join(' ', values));
        }
    }

    /// <summary>Splits a line into words; null when a quote is not closed.</summary>
    public static List<string>? Split(string line)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                return words;
            }

            var word = new StringBuilder();
            var quote = line[i] is '"' or '\'' ? line[i++] : '\0';
            while (true)
            {
                if (i == line.Length)
                {
                    if (quote != '\0')
                    {
                        return null;
                    }

                    break;
                }

                var ch = line[i];
                if (quote == '\0' && char.IsWhiteSpace(ch))
                {
                    break;
                }

                if (ch == quote)
                {
                    i++;
                    break;
                }

                if (quote == '"' && ch == '\\' && i + 1 < line.Length)
                {
                    i++;
                    word.Append(Unescape(line, ref i));
                    continue;
                }

                word.Append(ch);
                i++;
            }

            words.Add(word.ToString());
        }
    }

    private static char Unescape(string line, ref int i)
    {
        var ch = line[i++];
        switch (ch)
        {
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'b':
                return '\b';
            case 'a':
                return '\a';
            case 'x' when i + 1 < line.Length && Uri.IsHexDigit(line[i]) && Uri.IsHexDigit(line[i + 1]):
                var value = Convert.ToByte(line.Substring(i, 2), 16);
                i += 2;
                return (char)value;
            default:
                return ch;
        }
    }
}
