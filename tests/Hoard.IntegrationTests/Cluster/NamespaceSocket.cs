using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Hoard.IntegrationTests.Cluster;

/// <summary>
/// TCP sockets made inside a named network namespace (<c>/run/netns/NAME</c>, as <c>ip netns add</c> makes them), so
/// the test process can talk to nodes that exist only there without running a client program for each command.
/// </summary>
/// <remarks>
/// A socket belongs to the network namespace of the thread that created it, for its whole life, whichever thread uses
/// it later. So a short-lived thread of its own enters the namespace (setns(2) changes only the calling thread), makes
/// the socket and ends; nothing else ever runs on it. The socket is bound to <c>source</c>, an address that exists only
/// inside the test's namespaces: if it were ever made in the machine's own namespace the bind would fail, rather than
/// let a connection to the test's private addresses leave the machine by its default route.
/// </remarks>
internal static partial class NamespaceSocket
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A TCP socket inside namespace <paramref name="name"/>, bound to <paramref name="source"/> (port chosen by the kernel).</summary>
    public static Socket Create(string name, IPAddress source)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle(Path.Combine("/run/netns", name)))
                {
                    if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    {
                        throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns into network namespace {name} failed");
                    }
                }

                var made = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    made.Bind(new IPEndPoint(source, 0));
                }
                catch
                {
                    made.Dispose();
                    throw;
                }

                socket = made;
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns " + name,
        };
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"no socket in network namespace {name}: {error?.Message}", error);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int nstype);
}
