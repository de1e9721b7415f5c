using System.Globalization;
using Hoard.Cluster.Topology;

namespace Hoard.Cli;

/// <summary>
/// One line of CLUSTER NODES in Redis's format:
/// <c>&lt;id&gt; &lt;ip:port@cport[,hostname]&gt; &lt;flags&gt; &lt;master|-&gt; &lt;ping-sent&gt; &lt;pong-recv&gt; &lt;config-epoch&gt; &lt;link-state&gt; &lt;slot&gt;…</c>.
/// </summary>
/// <param name="Id">The node id (40 hex digits).</param>
/// <param name="Address">The client endpoint, <c>ip:port</c> (empty ip for a node without an address).</param>
/// <param name="Flags">The flags: myself, master, slave, fail?, fail, handshake, noaddr, nofailover.</param>
/// <param name="PrimaryId">The id of the primary a replica follows; null for a primary.</param>
/// <param name="ConfigEpoch">The node's config epoch.</param>
/// <param name="LinkState">connected or disconnected.</param>
/// <param name="Slots">The slot ranges the node serves.</param>
internal sealed record ClusterNodeEntry(
    string Id,
    string Address,
    IReadOnlyList<string> Flags,
    string? PrimaryId,
    long ConfigEpoch,
    string LinkState,
    IReadOnlyList<SlotRange> Slots)
{
    /// <summary>Whether this line is the node that answered.</summary>
    public bool IsMyself => Flags.Contains("myself");

    /// <summary>Whether the node is a replica (Redis's <c>slave</c> flag).</summary>
    public bool IsReplica => Flags.Contains("slave");

    /// <summary>How many slots the node serves.</summary>
    public int SlotCount => Slots.Sum(r => r.Count);

    /// <summary>Parses every line of a CLUSTER NODES reply.</summary>
    /// <exception cref="FormatException">A line is not in Redis's format.</exception>
    public static IReadOnlyList<ClusterNodeEntry> ParseAll(string text) =>
        [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(Parse)];

    /// <summary>Parses one line.</summary>
    /// <exception cref="FormatException">The line is not in Redis's format.</exception>
    public static ClusterNodeEntry Parse(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 8 || !long.TryParse(words[6], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            throw new FormatException($"not a CLUSTER NODES line: '{line}'");
        }

        var at = words[1].IndexOf('@', StringComparison.Ordinal);
        var slots = new List<SlotRange>();
        foreach (var word in words.AsSpan(8))
        {
            // "[slot->-id]" and "[slot-<-id]" mark a slot migrating out or being imported; ownership is in the plain ranges.
            if (!word.StartsWith('['))
            {
                slots.Add(ParseRange(word, line));
            }
        }

        return new ClusterNodeEntry(
            words[0],
            at < 0 ? words[1] : words[1][..at],
            words[2].Split(','),
            words[3] == "-" ? null : words[3],
            epoch,
            words[7],
            slots);
    }

    private static SlotRange ParseRange(string word, string line)
    {
        var dash = word.IndexOf('-', StringComparison.Ordinal);
        var range = dash < 0
            ? new SlotRange(ParseSlot(word, line), ParseSlot(word, line))
            : new SlotRange(ParseSlot(word[..dash], line), ParseSlot(word[(dash + 1)..], line));
        return range.IsValid ? range : throw new FormatException($"bad slot range '{word}' in '{line}'");
    }

    private static int ParseSlot(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var slot)
            ? slot
            : throw new FormatException($"bad slot '{text}' in '{line}'");
}
