// ActivationKernels against straightforward references: BigInteger hard sigmoid, a stable sort for top-k,
// linear scans for argmax, and the defining inequality r^2 <= v < (r + 1)^2 for the square root.
using System;
using System.Collections.Generic;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class ActivationKernelsTests
{
    [TestMethod]
    public void HardSigmoidQ15_RandomMultipliersAndShifts_MatchesBigInteger()
    {
        var rng = new Random(701);
        int[] multipliers = { 1, 0, -1, 2, 3, 12345, 1 << 20, int.MaxValue, int.MinValue };
        for (int trial = 0; trial < 400; trial++)
        {
            int n = rng.Next(1, 70);
            int preOffset = rng.Next(1, 6), sOffset = rng.Next(1, 6);
            int multiplier = trial % 2 == 0 ? multipliers[rng.Next(multipliers.Length)] : NextS32(rng);
            int shift = trial < 63 ? trial : rng.Next(0, 63);
            int[] pre = RandomS32(rng, preOffset + n + 2);
            short[] s = RandomS16(rng, sOffset + n + 2);
            var expected = (short[])s.Clone();
            for (int i = 0; i < n; i++)
            {
                expected[sOffset + i] = (short)Clamp(RoundShift((BigInteger)pre[preOffset + i] * multiplier, shift), 0, 32767);
            }

            ActivationKernels.HardSigmoidQ15(pre, preOffset, n, multiplier, shift, s, sOffset);
            CollectionAssert.AreEqual(expected, s, $"multiplier={multiplier}, shift={shift}");
        }
    }

    [TestMethod]
    public void HardSigmoidAddQ15_RandomOperands_MatchesBigIntegerAndCountsChanges()
    {
        var rng = new Random(703);
        int[] multipliers = { 1, 0, -1, 1024, 12345, 1 << 20, int.MaxValue, int.MinValue };
        for (int trial = 0; trial < 400; trial++)
        {
            int n = rng.Next(0, 70);
            int preOffset = rng.Next(0, 6), addOffset = rng.Next(0, 6), sOffset = rng.Next(0, 6), prevOffset = rng.Next(0, 6);
            int multiplier = trial % 2 == 0 ? multipliers[rng.Next(multipliers.Length)] : NextS32(rng);
            int shift = trial < 63 ? trial : rng.Next(0, 63);
            int[] pre = RandomS32(rng, preOffset + n + 2);
            int[] addend = RandomS32(rng, addOffset + n + 2);
            short[] s = RandomS16(rng, sOffset + n + 2);
            var expected = (short[])s.Clone();
            int expectedChanges = 0;
            short[] previous = RandomS16(rng, prevOffset + n + 2);
            for (int i = 0; i < n; i++)
            {
                expected[sOffset + i] = (short)Clamp(addend[addOffset + i] + RoundShift((BigInteger)pre[preOffset + i] * multiplier, shift), 0, 32767);
                if (rng.Next(2) == 0)
                {
                    previous[prevOffset + i] = expected[sOffset + i];
                }

                expectedChanges += previous[prevOffset + i] != expected[sOffset + i] ? 1 : 0;
            }

            int changes = ActivationKernels.HardSigmoidAddQ15(pre, preOffset, multiplier, shift, addend, addOffset, previous, prevOffset, s, sOffset, n);
            CollectionAssert.AreEqual(expected, s, $"multiplier={multiplier}, shift={shift}");
            Assert.AreEqual(expectedChanges, changes, $"multiplier={multiplier}, shift={shift}");
        }
    }

    [TestMethod]
    [DataRow(int.MinValue, 0)]
    [DataRow(-1, 0)]
    [DataRow(0, 0)]
    [DataRow(1, 1)]
    [DataRow(16384, 16384)]
    [DataRow(32767, 32767)]
    [DataRow(32768, 32767)]
    [DataRow(int.MaxValue, 32767)]
    public void HardSigmoidQ15_UnitMultiplierZeroShift_IsPlainClamp(int pre, int expected)
    {
        var s = new short[1];
        ActivationKernels.HardSigmoidQ15(new[] { pre }, 0, 1, 1, 0, s, 0);
        Assert.AreEqual((short)expected, s[0]);
    }

    [TestMethod]
    [DataRow(3, 1, 2)] // 1.5 rounds up to 2
    [DataRow(65535, 1, 32767)] // 32767.5 -> 32768 -> clamped
    [DataRow(65533, 1, 32767)] // 32766.5 -> 32767
    [DataRow(-1, 1, 0)] // -0.5 -> 0
    [DataRow(-3, 1, 0)] // -1.5 -> -1 -> clamped
    public void HardSigmoidQ15_HalfShift_RoundsTiesUpThenClamps(int pre, int shift, int expected)
    {
        var s = new short[1];
        ActivationKernels.HardSigmoidQ15(new[] { pre }, 0, 1, 1, shift, s, 0);
        Assert.AreEqual((short)expected, s[0]);
    }

    [TestMethod]
    public void ReluS32_RandomWithOffsets_ZeroesNegativesInRangeOnly()
    {
        var rng = new Random(702);
        foreach (int n in RaggedCols)
        {
            int offset = rng.Next(1, 6);
            int[] x = RandomS32(rng, offset + n + 3);
            x[offset - 1] = -5;
            x[offset + n] = -6;
            var expected = (int[])x.Clone();
            for (int i = 0; i < n; i++)
            {
                expected[offset + i] = Math.Max(0, x[offset + i]);
            }

            ActivationKernels.ReluS32(x, offset, n);
            CollectionAssert.AreEqual(expected, x, $"n={n}");
        }
    }

    private static int FirstMaxIndex(IReadOnlyList<int> values, int offset, int n)
    {
        int best = 0;
        for (int i = 1; i < n; i++)
        {
            if (values[offset + i] > values[offset + best])
            {
                best = i;
            }
        }

        return best;
    }

    [TestMethod]
    public void ArgMaxS32AndS16_RandomWithTiesAndLargerValuesOutside_ReturnFirstMaxInRange()
    {
        var rng = new Random(703);
        for (int trial = 0; trial < 500; trial++)
        {
            int n = rng.Next(1, 70);
            int offset = rng.Next(1, 6);
            int spread = trial % 3 == 0 ? 3 : 100000; // a small spread forces ties
            var x32 = new int[offset + n + 2];
            var x16 = new short[offset + n + 2];
            for (int i = 0; i < x32.Length; i++)
            {
                bool inside = i >= offset && i < offset + n;
                x32[i] = inside ? rng.Next(-spread, spread) + (trial % 5 == 0 ? int.MinValue / 2 : 0) : int.MaxValue;
                x16[i] = inside ? (short)rng.Next(-Math.Min(spread, 32768), Math.Min(spread, 32767)) : short.MaxValue;
            }

            Assert.AreEqual(FirstMaxIndex(x32, offset, n), ActivationKernels.ArgMaxS32(x32, offset, n), $"s32 trial {trial}");
            var wide16 = Array.ConvertAll(x16, v => (int)v);
            Assert.AreEqual(FirstMaxIndex(wide16, offset, n), ActivationKernels.ArgMaxS16(x16, offset, n), $"s16 trial {trial}");
        }
    }

    [TestMethod]
    public void ArgMax_AllEqualAndAllMinValue_ReturnsZero()
    {
        Assert.AreEqual(0, ActivationKernels.ArgMaxS32(new[] { 9, int.MinValue, int.MinValue, int.MinValue }, 1, 3));
        Assert.AreEqual(0, ActivationKernels.ArgMaxS16(new short[] { 9, short.MinValue, short.MinValue }, 1, 2));
        Assert.AreEqual(2, ActivationKernels.ArgMaxS32(new[] { 1, 5, 7, 7, 5 }, 0, 5));
        Assert.AreEqual(0, ActivationKernels.ArgMaxS32(new[] { 4 }, 0, 1));
    }

    /// <summary>Reference top-k: indices sorted by value descending, then index ascending; the first k.</summary>
    private static int[] ReferenceTopK(int[] x, int offset, int n, int k)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (i, j) =>
        {
            int byValue = x[offset + j].CompareTo(x[offset + i]);
            return byValue != 0 ? byValue : i.CompareTo(j);
        });
        return order[..k];
    }

    [TestMethod]
    public void TopKS32_RandomWithTiesAndGarbageIndices_MatchesStableSort()
    {
        var rng = new Random(704);
        for (int trial = 0; trial < 400; trial++)
        {
            int n = rng.Next(1, 80);
            int k = trial % 4 == 0 ? n : rng.Next(1, n + 1);
            int offset = rng.Next(1, 6), indicesOffset = rng.Next(1, 6);
            int[] x = RandomS32(rng, offset + n + 2);
            if (trial % 2 == 0)
            {
                for (int i = 0; i < n; i++)
                {
                    x[offset + i] = rng.Next(-2, 3); // heavy ties
                }
            }

            x[offset - 1] = int.MaxValue; // larger values just outside the range must be ignored
            x[offset + n] = int.MaxValue;

            // Indices pre-filled with plausible garbage (valid positions) so stale content would show.
            var indices = new int[indicesOffset + k + 2];
            for (int i = 0; i < indices.Length; i++)
            {
                indices[i] = rng.Next(0, n);
            }

            var expected = (int[])indices.Clone();
            Array.Copy(ReferenceTopK(x, offset, n, k), 0, expected, indicesOffset, k);
            ActivationKernels.TopKS32(x, offset, n, k, indices, indicesOffset);
            CollectionAssert.AreEqual(expected, indices, $"n={n}, k={k}, trial={trial}");
        }
    }

    [TestMethod]
    public void TopKS32_AllEqualKEqualsN_ReturnsIndicesInOrder()
    {
        const int N = 40;
        var x = new int[N];
        Array.Fill(x, int.MinValue);
        var indices = new int[N];
        ActivationKernels.TopKS32(x, 0, N, N, indices, 0);
        for (int i = 0; i < N; i++)
        {
            Assert.AreEqual(i, indices[i]);
        }
    }

    [TestMethod]
    public void TopKS32_SmallExample_LargestFirstTiesByLowerIndex()
    {
        int[] x = { 99, 3, 7, 7, -1, 7, 10, 99 };
        var indices = new int[4];
        ActivationKernels.TopKS32(x, 1, 6, 4, indices, 0);
        CollectionAssert.AreEqual(new[] { 5, 1, 2, 4 }, indices); // 10, then the three 7s in index order
    }

    private static void AssertIsFloorSqrt(ulong v, uint r)
    {
        var big = new BigInteger(v);
        var root = new BigInteger(r);
        Assert.IsTrue(root * root <= big && big < (root + 1) * (root + 1), $"SqrtU64({v}) = {r}");
    }

    [TestMethod]
    public void SqrtU64_EdgeValues_IsFloorSqrt()
    {
        var values = new List<ulong> { 0, 1, 2, 3, 4, 5, 8, 9, 15, 16, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1 };
        for (int k = 0; k < 64; k++)
        {
            values.Add(1UL << k);
            values.Add((1UL << k) - 1);
        }

        ulong[] roots = { 2, 3, 255, 256, 65535, 65536, 3037000499, 3037000500, 4294967295 };
        foreach (ulong root in roots)
        {
            values.Add(root * root);
            values.Add(root * root - 1);
            if (root < 4294967295)
            {
                values.Add(root * root + 2 * root); // (root + 1)^2 - 1
            }
        }

        foreach (ulong v in values)
        {
            AssertIsFloorSqrt(v, ActivationKernels.SqrtU64(v));
        }

        Assert.AreEqual(0u, ActivationKernels.SqrtU64(0));
        Assert.AreEqual(1u, ActivationKernels.SqrtU64(1));
        Assert.AreEqual(4294967295u, ActivationKernels.SqrtU64(ulong.MaxValue));
        Assert.AreEqual(4294967294u, ActivationKernels.SqrtU64(4294967295UL * 4294967295UL - 1));
    }

    [TestMethod]
    public void SqrtU64_RandomValuesAndSquares_IsFloorSqrt()
    {
        var rng = new Random(705);
        for (int i = 0; i < 50_000; i++)
        {
            ulong v = (ulong)rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 64);
            AssertIsFloorSqrt(v, ActivationKernels.SqrtU64(v));

            ulong root = (ulong)rng.NextInt64(0, 1L << 32);
            Assert.AreEqual((uint)root, ActivationKernels.SqrtU64(root * root), $"square of {root}");
            if (root > 0)
            {
                Assert.AreEqual((uint)(root - 1), ActivationKernels.SqrtU64(root * root - 1), $"square of {root} minus one");
            }
        }
    }
}
