using System.Security.Cryptography;

namespace Hoard.Server.Commands.Server;

/// <summary>
/// What INFO reports beyond the keyspace's own counters: the run id, commands processed, the instantaneous
/// operations per second (sampled every 100 ms over the last 1.6 s, as Redis does) and the memory peak.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    private const int Samples = 16;
    private readonly HoardServer _server;
    private readonly Timer _timer;
    private readonly double[] _rates = new double[Samples];
    private readonly Lock _gate = new();
    private long _lastCount;
    private long _lastTimestamp;
    private int _sampleIndex;
    private long _peakMemory;

    /// <summary>Starts sampling <paramref name="server"/>.</summary>
    public ServerMetrics(HoardServer server)
    {
        _server = server ?? throw new ArgumentNullException(nameof(server));
        RunId = RandomHex();
        _lastTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>40 random hex characters, fixed for the process's node (INFO <c>run_id</c>).</summary>
    public string RunId { get; }

    /// <summary>Commands run since start or CONFIG RESETSTAT (the sum of every command's calls).</summary>
    public long TotalCommands => _server.Commands.All.Sum(d => d.Statistics.Calls);

    /// <summary>Commands per second over the last samples.</summary>
    public long InstantaneousOpsPerSecond
    {
        get
        {
            lock (_gate)
            {
                return (long)Math.Round(_rates.Average());
            }
        }
    }

    /// <summary>The highest <c>used_memory</c> seen (INFO <c>used_memory_peak</c>).</summary>
    public long PeakMemory
    {
        get
        {
            UpdatePeak();
            return Interlocked.Read(ref _peakMemory);
        }
    }

    /// <summary>Forgets the rate samples and the peak (CONFIG RESETSTAT).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Array.Clear(_rates);
            _lastCount = 0;
        }

        Interlocked.Exchange(ref _peakMemory, 0);
        UpdatePeak();
    }

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var count = TotalCommands;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            if (seconds > 0 && count >= _lastCount)
            {
                _rates[_sampleIndex] = (count - _lastCount) / seconds;
                _sampleIndex = (_sampleIndex + 1) % Samples;
            }

            _lastCount = count;
            _lastTimestamp = now;
        }

        UpdatePeak();
    }

    private void UpdatePeak()
    {
        var used = _server.Keyspace.UsedMemory;
        var peak = Interlocked.Read(ref _peakMemory);
        while (used > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakMemory, used, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
