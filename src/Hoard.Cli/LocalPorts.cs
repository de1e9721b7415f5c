using System.Net;
using System.Net.Sockets;

namespace Hoard.Cli;

/// <summary>Which loopback ports are free to listen on.</summary>
internal static class LocalPorts
{
    /// <summary>Whether a listener could be opened on 127.0.0.1:<paramref name="port"/> now.</summary>
    public static bool IsFree(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
