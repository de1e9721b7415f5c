using System.Diagnostics;

namespace Hoard.IntegrationTests.Samples;

/// <summary>
/// A private PostgreSQL server from Debian's postgresql package (which .ci/run installs): initdb in a directory of its
/// own, listening on 127.0.0.1 at a free port, started and stopped by the test (as the postgres user when the tests run
/// as root, which PostgreSQL refuses). Every wait is bounded; disposing stops it and deletes its files.
/// </summary>
internal sealed class Postgres : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _root;
    private readonly int _port;

    private Postgres(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        _port = port;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5;Pooling=false";

    private string Data => Path.Combine(_root, "data");

    public static async Task<Postgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        Assert.True(bin is not null, "PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
        var root = Path.Combine(Path.GetTempPath(), "hoard-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111); // the postgres user makes its data directory in it
        }
        var postgres = new Postgres(bin!, root, HoardProcess.FreePort());
        await postgres.RunAsync("initdb", $"-D {postgres.Data} -A trust -U postgres --no-sync");
        await postgres.StartAgainAsync();
        return postgres;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) and waits until it takes connections.</summary>
    public Task StartAgainAsync() => RunAsync("pg_ctl",
        $"-D {Data} -l {Path.Combine(_root, "log")} -w -t 30 -o \"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off\" start");

    /// <summary>Stops the server (fast shutdown: connections are cut).</summary>
    public Task StopAsync() => RunAsync("pg_ctl", $"-D {Data} -w -t 30 -m fast stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("pg_ctl", $"-D {Data} -w -t 30 -m immediate stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task RunAsync(string program, string arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(_bin, program),
            asRoot ? $"-u postgres -- {Path.Combine(_bin, program)} {arguments}" : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
