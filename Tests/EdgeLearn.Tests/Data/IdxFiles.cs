using System;
using System.IO;
using System.IO.Compression;

namespace EdgeLearn.Tests.Data;

/// <summary>Writes small IDX files byte by byte, independently of the loader.</summary>
internal static class IdxFiles
{
    public static byte[] Encode(byte typeCode, int[] dims, byte[] payload)
    {
        var stream = new MemoryStream();
        stream.Write(new byte[] { 0, 0, typeCode, (byte)dims.Length });
        foreach (int d in dims)
        {
            stream.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        }

        stream.Write(payload);
        return stream.ToArray();
    }

    public static byte[] Images(int count, int rows, int cols, Func<int, int, byte> pixel)
    {
        var payload = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < rows * cols; p++)
            {
                payload[i * rows * cols + p] = pixel(i, p);
            }
        }

        return Encode(0x08, new[] { count, rows, cols }, payload);
    }

    public static byte[] Labels(params byte[] labels) => Encode(0x08, new[] { labels.Length }, labels);

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Writes the four standard files into <paramref name="dir"/>: train = 5 images 3x2 with labels 0..4 (mod classes),
    /// test = 3 images; pixel value = 10 * image + pixel index (+100 for test).
    /// </summary>
    public static void WriteSet(string dir, bool gzip, byte[]? trainImages = null, byte[]? trainLabels = null, byte[]? testImages = null, byte[]? testLabels = null)
    {
        trainImages ??= Images(5, 3, 2, (i, p) => (byte)(10 * i + p));
        trainLabels ??= Labels(0, 1, 2, 3, 1);
        testImages ??= Images(3, 3, 2, (i, p) => (byte)(100 + 10 * i + p));
        testLabels ??= Labels(2, 0, 1);
        Write(dir, "train-images-idx3-ubyte", trainImages, gzip);
        Write(dir, "train-labels-idx1-ubyte", trainLabels, gzip);
        Write(dir, "t10k-images-idx3-ubyte", testImages, gzip);
        Write(dir, "t10k-labels-idx1-ubyte", testLabels, gzip);
    }

    public static void Write(string dir, string baseName, byte[] data, bool gzip)
    {
        File.WriteAllBytes(Path.Combine(dir, gzip ? baseName + ".gz" : baseName), gzip ? Gzip(data) : data);
    }
}
