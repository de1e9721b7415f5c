using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Perfolizer.Metrology;

// One summary table for both classes; times in ns and allocations in bytes, per operation (OperationsPerInvoke).
var config = DefaultConfig.Instance
    .WithOptions(ConfigOptions.JoinSummary)
    .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithSizeUnit(SizeUnit.B))
    .HideColumns(Column.Error);

// Unless the command line picks a job (--job short, --job default …), run the fast one, so the suite takes a few
// minutes on a 2-core machine: one process per benchmark, 3 warm-up and 5 measured iterations of 250 ms, and no
// overhead stage (an invocation is 1,024 operations, so the empty-loop overhead is far below 0.1 ns per operation).
if (!args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal)))
{
    config = config.AddJob(Job.Default
        .WithId("Fast")
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(5)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithEvaluateOverhead(false));
}

BenchmarkSwitcher.FromAssembly(typeof(Hoard.Storage.Benchmarks.KeyspaceBenchmarks).Assembly).Run(args, config);
