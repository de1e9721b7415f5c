namespace Hoard.Cli;

/// <summary>Bounded waits: asks again until a condition holds or the time is up.</summary>
internal static class Polling
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Calls <paramref name="problem"/> until it returns null (the condition holds); after <paramref name="bound"/>
    /// fails with <paramref name="what"/> and the last problem it reported.
    /// </summary>
    /// <exception cref="CommandFailedException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<Task<string?>> problem, TimeSpan bound, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var last = await problem().ConfigureAwait(false);
            if (last is null)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new CommandFailedException($"{what} within {bound.TotalSeconds:0} s: {last}");
            }

            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }
    }
}
