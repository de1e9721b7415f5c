namespace Hoard.Cluster.Tests.Support;

public static class OpenFiles
{
    /// <summary>
    /// The files under <paramref name="directory"/> this process holds open or mapped into memory (read from
    /// /proc/self on Linux; empty elsewhere).
    /// </summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return [];

        var prefix = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        var open = new List<string>();
        foreach (var descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith(prefix, StringComparison.Ordinal))
                    open.Add(target);
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        open.AddRange(File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : "")
            .Where(path => path.StartsWith(prefix, StringComparison.Ordinal)));
        return open;
    }
}
