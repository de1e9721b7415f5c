using System.Diagnostics;
using System.Globalization;

namespace Hoard.Bench.ReplicationBench;

/// <summary>One throughput sample of redis-benchmark: requests per second over (<see cref="FromMs"/>, <see cref="ToMs"/>].</summary>
internal readonly record struct Sample(double FromMs, double ToMs, double Rps);

/// <summary>redis-benchmark's <c>-c</c>, <c>-P</c>, <c>-d</c> and <c>-r</c>.</summary>
internal sealed record LoadOptions(int Clients, int Pipeline, int ValueSize, int Keyspace);

/// <summary>
/// A redis-benchmark process run as a background load (one test, a huge <c>-n</c>, killed on <see cref="Dispose"/>).
/// Without <c>--csv</c>/<c>-q</c> it prints <c>SET: rps=R (overall: …) …</c> every 250 ms, R being the rate since
/// its previous line; each line is stamped when it is read, so a sample covers the time since the previous one.
/// </summary>
internal sealed class BenchmarkLoad : IDisposable
{
    private readonly Process _process;
    private readonly List<Sample> _samples = [];
    private readonly Thread _reader;
    private double _lastMs;

    public BenchmarkLoad(int port, string test, LoadOptions load)
    {
        var info = new ProcessStartInfo("redis-benchmark")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-h", "127.0.0.1", "-p", Text(port), "-t", test, "-c", Text(load.Clients), "-P", Text(load.Pipeline),
            "-d", Text(load.ValueSize), "-r", Text(load.Keyspace), "-n", "2000000000",
        })
        {
            info.ArgumentList.Add(arg);
        }

        Arguments = string.Join(' ', info.ArgumentList);
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(); // SIGTERM skips Dispose: don't leave the load running
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _lastMs = Clock.Ms;
        _reader = new Thread(Read) { IsBackground = true, Name = "redis-benchmark reader" };
        _reader.Start();
    }

    public string Arguments { get; }

    public int Pid => _process.Id;

    /// <summary>The samples so far.</summary>
    public Sample[] Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Waits (bounded) until the load has produced a sample with requests in it.</summary>
    public void WaitUntilRunning(TimeSpan bound)
    {
        var deadline = Clock.Ms + bound.TotalMilliseconds;
        while (!Samples.Any(s => s.Rps > 0))
        {
            if (Clock.Ms > deadline || _process.HasExited)
            {
                throw new TimeoutException("redis-benchmark produced no throughput");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Requests per second over the samples that lie wholly in [from, to], and the time they cover.</summary>
    public static (double Rps, double CoveredMs, int Count) Over(Sample[] samples, double fromMs, double toMs)
    {
        var inside = samples.Where(s => s.FromMs >= fromMs && s.ToMs <= toMs).ToArray();
        var covered = inside.Sum(s => s.ToMs - s.FromMs);
        return (covered > 0 ? inside.Sum(s => s.Rps * (s.ToMs - s.FromMs)) / covered : double.NaN, covered, inside.Length);
    }

    private void Read()
    {
        var stdout = _process.StandardOutput;
        var line = new System.Text.StringBuilder();
        int c;
        while ((c = stdout.Read()) >= 0)
        {
            if (c is not ('\r' or '\n'))
            {
                line.Append((char)c);
                continue;
            }

            var text = line.ToString();
            line.Clear();
            var at = text.IndexOf(": rps=", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var end = text.IndexOf(' ', at + 6);
            if (double.TryParse(text.AsSpan(at + 6, (end < 0 ? text.Length : end) - at - 6), NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                var now = Clock.Ms;
                lock (_samples)
                {
                    _samples.Add(new Sample(_lastMs, now, rps));
                }

                _lastMs = now;
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Stop()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // It had exited, or was disposed.
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
