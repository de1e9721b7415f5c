using System.Globalization;
using System.Text;
using Hoard.Protocol;
using Hoard.Server.Connections;

namespace Hoard.Server.Commands.Server;

/// <summary>
/// Commands that took longer than <c>slowlog-log-slower-than</c> microseconds (SLOWLOG GET), newest first, at most
/// <c>slowlog-max-len</c> of them. Entries keep up to 32 arguments, each cut at 128 bytes, as Redis does.
/// </summary>
public sealed class SlowLog
{
    private const int MaxArguments = 32;
    private const int MaxArgumentLength = 128;

    private readonly ServerOptions _options;
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private readonly Lock _gate = new();
    private long _nextId;

    /// <summary>Creates an empty log that follows the limits in <paramref name="options"/>.</summary>
    public SlowLog(ServerOptions options) => _options = options;

    /// <summary>Whether a command that took <paramref name="elapsed"/> belongs in the log.</summary>
    public bool IsSlow(TimeSpan elapsed)
    {
        var threshold = _options.SlowlogLogSlowerThan;
        return threshold >= 0 && elapsed.Ticks / TimeSpan.TicksPerMicrosecond >= threshold;
    }

    /// <summary>Logs a command (its arguments are copied).</summary>
    public void Add(ClientSession session, CommandBuffer command, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Name.Length is 4 or 5 && (System.Text.Ascii.EqualsIgnoreCase(command.Name, "AUTH"u8)
            || System.Text.Ascii.EqualsIgnoreCase(command.Name, "HELLO"u8) || System.Text.Ascii.EqualsIgnoreCase(command.Name, "EXEC"u8)))
        {
            return; // Redis keeps passwords and transactions out of the slow log
        }

        var shown = Math.Min(command.Count, MaxArguments);
        var args = new byte[shown][];
        for (var i = 0; i < shown; i++)
        {
            if (i == shown - 1 && command.Count > MaxArguments)
            {
                args[i] = Encoding.ASCII.GetBytes($"... ({command.Count - MaxArguments + 1} more arguments)");
                break;
            }

            var arg = command[i];
            args[i] = arg.Length <= MaxArgumentLength
                ? arg.ToArray()
                : [.. arg[..MaxArgumentLength], .. Encoding.ASCII.GetBytes($"... ({arg.Length - MaxArgumentLength} more bytes)")];
        }

        var entry = new SlowLogEntry(0, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), elapsed.Ticks / TimeSpan.TicksPerMicrosecond, args,
            session.Remote?.ToString() ?? "", session.Name ?? "");
        lock (_gate)
        {
            _entries.AddFirst(entry with { Id = _nextId++ });
            Trim();
        }
    }

    /// <summary>Entries kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                Trim();
                return _entries.Count;
            }
        }
    }

    /// <summary>The newest <paramref name="count"/> entries, newest first.</summary>
    public IReadOnlyList<SlowLogEntry> Newest(long count)
    {
        lock (_gate)
        {
            Trim();
            return _entries.Take((int)Math.Min(count, int.MaxValue)).ToList();
        }
    }

    /// <summary>Empties the log (SLOWLOG RESET); ids keep counting.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    private void Trim()
    {
        var max = _options.SlowlogMaxLength;
        while (_entries.Count > max)
        {
            _entries.RemoveLast();
        }
    }
}

/// <summary>One slow log entry, as SLOWLOG GET shows it.</summary>
/// <param name="Id">Unique, increasing id.</param>
/// <param name="UnixTime">When the command ran, Unix seconds.</param>
/// <param name="Microseconds">How long it ran.</param>
/// <param name="Arguments">The command and its arguments, shortened as Redis does.</param>
/// <param name="ClientAddress">The client's ip:port.</param>
/// <param name="ClientName">The client's name or "".</param>
public sealed record SlowLogEntry(long Id, long UnixTime, long Microseconds, IReadOnlyList<byte[]> Arguments, string ClientAddress, string ClientName)
{
    /// <inheritdoc/>
    public override string ToString() => Id.ToString(CultureInfo.InvariantCulture);
}
