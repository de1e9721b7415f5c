using System.Globalization;

namespace Hoard.Cli;

/// <summary>
/// The arguments of a <c>hoard cluster</c> subcommand: its positional words, <c>-a password</c> (the nodes'
/// requirepass, as redis-cli takes it) and, for <c>create</c>, <c>--replicas N</c>.
/// </summary>
/// <param name="Positional">The words that are not options, in order.</param>
/// <param name="Password">The nodes' password, or null.</param>
/// <param name="Replicas">How many replicas each primary gets (<c>--replicas</c>, default 0).</param>
internal sealed record ClusterArguments(IReadOnlyList<string> Positional, string? Password, int Replicas)
{
    /// <summary>Parses <paramref name="args"/>; <c>--replicas</c> is accepted only when <paramref name="takesReplicas"/>.</summary>
    /// <exception cref="ConfigurationException">An option is unknown, lacks its value, or --replicas is not a number.</exception>
    public static ClusterArguments Parse(IReadOnlyList<string> args, bool takesReplicas)
    {
        var positional = new List<string>();
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
                case var option when option.StartsWith('-'):
                    throw new ConfigurationException($"unknown option '{option}'");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return new ClusterArguments(positional, password, replicas);
    }

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
