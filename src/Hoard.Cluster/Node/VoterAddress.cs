using System.Globalization;
using System.Net;

namespace Hoard.Cluster.Node;

/// <summary>
/// A voter of the consensus group as operators write it: <c>host:port[@cluster-port]</c>, the client port first and
/// the cluster port after <c>@</c> (as CLUSTER NODES prints addresses); without <c>@</c> the cluster port is
/// port + 10000, Redis's default.
/// </summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">Client (RESP) port.</param>
/// <param name="ClusterPort">Cluster (consensus) port.</param>
public readonly record struct VoterAddress(string Host, int Port, int ClusterPort)
{
    /// <summary>The distance between a client port and its default cluster port.</summary>
    public const int ClusterPortOffset = 10000;

    /// <summary>The consensus endpoint.</summary>
    public EndPoint ClusterEndPoint => IPAddress.TryParse(Host, out var ip)
        ? new IPEndPoint(ip, ClusterPort)
        : new DnsEndPoint(Host, ClusterPort);

    /// <summary>The client endpoint.</summary>
    public EndPoint ClientEndPoint => IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host, Port);

    /// <summary>Parses <c>host:port[@cluster-port]</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address, when the text is well formed.</param>
    /// <returns>Whether it was.</returns>
    public static bool TryParse(string text, out VoterAddress address)
    {
        address = default;
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var main = at < 0 ? text : text[..at];
        var colon = main.LastIndexOf(':');
        if (colon <= 0 || !TryPort(main[(colon + 1)..], out var port))
        {
            return false;
        }

        var host = main[..colon].Trim('[', ']');
        var clusterPort = port + ClusterPortOffset;
        if (at >= 0 && !TryPort(text[(at + 1)..], out clusterPort))
        {
            return false;
        }

        if (host.Length == 0 || clusterPort > 65535)
        {
            return false;
        }

        address = new VoterAddress(host, port, clusterPort);
        return true;
    }

    /// <summary>Parses a comma-separated list of voters.</summary>
    /// <param name="text">The list.</param>
    /// <returns>The voters.</returns>
    /// <exception cref="FormatException">An element is not <c>host:port[@cluster-port]</c>.</exception>
    public static IReadOnlyList<VoterAddress> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var voters = new List<VoterAddress>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            voters.Add(TryParse(part, out var voter) ? voter : throw new FormatException($"'{part}' is not host:port[@cluster-port]"));
        }

        return voters;
    }

    /// <summary>The text form, <c>host:port@cluster-port</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}@{ClusterPort}");

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}
