// IdxLoader: reads the IDX files of MNIST-style data sets (Fashion-MNIST, MNIST, EMNIST, KMNIST, a
// user's own captures), gzip-compressed or plain, and checks every field before trusting it.
//
// IDX layout (all integers big-endian):
//   byte 0..1   0x00 0x00
//   byte 2      element type; only 0x08 (unsigned byte) is accepted here
//   byte 3      rank R (number of dimensions), 1 for labels, >= 2 for samples (idx3 = N x rows x cols)
//   R x int32   dimension sizes, the first is the item count N, every size >= 1
//   payload     product of the sizes, in bytes; nothing may follow it
//
// The data directory holds the four standard files, each either NAME.gz or NAME:
//   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
// Every failed check throws DataSetException naming the file and the check.
using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace EdgeLearn.HostSim.Data;

/// <summary>Loads a labelled data set from the four standard IDX files (gzip or plain), validating everything.</summary>
public static class IdxLoader
{
    /// <summary>Training images file name, without ".gz".</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte";

    /// <summary>Training labels file name, without ".gz".</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte";

    /// <summary>Test images file name, without ".gz".</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte";

    /// <summary>Test labels file name, without ".gz".</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte";

    /// <summary>IDX element type code of unsigned bytes, the only type accepted.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Largest rank accepted in an IDX header.</summary>
    public const int MaxRank = 4;

    /// <summary>The four standard file names, without ".gz": train images, train labels, test images, test labels.</summary>
    public static readonly string[] StandardFileNames = { TrainImagesFileName, TrainLabelsFileName, TestImagesFileName, TestLabelsFileName };

    /// <summary>
    /// Path of <paramref name="baseName"/> in <paramref name="directory"/>: NAME.gz if present, else NAME, else null.
    /// </summary>
    public static string? FindFile(string directory, string baseName)
    {
        string gz = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        string plain = Path.Combine(directory, baseName);
        return File.Exists(plain) ? plain : null;
    }

    /// <summary>Names of the standard files missing from <paramref name="directory"/> (as NAME[.gz]); empty when all exist.</summary>
    public static string[] MissingFiles(string directory)
    {
        return Array.ConvertAll(Array.FindAll(StandardFileNames, n => FindFile(directory, n) is null), n => n + "[.gz]");
    }

    /// <summary>
    /// Loads the train and test parts from <paramref name="directory"/>.
    /// </summary>
    /// <param name="directory">Directory holding the four standard files.</param>
    /// <param name="name">Data set name to record (fashion-mnist, idx ...).</param>
    /// <param name="split">Split name to record; the files' own split is "standard".</param>
    /// <param name="classCount">Known class count (every label must be below it), or null to use max label + 1.</param>
    /// <exception cref="DataSetNotFoundException">A file is missing (the message lists which).</exception>
    /// <exception cref="DataSetException">A file fails a check (the message names the file and the check).</exception>
    public static LabelledDataSet Load(string directory, string name, string split = "standard", int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (classCount is < 1 or > LabelledDataSet.MaxClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"The class count must be in [1, {LabelledDataSet.MaxClassCount}].");
        }

        string[] missing = MissingFiles(directory);
        if (missing.Length > 0)
        {
            throw new DataSetNotFoundException($"IDX directory '{directory}' lacks {string.Join(", ", missing)}.", null);
        }

        var trainImages = ReadFile(FindFile(directory, TrainImagesFileName)!);
        var trainLabels = ReadFile(FindFile(directory, TrainLabelsFileName)!);
        var testImages = ReadFile(FindFile(directory, TestImagesFileName)!);
        var testLabels = ReadFile(FindFile(directory, TestLabelsFileName)!);

        CheckSamples(trainImages);
        CheckSamples(testImages);
        CheckLabels(trainLabels, trainImages);
        CheckLabels(testLabels, testImages);
        if (!SameSampleShape(trainImages, testImages))
        {
            throw new DataSetException(
                $"IDX files '{trainImages.Path}' and '{testImages.Path}': sample shapes differ ({ShapeText(trainImages)} vs {ShapeText(testImages)}).");
        }

        int maxLabel = Math.Max(Max(trainLabels.Data), Max(testLabels.Data));
        int classes = classCount ?? maxLabel + 1;
        CheckLabelRange(trainLabels, classes, classCount.HasValue);
        CheckLabelRange(testLabels, classes, classCount.HasValue);

