using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hoard.Server.Tests.Support;

namespace Hoard.IntegrationTests;

/// <summary><c>hoard serve</c> as a real process: flags, serving, graceful stop on SIGTERM and on SHUTDOWN.</summary>
public class HoardProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServeAnswersAndStopsGracefullyOnSigterm()
    {
        var port = FreePort();
        using var process = StartHoard($"serve --port {port} --maxmemory 10mb --maxmemory-policy allkeys-lru");
        try
        {
            await using var client = await ConnectWithRetriesAsync(port);
            Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
            var memory = Assert.IsType<object[]>(await client.CallAsync("CONFIG", "GET", "maxmemory*"));
            Assert.Contains("allkeys-lru", memory);
            Assert.Contains((10L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), memory);

            Assert.Equal(0, Kill(process.Id, "TERM"));
            await process.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            StopIfRunning(process);
        }
    }

    [Fact]
    public async Task ShutdownCommandStopsTheProcess()
    {
        var port = FreePort();
        using var process = StartHoard($"serve --port {port}");
        try
        {
            await using var client = await ConnectWithRetriesAsync(port);
            await client.SendAsync("SHUTDOWN", "NOSAVE");
            await process.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            StopIfRunning(process);
        }
    }

    [Fact]
    public async Task AnUnknownSettingIsRefusedWithAClearMessage()
    {
        using var process = StartHoard("serve --no-such-setting 1");
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(2, process.ExitCode);
            Assert.Contains("unknown setting 'no-such-setting'", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            StopIfRunning(process);
        }
    }

    private static Process StartHoard(string arguments)
    {
        var hoard = Path.Combine(AppContext.BaseDirectory, "hoard.dll");
        return Process.Start(new ProcessStartInfo("dotnet", $"\"{hoard}\" {arguments} --loglevel warning")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start hoard");
    }

    private static async Task<RespClient> ConnectWithRetriesAsync(int port)
    {
        var deadline = DateTime.UtcNow + Bound;
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        return kill.ExitCode;
    }

    private static void StopIfRunning(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
