// DenseKernels against BigInteger sums: ragged shapes, non-zero offsets on every array, accumulators at the
// rails, sums far beyond the s32 range in both directions, and "saturate once at the end".
using System;
using System.Collections.Generic;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class DenseKernelsTests
{
    private delegate void S8Kernel(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset);

    private delegate void S16Kernel(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset);

    /// <summary>(rows, cols) pairs: every ragged count as rows and as columns, a few squares.</summary>
    private static IEnumerable<(int Rows, int Cols)> Shapes()
    {
        foreach (int n in RaggedCols)
        {
            yield return (3, n);
            yield return (n, 2);
            if (n <= 65)
            {
                yield return (n, n);
            }
        }
    }

    /// <summary>Input modes: 0 random, 1 largest positive products, 2 largest negative products, 3 y at the rails.</summary>
    private const int Modes = 4;

    private static void FillRails(Random rng, int[] y, int yOffset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            y[yOffset + i] = rng.Next(2) == 0 ? int.MaxValue : int.MinValue;
        }
    }

    private static void RunS8(S8Kernel kernel, bool transposed, int seed)
    {
        var rng = new Random(seed);
        foreach (var (rows, cols) in Shapes())
        {
            for (int mode = 0; mode < Modes; mode++)
            {
                int inLength = transposed ? rows : cols;
                int outLength = transposed ? cols : rows;
                int wOffset = rng.Next(1, 9);
                int xOffset = rng.Next(1, 9);
                int yOffset = rng.Next(1, 9);
                sbyte[] w = RandomS8(rng, wOffset + rows * cols + 3);
                short[] x = RandomS16(rng, xOffset + inLength + 3);
                int[] y = RandomS32(rng, yOffset + outLength + 3);
                if (mode == 1 || mode == 2)
                {
                    Array.Fill(w, sbyte.MinValue);
                    Array.Fill(x, mode == 1 ? short.MinValue : short.MaxValue);
                }
                else if (mode == 3)
                {
                    FillRails(rng, y, yOffset, outLength);
                }

                Func<int, int, BigInteger> wAt = (r, c) => w[wOffset + r * cols + c];
                Func<int, BigInteger> xAt = i => x[xOffset + i];
                int[] expected = transposed
                    ? MatVecTransposed(wAt, xAt, rows, cols, y, yOffset)
                    : MatVec(wAt, xAt, rows, cols, y, yOffset);
                kernel(w, wOffset, x, xOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, mode={mode}");
            }
        }
    }

    private static void RunS16(S16Kernel kernel, bool transposed, int seed)
    {
        var rng = new Random(seed);
        foreach (var (rows, cols) in Shapes())
        {
            for (int mode = 0; mode < Modes; mode++)
            {
                int inLength = transposed ? rows : cols;
                int outLength = transposed ? cols : rows;
                int wOffset = rng.Next(1, 9);
                int xOffset = rng.Next(1, 9);
                int yOffset = rng.Next(1, 9);
                short[] w = RandomS16(rng, wOffset + rows * cols + 3);
                short[] x = RandomS16(rng, xOffset + inLength + 3);
                int[] y = RandomS32(rng, yOffset + outLength + 3);
                if (mode == 1 || mode == 2)
                {
                    Array.Fill(w, short.MinValue);
                    Array.Fill(x, mode == 1 ? short.MinValue : short.MaxValue);
                }
                else if (mode == 3)
                {
                    FillRails(rng, y, yOffset, outLength);
                }

                Func<int, int, BigInteger> wAt = (r, c) => w[wOffset + r * cols + c];
                Func<int, BigInteger> xAt = i => x[xOffset + i];
                int[] expected = transposed
                    ? MatVecTransposed(wAt, xAt, rows, cols, y, yOffset)
                    : MatVec(wAt, xAt, rows, cols, y, yOffset);
                kernel(w, wOffset, x, xOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, mode={mode}");
            }
        }
    }

    [TestMethod]
    public void MatVecS8S32_RaggedShapesOffsetsAndExtremes_MatchesBigInteger() =>
        RunS8(DenseKernels.MatVecS8S32, transposed: false, seed: 401);

    [TestMethod]
    public void MatVecTransposedS8S32_RaggedShapesOffsetsAndExtremes_MatchesBigInteger() =>
        RunS8(DenseKernels.MatVecTransposedS8S32, transposed: true, seed: 402);

    [TestMethod]
    public void MatVecS16S32_RaggedShapesOffsetsAndExtremes_MatchesBigInteger() =>
        RunS16(DenseKernels.MatVecS16S32, transposed: false, seed: 403);

    [TestMethod]
    public void MatVecTransposedS16S32_RaggedShapesOffsetsAndExtremes_MatchesBigInteger() =>
        RunS16(DenseKernels.MatVecTransposedS16S32, transposed: true, seed: 404);

    [TestMethod]
    public void MatVecS16S32_MinTimesMinOver784_SaturatesAtMaxEvenFromMinRail()
    {
        // (-32768)(-32768) = 2^30 per column; 784 columns sum to 784 2^30 ~ 8.4e11, far past 2^31 - 1,
        // and still past it after adding y = -2^31.
        const int Cols = 784;
        var w = new short[Cols];
        var x = new short[Cols];
        Array.Fill(w, short.MinValue);
        Array.Fill(x, short.MinValue);
        int[] y = { int.MinValue, 0 };
        DenseKernels.MatVecS16S32(w, 0, x, 0, 1, Cols, y, 0);
        DenseKernels.MatVecTransposedS16S32(w, 0, x, 0, Cols, 1, y, 1);
        Assert.AreEqual(int.MaxValue, y[0]);
        Assert.AreEqual(int.MaxValue, y[1]);
    }

    [TestMethod]
    public void MatVecS8S32_NegativeSumBeyondInt32_SaturatesAtMin()
    {
        // (-128)(32767) = -4194176 per column; 784 columns give -3288233984 < -2^31.
        const int Cols = 784;
        var w = new sbyte[Cols];
        var x = new short[Cols];
        Array.Fill(w, sbyte.MinValue);
        Array.Fill(x, short.MaxValue);
        int[] y = { 0, 5 };
        Assert.IsLessThan((long)int.MinValue, -128L * 32767 * Cols, "the setup must overshoot the lower rail");
        DenseKernels.MatVecS8S32(w, 0, x, 0, 1, Cols, y, 0);
        DenseKernels.MatVecTransposedS8S32(w, 0, x, 0, Cols, 1, y, 1);
        Assert.AreEqual(int.MinValue, y[0]);
        Assert.AreEqual(int.MinValue, y[1]);
    }

    [TestMethod]
    public void MatVec_AccumulatorAtRailWithCancellingProducts_SaturatesOnceAtTheEnd()
    {
        // Partial sums swing by +-6.8e7 but the exact total is -127: a kernel that saturated y after each
        // product (or each block) would lose the swing and end elsewhere.
        const int Cols = 33;
        var w8 = new sbyte[Cols];
        var w16 = new short[Cols];
        var x = new short[Cols];
        for (int c = 0; c < Cols; c++)
        {
            w8[c] = 127;
            w16[c] = 127;
            x[c] = c < 16 ? (short)32767 : c < 32 ? (short)-32767 : (short)-1;
        }

        var y = new int[4];
        Array.Fill(y, int.MaxValue);
        DenseKernels.MatVecS8S32(w8, 0, x, 0, 1, Cols, y, 0);
        DenseKernels.MatVecTransposedS8S32(w8, 0, x, 0, Cols, 1, y, 1);
        DenseKernels.MatVecS16S32(w16, 0, x, 0, 1, Cols, y, 2);
        DenseKernels.MatVecTransposedS16S32(w16, 0, x, 0, Cols, 1, y, 3);
        CollectionAssert.AreEqual(new[] { int.MaxValue - 127, int.MaxValue - 127, int.MaxValue - 127, int.MaxValue - 127 }, y);
    }

    [TestMethod]
    public void MatVecS8S32_ZeroRows_LeavesOutputUntouched()
    {
        var y = new[] { 1, 2, 3 };
        DenseKernels.MatVecS8S32(new sbyte[4], 0, new short[4], 0, 0, 4, y, 1);
        DenseKernels.MatVecS16S32(new short[4], 0, new short[4], 0, 0, 4, y, 1);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, y);
    }
}
