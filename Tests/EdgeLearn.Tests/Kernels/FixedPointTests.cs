// FixedPoint against BigInteger: the rounding shift, every saturation, requantisation and the two shared
// format conversions, on edge values, all shifts and seeded random values.
using System;
using System.Collections.Generic;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class FixedPointTests
{
    private static IEnumerable<int> IntEdges()
    {
        yield return int.MinValue;
        yield return int.MinValue + 1;
        yield return int.MaxValue;
        yield return int.MaxValue - 1;
        yield return -1;
        yield return 0;
        yield return 1;
        for (int k = 0; k < 31; k++)
        {
            int p = 1 << k;
            yield return p;
            yield return -p;
            yield return p - 1;
            yield return -p + 1;
            yield return p + 1;
            yield return -p - 1;
            if (k < 29)
            {
                // Exact halves for shift k + 1: 3 * 2^k = 1.5 * 2^(k+1).
                yield return 3 * p;
                yield return -3 * p;
            }
        }
    }

    private static IEnumerable<long> LongEdges()
    {
        yield return long.MinValue;
        yield return long.MinValue + 1;
        yield return long.MaxValue;
        yield return long.MaxValue - 1;
        foreach (int x in IntEdges())
        {
            yield return x;
        }

        for (int k = 31; k < 63; k++)
        {
            long p = 1L << k;
            yield return p;
            yield return -p;
            yield return p - 1;
            yield return -p + 1;
            yield return p + 1;
            yield return -p - 1;
        }
    }

    [TestMethod]
    public void RoundingShiftRightInt_EdgeValuesAllShifts_EqualsBigIntegerFloor()
    {
        int checkedCount = 0;
        foreach (int x in IntEdges())
        {
            for (int shift = 0; shift <= 31; shift++)
            {
                Assert.AreEqual((int)RoundShift(x, shift), FixedPoint.RoundingShiftRight(x, shift), $"x={x}, shift={shift}");
                checkedCount++;
            }
        }

        Assert.IsGreaterThan(7000, checkedCount);
    }

    [TestMethod]
    public void RoundingShiftRightInt_RandomValues_EqualsBigIntegerFloor()
    {
        var rng = new Random(101);
        for (int i = 0; i < 50_000; i++)
        {
            int x = (int)NextU32(rng);
            int shift = rng.Next(0, 32);
            Assert.AreEqual((int)RoundShift(x, shift), FixedPoint.RoundingShiftRight(x, shift), $"x={x}, shift={shift}");
        }
    }

    [TestMethod]
    [DataRow(1, 1, 1)] // 0.5 -> 1
    [DataRow(-1, 1, 0)] // -0.5 -> 0
    [DataRow(3, 1, 2)] // 1.5 -> 2
    [DataRow(-3, 1, -1)] // -1.5 -> -1
    [DataRow(5, 1, 3)] // 2.5 -> 3
    [DataRow(-5, 1, -2)] // -2.5 -> -2
    [DataRow(6, 2, 2)] // 1.5 -> 2
    [DataRow(-6, 2, -1)] // -1.5 -> -1
    [DataRow(-2, 2, 0)] // -0.5 -> 0
    [DataRow(-7, 2, -2)] // -1.75 -> -2
    [DataRow(int.MaxValue, 31, 1)] // 0.99999 -> 1
    [DataRow(int.MinValue, 31, -1)]
    [DataRow(-1073741824, 31, 0)] // -0.5 -> 0
    [DataRow(1073741824, 31, 1)] // 0.5 -> 1
    [DataRow(int.MaxValue, 0, int.MaxValue)]
    [DataRow(int.MinValue, 0, int.MinValue)]
    public void RoundingShiftRightInt_ExactHalvesAndRails_TiesTowardPlusInfinity(int x, int shift, int expected)
    {
        Assert.AreEqual(expected, (int)RoundShift(x, shift), "the oracle disagrees with the hand-derived value");
        Assert.AreEqual(expected, FixedPoint.RoundingShiftRight(x, shift));
    }

    [TestMethod]
    public void RoundingShiftRightLong_EdgeValuesAllShifts_EqualsBigIntegerFloor()
    {
        foreach (long x in LongEdges())
        {
            for (int shift = 0; shift <= 63; shift++)
            {
                Assert.AreEqual((long)RoundShift(x, shift), FixedPoint.RoundingShiftRight(x, shift), $"x={x}, shift={shift}");
            }
        }
    }

    [TestMethod]
    public void RoundingShiftRightLong_RandomValues_EqualsBigIntegerFloor()
    {
        var rng = new Random(102);
        for (int i = 0; i < 50_000; i++)
        {
            long x = rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 40);
            int shift = rng.Next(0, 64);
            Assert.AreEqual((long)RoundShift(x, shift), FixedPoint.RoundingShiftRight(x, shift), $"x={x}, shift={shift}");
        }
    }

    [TestMethod]
    public void Oracle_RoundShift64_AgreesWithBigIntegerOracle()
    {
        // The checked-long oracle used by exhaustive loops must be the same function as the BigInteger one.
        var rng = new Random(106);
        for (int i = 0; i < 20_000; i++)
        {
            long x = rng.NextInt64(-(1L << 61), 1L << 61) >> rng.Next(0, 61);
            int shift = rng.Next(0, 61);
            Assert.AreEqual((long)RoundShift(x, shift), RoundShift64(x, shift), $"x={x}, shift={shift}");
        }
    }

    [TestMethod]
    public void SaturateToS32_EdgesAndRandom_EqualsClamp()
    {
        var values = new List<long>(LongEdges());
        var rng = new Random(103);
        for (int i = 0; i < 20_000; i++)
        {
            values.Add(rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 64));
        }

        foreach (long x in values)
        {
            Assert.AreEqual((int)Clamp(x, int.MinValue, int.MaxValue), FixedPoint.SaturateToS32(x), $"x={x}");
        }
    }

    [TestMethod]
    public void SaturateNarrow_AllIntsNearRangeAndEdges_EqualsClamp()
    {
        var values = new List<int>(IntEdges());
        for (int x = -70_000; x <= 70_000; x++)
        {
            values.Add(x);
        }

        foreach (int x in values)
        {
            Assert.AreEqual((short)Clamp(x, -32768, 32767), FixedPoint.SaturateToS16(x), $"S16 x={x}");
            Assert.AreEqual((sbyte)Clamp(x, -128, 127), FixedPoint.SaturateToS8(x), $"S8 x={x}");
            Assert.AreEqual((byte)Clamp(x, 0, 255), FixedPoint.SaturateToU8(x), $"U8 x={x}");
            Assert.AreEqual((short)Clamp(x, 0, 32767), FixedPoint.SaturateToQ15(x), $"Q15 x={x}");
        }
    }

    [TestMethod]
    public void AddSaturate_EdgesAndRandom_EqualsClampedExactSum()
    {
        var values = new List<int>(IntEdges());
        var rng = new Random(104);
        for (int i = 0; i < 200; i++)
        {
            values.Add(NextS32(rng));
        }

        foreach (int a in values)
        {
            foreach (int b in values)
            {
                Assert.AreEqual(Sat32((BigInteger)a + b), FixedPoint.AddSaturate(a, b), $"a={a}, b={b}");
            }
        }
    }

    [TestMethod]
    public void Requantize_EdgesAndRandom_EqualsBigIntegerFormula()
    {
        var rng = new Random(105);
        int[] edges = { int.MinValue, int.MinValue + 1, -65536, -1, 0, 1, 65536, int.MaxValue - 1, int.MaxValue };
        var cases = new List<(int X, int M, int S)>();
        foreach (int x in edges)
        {
            foreach (int m in edges)
            {
                for (int s = 0; s <= 63; s++)
                {
                    cases.Add((x, m, s));
                }
            }
        }

        for (int i = 0; i < 30_000; i++)
        {
            cases.Add((NextS32(rng), NextS32(rng), rng.Next(0, 64)));
        }

        foreach (var (x, m, s) in cases)
        {
            int expected = Sat32(RoundShift((BigInteger)x * m, s));
            Assert.AreEqual(expected, FixedPoint.Requantize(x, m, s), $"x={x}, multiplier={m}, shift={s}");
        }
    }

    [TestMethod]
    public void Requantize_ProductBeyondInt32_SaturatesOnlyAfterShift()
    {
        // (-2^31)^2 = 2^62 is exact in 64 bits; shifted by 31 it is 2^31, one past int.MaxValue.
        Assert.AreEqual(int.MaxValue, FixedPoint.Requantize(int.MinValue, int.MinValue, 31));
        // Shifted by 32 it is 2^30, which fits: no saturation happened on the way.
        Assert.AreEqual(1 << 30, FixedPoint.Requantize(int.MinValue, int.MinValue, 32));
        Assert.AreEqual(int.MinValue, FixedPoint.Requantize(int.MinValue, int.MaxValue, 30));
    }

    [TestMethod]
    public void UnitByteToQ15_All256Inputs_RoundToNearestOfScaledValue()
    {
        int previous = -1;
        for (int g = 0; g <= 255; g++)
        {
            // round(g * 32767 / 255) = floor((2 g 32767 + 255) / 510). No input sits on a half (that would need
            // 2 g 32767 = 255 mod 510, impossible for an even left side), so the tie rule does not matter here.
            var exact = new BigInteger(g) * 32767;
            int expected = (int)FloorDiv(2 * exact + 255, 510);
            short q = FixedPoint.UnitByteToQ15((byte)g);
            Assert.AreEqual(expected, (int)q, $"g={g}");
            Assert.IsGreaterThan(previous, (int)q, $"not strictly increasing at g={g}");
            previous = q;
        }

        Assert.AreEqual((short)0, FixedPoint.UnitByteToQ15(0));
        Assert.AreEqual(FixedPoint.Q15Max, FixedPoint.UnitByteToQ15(255));
    }

    [TestMethod]
    public void Q15ToQ8_AllShortInputs_EqualsRoundedClampedShift()
    {
        for (int q = short.MinValue; q <= short.MaxValue; q++)
        {
            var expected = (byte)Clamp(RoundShift(q, 7), 0, 255);
            Assert.AreEqual(expected, FixedPoint.Q15ToQ8((short)q), $"q={q}");
        }
    }

    [TestMethod]
    [DataRow(0, 0)]
    [DataRow(63, 0)] // 0.49 LSB
    [DataRow(64, 1)] // exactly half: ties up
    [DataRow(128, 1)]
    [DataRow(32576, 255)] // 254.5 -> 255
    [DataRow(32575, 254)]
    [DataRow(32767, 255)] // 255.99 rounds to 256, saturates
    [DataRow(-1, 0)]
    [DataRow(-32768, 0)]
    public void Q15ToQ8_Goldens_MatchDocumentedRounding(int q, int expected)
    {
        Assert.AreEqual((byte)expected, FixedPoint.Q15ToQ8((short)q));
    }
}
