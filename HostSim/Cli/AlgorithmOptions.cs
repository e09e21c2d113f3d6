// AlgorithmOptions: the option builders and parsers that every training algorithm's own options use, so each
// algorithm declares its options in one line and they all validate and report the same way.
using System;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Shared builders for algorithm options (choices, bounded integers, reals, comma lists).</summary>
public static class AlgorithmOptions
{
    /// <summary>A string option restricted to <paramref name="allowed"/>, defaulting to <paramref name="fallback"/>.</summary>
    public static Option<string> Choice(string name, string fallback, string description, params string[] allowed)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        o.AcceptOnlyFromAmong(allowed);
        return o;
    }

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>] (usage error outside).</summary>
    public static Option<int> IntOption(string name, int fallback, string description, int min, int max)
    {
        var o = new Option<int>(name) { Description = $"{description} (default {fallback.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => fallback };
        o.Validators.Add(r => OptionChecks.InRange(r, name, min, max));
        return o;
    }

    /// <summary>A real option with a default (range checks belong to the learner's settings validation).</summary>
    public static Option<double> DoubleOption(string name, double fallback, string description)
    {
        return new Option<double>(name) { Description = $"{description} (default {fallback.ToString(CultureInfo.InvariantCulture)})", DefaultValueFactory = _ => fallback };
    }

    /// <summary>A comma list of reals (one per layer), defaulting to <paramref name="fallback"/>; parse it with <see cref="ParseList"/>.</summary>
    public static Option<string> ListOption(string name, double[] fallback, string description)
    {
        string text = FormatList(fallback);
        return new Option<string>(name) { Description = $"{description} (default {text})", DefaultValueFactory = _ => text };
    }

    /// <summary>A comma list of reals as <see cref="ParseList"/> reads it back (round-trip format, invariant culture).</summary>
    public static string FormatList(double[] values) => string.Join(",", Array.ConvertAll(values, v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>True when <paramref name="option"/> was given on the command line (not its default).</summary>
    public static bool IsGiven<T>(ParseResult parseResult, Option<T> option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>Parses a comma list of finite reals; a bad entry is a usage error naming the option and the entry.</summary>
    public static double[] ParseList(string text, string name)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new CommandLineUsageException($"{name}: '{parts[i]}' is not a number (expected a comma list such as 1e-4,1e-5)");
            }
        }

        return values;
    }

    /// <summary>Runs a settings validation, turning its out-of-range errors into usage errors (exit code 2).</summary>
    public static void Validate(Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CommandLineUsageException(e.Message);
        }
    }

    /// <summary>A JSON array of integers (per-layer epochs, counts in reports).</summary>
    public static JsonArray ToJsonArray(int[] values)
    {
        var array = new JsonArray();
        foreach (int v in values)
        {
            array.Add(v);
        }

        return array;
    }

    /// <summary>A JSON array of values rounded to 6 decimals (per-epoch accuracies in reports).</summary>
    public static JsonArray ToJsonArray(double[] values)
    {
        var array = new JsonArray();
        foreach (double v in values)
        {
            array.Add(Math.Round(v, 6));
        }

        return array;
    }
}
