// ModelImageFiles: model images on disk. Writing goes through a temporary file in the same directory and a
// rename, so a reader never sees half an image; reading refuses files above the size limit before loading them.
using System;
using System.IO;
using System.Security.Cryptography;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;

namespace EdgeLearn.HostSim.Images;

/// <summary>Reading and writing model image files.</summary>
public static class ModelImageFiles
{
    /// <summary>Conventional file extension of model images.</summary>
    public const string Extension = ".elmi";

    /// <summary>
    /// Writes an EP model image to <paramref name="path"/> and returns its bytes: a full image (learner state
    /// included, training can resume) when <paramref name="learner"/> is given, else an inference image of
    /// <paramref name="network"/> with <paramref name="settings"/>. <paramref name="metadata"/> may be null.
    /// </summary>
    public static byte[] Write(string path, EquilibriumPropagationNetwork network, EquilibriumPropagationSettings settings, EquilibriumPropagationLearner? learner, ImageRecords? metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(settings);
        if (learner is not null && !ReferenceEquals(learner.Network, network))
        {
            throw new ArgumentException("The learner trains another network than the one given.", nameof(learner));
        }

        byte[] image = learner is null
            ? EquilibriumPropagationImage.WriteInference(network, settings, metadata)
            : EquilibriumPropagationImage.WriteFull(learner, metadata);
        WriteBytes(path, image);
        return image;
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> atomically (temporary file and rename).</summary>
    public static void WriteBytes(string path, byte[] image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(image);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Environment.ProcessId + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(image);
                file.Flush(flushToDisk: true);
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

    /// <summary>
    /// Reads an image file. Returns null and sets <paramref name="error"/> (TooLarge) when the file exceeds
    /// <paramref name="limits"/>; throws <see cref="IOException"/> (including <see cref="FileNotFoundException"/>) when it cannot be read.
    /// </summary>
    public static byte[]? ReadBytes(string path, ImageLimits limits, out ImageError? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(limits);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length > limits.MaxImageBytes)
        {
            error = new ImageError(ImageErrorCode.TooLarge, 0, $"file of {file.Length} bytes exceeds the image limit of {limits.MaxImageBytes}");
            return null;
        }

        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        error = null;
        return bytes;
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="image"/> (the run report's model_sha256).</summary>
    public static string Sha256Hex(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Convert.ToHexStringLower(SHA256.HashData(image));
    }

    /// <summary>
    /// Metadata records for an image written after training: only the values given are recorded. Keys: data,
    /// split, epochs, seed, train_samples, test_samples, test_accuracy, train_seconds, tool_version.
    /// </summary>
    public static ImageRecords CreateMetadata(string? data = null, string? split = null, int? epochs = null, uint? seed = null, long? trainSamples = null, long? testSamples = null, double? testAccuracy = null, double? trainSeconds = null, string? toolVersion = null)
    {
        var r = new ImageRecords();
        if (data is not null)
        {
            r.SetString("data", data);
        }

        if (split is not null)
        {
            r.SetString("split", split);
        }

        if (epochs.HasValue)
        {
            r.SetInt32("epochs", epochs.Value);
        }

        if (seed.HasValue)
        {
            r.SetInt64("seed", seed.Value);
        }

        if (trainSamples.HasValue)
        {
            r.SetInt64("train_samples", trainSamples.Value);
        }

        if (testSamples.HasValue)
        {
            r.SetInt64("test_samples", testSamples.Value);
        }

        if (testAccuracy.HasValue)
        {
            r.SetFloat64("test_accuracy", testAccuracy.Value);
        }

        if (trainSeconds.HasValue)
        {
            r.SetFloat64("train_seconds", trainSeconds.Value);
        }

        if (toolVersion is not null)
        {
            r.SetString("tool_version", toolVersion);
        }

        return r;
    }
}
