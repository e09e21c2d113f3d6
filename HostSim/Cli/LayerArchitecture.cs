// LayerArchitecture: the --arch value, layer widths from input to output written as "784-256-10".
// Rules: at least two widths (input and output), each a plain decimal integer in [1, 65535], separated
// by single '-' characters, no signs, spaces or empty parts.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Layer widths of a feed-forward network, input first, output last, e.g. 784-256-10.</summary>
public sealed class LayerArchitecture
{
    /// <summary>Largest width of one layer.</summary>
    public const int MaxWidth = 65535;

    /// <summary>Fewest widths: an input and an output layer.</summary>
    public const int MinLayers = 2;

    private readonly int[] widths;

    private LayerArchitecture(int[] widths)
    {
        this.widths = widths;
    }

    /// <summary>Number of widths, input and output included.</summary>
    public int LayerCount => widths.Length;

    /// <summary>Input width (first entry).</summary>
    public int Inputs => widths[0];

    /// <summary>Output width (last entry).</summary>
    public int Outputs => widths[^1];

    /// <summary>Width of layer <paramref name="index"/>, 0 = input.</summary>
    public int this[int index] => widths[index];

    /// <summary>A copy of the widths, input first.</summary>
    public int[] ToArray() => (int[])widths.Clone();

    /// <summary>Builds an architecture from widths, validated like <see cref="Parse"/>.</summary>
    public static LayerArchitecture FromWidths(params int[] widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        string? error = Check(widths);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(widths));
        }

        return new LayerArchitecture((int[])widths.Clone());
    }

    /// <summary>Parses "784-256-10"; throws <see cref="FormatException"/> with the reason.</summary>
    public static LayerArchitecture Parse(string text)
    {
        if (!TryParse(text, out var architecture, out string? error))
        {
            throw new FormatException(error);
        }

        return architecture;
    }

    /// <summary>Parses "784-256-10"; on failure returns false and a message naming the bad part.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LayerArchitecture? architecture, [NotNullWhen(false)] out string? error)
    {
        architecture = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--arch is empty; expected layer widths such as 784-256-10.";
            return false;
        }

        string[] parts = text.Split('-');
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool digitsOnly = part.Length > 0 && part.Length <= 9;
            foreach (char c in part)
            {
                digitsOnly &= char.IsAsciiDigit(c);
            }

            if (!digitsOnly)
            {
                error = part.Length > 9 && IsAllDigits(part)
                    ? $"--arch '{text}': width '{part}' of layer {i} is above {MaxWidth}."
                    : $"--arch '{text}': layer {i} is '{part}', not a width; expected widths in [1, {MaxWidth}] joined by '-', such as 784-256-10.";
                return false;
            }

            widths[i] = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        error = Check(widths);
        if (error is not null)
        {
            error = $"--arch '{text}': {error}";
            return false;
        }

        architecture = new LayerArchitecture(widths);
        return true;
    }

    /// <summary>
    /// Throws <see cref="CommandLineUsageException"/> unless the input width is <paramref name="inputs"/> and the output width
    /// is <paramref name="outputs"/> (typically the data set's dimension and class count).
    /// </summary>
    public void RequireShape(int inputs, int outputs, string dataDescription)
    {
        if (Inputs != inputs)
        {
            throw new CommandLineUsageException($"--arch {this}: input width {Inputs} does not match {dataDescription}, which has {inputs} inputs per sample.");
        }

        if (Outputs != outputs)
        {
            throw new CommandLineUsageException($"--arch {this}: output width {Outputs} does not match {dataDescription}, which has {outputs} classes.");
        }
    }

    /// <summary>The widths joined by '-', e.g. "784-256-10".</summary>
    public override string ToString() => string.Join('-', widths);

    private static string? Check(int[] widths)
    {
        if (widths.Length < MinLayers)
        {
            return $"{widths.Length} layer width given; at least {MinLayers} are needed (input and output), such as 784-10.";
        }

        for (int i = 0; i < widths.Length; i++)
        {
            if (widths[i] < 1 || widths[i] > MaxWidth)
            {
                return $"width {widths[i]} of layer {i} is outside [1, {MaxWidth}].";
            }
        }

        return null;
    }

    private static bool IsAllDigits(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
