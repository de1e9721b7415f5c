namespace Hoard.Cli;

/// <summary>
/// Lets a node stop with the <c>hoard up</c> that started it, however that process ends (SIGKILL included).
/// <c>hoard up</c> starts each node with standard input on a pipe and <c>HOARD_STOP_WITH_PARENT=1</c>, and never
/// writes to the pipe; when the parent dies the kernel closes the pipe's write end and the node reads end of file.
/// </summary>
internal static class StopWithParent
{
    /// <summary>The environment variable that asks for it.</summary>
    public const string Variable = "HOARD_STOP_WITH_PARENT";

    /// <summary>
    /// A task that completes when the parent is gone, when <see cref="Variable"/> is 1; otherwise one that never
    /// completes (a node run by an operator or a service manager may have no standard input at all).
    /// </summary>
    public static Task WhenParentGoneAsync() => Environment.GetEnvironmentVariable(Variable) == "1"
        ? WhenInputEndsAsync(Console.OpenStandardInput())
        : new TaskCompletionSource().Task;

    /// <summary>Reads and discards <paramref name="input"/> on a thread of its own until end of file.</summary>
    public static Task WhenInputEndsAsync(Stream input) => Task.Factory.StartNew(
        () =>
        {
            var buffer = new byte[256];
            while (input.Read(buffer) > 0)
            {
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
