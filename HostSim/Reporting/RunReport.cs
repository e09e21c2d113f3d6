// RunReport: the measured facts of one train / eval / demo / bench run, written as the JSON object
// documented in the project's REPORT.md. Every property is nullable: a field that was not measured
// stays null and is left out of the file, never written as zero. Field names and order are fixed in
// RunReportWriter; runs may append extra snake_case fields after the standard ones.
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeLearn.HostSim.Reporting;

/// <summary>One run's report; null properties are absent from the JSON.</summary>
public sealed partial class RunReport
{
    private readonly List<KeyValuePair<string, JsonNode?>> extras = new();

    /// <summary>A report for <paramref name="command"/> (train, eval, demo, bench) with tool_version filled in.</summary>
    public static RunReport ForCommand(string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        return new RunReport { ToolVersion = ToolInfo.Version, Command = command };
    }

    /// <summary>"tool_version": edgelearn's informational version.</summary>
    public string? ToolVersion { get; set; }

    /// <summary>"command": train, eval, demo, bench.</summary>
    public string? Command { get; set; }

    /// <summary>"algo": bep, scff, sdt, elm ...</summary>
    public string? Algo { get; set; }

    /// <summary>"data": fashion-mnist, mnist, rf-... .</summary>
    public string? Data { get; set; }

    /// <summary>"split": name of the train/test split.</summary>
    public string? Split { get; set; }

    /// <summary>"arch": layer widths, e.g. 784-256-10.</summary>
    public string? Arch { get; set; }

    /// <summary>"weights": weight format, b1, s8, s16 ...</summary>
    public string? Weights { get; set; }

    /// <summary>"activations": activation format, e.g. q0.15.</summary>
    public string? Activations { get; set; }

    /// <summary>"seed": the run's random seed.</summary>
    public uint? Seed { get; set; }

    /// <summary>"epochs": passes over the training samples.</summary>
    public int? Epochs { get; set; }

    /// <summary>"threads": threads used for timed work; absent means one thread.</summary>
    public int? Threads { get; set; }

    /// <summary>"train_samples": training samples used.</summary>
    public long? TrainSamples { get; set; }

    /// <summary>"test_samples": test samples evaluated.</summary>
    public long? TestSamples { get; set; }

    /// <summary>"test_accuracy": fraction in [0, 1], fixed-point runtime.</summary>
    public double? TestAccuracy { get; set; }

    /// <summary>"oracle": float64 oracle results, when the oracle ran in the same process.</summary>
    public OracleReport? Oracle { get; set; }

    /// <summary>"train_seconds": wall-clock training time.</summary>
    public double? TrainSeconds { get; set; }

    /// <summary>"train_samples_per_second": training throughput.</summary>
    public double? TrainSamplesPerSecond { get; set; }

    /// <summary>"infer_microseconds_per_sample": inference latency per sample.</summary>
    public double? InferMicrosecondsPerSample { get; set; }

    /// <summary>"allocated_bytes_per_train_step": managed bytes allocated per steady-state training step.</summary>
    public double? AllocatedBytesPerTrainStep { get; set; }

    /// <summary>"memory_bytes": the planner's exact memory figures.</summary>
    public MemoryBytesReport? MemoryBytes { get; set; }

    /// <summary>"model_image_bytes": size of the exported model image.</summary>
    public long? ModelImageBytes { get; set; }

    /// <summary>"model_sha256": lower-case hex SHA-256 of the exported model image.</summary>
    public string? ModelSha256 { get; set; }

    /// <summary>Extra fields written after the standard ones, in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Extras => extras;

    /// <summary>
    /// Appends an extra field (a measured value not in the standard list). The name must be snake_case and
    /// must not be a standard field or an extra already added.
    /// </summary>
    public RunReport AddExtra(string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!SnakeCase().IsMatch(name))
        {
            throw new ArgumentException($"Report field name '{name}' is not snake_case ([a-z][a-z0-9_]*).", nameof(name));
        }

        if (Array.IndexOf(RunReportWriter.StandardFieldNames, name) >= 0)
        {
            throw new ArgumentException($"Report field '{name}' is a standard field; set its property instead.", nameof(name));
        }

        foreach (var pair in extras)
        {
            if (pair.Key == name)
            {
                throw new ArgumentException($"Report field '{name}' was already added.", nameof(name));
            }
        }

        extras.Add(new KeyValuePair<string, JsonNode?>(name, value?.DeepClone()));
        return this;
    }

    /// <summary>Appends an extra string field.</summary>
    public RunReport AddExtra(string name, string value) => AddExtra(name, JsonValue.Create(value));

    /// <summary>Appends an extra integer field.</summary>
    public RunReport AddExtra(string name, long value) => AddExtra(name, JsonValue.Create(value));

    /// <summary>Appends an extra number field; it must be finite.</summary>
    public RunReport AddExtra(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Report field '{name}' must be a finite number.");
        }

        return AddExtra(name, JsonValue.Create(value));
    }

    /// <summary>Appends an extra boolean field.</summary>
    public RunReport AddExtra(string name, bool value) => AddExtra(name, JsonValue.Create(value));

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();
}

/// <summary>"oracle": results of the float64 oracle run in the same process.</summary>
public sealed class OracleReport
{
    /// <summary>"test_accuracy": the oracle's test accuracy, fraction in [0, 1].</summary>
    public double? TestAccuracy { get; set; }

    /// <summary>"train_seconds": the oracle's wall-clock training time.</summary>
    public double? TrainSeconds { get; set; }
}

/// <summary>"memory_bytes": exact byte counts from the memory planner; total is their sum.</summary>
public sealed class MemoryBytesReport
{
    /// <summary>Creates the figures; all must be non-negative.</summary>
    /// <param name="persistent">Weights, biases, scales.</param>
    /// <param name="learnerState">Optimizer / plasticity state.</param>
    /// <param name="scratch">Activations, phase states, buffers.</param>
    public MemoryBytesReport(long persistent, long learnerState, long scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(persistent);
        ArgumentOutOfRangeException.ThrowIfNegative(learnerState);
        ArgumentOutOfRangeException.ThrowIfNegative(scratch);
        Persistent = persistent;
        LearnerState = learnerState;
        Scratch = scratch;
        Total = checked(persistent + learnerState + scratch);
    }

    /// <summary>"persistent": weights, biases, scales.</summary>
    public long Persistent { get; }

    /// <summary>"learner_state": optimizer / plasticity state.</summary>
    public long LearnerState { get; }

    /// <summary>"scratch": activations, phase states, buffers.</summary>
    public long Scratch { get; }

    /// <summary>"total": persistent + learner_state + scratch.</summary>
    public long Total { get; }
}
