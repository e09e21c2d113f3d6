// EdgeLearn.Benchmarks: reference vs host kernels on a 784x256 layer with BenchmarkDotNet, then a summary
// table with speed-up, MAC/s and the fraction of the machine's measured peak for each kernel's instruction mix.
//
// Usage: EdgeLearn.Benchmarks [--quick] [BenchmarkDotNet options such as --filter *Sign*]
//   --quick   in-process, 2 warm-up and 5 measured iterations of ~100 ms: a couple of minutes on 2 cores.
//        EdgeLearn.Benchmarks --fuzz-images N [...]   model-image mutation fuzzing and power-cut sweep (ImageFuzzBenchmark)
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace EdgeLearn.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ImageFuzzBenchmark.Switch)
        {
            return ImageFuzzBenchmark.Run(args);
        }

        bool quick = args.Contains("--quick");
        string[] rest = args.Where(a => a != "--quick").ToArray();
        IConfig config = DefaultConfig.Instance;
        if (quick)
        {
            config = config.AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Quick"));
        }

        Summary summary = BenchmarkRunner.Run(typeof(LayerBenchmarks), config, rest);
        PrintTable(summary);
        return summary.HasCriticalValidationErrors ? 1 : 0;
    }

    /// <summary>Pairs each category's reference and host results and prints speed-up, MAC/s and fraction of peak.</summary>
    private static void PrintTable(Summary summary)
    {
        var rows = new SortedDictionary<string, (double Reference, double Host)>(StringComparer.Ordinal);
        foreach (BenchmarkReport report in summary.Reports)
        {
            if (report.ResultStatistics == null)
            {
                continue;
            }

            string category = report.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? "?";
            bool reference = report.BenchmarkCase.Descriptor.Baseline;
            rows.TryGetValue(category, out (double Reference, double Host) row);
            double mean = report.ResultStatistics.Mean;
            rows[category] = reference ? (mean, row.Host) : (row.Reference, mean);
        }

        const double macs = (double)LayerBenchmarks.Inputs * LayerBenchmarks.Outputs;
        CultureInfo inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"784x256 layer ({macs:0} MACs per call), host set: {LayerBenchmarks.HostName}");
        Console.WriteLine($"| kernel | reference ns | {LayerBenchmarks.HostName} ns | speed-up | host MAC/s | peak MAC/s (same mix) | fraction of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (KeyValuePair<string, (double Reference, double Host)> row in rows)
        {
            double macPerSecond = macs / (row.Value.Host * 1e-9);
            double peak = PeakLoops.MacsPerSecond(row.Key);
            Console.WriteLine(string.Format(
                inv,
                "| {0} | {1:0} | {2:0} | {3:0.0}x | {4:0.00e0} | {5:0.00e0} | {6:0.00} |",
                row.Key,
                row.Value.Reference,
                row.Value.Host,
                row.Value.Reference / row.Value.Host,
                macPerSecond,
                peak,
                macPerSecond / peak));
        }
    }
}
