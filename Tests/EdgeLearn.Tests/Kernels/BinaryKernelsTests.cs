// BinaryKernels against BigInteger sums over bool matrices packed in the test from the documented layout,
// with garbage in every padding bit and around every packed array, ragged column counts, all-ones and
// all-zero rows, accumulators at the rails and non-zero offsets everywhere.
using System;
using System.Collections.Generic;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class BinaryKernelsTests
{
    /// <summary>Matrix kinds (see WideReference.RandomBits): random, all ones, all zeros, mostly ones.</summary>
    private const int BitKinds = 4;

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

    private static BigInteger PlusMinus(bool bit) => bit ? BigInteger.One : BigInteger.MinusOne;

    private static BigInteger ZeroOne(bool bit) => bit ? BigInteger.One : BigInteger.Zero;

    private static bool[] Column(bool[,] m) => RowOf(m, 0);

    private static bool[] RowOf(bool[,] m, int r)
    {
        var v = new bool[m.GetLength(1)];
        for (int c = 0; c < v.Length; c++)
        {
            v[c] = m[r, c];
        }

        return v;
    }

    /// <summary>y at the rails for odd trials, random otherwise.</summary>
    private static int[] MakeY(Random rng, int yOffset, int length, int trial)
    {
        int[] y = RandomS32(rng, yOffset + length + 3);
        if (trial % 2 == 1)
        {
            for (int i = 0; i < length; i++)
            {
                y[yOffset + i] = rng.Next(2) == 0 ? int.MaxValue : int.MinValue;
            }
        }

        return y;
    }

    [TestMethod]
    public void PopCount_RandomAndEdgeWords_MatchesBitOperations()
    {
        var rng = new Random(501);
        var words = new List<uint> { 0u, 1u, 0x80000000u, 0xFFFFFFFFu, 0x55555555u, 0xAAAAAAAAu, 0x0F0F0F0Fu, 0x7FFFFFFFu };
        for (int i = 0; i < 100_000; i++)
        {
            words.Add(NextU32(rng));
        }

        foreach (uint v in words)
        {
            Assert.AreEqual(System.Numerics.BitOperations.PopCount(v), BinaryKernels.PopCount(v), $"v=0x{v:X8}");
        }
    }

    [TestMethod]
    [DataRow(1, 1, 0x00000001u)]
    [DataRow(31, 1, 0x7FFFFFFFu)]
    [DataRow(32, 1, 0xFFFFFFFFu)]
    [DataRow(33, 2, 0x00000001u)]
    [DataRow(63, 2, 0x7FFFFFFFu)]
    [DataRow(65, 3, 0x00000001u)]
    [DataRow(784, 25, 0x0000FFFFu)]
    public void WordsPerRowAndLastWordMask_RaggedCols_MatchLayout(int cols, int words, uint mask)
    {
        Assert.AreEqual(words, BinaryKernels.WordsPerRow(cols));
        Assert.AreEqual(mask, BinaryKernels.LastWordMask(cols));
    }

    [TestMethod]
    public void GetBit_IndependentlyPackedMatricesWithGarbage_ReadsEveryBit()
    {
        var rng = new Random(502);
        foreach (var (rows, cols) in Shapes())
        {
            int offset = rng.Next(1, 6);
            bool[,] m = RandomBits(rng, rows, cols);
            uint[] packed = Pack(m, offset, 2, rng);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    Assert.AreEqual(m[r, c], BinaryKernels.GetBit(packed, offset, cols, r, c), $"rows={rows}, cols={cols}, ({r}, {c})");
                }
            }
        }
    }

    [TestMethod]
    public void SetBit_EveryBitInRandomOrder_ChangesOnlyThatBit()
    {
        var rng = new Random(503);
        foreach (var (rows, cols) in Shapes())
        {
            int offset = rng.Next(1, 6);
            int words = (cols + 31) / 32;
            bool[,] m = RandomBits(rng, rows, cols);
            uint[] garbage = RandomU32(rng, offset + rows * words + 2);
            var expected = (uint[])garbage.Clone();
            PackInto(expected, m, offset);

            var actual = (uint[])garbage.Clone();
            var order = new int[rows * cols];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            rng.Shuffle(order);
            foreach (int k in order)
            {
                BinaryKernels.SetBit(actual, offset, cols, k / cols, k % cols, m[k / cols, k % cols]);
            }

            CollectionAssert.AreEqual(expected, actual, $"rows={rows}, cols={cols}");
        }
    }

    [TestMethod]
    public void SignMatVecB1S32_RaggedGarbagePaddingAndRails_MatchesBigInteger()
    {
        var rng = new Random(504);
        foreach (var (rows, cols) in Shapes())
        {
            for (int trial = 0; trial < 2 * BitKinds; trial++)
            {
                int wOffset = rng.Next(1, 6), xOffset = rng.Next(1, 6), yOffset = rng.Next(1, 6);
                bool[,] m = RandomBits(rng, rows, cols, trial % BitKinds);
                uint[] w = Pack(m, wOffset, 2, rng);
                short[] x = RandomS16(rng, xOffset + cols + 2);
                int[] y = MakeY(rng, yOffset, rows, trial);
                int[] expected = MatVec((r, c) => PlusMinus(m[r, c]), c => x[xOffset + c], rows, cols, y, yOffset);
                BinaryKernels.SignMatVecB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, trial={trial}");
            }
        }
    }

    [TestMethod]
    public void SignMatVecTransposedB1S32_RaggedGarbagePaddingAndRails_MatchesBigInteger()
    {
        var rng = new Random(505);
        foreach (var (rows, cols) in Shapes())
        {
            for (int trial = 0; trial < 2 * BitKinds; trial++)
            {
                int wOffset = rng.Next(1, 6), xOffset = rng.Next(1, 6), yOffset = rng.Next(1, 6);
                bool[,] m = RandomBits(rng, rows, cols, trial % BitKinds);
                uint[] w = Pack(m, wOffset, 2, rng);
                short[] x = RandomS16(rng, xOffset + rows + 2);
                int[] y = MakeY(rng, yOffset, cols, trial);
                int[] expected = MatVecTransposed((r, c) => PlusMinus(m[r, c]), r => x[xOffset + r], rows, cols, y, yOffset);
                BinaryKernels.SignMatVecTransposedB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, trial={trial}");
            }
        }
    }

    [TestMethod]
    public void XnorPopcountB1S32_RaggedGarbagePaddingAndRails_MatchesBigInteger()
    {
        var rng = new Random(506);
        foreach (var (rows, cols) in Shapes())
        {
            for (int trial = 0; trial < 2 * BitKinds; trial++)
            {
                int wOffset = rng.Next(1, 6), aOffset = rng.Next(1, 6), yOffset = rng.Next(1, 6);
                bool[,] m = RandomBits(rng, rows, cols, trial % BitKinds);
                bool[] av = Column(RandomBits(rng, 1, cols, (trial / 2) % BitKinds));
                uint[] w = Pack(m, wOffset, 2, rng);
                uint[] a = Pack(AsRow(av), aOffset, 2, rng);
                int[] y = MakeY(rng, yOffset, rows, trial);
                int[] expected = MatVec((r, c) => PlusMinus(m[r, c]), c => PlusMinus(av[c]), rows, cols, y, yOffset);
                BinaryKernels.XnorPopcountB1S32(w, wOffset, a, aOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, trial={trial}");
            }
        }
    }

    [TestMethod]
    public void SignMatVecB1U1_RaggedGarbagePaddingAndRails_MatchesBigInteger()
    {
        var rng = new Random(507);
        foreach (var (rows, cols) in Shapes())
        {
            for (int trial = 0; trial < 2 * BitKinds; trial++)
            {
                int wOffset = rng.Next(1, 6), hOffset = rng.Next(1, 6), yOffset = rng.Next(1, 6);
                bool[,] m = RandomBits(rng, rows, cols, trial % BitKinds);
                bool[] hv = Column(RandomBits(rng, 1, cols, (trial / 2) % BitKinds));
                uint[] w = Pack(m, wOffset, 2, rng);
                uint[] h = Pack(AsRow(hv), hOffset, 2, rng);
                int[] y = MakeY(rng, yOffset, rows, trial);
                int[] expected = MatVec((r, c) => PlusMinus(m[r, c]), c => ZeroOne(hv[c]), rows, cols, y, yOffset);
                BinaryKernels.SignMatVecB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, trial={trial}");
            }
        }
    }

    [TestMethod]
    public void SignMatVecTransposedB1U1_RaggedGarbagePaddingAndRails_MatchesBigInteger()
    {
        var rng = new Random(508);
        foreach (var (rows, cols) in Shapes())
        {
            for (int trial = 0; trial < 2 * BitKinds; trial++)
            {
                int wOffset = rng.Next(1, 6), hOffset = rng.Next(1, 6), yOffset = rng.Next(1, 6);
                bool[,] m = RandomBits(rng, rows, cols, trial % BitKinds);
                bool[] hv = Column(RandomBits(rng, 1, rows, (trial / 2) % BitKinds));
                uint[] w = Pack(m, wOffset, 2, rng);
                uint[] h = Pack(AsRow(hv), hOffset, 2, rng);
                int[] y = MakeY(rng, yOffset, cols, trial);
                int[] expected = MatVecTransposed((r, c) => PlusMinus(m[r, c]), r => ZeroOne(hv[r]), rows, cols, y, yOffset);
                BinaryKernels.SignMatVecTransposedB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset);
                CollectionAssert.AreEqual(expected, y, $"rows={rows}, cols={cols}, trial={trial}");
            }
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(31)]
    [DataRow(32)]
    [DataRow(33)]
    [DataRow(63)]
    [DataRow(65)]
    [DataRow(784)]
    public void BinaryKernels_AllOnesAndAllZeroRowsUnderAllOnesPadding_GivePlusMinusCols(int cols)
    {
        // Row 0 all +1, row 1 all -1; every padding bit and the word after the matrix set to one.
        int words = (cols + 31) / 32;
        var w = new uint[2 * words + 1];
        Array.Fill(w, 0xFFFFFFFFu);
        for (int k = 0; k < words; k++)
        {
            w[words + k] = 0;
        }

        uint tailMask = cols % 32 == 0 ? 0u : ~((1u << (cols % 32)) - 1u);
        w[2 * words - 1] |= tailMask;

        // Activations carry the opposite padding (clear in `ones`, set in `zeros`), so a kernel that let
        // padding bits into the XNOR count would be off.
        var ones = new uint[words + 1];
        Array.Fill(ones, 0xFFFFFFFFu);
        ones[words - 1] &= ~tailMask;
        var zeros = new uint[words + 1];
        zeros[words - 1] = tailMask;
        zeros[words] = 0xFFFFFFFFu;

        var y = new int[2];
        BinaryKernels.XnorPopcountB1S32(w, 0, ones, 0, 2, cols, y, 0);
        CollectionAssert.AreEqual(new[] { cols, -cols }, y, "XNOR against all +1");

        y = new int[2];
        BinaryKernels.XnorPopcountB1S32(w, 0, zeros, 0, 2, cols, y, 0);
        CollectionAssert.AreEqual(new[] { -cols, cols }, y, "XNOR against all -1");

        y = new int[2];
        BinaryKernels.SignMatVecB1U1(w, 0, ones, 0, 2, cols, y, 0);
        CollectionAssert.AreEqual(new[] { cols, -cols }, y, "B1U1 with every unit active");

        y = new[] { 7, -7 };
        BinaryKernels.SignMatVecB1U1(w, 0, zeros, 0, 2, cols, y, 0);
        CollectionAssert.AreEqual(new[] { 7, -7 }, y, "B1U1 with no unit active leaves y");

        var x = new short[cols];
        Array.Fill(x, short.MinValue);
        y = new int[2];
        BinaryKernels.SignMatVecB1S32(w, 0, x, 0, 2, cols, y, 0);
        CollectionAssert.AreEqual(new[] { -32768 * cols, 32768 * cols }, y, "-x[c] of -32768 is +32768, no 16-bit wrap");
    }

    [TestMethod]
    public void SignMatVec_AccumulatorsNearRails_Saturate()
    {
        const int Cols = 33; // two words per row; row 0 all +1 (padding set), row 1 all -1
        var w = new uint[] { 0xFFFFFFFFu, 0xFFFFFFFFu, 0u, 0u };
        var x = new short[Cols];
        Array.Fill(x, short.MaxValue);
        int[] y = { int.MaxValue - 100, int.MinValue + 100 };
        BinaryKernels.SignMatVecB1S32(w, 0, x, 0, 2, Cols, y, 0);
        CollectionAssert.AreEqual(new[] { int.MaxValue, int.MinValue }, y);

        var a = new uint[] { 0xFFFFFFFFu, 0xFFFFFFFFu };
        y = new[] { int.MaxValue - 5, int.MinValue + 5 };
        BinaryKernels.XnorPopcountB1S32(w, 0, a, 0, 2, Cols, y, 0);
        CollectionAssert.AreEqual(new[] { int.MaxValue, int.MinValue }, y);

        y = new[] { int.MaxValue - 5, int.MinValue + 5 };
        BinaryKernels.SignMatVecB1U1(w, 0, a, 0, 2, Cols, y, 0);
        CollectionAssert.AreEqual(new[] { int.MaxValue, int.MinValue }, y);
    }

    [TestMethod]
    public void HeavisidePackU1_RaggedLengthsAndThresholds_SetsBitsAndClearsPadding()
    {
        var rng = new Random(509);
        short[] thresholds = { short.MinValue, -1, 0, 1, 16384, short.MaxValue };
        foreach (int n in RaggedCols)
        {
            foreach (short threshold in thresholds)
            {
                int sOffset = rng.Next(1, 6), bitsOffset = rng.Next(1, 6);
                int words = (n + 31) / 32;
                short[] s = RandomS16(rng, sOffset + n + 2);
                for (int i = 0; i < n; i += 5)
                {
                    s[sOffset + i] = threshold; // ties count as active
                }

                uint[] bits = RandomU32(rng, bitsOffset + words + 2);
                var expected = (uint[])bits.Clone();
                for (int k = 0; k < words; k++)
                {
                    expected[bitsOffset + k] = 0; // padding included
                }

                var active = new bool[n];
                for (int i = 0; i < n; i++)
                {
                    active[i] = s[sOffset + i] >= threshold;
                }

                PackInto(expected, AsRow(active), bitsOffset);
                BinaryKernels.HeavisidePackU1(s, sOffset, n, threshold, bits, bitsOffset);
                CollectionAssert.AreEqual(expected, bits, $"n={n}, threshold={threshold}");
            }
        }
    }
}
