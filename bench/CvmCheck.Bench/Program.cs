using BenchmarkDotNet.Running;

// Every benchmark class of this assembly; pick with --filter (see bench/run.sh).
BenchmarkSwitcher.FromAssembly(typeof(CvmCheck.Bench.BenchPaths).Assembly).Run(args);
