// TrainOptions: the parsed common training options, a plain object handed to the chosen algorithm.
// Algorithm-specific options (--weights, --activations ...) are read by the algorithm itself from the
// ParseResult it receives next to this object.
using System;
using System.Diagnostics;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Reporting;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Common options of <c>edgelearn train</c>, already validated by the parser.</summary>
public sealed class TrainOptions
{
    /// <summary>--algo: registered algorithm name.</summary>
    public string Algorithm { get; init; } = "";

    /// <summary>--data, --data-dir, --train-limit, --test-limit.</summary>
    public DataSetRequest Data { get; init; } = new();

    /// <summary>--arch: layer widths, or null for the algorithm's default.</summary>
    public LayerArchitecture? Architecture { get; init; }

    /// <summary>--epochs: passes over the training samples, at least 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>--batch: samples per update, or null for the algorithm's default.</summary>
    public int? Batch { get; init; }

    /// <summary>--seed: seed of every random stream of the run.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>--oracle: also run the float64 oracle in the same process.</summary>
    public bool Oracle { get; init; }

    /// <summary>--out: where to write the trained model image, or null.</summary>
    public string? OutputPath { get; init; }

    /// <summary>--report: where to write the JSON run report, or null.</summary>
    public string? ReportPath { get; init; }

    /// <summary>--quiet: no progress display, only results.</summary>
    public bool Quiet { get; init; }

    /// <summary>
    /// Loads the requested data set, logging what was loaded and how long it took.
    /// </summary>
    /// <exception cref="DataSetNotFoundException">Not installed (message holds the install command).</exception>
    /// <exception cref="DataSetException">Invalid files.</exception>
    public LabelledDataSet LoadData(IRunConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        long start = Stopwatch.GetTimestamp();
        LabelledDataSet set = DataSetCatalog.Load(Data);
        console.Info($"Loaded {set} in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s.");
        return set;
    }

    /// <summary>
    /// A train report with everything these options and the data set determine: tool version, command, algo, data,
    /// split, arch (when given), seed, epochs and sample counts. The algorithm adds what it measures.
    /// </summary>
    public RunReport StartReport(LabelledDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var report = RunReport.ForCommand("train");
        report.Algo = Algorithm;
        report.Data = data.Name;
        report.Split = data.Split;
        report.Arch = Architecture?.ToString();
        report.Seed = Seed;
        report.Epochs = Epochs;
        report.TrainSamples = data.Train.Count;
        report.TestSamples = data.Test.Count;
        return report;
    }
}
