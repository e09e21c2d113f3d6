// OuterProductKernels against BigInteger: every accumulate kernel on ragged shapes with offsets, all shifts,
// extreme factors and accumulators at the rails; the exact-difference property of the contrastive forms;
// the leak kernels exhaustively on s8/s16 and on s32 edges.
using System;
using System.Collections.Generic;
using System.Numerics;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static EdgeLearn.Tests.Kernels.WideReference;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class OuterProductKernelsTests
{
    private static readonly (int Rows, int Cols)[] Shapes =
    {
        (1, 1), (1, 33), (3, 31), (2, 32), (5, 63), (4, 65), (65, 3), (1, 784), (33, 33),
    };

    /// <summary>Shift for a trial: all of [0, 62] with extra weight on the small shifts used in practice.</summary>
    private static int NextShift(Random rng) => rng.Next(3) == 0 ? rng.Next(0, 63) : rng.Next(0, 20);

    private sealed class Case
    {
        public int Rows;
        public int Cols;
        public int AccOffset;
        public int AOffset;
        public int BOffset;
        public int Shift;
        public short[] Ap = Array.Empty<short>();
        public short[] Am = Array.Empty<short>();
        public short[] Bp = Array.Empty<short>();
        public short[] Bm = Array.Empty<short>();

        /// <summary>The exact update ap[r] bp[c] - am[r] bm[c] (am = bm = 0 for the plain form), rounded.</summary>
        public BigInteger Delta(int r, int c, bool contrastive)
        {
            BigInteger p = (BigInteger)Ap[AOffset + r] * Bp[BOffset + c];
            BigInteger m = contrastive ? (BigInteger)Am[AOffset + r] * Bm[BOffset + c] : BigInteger.Zero;
            return RoundShift(p - m, Shift);
        }
    }

    /// <summary>Modes: 0 random, 1 largest positive difference, 2 largest negative difference, 3 zero shift.</summary>
    private static Case MakeCase(Random rng, int rows, int cols, int mode)
    {
        var k = new Case
        {
            Rows = rows,
            Cols = cols,
            AccOffset = rng.Next(1, 6),
            AOffset = rng.Next(1, 6),
            BOffset = rng.Next(1, 6),
            Shift = mode == 3 ? 0 : NextShift(rng),
        };
        k.Ap = RandomS16(rng, k.AOffset + rows + 2);
        k.Am = RandomS16(rng, k.AOffset + rows + 2);
        k.Bp = RandomS16(rng, k.BOffset + cols + 2);
        k.Bm = RandomS16(rng, k.BOffset + cols + 2);
        if (mode == 1 || mode == 2)
        {
            // ap bp = (-32768)^2 = 2^30 and am bm = -32768 * 32767: the difference is 2^31 - 2^15 (or its negative).
            Array.Fill(k.Ap, short.MinValue);
            Array.Fill(k.Bp, mode == 1 ? short.MinValue : short.MaxValue);
            Array.Fill(k.Am, short.MinValue);
            Array.Fill(k.Bm, mode == 1 ? short.MaxValue : short.MinValue);
        }

        return k;
    }

    private static int AccLength(Case k) => k.AccOffset + k.Rows * k.Cols + 3;

    private static void ForAllCases(int seed, Action<Case, int> check)
    {
        var rng = new Random(seed);
        foreach (var (rows, cols) in Shapes)
        {
            for (int mode = 0; mode < 4; mode++)
            {
                check(MakeCase(rng, rows, cols, mode), rng.Next());
            }
        }
    }

    private static void SetRails(Random rng, Array acc, int offset, int count, object max, object min)
    {
        for (int i = 0; i < count; i++)
        {
            if (rng.Next(3) == 0)
            {
                acc.SetValue(rng.Next(2) == 0 ? max : min, offset + i);
            }
        }
    }

    [TestMethod]
    public void OuterProductAccumulateS32_RandomShapesShiftsAndRails_MatchesBigInteger()
    {
        ForAllCases(601, (k, seed) =>
        {
            var rng = new Random(seed);
            int[] acc = RandomS32(rng, AccLength(k));
            var expected = (int[])acc.Clone();
            for (int r = 0; r < k.Rows; r++)
            {
                for (int c = 0; c < k.Cols; c++)
                {
                    int i = k.AccOffset + r * k.Cols + c;
                    expected[i] = Sat32(acc[i] + k.Delta(r, c, contrastive: false));
                }
            }

            OuterProductKernels.OuterProductAccumulateS32(acc, k.AccOffset, k.Ap, k.AOffset, k.Rows, k.Bp, k.BOffset, k.Cols, k.Shift);
            CollectionAssert.AreEqual(expected, acc, $"rows={k.Rows}, cols={k.Cols}, shift={k.Shift}");
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulate_SharedColumnVectorWithEqualRows_EqualsSeparateCopies()
    {
        // One array as b+ and b- makes the kernels skip rows with a+ = a-; a distinct copy of it takes every row
        // through the full formula, so the two must agree exactly (all widths, dithered s8 included).
        var rng = new Random(611);
        foreach (int shift in new[] { 0, 1, 9, 16, 24, 31 })
        {
            int rows = rng.Next(1, 12), cols = rng.Next(1, 70);
            short[] ap = RandomS16(rng, rows), am = RandomS16(rng, rows), b = RandomS16(rng, cols);
            for (int r = 0; r < rows; r += 2)
            {
                am[r] = ap[r];
            }

            short[] copy = (short[])b.Clone();
            int[] a32 = RandomS32(rng, rows * cols);
            short[] a16 = RandomS16(rng, rows * cols);
            sbyte[] a8 = RandomS8(rng, rows * cols), d8 = RandomS8(rng, rows * cols);
            int[] e32 = (int[])a32.Clone();
            short[] e16 = (short[])a16.Clone();
            sbyte[] e8 = (sbyte[])a8.Clone(), f8 = (sbyte[])d8.Clone();
            OuterProductKernels.ContrastiveOuterAccumulateS32(a32, 0, ap, am, 0, rows, b, b, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS32(e32, 0, ap, am, 0, rows, b, copy, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS16(a16, 0, ap, am, 0, rows, b, b, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS16(e16, 0, ap, am, 0, rows, b, copy, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS8(a8, 0, ap, am, 0, rows, b, b, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS8(e8, 0, ap, am, 0, rows, b, copy, 0, cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(d8, 0, ap, am, 0, rows, b, b, 0, cols, shift, 0xDEADBEEFu);
            OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(f8, 0, ap, am, 0, rows, b, copy, 0, cols, shift, 0xDEADBEEFu);
            CollectionAssert.AreEqual(e32, a32, $"s32 shift {shift}");
            CollectionAssert.AreEqual(e16, a16, $"s16 shift {shift}");
            CollectionAssert.AreEqual(e8, a8, $"s8 shift {shift}");
            CollectionAssert.AreEqual(f8, d8, $"s8 dithered shift {shift}");
        }
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS32_RandomShapesShiftsAndRails_MatchesBigInteger()
    {
        ForAllCases(602, (k, seed) =>
        {
            var rng = new Random(seed);
            int[] acc = RandomS32(rng, AccLength(k));
            var expected = (int[])acc.Clone();
            for (int r = 0; r < k.Rows; r++)
            {
                for (int c = 0; c < k.Cols; c++)
                {
                    int i = k.AccOffset + r * k.Cols + c;
                    expected[i] = Sat32(acc[i] + k.Delta(r, c, contrastive: true));
                }
            }

            OuterProductKernels.ContrastiveOuterAccumulateS32(acc, k.AccOffset, k.Ap, k.Am, k.AOffset, k.Rows, k.Bp, k.Bm, k.BOffset, k.Cols, k.Shift);
            CollectionAssert.AreEqual(expected, acc, $"rows={k.Rows}, cols={k.Cols}, shift={k.Shift}");
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS16_RandomShapesShiftsAndRails_MatchesBigInteger()
    {
        ForAllCases(603, (k, seed) =>
        {
            var rng = new Random(seed);
            short[] acc = RandomS16(rng, AccLength(k));
            SetRails(rng, acc, k.AccOffset, k.Rows * k.Cols, short.MaxValue, short.MinValue);
            var expected = (short[])acc.Clone();
            for (int r = 0; r < k.Rows; r++)
            {
                for (int c = 0; c < k.Cols; c++)
                {
                    int i = k.AccOffset + r * k.Cols + c;
                    expected[i] = Sat16(acc[i] + k.Delta(r, c, contrastive: true));
                }
            }

            OuterProductKernels.ContrastiveOuterAccumulateS16(acc, k.AccOffset, k.Ap, k.Am, k.AOffset, k.Rows, k.Bp, k.Bm, k.BOffset, k.Cols, k.Shift);
            CollectionAssert.AreEqual(expected, acc, $"rows={k.Rows}, cols={k.Cols}, shift={k.Shift}");
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS8_RandomShapesShiftsAndRails_MatchesBigInteger()
    {
        ForAllCases(604, (k, seed) =>
        {
            var rng = new Random(seed);
            sbyte[] acc = RandomS8(rng, AccLength(k));
            SetRails(rng, acc, k.AccOffset, k.Rows * k.Cols, sbyte.MaxValue, sbyte.MinValue);
            var expected = (sbyte[])acc.Clone();
            for (int r = 0; r < k.Rows; r++)
            {
                for (int c = 0; c < k.Cols; c++)
                {
                    int i = k.AccOffset + r * k.Cols + c;
                    expected[i] = Sat8(acc[i] + k.Delta(r, c, contrastive: true));
                }
            }

            OuterProductKernels.ContrastiveOuterAccumulateS8(acc, k.AccOffset, k.Ap, k.Am, k.AOffset, k.Rows, k.Bp, k.Bm, k.BOffset, k.Cols, k.Shift);
            CollectionAssert.AreEqual(expected, acc, $"rows={k.Rows}, cols={k.Cols}, shift={k.Shift}");
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulate_EqualPhasesAllWidthsAllShifts_LeaveAccumulatorUnchanged()
    {
        var rng = new Random(605);
        const int Rows = 5, Cols = 33;
        for (int shift = 0; shift <= 62; shift++)
        {
            short[] a = RandomS16(rng, Rows + 1);
            short[] b = RandomS16(rng, Cols + 1);
            // Separate but equal arrays for the two phases, so aliasing cannot hide a bug.
            var aCopy = (short[])a.Clone();
            var bCopy = (short[])b.Clone();

            int[] acc32 = RandomS32(rng, Rows * Cols + 2);
            short[] acc16 = RandomS16(rng, Rows * Cols + 2);
            sbyte[] acc8 = RandomS8(rng, Rows * Cols + 2);
            acc32[1] = int.MaxValue;
            acc32[2] = int.MinValue;
            var before32 = (int[])acc32.Clone();
            var before16 = (short[])acc16.Clone();
            var before8 = (sbyte[])acc8.Clone();

            OuterProductKernels.ContrastiveOuterAccumulateS32(acc32, 1, a, aCopy, 1, Rows, b, bCopy, 1, Cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS16(acc16, 1, a, aCopy, 1, Rows, b, bCopy, 1, Cols, shift);
            OuterProductKernels.ContrastiveOuterAccumulateS8(acc8, 1, a, aCopy, 1, Rows, b, bCopy, 1, Cols, shift);
            CollectionAssert.AreEqual(before32, acc32, $"s32, shift={shift}");
            CollectionAssert.AreEqual(before16, acc16, $"s16, shift={shift}");
            CollectionAssert.AreEqual(before8, acc8, $"s8, shift={shift}");
        }
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS32_DifferenceRoundedOnce_NotEachTermSeparately()
    {
        // ap bp = 2, am bm = 1, shift 2: round(1 / 4) = 0; rounding each term first would give 1 - 0 = 1.
        var acc = new[] { 10 };
        OuterProductKernels.ContrastiveOuterAccumulateS32(acc, 0, new short[] { 2 }, new short[] { 1 }, 0, 1, new short[] { 1 }, new short[] { 1 }, 0, 1, 2);
        Assert.AreEqual(10, acc[0]);
        Assert.AreEqual(BigInteger.Zero, RoundShift(1, 2), "oracle");
    }

    [TestMethod]
    public void OuterProductAccumulate_MinTimesMinAtRails_SaturatesEveryWidth()
    {
        short[] min = { short.MinValue };
        short[] max = { short.MaxValue };
        short[] zero = { 0 };

        var acc32 = new[] { int.MaxValue - 5, int.MinValue + 5 };
        OuterProductKernels.OuterProductAccumulateS32(acc32, 0, min, 0, 1, min, 0, 1, 0); // + 2^30
        OuterProductKernels.OuterProductAccumulateS32(acc32, 1, min, 0, 1, max, 0, 1, 0); // - 2^30 + 2^15
        CollectionAssert.AreEqual(new[] { int.MaxValue, int.MinValue }, acc32);

        var acc16 = new short[] { 0, 0 };
        OuterProductKernels.ContrastiveOuterAccumulateS16(acc16, 0, min, zero, 0, 1, min, zero, 0, 1, 0);
        OuterProductKernels.ContrastiveOuterAccumulateS16(acc16, 1, min, min, 0, 1, max, min, 0, 1, 0); // -2^31 + 2^15
        CollectionAssert.AreEqual(new short[] { short.MaxValue, short.MinValue }, acc16);

        var acc8 = new sbyte[] { 100, -100 };
        OuterProductKernels.ContrastiveOuterAccumulateS8(acc8, 0, min, zero, 0, 1, min, zero, 0, 1, 23); // 2^30 >> 23 = 128
        OuterProductKernels.ContrastiveOuterAccumulateS8(acc8, 1, min, zero, 0, 1, max, zero, 0, 1, 23);
        CollectionAssert.AreEqual(new sbyte[] { sbyte.MaxValue, sbyte.MinValue }, acc8);
    }

    // ---- leak -------------------------------------------------------------------------------------------

    private static BigInteger Leaked(BigInteger x, int shift) => x - RoundShift(x, shift);

    [TestMethod]
    public void LeakS32_EdgeAndRandomValuesAllShifts_MatchesBigIntegerAndNeverOverflows()
    {
        var rng = new Random(606);
        var values = new List<int> { int.MinValue, int.MinValue + 1, int.MaxValue, int.MaxValue - 1, -1, 0, 1 };
        for (int k = 0; k < 31; k++)
        {
            values.Add(1 << k);
            values.Add(-(1 << k));
            values.Add((1 << k) - 1);
            values.Add(-(1 << k) + 1);
        }

        for (int i = 0; i < 200; i++)
        {
            values.Add(NextS32(rng));
        }

        for (int shift = 0; shift <= 31; shift++)
        {
            int offset = 3;
            var acc = new int[offset + values.Count + 2];
            acc[0] = 17;
            acc[^1] = -17;
            values.CopyTo(acc, offset);
            var expected = (int[])acc.Clone();
            for (int i = 0; i < values.Count; i++)
            {
                BigInteger leaked = Leaked(values[i], shift);
                Assert.IsInRange((BigInteger)int.MinValue, (BigInteger)int.MaxValue, leaked, "the formula itself stays in range");
                Assert.IsLessThanOrEqualTo(BigInteger.Abs(values[i]), BigInteger.Abs(leaked), "a leak never grows a value");
                expected[offset + i] = (int)leaked;
            }

            OuterProductKernels.LeakS32(acc, offset, values.Count, shift);
            CollectionAssert.AreEqual(expected, acc, $"shift={shift}");
        }
    }

    [TestMethod]
    public void LeakS16_AllValuesShifts0To16_MatchesExactFormula()
    {
        const int Count = 65536;
        for (int shift = 0; shift <= 16; shift++)
        {
            var acc = new short[Count + 2];
            acc[0] = 1234;
            acc[^1] = -1234;
            for (int i = 0; i < Count; i++)
            {
                acc[1 + i] = (short)(short.MinValue + i);
            }

            var expected = (short[])acc.Clone();
            for (int i = 0; i < Count; i++)
            {
                int v = short.MinValue + i;
                expected[1 + i] = checked((short)(v - RoundShift64(v, shift)));
            }

            OuterProductKernels.LeakS16(acc, 1, Count, shift);
            CollectionAssert.AreEqual(expected, acc, $"shift={shift}");
        }
    }

    [TestMethod]
    public void LeakS8_AllValuesShifts0To31_MatchesBigInteger()
    {
        for (int shift = 0; shift <= 31; shift++)
        {
            var acc = new sbyte[256 + 2];
            acc[0] = 55;
            acc[^1] = -55;
            var expected = (sbyte[])acc.Clone();
            for (int i = 0; i < 256; i++)
            {
                acc[1 + i] = (sbyte)(sbyte.MinValue + i);
                expected[1 + i] = (sbyte)Leaked(sbyte.MinValue + i, shift);
            }

            OuterProductKernels.LeakS8(acc, 1, 256, shift);
            CollectionAssert.AreEqual(expected, acc, $"shift={shift}");
        }
    }

    [TestMethod]
    public void Leak_MagnitudesBelowHalfStep_DoNotMove()
    {
        // Contract: values smaller than 2^(shift-1) in magnitude do not move (every width, every shift >= 1).
        for (int shift = 1; shift <= 31; shift++)
        {
            int half = 1 << (shift - 1);
            var values = new List<int>();
            foreach (int v in new[] { 0, 1, -1, half - 1, -(half - 1), half / 2, -(half / 2), half / 3, -(half / 3) })
            {
                if (Math.Abs((long)v) < half)
                {
                    values.Add(v);
                }
            }

            var acc32 = values.ToArray();
            OuterProductKernels.LeakS32(acc32, 0, acc32.Length, shift);
            CollectionAssert.AreEqual(values.ToArray(), acc32, $"s32, shift={shift}");

            // Saturating to a narrower width never increases a magnitude, so the narrow copies qualify too.
            var acc16 = new short[values.Count];
            var acc8 = new sbyte[values.Count];
            for (int i = 0; i < values.Count; i++)
            {
                acc16[i] = (short)Clamp(values[i], short.MinValue, short.MaxValue);
                acc8[i] = (sbyte)Clamp(values[i], sbyte.MinValue, sbyte.MaxValue);
            }

            var before16 = (short[])acc16.Clone();
            OuterProductKernels.LeakS16(acc16, 0, acc16.Length, shift);
            CollectionAssert.AreEqual(before16, acc16, $"s16, shift={shift}");

            var before8 = (sbyte[])acc8.Clone();
            OuterProductKernels.LeakS8(acc8, 0, acc8.Length, shift);
            CollectionAssert.AreEqual(before8, acc8, $"s8, shift={shift}");

            // The first magnitude that does move: +2^(shift-1) loses one unit.
            var edge = new[] { half };
            OuterProductKernels.LeakS32(edge, 0, 1, shift);
            Assert.AreEqual(half - 1, edge[0], $"shift={shift}");
        }
    }

    [TestMethod]
    public void Leak_ExtremesEveryShift_StayInRangeAndShrink()
    {
        for (int shift = 0; shift <= 31; shift++)
        {
            var acc32 = new[] { int.MinValue, int.MaxValue };
            OuterProductKernels.LeakS32(acc32, 0, 2, shift);
            Assert.AreEqual((int)Leaked(int.MinValue, shift), acc32[0], $"shift={shift}");
            Assert.AreEqual((int)Leaked(int.MaxValue, shift), acc32[1], $"shift={shift}");
            Assert.IsTrue(acc32[0] <= 0 && acc32[1] >= 0, $"sign flipped at shift={shift}");

            var acc16 = new[] { short.MinValue, short.MaxValue };
            OuterProductKernels.LeakS16(acc16, 0, 2, shift);
            Assert.IsTrue(acc16[0] <= 0 && acc16[1] >= 0, $"s16 sign flipped at shift={shift}");

            var acc8 = new[] { sbyte.MinValue, sbyte.MaxValue };
            OuterProductKernels.LeakS8(acc8, 0, 2, shift);
            Assert.IsTrue(acc8[0] <= 0 && acc8[1] >= 0, $"s8 sign flipped at shift={shift}");
        }
    }
}
