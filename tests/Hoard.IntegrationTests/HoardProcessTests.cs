using static Hoard.IntegrationTests.HoardProcess;

namespace Hoard.IntegrationTests;

/// <summary>
/// <c>hoard serve</c> as a real process: flags, serving, graceful stop on SIGTERM, on SHUTDOWN and, for a node
/// <c>hoard up</c> started, when its standard input closes.
/// </summary>
public class HoardProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServeAnswersAndStopsGracefullyOnSigterm()
    {
        var port = FreePort();
        using var process = Start($"serve --port {port} --maxmemory 10mb --maxmemory-policy allkeys-lru");
        try
        {
            await using var client = await ConnectWithRetriesAsync(port, Bound);
            Assert.Equal("OK", await client.CallAsync("SET", "k", "v"));
            var memory = Assert.IsType<object[]>(await client.CallAsync("CONFIG", "GET", "maxmemory*"));
            Assert.Contains("allkeys-lru", memory);
            Assert.Contains((10L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), memory);

            Assert.Equal(0, Signal(process.Id, "TERM"));
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
        using var process = Start($"serve --port {port}");
        try
        {
            await using var client = await ConnectWithRetriesAsync(port, Bound);
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
        using var process = Start("serve --no-such-setting 1");
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

    [Fact]
    public async Task ANodeStartedByHoardUpStopsWhenItsStandardInputCloses()
    {
        var port = FreePort();
        using var process = Start($"serve --port {port}", s =>
        {
            s.RedirectStandardInput = true;
            s.Environment["HOARD_STOP_WITH_PARENT"] = "1";
        });
        try
        {
            await using var client = await ConnectWithRetriesAsync(port, Bound);
            Assert.Equal("PONG", await client.CallAsync("PING"));

            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            StopIfRunning(process);
        }
    }

    [Fact]
    public async Task AnOperatorsNodeIgnoresTheEndOfItsStandardInput()
    {
        var port = FreePort();
        using var process = Start($"serve --port {port}", s => s.RedirectStandardInput = true);
        try
        {
            await using var client = await ConnectWithRetriesAsync(port, Bound);
            process.StandardInput.Close();
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal("PONG", await client.CallAsync("PING"));
            Assert.False(process.HasExited);
        }
        finally
        {
            StopIfRunning(process);
        }
    }
}
