using System;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class OuterProductDitheredTests
{
    [TestMethod]
    [DataRow(1, 1, 1)]
    [DataRow(7, 33, 9)]
    [DataRow(5, 784, 24)]
    [DataRow(3, 65, 31)]
    public void ContrastiveOuterAccumulateS8Dithered_RandomInputs_MatchesWideFormula(int rows, int cols, int shift)
    {
        var rng = new Random(rows * 1000 + cols + shift);
        short[] ap = WideReference.RandomS16(rng, rows + 2);
        short[] am = WideReference.RandomS16(rng, rows + 2);
        short[] bp = WideReference.RandomS16(rng, cols + 3);
        short[] bm = WideReference.RandomS16(rng, cols + 3);
        sbyte[] acc = WideReference.RandomS8(rng, rows * cols + 5);
        var expected = (sbyte[])acc.Clone();
        uint dither = WideReference.NextU32(rng);
        BigInteger modulus = WideReference.Pow2(shift);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                BigInteger d = ((BigInteger)dither + (BigInteger)r * 0x9E3779B1u + (BigInteger)c * 0x85EBCA77u) % (BigInteger.One << 32) % modulus;
                BigInteger product = (BigInteger)ap[r + 2] * bp[c + 3] - (BigInteger)am[r + 2] * bm[c + 3];
                BigInteger delta = WideReference.FloorDiv(product + d, modulus);
                int i = 5 + r * cols + c;
                expected[i] = WideReference.Sat8(expected[i] + delta);
            }
        }

        OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(acc, 5, ap, am, 2, rows, bp, bm, 3, cols, shift, dither);
        CollectionAssert.AreEqual(expected, acc);
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS8Dithered_SmallIncrements_AreUnbiasedOnAverage()
    {
        // Increments of 0.3 LSB: rounding to nearest would add nothing; dithering must add 0.3 per call on average.
        const int shift = 10;
        short[] ap = { 300 };
        short[] am = { 0 };
        short[] bp = { 1, 1, 1, 1 };
        short[] bm = { 0, 0, 0, 0 };
        var rng = new Xoshiro128(5, 5);
        long total = 0;
        const int calls = 4000;
        for (int k = 0; k < calls; k++)
        {
            var acc = new sbyte[4];
            OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(acc, 0, ap, am, 0, 1, bp, bm, 0, 4, shift, rng.NextUInt32());
            foreach (sbyte v in acc)
            {
                total += v;
            }
        }

        double mean = total / (4.0 * calls);
        double exact = 300.0 / 1024;
        // Bernoulli(0.293) per element: standard error of the mean over 16,000 draws is about 0.0036.
        Assert.AreEqual(exact, mean, 0.02, $"mean increment {mean}");
        var nearest = new sbyte[4];
        OuterProductKernels.ContrastiveOuterAccumulateS8(nearest, 0, ap, am, 0, 1, bp, bm, 0, 4, shift);
        CollectionAssert.AreEqual(new sbyte[4], nearest, "rounding to nearest drops these increments entirely");
    }

    [TestMethod]
    public void KernelSetReference_Dithered_DispatchesToStaticKernel()
    {
        var rng = new Random(3);
        short[] a = WideReference.RandomS16(rng, 9);
        short[] b = WideReference.RandomS16(rng, 40);
        var viaSet = new sbyte[360];
        var direct = new sbyte[360];
        KernelSet.Reference.ContrastiveOuterAccumulateS8Dithered(viaSet, 0, a, b[..9], 0, 9, b, a.Length >= 40 ? a : b, 0, 40, 20, 12345u);
        OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(direct, 0, a, b[..9], 0, 9, b, a.Length >= 40 ? a : b, 0, 40, 20, 12345u);
        CollectionAssert.AreEqual(direct, viaSet);
    }
}
