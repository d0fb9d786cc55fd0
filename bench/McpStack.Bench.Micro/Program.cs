using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using McpStack.Bench.Micro;
using McpStack.Testing;

// In-process (no generated project to build), a short job: figures to compare, not to publish to the microsecond.
var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub)
    .WithArtifactsPath(Path.Combine(RepoPaths.Root, "artifacts", "bench", "micro"));
BenchmarkSwitcher.FromAssembly(typeof(HotPaths).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
