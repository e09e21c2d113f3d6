// NormalizationKernels against an independent reference: the documented integer formulas recomputed in BigInteger
// (exact, tolerance zero), and the real standardisation in double precision (within the documented error).
using System;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class NormalizationKernelsTests
{
    private static BigInteger ISqrt(BigInteger v)
    {
        if (v.Sign <= 0)
        {
            return BigInteger.Zero;
        }

        var x = (BigInteger)Math.Sqrt((double)v);
        while (x * x > v)
        {
            x--;
        }

        while ((x + 1) * (x + 1) <= v)
        {
            x++;
        }

        return x;
    }

    private static int BitLength(BigInteger v)
    {
        int bits = 0;
        while (v.Sign > 0)
        {
            bits++;
            v >>= 1;
        }

        return bits;
    }

    private static short Clamp16(BigInteger v) => v > short.MaxValue ? short.MaxValue : v < short.MinValue ? short.MinValue : (short)v;

    // The header's formula, independently: numerator_i * round(2^K / r) rounded by K - F, saturated.
    private static short[] ReferenceStandardize(short[] a, short[]? b, int n, int f)
    {
        int count = b is null ? n : 2 * n;
        BigInteger s = 0;
        BigInteger q = 0;
        for (int i = 0; i < n; i++)
        {
            s += a[i];
            q += (BigInteger)a[i] * a[i];
            if (b is not null)
            {
                s += b[i];
                q += (BigInteger)b[i] * b[i];
            }
        }

        BigInteger r = ISqrt(count * q - s * s);
        var result = new short[n];
        if (r.IsZero)
        {
            return result;
        }

        int k = 27 + BitLength(r);
        BigInteger reciprocal = FloorDiv(Pow2(k) + r / 2, r);
        for (int i = 0; i < n; i++)
        {
            BigInteger numerator = b is null ? count * (BigInteger)a[i] - s : count * ((BigInteger)a[i] + b[i]) - 2 * s;
            result[i] = Clamp16(RoundShift(numerator * reciprocal, k - f));
        }

        return result;
    }

    private static short[] RandomValues(Random rng, int n, int low, int high)
    {
        var v = new short[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (short)rng.Next(low, high + 1);
        }

        return v;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(31)]
    [DataRow(65)]
    [DataRow(784)]
    public void StandardizeS16_RandomVectors_MatchesWideReferenceExactly(int n)
    {
        var rng = new Random(100 + n);
        for (int trial = 0; trial < 20; trial++)
        {
            short[] a = trial % 2 == 0 ? RandomValues(rng, n, 0, 32767) : RandomValues(rng, n, -32768, 32767);
            int f = trial % 16;
            var u = new short[n + 3];
            NormalizationKernels.StandardizeS16(a, 0, n, f, u, 3);
            CollectionAssert.AreEqual(ReferenceStandardize(a, null, n, f), u[3..], $"trial {trial}, F = {f}");
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(33)]
    [DataRow(784)]
    public void StandardizePairSumS16_RandomPairs_MatchesWideReferenceExactly(int n)
    {
        var rng = new Random(200 + n);
        for (int trial = 0; trial < 20; trial++)
        {
            short[] a = RandomValues(rng, n + 2, 0, 32767);
            short[] b = RandomValues(rng, n + 1, 0, 32767);
            int f = 6 + trial % 10;
            var s = new short[n];
            NormalizationKernels.StandardizePairSumS16(a, 2, b, 1, n, f, s, 0);
            CollectionAssert.AreEqual(ReferenceStandardize(a[2..], b[1..], n, f), s, $"trial {trial}, F = {f}");
        }
    }

    [TestMethod]
    public void StandardizePairSumS16_ImagesLikeInputs_WithinDocumentedErrorOfDoubles()
    {
        var rng = new Random(7);
        const int n = 784;
        const int f = 10;
        for (int trial = 0; trial < 10; trial++)
        {
            // Sparse non-negative images: most pixels 0, a few bright, like MNIST.
            var a = new short[n];
            var b = new short[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = rng.NextDouble() < 0.2 ? (short)rng.Next(0, 32768) : (short)0;
                b[i] = rng.NextDouble() < 0.2 ? (short)rng.Next(0, 32768) : (short)0;
            }

            var s = new short[n];
            uint r = NormalizationKernels.StandardizePairSumS16(a, 0, b, 0, n, f, s, 0);
            double mean = 0;
            for (int i = 0; i < n; i++)
            {
                mean += a[i] + b[i];
            }

            mean /= 2 * n;
            double var = 0;
            for (int i = 0; i < n; i++)
            {
                var += (a[i] - mean) * (a[i] - mean) + (b[i] - mean) * (b[i] - mean);
            }

            double std = Math.Sqrt(var / (2 * n));
            Assert.AreEqual(2 * n * std, r, 1.0, "r = floor(N std)");
            for (int i = 0; i < n; i++)
            {
                double exact = ((a[i] - mean) + (b[i] - mean)) / std * (1 << f);
                // Relative error below 1/r + 2^-27 (sqrt and reciprocal), plus half an LSB of the final rounding.
                double bound = Math.Abs(exact) * (1.0 / r + Math.Pow(2, -27)) + 0.5 + 1e-9;
                Assert.AreEqual(exact, s[i], bound, $"trial {trial}, i {i}");
            }
        }
    }

    [TestMethod]
    public void StandardizeS16_ConstantVector_WritesZeros()
    {
        var a = new short[] { 5, 5, 5, 5 };
        var u = new short[] { 9, 9, 9, 9 };
        Assert.AreEqual(0u, NormalizationKernels.StandardizeS16(a, 0, 4, 10, u, 0));
        CollectionAssert.AreEqual(new short[4], u);
        var s = new short[] { 9, 9, 9, 9 };
        Assert.AreEqual(0u, NormalizationKernels.StandardizePairSumS16(a, 0, a, 0, 4, 10, s, 0));
        CollectionAssert.AreEqual(new short[4], s);
    }

    [TestMethod]
    public void StandardizePairSumS16_IdenticalHalves_IsTwiceTheStandardisedVector()
    {
        var rng = new Random(11);
        short[] a = RandomValues(rng, 100, 0, 32767);
        var u = new short[100];
        var s = new short[100];
        NormalizationKernels.StandardizeS16(a, 0, 100, 10, u, 0);
        NormalizationKernels.StandardizePairSumS16(a, 0, a, 0, 100, 10, s, 0);
        for (int i = 0; i < 100; i++)
        {
            // Same mean and standard deviation; the pair rounds once at twice the value.
            Assert.AreEqual(2 * u[i], s[i], 1.0, $"i {i}");
        }
    }

    [TestMethod]
    public void StandardizeS16_SingleSpike_SaturatesInsteadOfWrapping()
    {
        // One non-zero value among 784: u = sqrt(783) = 28 for the spike, 28 * 2^11 overflows s16.
        var a = new short[784];
        a[5] = 32767;
        var u = new short[784];
        NormalizationKernels.StandardizeS16(a, 0, 784, 11, u, 0);
        Assert.AreEqual(short.MaxValue, u[5]);
        Assert.IsTrue(u[0] < 0 && u[0] > -100, $"the others are slightly negative, got {u[0]}");
    }

    [TestMethod]
    public void CenteredReluS32S16_RandomPreActivations_MatchReferenceAndUseTheSmallestShift()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 1, 7, 100, 2000 })
        {
            for (int trial = 0; trial < 10; trial++)
            {
                int scale = trial switch { 0 => 10, 1 => 1000, _ => int.MaxValue / 4 };
                var z = new int[n];
                for (int i = 0; i < n; i++)
                {
                    z[i] = trial == 9 ? (i % 2 == 0 ? int.MaxValue : int.MinValue) : rng.Next(-scale, scale);
                }

                var a = new short[n];
                int e = NormalizationKernels.CenteredReluS32S16(z, 0, n, a, 0);
                BigInteger sum = 0;
                foreach (int v in z)
                {
                    sum += v;
                }

                BigInteger top = 0;
                for (int i = 0; i < n; i++)
                {
                    BigInteger c = n * (BigInteger)z[i] - sum;
                    BigInteger expected = c.Sign <= 0 ? 0 : RoundShift(c, e);
                    Assert.AreEqual((short)expected, a[i], $"n {n}, trial {trial}, i {i}");
                    top = BigInteger.Max(top, c);
                }

                Assert.IsTrue(RoundShift(top, e) <= short.MaxValue, "fits");
                if (e > 0)
                {
                    Assert.IsTrue(RoundShift(top, e - 1) > short.MaxValue, $"shift {e} is not the smallest");
                }
            }
        }
    }

    [TestMethod]
    public void Kernels_SteadyState_AllocateNothing()
    {
        var a = new short[784];
        var b = new short[784];
        var s = new short[784];
        var z = new int[500];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (short)(i * 37 % 32768);
            b[i] = (short)(i * 91 % 32768);
        }

        for (int i = 0; i < z.Length; i++)
        {
            z[i] = i * 12345 - 3000000;
        }

        NormalizationKernels.StandardizeS16(a, 0, 784, 10, s, 0);
        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int k = 0; k < 100; k++)
            {
                NormalizationKernels.StandardizeS16(a, 0, 784, 10, s, 0);
                NormalizationKernels.StandardizePairSumS16(a, 0, b, 0, 784, 10, s, 0);
                NormalizationKernels.CenteredReluS32S16(z, 0, 500, s, 0);
            }
        });
        Assert.AreEqual(0L, allocated);
    }
}
