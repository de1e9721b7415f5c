using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hoard.Server.Tests.Support;

namespace Hoard.IntegrationTests;

/// <summary>Runs the <c>hoard</c> executable as a real process (its hoard.dll lands next to the tests) and watches processes.</summary>
internal static class HoardProcess
{
    /// <summary>Starts <c>dotnet hoard.dll {arguments} --loglevel warning</c> with its output redirected.</summary>
    public static Process Start(string arguments, Action<ProcessStartInfo>? configure = null)
    {
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{hoard}\" {arguments} --loglevel warning")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        configure?.Invoke(start);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start hoard");
    }

    /// <summary>Connects to a loopback port, retrying while the process starts.</summary>
    public static async Task<RespClient> ConnectWithRetriesAsync(int port, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            try
            {
                return await RespClient.ConnectAsync(port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A loopback port free now.</summary>
    public static int FreePort() => FreePorts(1)[0];

    /// <summary>Distinct loopback ports free now: every listener stays open until all are chosen.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    /// <summary>Whether a listener could be opened on the loopback port now.</summary>
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

    /// <summary>Sends a signal with kill(1); returns its exit code.</summary>
    public static int Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>
    /// Whether the process runs, from /proc: a zombie has exited (a process whose parent died is reaped by
    /// whatever adopted it, which may take its time).
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Kills the process and its children if it still runs.</summary>
    public static void StopIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
