using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Hoard.Bench.ClusterBench;

namespace Hoard.Bench.ReplicationBench;

/// <summary>What the bench reads from a node: INFO fields, its process's CPU time, its link's byte count.</summary>
internal static partial class Node
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Connects; a reply may take 2 minutes (a replica busy applying a snapshot may answer late).</summary>
    public static RespConnection Open(int port) => RespConnection.Open(port, Bound, TimeSpan.FromMinutes(2));

    /// <summary>The <c>name:value</c> lines of an INFO section.</summary>
    public static Dictionary<string, string> Info(RespConnection node, string section)
    {
        var text = node.Call("INFO", section) as string ?? throw new InvalidDataException($"INFO {section} failed on port {node.Port}");
        return text.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    public static long InfoLong(RespConnection node, string section, string field) =>
        long.Parse(Info(node, section)[field], CultureInfo.InvariantCulture);

    public static long DbSize(RespConnection node) => node.Call("DBSIZE") as long? ?? throw new InvalidDataException("DBSIZE failed");

    /// <summary>
    /// User + system CPU seconds so far of a process and of its children: those it reaped (cutime, cstime) and those
    /// still alive (found by their parent pid in /proc). Hoard starts none; redis-server forks one per full sync to
    /// write the snapshot, and its CPU is the primary's work as much as Hoard's snapshot thread is. (A child reaped
    /// between the two reads is counted twice or not at all: a window of microseconds.)
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        var fields = StatFields(File.ReadAllText($"/proc/{pid}/stat"));
        var ticks = Ticks(fields, 11) + Ticks(fields, 12) + Ticks(fields, 13) + Ticks(fields, 14);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // it ended meanwhile
            }

            var child = StatFields(stat);
            if (child[1] == pid.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(child, 11) + Ticks(child, 12);
            }
        }

        return ticks / 100.0;
    }

    /// <summary>The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, … [11] utime … [14] cstime.</summary>
    private static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    private static long Ticks(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    /// <summary>
    /// Bytes received so far on the replica's connection to the primary (<c>ss -ti</c>'s <c>bytes_received</c> of the
    /// socket process <paramref name="replicaPid"/> holds to <paramref name="primaryPort"/>), or -1 if not found.
    /// </summary>
    public static long LinkBytesReceived(int replicaPid, int primaryPort)
    {
        var info = new ProcessStartInfo("ss") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-tinpH", "state", "established", $"( dport = :{primaryPort} )" })
        {
            info.ArgumentList.Add(arg);
        }

        using var ss = Process.Start(info)!;
        var lines = ss.StandardOutput.ReadToEnd().Split('\n');
        ss.WaitForExit(5000);
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].Contains($"pid={replicaPid},", StringComparison.Ordinal) && BytesReceived().Match(lines[i + 1]) is { Success: true } m)
            {
                return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds, for <paramref name="bound"/> at most.</summary>
    public static void WaitUntil(string what, Func<bool> condition, TimeSpan bound)
    {
        var deadline = Clock.Ms + bound.TotalMilliseconds;
        while (!condition())
        {
            if (Clock.Ms > deadline)
            {
                throw new TimeoutException($"timed out after {bound.TotalSeconds:0} s waiting until {what}");
            }

            Thread.Sleep(10);
        }
    }

    [GeneratedRegex(@"bytes_received:(\d+)")]
    private static partial Regex BytesReceived();
}
