using System.Globalization;

namespace Hoard.Server.Configuration;

/// <summary>
/// <c>client-output-buffer-limit</c>: groups of <c>class hard soft seconds</c> for the classes normal, replica
/// (alias slave) and pubsub. The hard limits of pubsub and replica are enforced (a subscriber whose pending messages
/// pass it is disconnected; a replica further behind the replication stream is dropped and resyncs); the other
/// values are kept and reported — replies to normal clients are bounded by send backpressure instead.
/// </summary>
internal static class OutputBufferLimits
{
    private static readonly string[] Classes = ["normal", "slave", "pubsub"];
    private static readonly string[] Defaults = ["0 0 0", "268435456 67108864 60", "33554432 8388608 60"];

    public static ConfigSetting Setting { get; } = new("client-output-buffer-limit", Get, Set, Mutable: true);

    private static string Get(ServerOptions options, HoardServer? server) => string.Join(' ', Classes.Select((name, i) =>
    {
        var value = options.StoredSettings.GetValueOrDefault("client-output-buffer-limit:" + name, Defaults[i]);
        if (name is "pubsub" or "slave")
        {
            var parts = value.Split(' ');
            parts[0] = (name == "pubsub" ? server?.PubSub.OutputLimit ?? options.PubSubOutputLimit : options.ReplicaOutputLimit)
                .ToString(CultureInfo.InvariantCulture);
            value = string.Join(' ', parts);
        }

        return name + " " + value;
    }));

    private static string? Set(ServerOptions options, HoardServer? server, string value)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words.Length % 4 != 0)
        {
            return "Wrong number of arguments in buffer limit configuration.";
        }

        var parsed = new List<(string Class, long Hard, long Soft, long Seconds)>();
        for (var i = 0; i < words.Length; i += 4)
        {
            var name = words[i].ToLowerInvariant() switch
            {
                "normal" => "normal",
                "slave" or "replica" => "slave",
                "pubsub" => "pubsub",
                _ => null,
            };
            if (name is null)
            {
                return "Invalid client class specified in buffer limit configuration.";
            }

            if (!MemorySize.TryParse(words[i + 1], out var hard) || !MemorySize.TryParse(words[i + 2], out var soft)
                || !long.TryParse(words[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            }

            parsed.Add((name, hard, soft, seconds));
        }

        foreach (var (name, hard, soft, seconds) in parsed)
        {
            options.StoredSettings["client-output-buffer-limit:" + name] = FormattableString.Invariant($"{hard} {soft} {seconds}");
            if (name == "pubsub")
            {
                options.PubSubOutputLimit = hard;
                if (server is not null)
                {
                    server.PubSub.OutputLimit = hard;
                }
            }
            else if (name == "slave")
            {
                options.ReplicaOutputLimit = hard;
                if (server?.Replication.Backlog is { } backlog)
                {
                    backlog.RetainLimit = hard;
                }
            }
        }

        return null;
    }
}
