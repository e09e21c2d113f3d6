// RunReportWriter: serialises a RunReport to the JSON of REPORT.md with Utf8JsonWriter: indented,
// standard fields in the fixed order below, then extras in insertion order; null fields are left out.
// It checks the value rules before writing (fractions in [0, 1], non-negative finite times and counts)
// so a bad measurement fails loudly instead of reaching a benchmark table.
using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace EdgeLearn.HostSim.Reporting;

/// <summary>Writes <see cref="RunReport"/> as indented JSON with a fixed field order.</summary>
public static class RunReportWriter
{
    /// <summary>The standard top-level field names, in the order they are written.</summary>
    public static readonly string[] StandardFieldNames =
    {
        "tool_version", "command", "algo", "data", "split", "arch", "weights", "activations", "seed", "epochs",
        "threads", "train_samples", "test_samples", "test_accuracy", "oracle", "train_seconds",
        "train_samples_per_second", "infer_microseconds_per_sample", "allocated_bytes_per_train_step",
        "memory_bytes", "model_image_bytes", "model_sha256",
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/> as UTF-8 JSON (no trailing newline).</summary>
    /// <exception cref="ArgumentException">A value breaks a report rule (the message names the field).</exception>
    public static void Write(RunReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        Validate(report);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        String(w, "tool_version", report.ToolVersion);
        String(w, "command", report.Command);
        String(w, "algo", report.Algo);
        String(w, "data", report.Data);
        String(w, "split", report.Split);
        String(w, "arch", report.Arch);
        String(w, "weights", report.Weights);
        String(w, "activations", report.Activations);
        if (report.Seed.HasValue)
        {
            w.WriteNumber("seed", report.Seed.Value);
        }

        Integer(w, "epochs", report.Epochs);
        Integer(w, "threads", report.Threads);
        Integer(w, "train_samples", report.TrainSamples);
        Integer(w, "test_samples", report.TestSamples);
        Number(w, "test_accuracy", report.TestAccuracy);
        if (report.Oracle is { } oracle && (oracle.TestAccuracy.HasValue || oracle.TrainSeconds.HasValue))
        {
            w.WriteStartObject("oracle");
            Number(w, "test_accuracy", oracle.TestAccuracy);
            Number(w, "train_seconds", oracle.TrainSeconds);
            w.WriteEndObject();
        }

        Number(w, "train_seconds", report.TrainSeconds);
        Number(w, "train_samples_per_second", report.TrainSamplesPerSecond);
        Number(w, "infer_microseconds_per_sample", report.InferMicrosecondsPerSample);
        Number(w, "allocated_bytes_per_train_step", report.AllocatedBytesPerTrainStep);
        if (report.MemoryBytes is { } memory)
        {
            w.WriteStartObject("memory_bytes");
            w.WriteNumber("persistent", memory.Persistent);
            w.WriteNumber("learner_state", memory.LearnerState);
            w.WriteNumber("scratch", memory.Scratch);
            w.WriteNumber("total", memory.Total);
            w.WriteEndObject();
        }

        Integer(w, "model_image_bytes", report.ModelImageBytes);
        String(w, "model_sha256", report.ModelSha256);
        foreach (var extra in report.Extras)
        {
            w.WritePropertyName(extra.Key);
            if (extra.Value is null)
            {
                w.WriteNullValue();
            }
            else
            {
                extra.Value.WriteTo(w);
            }
        }

        w.WriteEndObject();
    }

    /// <summary>The report as an indented JSON string.</summary>
    public static string ToJson(RunReport report)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writes the report to <paramref name="path"/> (with a final newline), through a temporary file in the same
    /// directory so a reader never sees half a report. Creates the directory if needed.
    /// </summary>
    public static void WriteFile(RunReport report, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate(report);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Environment.ProcessId + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Write(report, file);
                file.WriteByte((byte)'\n');
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Checks the report rules; throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public static void Validate(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Fraction("test_accuracy", report.TestAccuracy);
        NonNegative("epochs", report.Epochs);
        if (report.Threads is < 1)
        {
            throw new ArgumentException($"Report field 'threads' is {report.Threads}; it must be at least 1.", nameof(report));
        }

        NonNegative("train_samples", report.TrainSamples);
        NonNegative("test_samples", report.TestSamples);
        NonNegative("train_seconds", report.TrainSeconds);
        NonNegative("train_samples_per_second", report.TrainSamplesPerSecond);
        NonNegative("infer_microseconds_per_sample", report.InferMicrosecondsPerSample);
        NonNegative("allocated_bytes_per_train_step", report.AllocatedBytesPerTrainStep);
        NonNegative("model_image_bytes", report.ModelImageBytes);
        if (report.Oracle is { } oracle)
        {
            Fraction("oracle.test_accuracy", oracle.TestAccuracy);
            NonNegative("oracle.train_seconds", oracle.TrainSeconds);
        }

        if (report.ModelSha256 is { } sha && (sha.Length != 64 || !IsLowerHex(sha)))
        {
            throw new ArgumentException($"Report field 'model_sha256' is '{sha}'; it must be 64 lower-case hex digits.", nameof(report));
        }
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Integer(Utf8JsonWriter w, string name, long? value)
    {
        if (value.HasValue)
        {
            w.WriteNumber(name, value.Value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value.HasValue)
        {
            w.WriteNumber(name, value.Value);
        }
    }

    private static void Fraction(string name, double? value)
    {
        if (value.HasValue && !(value.Value >= 0.0 && value.Value <= 1.0))
        {
            throw new ArgumentException($"Report field '{name}' is {value.Value}; an accuracy must be a fraction in [0, 1].", "report");
        }
    }

    private static void NonNegative(string name, double? value)
    {
        if (value.HasValue && !(double.IsFinite(value.Value) && value.Value >= 0.0))
        {
            throw new ArgumentException($"Report field '{name}' is {value.Value}; it must be finite and non-negative.", "report");
        }
    }

    private static void NonNegative(string name, long? value)
    {
        if (value is < 0)
        {
            throw new ArgumentException($"Report field '{name}' is {value.Value}; it must be non-negative.", "report");
        }
    }

    private static bool IsLowerHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
