using System.Runtime.InteropServices;

namespace Hoard.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the commands that run until asked to stop: the first signal cancels
/// <see cref="Stopping"/> (stop in good order), a second one also cancels <see cref="Aborting"/> (stop now, even in
/// the middle of moving slots).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;
    private int _count;

    /// <summary>Registers the handlers; until disposed, the signals no longer end the process by themselves.</summary>
    public StopSignals()
    {
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    /// <summary>Cancelled by the first signal (or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationToken Aborting => _aborting.Token;

    /// <summary>Whether a signal (or <see cref="StopAsync"/>) asked to stop.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Stops as the first signal would: from here on, the nodes' exits are expected.</summary>
    public Task StopAsync() => _stopping.CancelAsync();

    /// <inheritdoc/>
    public void Dispose()
    {
        _sigterm.Dispose();
        _sigint.Dispose();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            _stopping.Cancel();
        }
        else
        {
            _stopping.Cancel();
            _aborting.Cancel();
        }
    }
}
