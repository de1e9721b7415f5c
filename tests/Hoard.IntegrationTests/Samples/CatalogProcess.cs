using System.Diagnostics;

namespace Hoard.IntegrationTests.Samples;

/// <summary>
/// The catalogue sample (samples/Hoard.Samples.Catalog, built with the solution) run as a process of its own on a free
/// loopback port, until disposed; its output is kept for a failure's message.
/// </summary>
internal sealed class CatalogProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private CatalogProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<CatalogProcess> StartAsync(string connectionString, string hoard, params string[] settings)
    {
        var port = HoardProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[SampleDll(), "--urls", $"http://127.0.0.1:{port}", "--ConnectionStrings:Catalog", connectionString,
            "--Hoard:Configuration", hoard, "--Logging:LogLevel:Default", "Warning", .. settings])
        {
            start.ArgumentList.Add(arg);
        }

        var sample = new CatalogProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        sample._process.OutputDataReceived += (_, e) => sample.Keep(e.Data);
        sample._process.ErrorDataReceived += (_, e) => sample.Keep(e.Data);
        sample._process.BeginOutputReadLine();
        sample._process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + LocalClusterBound;
        while (true)
        {
            try
            {
                await http.GetAsync(new Uri(sample.Address, "/cart"));
                return sample;
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < deadline && !sample._process.HasExited)
            {
                await Task.Delay(100);
            }
            catch
            {
                await sample.DisposeAsync();
                throw new InvalidOperationException("the sample did not start: " + sample.Output);
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    private static TimeSpan LocalClusterBound => Cluster.LocalCluster.Bound;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(LocalClusterBound);
        }

        _process.Dispose();
    }

    /// <summary>The sample's build beside this test build (same configuration), found from the repository root.</summary>
    private static string SampleDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name; // bin/<configuration>/net10.0
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Hoard.slnx")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, "the repository root (Hoard.slnx) is not above " + AppContext.BaseDirectory);
        return Path.Combine(root!.FullName, "samples", "Hoard.Samples.Catalog", "bin", configuration, "net10.0", "Hoard.Samples.Catalog.dll");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }
}