        int dimension = trainImages.Data.Length / trainImages.Dimensions[0];
        var train = new LabelledDataPart("train", trainImages.Data, trainLabels.Data, dimension);
        var test = new LabelledDataPart("test", testImages.Data, testLabels.Data, dimension);
        bool isImage = trainImages.Dimensions.Length == 3;
        return new LabelledDataSet(
            name,
            split,
            train,
            test,
            classes,
            isImage ? trainImages.Dimensions[2] : null,
            isImage ? trainImages.Dimensions[1] : null);
    }

    /// <summary>Reads and validates one IDX file of unsigned bytes (gzip detected from its first two bytes).</summary>
    /// <exception cref="DataSetException">The file is unreadable, not IDX, truncated or too long.</exception>
    public static IdxArray ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> probe = stackalloc byte[2];
            int n = file.ReadAtLeast(probe, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (n == 2 && probe[0] == 0x1f && probe[1] == 0x8b)
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                return Read(gzip, path);
            }

            return Read(file, path);
        }
        catch (InvalidDataException e)
        {
            throw new DataSetException($"IDX file '{path}': corrupt gzip stream ({e.Message}).", e);
        }
        catch (IOException e)
        {
            throw new DataSetException($"IDX file '{path}': cannot be read ({e.Message}).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataSetException($"IDX file '{path}': access denied ({e.Message}).", e);
        }
    }

    /// <summary>Reads and validates one IDX stream of unsigned bytes; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="DataSetException">The stream is not IDX, is truncated, or has bytes after the payload.</exception>
    public static IdxArray Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new DataSetException($"IDX file '{path}': truncated header, {got} of the 4 magic-number bytes present.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataSetException(
                $"IDX file '{path}': wrong magic number 0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}: the first two bytes must be zero (not an IDX file).");
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new DataSetException(
                $"IDX file '{path}': element type 0x{magic[2]:X2} is not supported; only 0x08 (unsigned byte) is.");
        }

        int rank = magic[3];
        if (rank < 1 || rank > MaxRank)
        {
            throw new DataSetException($"IDX file '{path}': rank {rank} in the magic number is outside [1, {MaxRank}].");
        }

        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        got = stream.ReadAtLeast(dimBytes.Slice(0, 4 * rank), 4 * rank, throwOnEndOfStream: false);
        if (got < 4 * rank)
        {
            throw new DataSetException($"IDX file '{path}': truncated header, {got} of the {4 * rank} dimension bytes present.");
        }

        var dims = new int[rank];
        long length = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.Slice(4 * i, 4));
            if (size < 1 || size > int.MaxValue)
            {
                throw new DataSetException($"IDX file '{path}': dimension {i} has size {size}; sizes must be in [1, {int.MaxValue}].");
            }

            dims[i] = (int)size;
            length *= size;
            if (length > Array.MaxLength)
            {
                throw new DataSetException($"IDX file '{path}': the declared payload exceeds {Array.MaxLength} bytes.");
            }
        }

        var data = new byte[length];
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw new DataSetException(
                $"IDX file '{path}': truncated payload, {got} of the {data.Length} bytes declared by the header ({string.Join(" x ", dims)}) present.");
        }

        long extra = CountRemaining(stream);
        if (extra > 0)
        {
            throw new DataSetException(
                $"IDX file '{path}': {extra} unexpected bytes after the {data.Length}-byte payload declared by the header ({string.Join(" x ", dims)}).");
        }

        return new IdxArray(path, dims, data);
    }

    private static long CountRemaining(Stream stream)
    {
        var buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static void CheckSamples(IdxArray images)
    {
        if (images.Dimensions.Length < 2)
        {
            throw new DataSetException($"IDX file '{images.Path}': rank {images.Dimensions.Length}, but a sample file needs rank >= 2 (count x sample shape).");
        }
    }

    private static void CheckLabels(IdxArray labels, IdxArray images)
    {
        if (labels.Dimensions.Length != 1)
        {
            throw new DataSetException($"IDX file '{labels.Path}': rank {labels.Dimensions.Length}, but a label file needs rank 1.");
        }

        if (labels.Dimensions[0] != images.Dimensions[0])
        {
            throw new DataSetException(
                $"IDX file '{labels.Path}': {labels.Dimensions[0]} labels, but '{images.Path}' holds {images.Dimensions[0]} samples.");
        }
    }

    private static void CheckLabelRange(IdxArray labels, int classCount, bool declared)
    {
        byte[] data = labels.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] >= classCount)
            {
                string source = declared ? "the data set's" : "the derived";
                throw new DataSetException($"IDX file '{labels.Path}': label {data[i]} at index {i} is not below {source} class count {classCount}.");
            }
        }
    }

    private static bool SameSampleShape(IdxArray a, IdxArray b)
    {
        if (a.Dimensions.Length != b.Dimensions.Length)
        {
            return false;
        }

        for (int i = 1; i < a.Dimensions.Length; i++)
        {
            if (a.Dimensions[i] != b.Dimensions[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string ShapeText(IdxArray a) => string.Join(" x ", a.Dimensions[1..]);

    private static int Max(byte[] data)
    {
        int max = 0;
        foreach (byte b in data)
        {
            if (b > max)
            {
                max = b;
            }
        }

        return max;
    }
}

/// <summary>One validated IDX file: its path, dimension sizes (first = item count) and unsigned-byte payload.</summary>
public sealed class IdxArray
{
    /// <summary>Wraps a validated file's contents.</summary>
    public IdxArray(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>Path the array was read from (used in error messages).</summary>
    public string Path { get; }

    /// <summary>Dimension sizes from the header; Dimensions[0] is the item count.</summary>
    public int[] Dimensions { get; }

    /// <summary>Payload, row-major, product of <see cref="Dimensions"/> bytes.</summary>
    public byte[] Data { get; }
}
