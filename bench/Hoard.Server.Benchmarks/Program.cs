using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// A short job: this machine has 2 shared cores; the allocation column is what this benchmark is for.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("Short"));
BenchmarkSwitcher.FromAssembly(typeof(Hoard.Server.Benchmarks.CommandPathBenchmarks).Assembly).Run(args, config);
