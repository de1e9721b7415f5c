using System.Net;
using System.Net.Sockets;

namespace Hoard.Cluster.Tests.Support;

public static class FreePort
{
    /// <summary>A loopback endpoint on a port the system just handed out and that nothing listens on now.</summary>
    public static IPEndPoint Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        }
        finally
        {
            listener.Stop();
        }
    }
}
