using Hoard.Cli;

// Run socket continuations on the socket engine's thread instead of handing each one to the thread pool: on a
// small machine that hop (a context switch per request) is what limits unpipelined throughput. Measured with
// bench/compare-redis.sh: +12–26 % requests per second at -P 1, 3–6x fewer context switches. The trade-off is
// Redis's own: a slow command delays the other clients of that thread. Must be set before the first socket.
const string inlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(inlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(inlineCompletions, "1");
}

return await HoardCommand.RunAsync(args).ConfigureAwait(false);
