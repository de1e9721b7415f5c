namespace Hoard.Cli;

/// <summary>The directory of <c>hoard up</c>'s nodes: each node's data directory and log, by port.</summary>
internal static class UpDirectory
{
    /// <summary>
    /// Creates the directory and deletes what nodes on <paramref name="ports"/> left there in an earlier run, so that
    /// each starts empty (every <c>up</c> is a new cluster, every added node a new node).
    /// </summary>
    /// <exception cref="CommandFailedException">The directory cannot be created or cleared.</exception>
    public static void Prepare(UpOptions options, IEnumerable<int> ports)
    {
        try
        {
            Directory.CreateDirectory(options.Directory);
            foreach (var port in ports)
            {
                if (Directory.Exists(options.NodeDirectory(port)))
                {
                    Directory.Delete(options.NodeDirectory(port), recursive: true);
                }

                File.Delete(options.LogPath(port));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot prepare {options.Directory}: {e.Message}");
        }
    }
}
