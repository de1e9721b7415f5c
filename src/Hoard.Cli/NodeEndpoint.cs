using System.Globalization;
using System.Net;

namespace Hoard.Cli;

/// <summary>A node's client endpoint as operators write it and CLUSTER NODES prints it: <c>host:port</c>.</summary>
/// <param name="Host">Host name or address (IPv6 without brackets).</param>
/// <param name="Port">Client (RESP) port.</param>
internal readonly record struct NodeEndpoint(string Host, int Port)
{
    /// <summary>The endpoint to connect to.</summary>
    public EndPoint EndPoint => IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host, Port);

    /// <summary>Parses <c>host:port</c> (<c>[::1]:7000</c> for IPv6).</summary>
    /// <exception cref="ConfigurationException">The text is not <c>host:port</c>.</exception>
    public static NodeEndpoint Parse(string text) =>
        TryParse(text, out var endpoint) ? endpoint : throw new ConfigurationException($"'{text}' is not host:port");

    /// <summary>Parses <c>host:port</c>; false when the text is not one.</summary>
    public static bool TryParse(string text, out NodeEndpoint endpoint)
    {
        endpoint = default;
        var colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        endpoint = new NodeEndpoint(host, port);
        return true;
    }

    /// <summary>The text form, <c>host:port</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}");
}
