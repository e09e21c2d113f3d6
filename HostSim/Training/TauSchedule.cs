// TauSchedule: `edgelearn train --algo bep --tau-schedule EPOCH:FACTOR,...`, an annealing schedule of BOP's flip
// threshold. From epoch EPOCH (1-based) on, every layer's tau is its --tau value times FACTOR, until the next step.
// A growing tau flips fewer weights late in training, the role a decaying learning rate plays for SGD. The
// fixed-point learner applies a step with EquilibriumPropagationLearner.ChangeTau (accumulators rescaled, no
// precision lost beyond one rounding) and its float64 oracle with SetBopThresholds, at the same epoch.
using System;
using System.Collections.Generic;
using System.Globalization;
using EdgeLearn.HostSim.Cli;

namespace EdgeLearn.HostSim.Training;

/// <summary>Epoch steps of the BOP flip threshold: tau = base tau x factor from a given epoch on.</summary>
public sealed class TauSchedule
{
    private readonly int[] epochs;
    private readonly double[] factors;

    private TauSchedule(int[] epochs, double[] factors)
    {
        this.epochs = epochs;
        this.factors = factors;
    }

    /// <summary>No step: tau stays at its base value.</summary>
    public static TauSchedule None { get; } = new(Array.Empty<int>(), Array.Empty<double>());

    /// <summary>True when the schedule has no step.</summary>
    public bool IsEmpty => epochs.Length == 0;

    /// <summary>
    /// Parses "EPOCH:FACTOR[,EPOCH:FACTOR...]" (epochs 1-based and increasing, factors positive and finite, each
    /// relative to the base tau); null or empty text is <see cref="None"/>. Throws
    /// <see cref="CommandLineUsageException"/> naming <paramref name="option"/> on anything else.
    /// </summary>
    public static TauSchedule Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        var e = new List<int>();
        var f = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split(':', StringSplitOptions.TrimEntries);
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
                || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double factor))
            {
                throw new CommandLineUsageException($"{option}: '{part}' is not EPOCH:FACTOR (for example 10:2,15:4)");
            }

            if (epoch < 1 || (e.Count > 0 && epoch <= e[^1]))
            {
                throw new CommandLineUsageException($"{option}: epochs must start at 1 or later and increase, got {epoch} in '{text}'");
            }

            if (!(factor > 0) || double.IsInfinity(factor))
            {
                throw new CommandLineUsageException($"{option}: the factor of epoch {epoch} must be positive and finite, got {pair[1]}");
            }

            e.Add(epoch);
            f.Add(factor);
        }

        return new TauSchedule(e.ToArray(), f.ToArray());
    }

    /// <summary>
    /// The per-layer tau that starts at <paramref name="epoch"/> (1-based) for <paramref name="layers"/> weight
    /// layers, or null when no step starts there. <paramref name="baseTau"/> is the --tau list (the last value repeats).
    /// </summary>
    public double[]? StepAt(int epoch, double[] baseTau, int layers)
    {
        int i = Array.IndexOf(epochs, epoch);
        if (i < 0)
        {
            return null;
        }

        var tau = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            tau[l] = baseTau[Math.Min(l, baseTau.Length - 1)] * factors[i];
        }

        return tau;
    }

    /// <summary>The schedule as given ("10:2,15:4"), for reports; empty for <see cref="None"/>.</summary>
    public override string ToString()
    {
        var parts = new string[epochs.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = epochs[i].ToString(CultureInfo.InvariantCulture) + ":" + factors[i].ToString("R", CultureInfo.InvariantCulture);
        }

        return string.Join(",", parts);
    }
}
