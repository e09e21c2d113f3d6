using System;
using EdgeLearn.Kernels;
using EdgeLearn.Tests.Data;

namespace EdgeLearn.Tests.Learners;

/// <summary>
/// A small deterministic classification problem for learner tests: K class centres in [0.1, 0.9]^n, samples
/// are a centre plus uniform noise of +/- noise, clamped to [0, 1], stored as Q0.15 like real inputs.
/// </summary>
internal sealed class SyntheticClusters
{
    /// <summary>
    /// Writes <paramref name="count"/> 8x8 samples of 4 classes (noise 0.25) as an uncompressed IDX set in a new
    /// temporary directory: the first <paramref name="trainCount"/> are the training part, the rest the test part.
    /// </summary>
    public static TempDirectory WriteIdxSet(int count, int trainCount, uint seed)
    {
        var dir = new TempDirectory();
        var all = new SyntheticClusters(64, 4, count, 0.25, seed);
        byte[] labels = Array.ConvertAll(all.Labels, l => (byte)l);
        int testCount = count - trainCount;
        IdxFiles.WriteSet(
            dir.Path,
            gzip: false,
            trainImages: IdxFiles.Encode(0x08, new[] { trainCount, 8, 8 }, all.Grey[..(trainCount * 64)]),
            trainLabels: IdxFiles.Labels(labels[..trainCount]),
            testImages: IdxFiles.Encode(0x08, new[] { testCount, 8, 8 }, all.Grey[(trainCount * 64)..]),
            testLabels: IdxFiles.Labels(labels[trainCount..]));
        return dir;
    }

    public SyntheticClusters(int dimension, int classes, int count, double noise, uint seed)
    {
        Dimension = dimension;
        Classes = classes;
        Count = count;
        var rng = new Xoshiro128(seed, 77);
        var centres = new double[classes * dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = 0.1 + 0.8 * (rng.NextUInt32() / 4294967296.0);
        }

        Inputs = new short[count * dimension];
        Grey = new byte[count * dimension];
        Labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            int label = (int)rng.NextBelow((uint)classes);
            Labels[s] = label;
            for (int j = 0; j < dimension; j++)
            {
                double v = centres[label * dimension + j] + noise * (2 * (rng.NextUInt32() / 4294967296.0) - 1);
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                byte g = (byte)(v * 255 + 0.5);
                Grey[s * dimension + j] = g;
                Inputs[s * dimension + j] = FixedPoint.UnitByteToQ15(g);
            }
        }
    }

    public int Dimension { get; }

    public int Classes { get; }

    public int Count { get; }

    public short[] Inputs { get; }

    public byte[] Grey { get; }

    public int[] Labels { get; }
}
