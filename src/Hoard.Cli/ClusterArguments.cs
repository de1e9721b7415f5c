using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// The arguments of a <c>hoard cluster</c> subcommand: its positional words, <c>-a password</c> (the nodes'
/// requirepass, as redis-cli takes it), for <c>create</c> <c>--replicas N</c>, and the options a subcommand names
/// (each with one value; given again, values add up).
/// </summary>
/// <param name="Positional">The words that are not options, in order.</param>
/// <param name="Password">The nodes' password, or null.</param>
/// <param name="Replicas">How many replicas each primary gets (<c>--replicas</c>, default 0).</param>
/// <param name="Options">The values of the subcommand's own options, by option (<c>--from</c> …).</param>
internal sealed record ClusterArguments(IReadOnlyList<string> Positional, string? Password, int Replicas, IReadOnlyDictionary<string, List<string>> Options)
{
    /// <summary>
    /// Parses <paramref name="args"/>; <c>--replicas</c> is accepted only when <paramref name="takesReplicas"/>, and
    /// of the other options only <paramref name="options"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">An option is unknown, lacks its value, or --replicas is not a number.</exception>
    public static ClusterArguments Parse(IReadOnlyList<string> args, bool takesReplicas, params string[] options)
    {
        var positional = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? password = null;
        var replicas = 0;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-a":
                    password = Value(args, ++i, "-a");
                    break;
                case "--replicas" when takesReplicas:
                    replicas = ReplicaCount(Value(args, ++i, "--replicas"));
                    break;
                case var option when options.Contains(option):
                    (values.TryGetValue(option, out var list) ? list : values[option] = []).Add(Value(args, ++i, option));
                    break;
                case var option when option.StartsWith('-'):
                    throw new ConfigurationException($"unknown option '{option}'");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return new ClusterArguments(positional, password, replicas, values);
    }

    /// <summary>The one value of <paramref name="option"/>, or null when it was not given.</summary>
    /// <exception cref="ConfigurationException">It was given more than once.</exception>
    public string? Single(string option) => Options.TryGetValue(option, out var list)
        ? list.Count == 1 ? list[0] : throw new ConfigurationException($"{option} is given {list.Count} times")
        : null;

    /// <summary>The endpoints among the positional words, checked to be <c>host:port</c> and distinct.</summary>
    /// <exception cref="ConfigurationException">One is not <c>host:port</c> or appears twice.</exception>
    public static IReadOnlyList<NodeEndpoint> Endpoints(IEnumerable<string> words)
    {
        var endpoints = words.Select(NodeEndpoint.Parse).ToList();
        var repeated = endpoints.GroupBy(e => e).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? endpoints : throw new ConfigurationException($"{repeated.Key} is given twice");
    }

    private static string Value(IReadOnlyList<string> args, int index, string option) =>
        index < args.Count ? args[index] : throw new ConfigurationException($"{option} needs a value");

    private static int ReplicaCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas)
            ? replicas
            : throw new ConfigurationException($"--replicas needs a number, not '{text}'");
}
