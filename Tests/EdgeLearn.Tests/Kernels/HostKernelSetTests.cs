// Variants against the reference: every kernel the host sets override, on seeded random shapes with ragged
// tails (1, 31, 33, 255, 257, 784, ...), extreme values chosen to stress 32-bit lane bounds and the pmaddwd
// wrap, saturating accumulators, garbage in padding bits and around the used ranges; plus the run-time
// selection API, argument checks and a zero-allocation check of the hot kernels.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using EdgeLearn.Kernels;
using EdgeLearn.Kernels.Host;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Kernels;

[TestClass]
public sealed class HostKernelSetTests
{
    private enum Fill
    {
        Random,
        Extreme, // values drawn from {min, max, -1, 0, 1}; accumulators near int.MinValue / int.MaxValue
        Halves,  // inputs: first half the minimum, second half the maximum; weights: constant minimum
        Pairs,   // inputs: pairs alternate minimum / maximum (pmaddwd wraps on the first pair); weights: minimum
        Zero,
    }

    private static readonly Fill[] Fills = { Fill.Random, Fill.Extreme, Fill.Halves, Fill.Pairs, Fill.Zero };

    // (rows, cols): ragged tails against vector widths (8, 16, 32) and word size, empty shapes, and shapes
    // past the 32-bit flush chunks (2100 columns, 600 rows).
    private static readonly (int Rows, int Cols)[] Shapes =
    {
        (1, 1), (1, 31), (3, 33), (2, 255), (5, 257), (4, 784), (256, 784), (0, 7), (7, 0), (9, 17),
        (33, 1), (3, 2100), (600, 40), (2, 63), (31, 65), (17, 129),
    };

    // Binary kernels also run past their flush chunks (40000 columns, with and without the interleaved x, 33000 rows).
    private static readonly (int Rows, int Cols)[] BinaryShapes =
        Shapes.Concat(new[] { (2, 40000), (16, 40000), (33000, 40) }).ToArray();

    private static readonly int[] Shifts = { 0, 1, 7, 15, 16, 30, 31, 32, 40, 62 };

    private static IEnumerable<KernelSet> Variants => HostKernels.Available.Where(s => !ReferenceEquals(s, KernelSet.Reference));

    [TestMethod]
    public void Available_OnX64OrArm64_HasAHostSetAndEndsWithReference()
    {
        IReadOnlyList<KernelSet> sets = HostKernels.Available;
        Assert.AreSame(KernelSet.Reference, sets[sets.Count - 1]);
        Architecture arch = RuntimeInformation.ProcessArchitecture;
        if (arch == Architecture.X64 || arch == Architecture.Arm64)
        {
            Assert.IsTrue(sets.Count >= 2, "no host kernel set on " + arch);
            Assert.AreNotSame(KernelSet.Reference, HostKernels.Fastest);
            CollectionAssert.Contains(sets.Select(s => s.Name).ToList(), "vector128");
        }

        Assert.AreSame(HostKernels.Fastest, sets[0]);
    }

    [TestMethod]
    public void ByName_KnownAndUnknownNames_ReturnsSetOrThrowsListingAvailable()
    {
        Assert.AreSame(KernelSet.Reference, HostKernels.ByName("reference"));
        Assert.AreSame(HostKernels.Fastest, HostKernels.ByName(HostKernels.Fastest.Name.ToUpperInvariant()));
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => HostKernels.ByName("bogus"));
        StringAssert.Contains(e.Message, "reference");
        Assert.ThrowsExactly<ArgumentNullException>(() => HostKernels.ByName(null!));
    }

    [TestMethod]
    public void MatVecS8S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(Shapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            sbyte[] w = WeightsS8(rng, wOff, rows * cols, fill);
            short[] x = Inputs(rng, xOff, cols, fill);
            int[] y = Accumulators(rng, yOff, rows, fill);
            CompareAll(label, y, (set, target) => set.MatVecS8S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void MatVecTransposedS8S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(Shapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            sbyte[] w = WeightsS8(rng, wOff, rows * cols, fill);
            short[] x = Inputs(rng, xOff, rows, fill);
            int[] y = Accumulators(rng, yOff, cols, fill);
            CompareAll(label, y, (set, target) => set.MatVecTransposedS8S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void MatVecS16S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(Shapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            short[] w = WeightsS16(rng, wOff, rows * cols, fill);
            short[] x = Inputs(rng, xOff, cols, fill);
            int[] y = Accumulators(rng, yOff, rows, fill);
            CompareAll(label, y, (set, target) => set.MatVecS16S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void MatVecS16S32_PairsOfMinimumProducts_CorrectsEveryPmaddwdWrap()
    {
        // w = x = -32768 on even pairs gives pair sums of exactly 2^31 (the one pmaddwd wrap); the odd pairs
        // (-32768 * 32767 twice) cancel them to 2^16 each, so the row sum stays far from saturation and an
        // uncorrected wrap (an error of 2^32) could not hide.
        const int cols = 784;
        short[] w = Enumerable.Repeat(short.MinValue, cols).ToArray();
        short[] x = Enumerable.Range(0, cols).Select(c => ((c >> 1) & 1) == 0 ? short.MinValue : short.MaxValue).ToArray();
        int[] expected = new int[1];
        KernelSet.Reference.MatVecS16S32(w, 0, x, 0, 1, cols, expected, 0);
        Assert.AreEqual(cols / 4 * 65536, expected[0]);
        foreach (KernelSet set in Variants)
        {
            int[] actual = new int[1];
            set.MatVecS16S32(w, 0, x, 0, 1, cols, actual, 0);
            Assert.AreEqual(expected[0], actual[0], set.Name);
        }
    }

    [TestMethod]
    public void MatVecTransposedS16S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(Shapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            short[] w = WeightsS16(rng, wOff, rows * cols, fill);
            short[] x = Inputs(rng, xOff, rows, fill);
            int[] y = Accumulators(rng, yOff, cols, fill);
            CompareAll(label, y, (set, target) => set.MatVecTransposedS16S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void SignMatVecB1S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(BinaryShapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, BinaryKernels.WordsPerRow(cols), fill);
            short[] x = Inputs(rng, xOff, cols, fill);
            int[] y = Accumulators(rng, yOff, rows, fill);
            CompareAll(label, y, (set, target) => set.SignMatVecB1S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void SignMatVecTransposedB1S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(BinaryShapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), xOff = Offset(rng), yOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, BinaryKernels.WordsPerRow(cols), fill);
            short[] x = Inputs(rng, xOff, rows, fill);
            int[] y = Accumulators(rng, yOff, cols, fill);
            CompareAll(label, y, (set, target) => set.SignMatVecTransposedB1S32(w, wOff, x, xOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void XnorPopcountB1S32_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(BinaryShapes, (rng, rows, cols, fill, label) =>
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int wOff = Offset(rng), aOff = Offset(rng), yOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, words, fill);
            uint[] a = Bits(rng, aOff, 1, words, fill == Fill.Extreme ? Fill.Zero : fill);
            int[] y = Accumulators(rng, yOff, rows, fill);
            CompareAll(label, y, (set, target) => set.XnorPopcountB1S32(w, wOff, a, aOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void SignMatVecB1U1_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(BinaryShapes, (rng, rows, cols, fill, label) =>
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int wOff = Offset(rng), hOff = Offset(rng), yOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, words, fill);
            uint[] h = Bits(rng, hOff, 1, words, fill);
            int[] y = Accumulators(rng, yOff, rows, fill);
            CompareAll(label, y, (set, target) => set.SignMatVecB1U1(w, wOff, h, hOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void SignMatVecTransposedB1U1_RaggedAndExtremeInputs_MatchesReference()
    {
        ForEachCase(BinaryShapes, (rng, rows, cols, fill, label) =>
        {
            int wOff = Offset(rng), hOff = Offset(rng), yOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, BinaryKernels.WordsPerRow(cols), fill);
            uint[] h = Bits(rng, hOff, 1, BinaryKernels.WordsPerRow(rows), fill);
            int[] y = Accumulators(rng, yOff, cols, fill);
            CompareAll(label, y, (set, target) => set.SignMatVecTransposedB1U1(w, wOff, h, hOff, rows, cols, target, yOff));
        });
    }

    [TestMethod]
    public void OuterProductAccumulateS32_EveryShiftAndExtremeInputs_MatchesReference()
    {
        ForEachOuterCase((rng, rows, cols, fill, shift, label) =>
        {
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            int[] acc = Accumulators(rng, accOff, rows * cols, fill);
            short[] a = Inputs(rng, aOff, rows, fill);
            short[] b = Inputs(rng, bOff, cols, fill);
            CompareAll(label, acc, (set, target) => set.OuterProductAccumulateS32(target, accOff, a, aOff, rows, b, bOff, cols, shift));
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS32_EveryShiftAndExtremeInputs_MatchesReference()
    {
        ForEachOuterCase((rng, rows, cols, fill, shift, label) =>
        {
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            int[] acc = Accumulators(rng, accOff, rows * cols, fill);
            (short[] ap, short[] am) = (Inputs(rng, aOff, rows, fill), Inputs(rng, aOff, rows, Mirror(fill)));
            (short[] bp, short[] bm) = (Inputs(rng, bOff, cols, fill), Inputs(rng, bOff, cols, Mirror(fill)));
            CompareAll(label, acc, (set, target) => set.ContrastiveOuterAccumulateS32(target, accOff, ap, am, aOff, rows, bp, bm, bOff, cols, shift));
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS16_EveryShiftAndExtremeInputs_MatchesReference()
    {
        ForEachOuterCase((rng, rows, cols, fill, shift, label) =>
        {
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            short[] acc = Inputs(rng, accOff, rows * cols, fill);
            (short[] ap, short[] am) = (Inputs(rng, aOff, rows, fill), Inputs(rng, aOff, rows, Mirror(fill)));
            (short[] bp, short[] bm) = (Inputs(rng, bOff, cols, fill), Inputs(rng, bOff, cols, Mirror(fill)));
            CompareAll(label, acc, (set, target) => set.ContrastiveOuterAccumulateS16(target, accOff, ap, am, aOff, rows, bp, bm, bOff, cols, shift));
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS16_SharedColumnVector_MatchesReference()
    {
        // b+ and b- are one array (EP's input layer): host sets take the (p - m) b path, in 16-bit lanes for
        // shift >= 16 and p - m within s16, skipping rows with p = m. Rows mix equal, near and extreme pairs.
        int[] shifts = { 0, 15, 16, 17, 20, 24, 30, 31, 32 };
        ForEachOuterCase((rng, rows, cols, fill, unused, label) =>
        {
            int shift = Pick(rng, shifts);
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            short[] acc = Inputs(rng, accOff, rows * cols, fill);
            short[] ap = Inputs(rng, aOff, rows, fill);
            short[] am = Inputs(rng, aOff, rows, Mirror(fill));
            for (int r = 0; r < rows; r++)
            {
                uint kind = rng.NextBelow(4);
                am[aOff + r] = kind == 0 ? ap[aOff + r] : kind == 1 ? (short)(ap[aOff + r] ^ 1) : am[aOff + r];
            }

            short[] b = Inputs(rng, bOff, cols, fill);
            CompareAll(label + " shared shift " + shift, acc, (set, target) => set.ContrastiveOuterAccumulateS16(target, accOff, ap, am, aOff, rows, b, b, bOff, cols, shift));
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS8_EveryShiftAndExtremeInputs_MatchesReference()
    {
        ForEachOuterCase((rng, rows, cols, fill, shift, label) =>
        {
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            sbyte[] acc = WeightsS8(rng, accOff, rows * cols, fill == Fill.Halves || fill == Fill.Pairs ? Fill.Extreme : fill);
            (short[] ap, short[] am) = (Inputs(rng, aOff, rows, fill), Inputs(rng, aOff, rows, Mirror(fill)));
            (short[] bp, short[] bm) = (Inputs(rng, bOff, cols, fill), Inputs(rng, bOff, cols, Mirror(fill)));
            CompareAll(label, acc, (set, target) => set.ContrastiveOuterAccumulateS8(target, accOff, ap, am, aOff, rows, bp, bm, bOff, cols, shift));
        });
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS8Dithered_EveryShiftSharedAndSeparateColumns_MatchesReference()
    {
        // Dithered s8 accumulate: 32-bit lanes for shift in [1, 30] (31 falls back to the reference), separate b+ / b-
        // and one shared column vector ((p - m) b, zero rows skipped), random dithers, saturating accumulators.
        int[] shifts = { 1, 2, 7, 15, 16, 23, 24, 29, 30, 31 };
        ForEachOuterCase((rng, rows, cols, fill, unused, label) =>
        {
            int shift = Pick(rng, shifts);
            uint dither = rng.NextUInt32();
            bool shared = rng.NextBit();
            int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
            sbyte[] acc = WeightsS8(rng, accOff, rows * cols, fill == Fill.Halves || fill == Fill.Pairs ? Fill.Extreme : fill);
            (short[] ap, short[] am) = (Inputs(rng, aOff, rows, fill), Inputs(rng, aOff, rows, Mirror(fill)));
            for (int r = 0; r < rows; r += 3)
            {
                am[aOff + r] = ap[aOff + r];
            }

            short[] bp = Inputs(rng, bOff, cols, fill);
            short[] bm = shared ? bp : Inputs(rng, bOff, cols, Mirror(fill));
            string what = $"{label} dithered shift {shift} dither {dither} {(shared ? "shared" : "separate")}";
            CompareAll(what, acc, (set, target) => set.ContrastiveOuterAccumulateS8Dithered(target, accOff, ap, am, aOff, rows, bp, bm, bOff, cols, shift, dither));
        });
    }

    [TestMethod]
    public void HardSigmoidAddQ15_EveryShiftLaneBoundsAndExtremes_MatchesReference()
    {
        // EP-like operands (feedback sums, alpha multipliers, Q0.15 projections) and extremes past the 32-bit lane
        // bounds (|pre * multiplier| > 2^30, addends near int limits) that send single vectors to the scalar form.
        int[] multipliers = { 0, 1, -1, 1024, 585, 1 << 15, 1 << 20, int.MaxValue, int.MinValue };
        int[] lengths = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 256, 1025 };
        int[] shifts = { 0, 1, 7, 15, 16, 30, 31, 32, 40, 62 };
        var rng = new Xoshiro128(91, 4);
        for (int trial = 0; trial < 600; trial++)
        {
            int n = lengths[trial % lengths.Length];
            int multiplier = trial % 3 == 0 ? (int)rng.NextUInt32() : Pick(rng, multipliers);
            int shift = Pick(rng, shifts);
            int kind = (int)rng.NextBelow(4); // 0 EP-like, 1 random, 2 extremes, 3 EP-like with one extreme lane
            int preOff = Offset(rng), addOff = Offset(rng), prevOff = Offset(rng), sOff = Offset(rng);
            var pre = new int[preOff + n + 2];
            var addend = new int[addOff + n + 2];
            int[] extremes = { int.MinValue, int.MaxValue, -(1 << 30) - 1, 1 << 30, (1 << 30) - 1, -(1 << 30), 0, -1, 1 };
            for (int i = 0; i < pre.Length; i++)
            {
                pre[i] = kind == 1 ? (int)rng.NextUInt32() : kind == 2 ? Pick(rng, extremes) : (int)rng.NextBelow(655361) - 327680;
            }

            for (int i = 0; i < addend.Length; i++)
            {
                addend[i] = kind == 1 ? (int)rng.NextUInt32() : kind == 2 ? Pick(rng, extremes) : (int)rng.NextBelow(98304) - 32768;
            }

            if (kind == 3 && n > 0)
            {
                int at = (int)rng.NextBelow((uint)n);
                pre[preOff + at] = Pick(rng, extremes);
                addend[addOff + at] = Pick(rng, extremes);
            }

            short[] s = Inputs(rng, sOff, n, Fill.Random);
            short[] previous = Inputs(rng, prevOff, n, Fill.Random);
            short[] expected = (short[])s.Clone();
            int expectedChanges = KernelSet.Reference.HardSigmoidAddQ15(pre, preOff, multiplier, shift, addend, addOff, previous, prevOff, expected, sOff, n);
            for (int i = 0; i < n; i += 2)
            {
                previous[prevOff + i] = expected[sOff + i]; // half the outputs unchanged
            }

            expected = (short[])s.Clone();
            expectedChanges = KernelSet.Reference.HardSigmoidAddQ15(pre, preOff, multiplier, shift, addend, addOff, previous, prevOff, expected, sOff, n);
            foreach (KernelSet set in Variants)
            {
                short[] actual = (short[])s.Clone();
                int changes = set.HardSigmoidAddQ15(pre, preOff, multiplier, shift, addend, addOff, previous, prevOff, actual, sOff, n);
                string label = $"{set.Name} n {n} multiplier {multiplier} shift {shift} kind {kind}";
                CollectionAssert.AreEqual(expected, actual, label);
                Assert.AreEqual(expectedChanges, changes, label);
            }
        }
    }

    [TestMethod]
    public void FlipB1S16AndS8_ThresholdEdgesAndRaggedRows_MatchReference()
    {
        // Accumulators at -T-1, -T, -T+1, T-1, T, T+1 and the type's extremes, thresholds inside and outside the
        // lane range (outside falls back to the reference); weights, padding bits and the flip count compared.
        int[] thresholds = { 0, 1, 2, 100, 126, 127, 128, 16000, 32766, 32767, 32768, -1, int.MaxValue };
        ForEachCase(Shapes.Where(s => (long)s.Rows * s.Cols <= 250000).ToArray(), (rng, rows, cols, fill, label) =>
        {
            int threshold = Pick(rng, thresholds);
            int words = BinaryKernels.WordsPerRow(cols);
            int wOff = Offset(rng), accOff = Offset(rng);
            uint[] w = Bits(rng, wOff, rows, words, fill);
            var acc16 = new short[accOff + rows * cols + 3];
            var acc8 = new sbyte[accOff + rows * cols + 3];
            for (int i = 0; i < acc16.Length; i++)
            {
                long near = (long)threshold * (rng.NextBit() ? 1 : -1) + (int)rng.NextBelow(3) - 1;
                uint kind = rng.NextBelow(4);
                long v16 = kind == 0 ? near : kind == 1 ? (short)rng.NextUInt32() : kind == 2 ? (rng.NextBit() ? short.MinValue : short.MaxValue) : 0;
                long v8 = kind == 0 ? near : kind == 1 ? (sbyte)rng.NextUInt32() : kind == 2 ? (rng.NextBit() ? sbyte.MinValue : sbyte.MaxValue) : 0;
                acc16[i] = (short)Math.Clamp(v16, short.MinValue, short.MaxValue);
                acc8[i] = (sbyte)Math.Clamp(v8, sbyte.MinValue, sbyte.MaxValue);
            }

            uint[] expected16 = (uint[])w.Clone(), expected8 = (uint[])w.Clone();
            int flips16 = KernelSet.Reference.FlipB1S16(expected16, wOff, acc16, accOff, rows, cols, threshold);
            int flips8 = KernelSet.Reference.FlipB1S8(expected8, wOff, acc8, accOff, rows, cols, threshold);
            foreach (KernelSet set in Variants)
            {
                uint[] actual16 = (uint[])w.Clone(), actual8 = (uint[])w.Clone();
                string what = $"{set.Name} {label} threshold {threshold}";
                Assert.AreEqual(flips16, set.FlipB1S16(actual16, wOff, acc16, accOff, rows, cols, threshold), what + " s16 flips");
                CollectionAssert.AreEqual(expected16, actual16, what + " s16 weights");
                Assert.AreEqual(flips8, set.FlipB1S8(actual8, wOff, acc8, accOff, rows, cols, threshold), what + " s8 flips");
                CollectionAssert.AreEqual(expected8, actual8, what + " s8 weights");
            }
        });
    }

    [TestMethod]
    public void LeakS16AndS8_EveryShiftAndExtremes_MatchReference()
    {
        var rng = new Xoshiro128(17, 9);
        foreach (int count in new[] { 0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 1000 })
        {
            foreach (Fill fill in Fills)
            {
                for (int shift = -1; shift <= 40; shift++)
                {
                    int offset = Offset(rng);
                    short[] a16 = Inputs(rng, offset, count, fill);
                    sbyte[] a8 = WeightsS8(rng, offset, count, fill);
                    string label = $"count {count} {fill} shift {shift}";
                    CompareAll(label + " s16", a16, (set, target) => set.LeakS16(target, offset, count, shift));
                    CompareAll(label + " s8", a8, (set, target) => set.LeakS8(target, offset, count, shift));
                }
            }
        }
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS8Dithered_SharedColumnsEpRanges_MatchesReference()
    {
        // EP's input layer: a+ and a- in [0, 32767] (so p - m fits s16), shifts 16..29 where the host takes
        // 16-bit lanes, every dither (low-half carries included), accumulators at both rails.
        var rng = new Xoshiro128(23, 5);
        foreach (int cols in new[] { 32, 33, 63, 64, 100, 784 })
        {
            for (int shift = 15; shift <= 31; shift++)
            {
                const int rows = 7;
                int accOff = Offset(rng), aOff = Offset(rng), bOff = Offset(rng);
                sbyte[] acc = WeightsS8(rng, accOff, rows * cols, shift % 3 == 0 ? Fill.Extreme : Fill.Random);
                short[] ap = Inputs(rng, aOff, rows, Fill.Random), am = Inputs(rng, aOff, rows, Fill.Random);
                for (int r = 0; r < rows; r++)
                {
                    ap[aOff + r] = (short)(ap[aOff + r] & 0x7FFF);
                    am[aOff + r] = r == 2 ? ap[aOff + r] : r == 3 ? (short)(ap[aOff + r] ^ 1) : r == 4 ? (short)0 : (short)(am[aOff + r] & 0x7FFF);
                }

                ap[aOff + 4] = short.MaxValue;
                short[] b = Inputs(rng, bOff, cols, shift % 2 == 0 ? Fill.Random : Fill.Extreme);
                uint dither = rng.NextUInt32();
                CompareAll($"cols {cols} shift {shift} dither {dither}", acc, (set, target) => set.ContrastiveOuterAccumulateS8Dithered(target, accOff, ap, am, aOff, rows, b, b, bOff, cols, shift, dither));
            }
        }
    }

    [TestMethod]
    public void ContrastiveOuterAccumulateS16_AccumulatorIsAlsoAnInput_MatchesReference()
    {
        var rng = new Xoshiro128(7, 7);
        const int rows = 5, cols = 40;
        short[] shared = Inputs(rng, 0, rows * cols, Fill.Random);
        short[] ap = Inputs(rng, 0, rows, Fill.Random);
        short[] am = Inputs(rng, 0, rows, Fill.Random);
        short[] bm = Inputs(rng, 0, cols, Fill.Random);
        short[] expected = (short[])shared.Clone();
        KernelSet.Reference.ContrastiveOuterAccumulateS16(expected, 0, ap, am, 0, rows, expected, bm, 3, cols, 9);
        foreach (KernelSet set in Variants)
        {
            short[] actual = (short[])shared.Clone();
            set.ContrastiveOuterAccumulateS16(actual, 0, ap, am, 0, rows, actual, bm, 3, cols, 9);
            CollectionAssert.AreEqual(expected, actual, set.Name);
        }
    }

    [TestMethod]
    public void HostKernels_BadArguments_ThrowClearErrors()
    {
        foreach (KernelSet set in Variants)
        {
            var x = new short[10];
            var y = new int[4];
            Assert.ThrowsExactly<ArgumentNullException>(() => set.MatVecS8S32(null!, 0, x, 0, 2, 5, y, 0));
            ArgumentException tooShort = Assert.ThrowsExactly<ArgumentException>(() => set.MatVecS8S32(new sbyte[9], 0, x, 0, 2, 5, y, 0));
            StringAssert.Contains(tooShort.Message, "w");
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => set.MatVecS16S32(new short[10], 0, x, 0, -1, 5, y, 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => set.SignMatVecB1S32(new uint[2], -1, x, 0, 2, 5, y, 0));
            Assert.ThrowsExactly<ArgumentException>(() => set.SignMatVecTransposedB1U1(new uint[2], 0, new uint[1], 0, 40, 5, y, 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(
                () => set.OuterProductAccumulateS32(new int[4], 0, x, 0, 2, x, 0, 2, 63));
            Assert.ThrowsExactly<ArgumentException>(
                () => set.ContrastiveOuterAccumulateS8(new sbyte[4], 0, x, x, 0, 2, x, new short[1], 0, 2, 3));
        }
    }

    [TestMethod]
    public void HotKernels_ThousandCallsAfterWarmUp_AllocateNothing()
    {
        KernelSet set = HostKernels.Fastest;
        const int rows = 48, cols = 100;
        int words = BinaryKernels.WordsPerRow(cols);
        var rng = new Xoshiro128(3, 3);
        sbyte[] w8 = WeightsS8(rng, 0, rows * cols, Fill.Random);
        short[] w16 = Inputs(rng, 0, rows * cols, Fill.Random);
        uint[] bits = Bits(rng, 0, rows, words, Fill.Random);
        short[] xc = Inputs(rng, 0, cols, Fill.Random);
        short[] xr = Inputs(rng, 0, rows, Fill.Random);
        uint[] hc = Bits(rng, 0, 1, words, Fill.Random);
        uint[] hr = Bits(rng, 0, 1, BinaryKernels.WordsPerRow(rows), Fill.Random);
        var yr = new int[rows];
        var yc = new int[cols];
        var acc32 = new int[rows * cols];
        var acc16 = new short[rows * cols];
        var acc8 = new sbyte[rows * cols];
        var calls = new (string Name, Action Call)[]
        {
            ("MatVecS8S32", () => set.MatVecS8S32(w8, 0, xc, 0, rows, cols, yr, 0)),
            ("MatVecTransposedS8S32", () => set.MatVecTransposedS8S32(w8, 0, xr, 0, rows, cols, yc, 0)),
            ("MatVecS16S32", () => set.MatVecS16S32(w16, 0, xc, 0, rows, cols, yr, 0)),
            ("MatVecTransposedS16S32", () => set.MatVecTransposedS16S32(w16, 0, xr, 0, rows, cols, yc, 0)),
            ("SignMatVecB1S32", () => set.SignMatVecB1S32(bits, 0, xc, 0, rows, cols, yr, 0)),
            ("SignMatVecTransposedB1S32", () => set.SignMatVecTransposedB1S32(bits, 0, xr, 0, rows, cols, yc, 0)),
            ("XnorPopcountB1S32", () => set.XnorPopcountB1S32(bits, 0, hc, 0, rows, cols, yr, 0)),
            ("SignMatVecB1U1", () => set.SignMatVecB1U1(bits, 0, hc, 0, rows, cols, yr, 0)),
            ("SignMatVecTransposedB1U1", () => set.SignMatVecTransposedB1U1(bits, 0, hr, 0, rows, cols, yc, 0)),
            ("OuterProductAccumulateS32", () => set.OuterProductAccumulateS32(acc32, 0, xr, 0, rows, xc, 0, cols, 12)),
            ("ContrastiveOuterAccumulateS32", () => set.ContrastiveOuterAccumulateS32(acc32, 0, xr, xr, 0, rows, xc, xc, 0, cols, 12)),
            ("ContrastiveOuterAccumulateS16", () => set.ContrastiveOuterAccumulateS16(acc16, 0, xr, xr, 0, rows, xc, xc, 0, cols, 12)),
            ("ContrastiveOuterAccumulateS8", () => set.ContrastiveOuterAccumulateS8(acc8, 0, xr, xr, 0, rows, xc, xc, 0, cols, 12)),
            ("HardSigmoidAddQ15", () => set.HardSigmoidAddQ15(yr, 0, 1024, 15, yr, 0, xr, 0, w16, 0, rows)),
            ("FlipB1S16", () => set.FlipB1S16(bits, 0, acc16, 0, rows, cols, 3)),
            ("FlipB1S8", () => set.FlipB1S8(bits, 0, acc8, 0, rows, cols, 3)),
            ("LeakS16", () => set.LeakS16(acc16, 0, rows * cols, 5)),
            ("LeakS8", () => set.LeakS8(acc8, 0, rows * cols, 3)),
            ("ContrastiveOuterAccumulateS8Dithered", () => set.ContrastiveOuterAccumulateS8Dithered(acc8, 0, xr, xc, 0, rows, xc, xc, 0, cols, 24, 12345u)),
        };
        foreach ((string name, Action call) in calls)
        {
            call();
            long allocated = AllocationMeter.FewestBytesPerRound(() =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    call();
                }
            });
            Assert.AreEqual(0L, allocated, $"{name} on {set.Name} allocated {allocated} bytes in 1000 calls");
        }
    }

    private static void ForEachCase((int Rows, int Cols)[] shapes, Action<Xoshiro128, int, int, Fill, string> body)
    {
        foreach ((int rows, int cols) in shapes)
        {
            foreach (Fill fill in Fills)
            {
                var rng = new Xoshiro128((uint)(rows * 7919 + cols), (uint)fill);
                body(rng, rows, cols, fill, $"{rows}x{cols} {fill}");
            }
        }
    }

    private static void ForEachOuterCase(Action<Xoshiro128, int, int, Fill, int, string> body)
    {
        foreach ((int rows, int cols) in Shapes.Where(s => (long)s.Rows * s.Cols <= 20000))
        {
            foreach (Fill fill in Fills)
            {
                foreach (int shift in Shifts)
                {
                    var rng = new Xoshiro128((uint)(rows * 7919 + cols), (uint)(shift * 8 + (int)fill));
                    body(rng, rows, cols, fill, shift, $"{rows}x{cols} {fill} shift {shift}");
                }
            }
        }
    }

    /// <summary>Runs the reference and every variant on copies of <paramref name="initial"/> and compares whole arrays.</summary>
    private static void CompareAll<T>(string label, T[] initial, Action<KernelSet, T[]> run)
        where T : IEquatable<T>
    {
        T[] expected = (T[])initial.Clone();
        run(KernelSet.Reference, expected);
        foreach (KernelSet set in Variants)
        {
            T[] actual = (T[])initial.Clone();
            run(set, actual);
            for (int i = 0; i < expected.Length; i++)
            {
                if (!expected[i].Equals(actual[i]))
                {
                    Assert.Fail($"{set.Name} {label}: first difference at index {i}: reference {expected[i]}, variant {actual[i]}");
                }
            }
        }
    }

    private static Fill Mirror(Fill fill) => fill == Fill.Halves ? Fill.Pairs : fill == Fill.Pairs ? Fill.Halves : fill;

    private static int Offset(Xoshiro128 rng) => (int)rng.NextBelow(4);

    private static int Pick(Xoshiro128 rng, int[] values) => values[rng.NextBelow((uint)values.Length)];

    /// <summary>s16 inputs: [offset, offset + n) filled by <paramref name="fill"/>, random garbage around it.</summary>
    private static short[] Inputs(Xoshiro128 rng, int offset, int n, Fill fill)
    {
        var v = new short[offset + n + 3];
        int[] extremes = { short.MinValue, short.MaxValue, -1, 0, 1 };
        for (int i = 0; i < v.Length; i++)
        {
            int k = i - offset;
            bool inside = k >= 0 && k < n;
            v[i] = !inside || fill == Fill.Random ? (short)rng.NextUInt32()
                : fill == Fill.Extreme ? (short)Pick(rng, extremes)
                : fill == Fill.Halves ? (k < n / 2 ? short.MinValue : short.MaxValue)
                : fill == Fill.Pairs ? (((k >> 1) & 1) == 0 ? short.MinValue : short.MaxValue)
                : (short)0;
        }

        return v;
    }

    private static sbyte[] WeightsS8(Xoshiro128 rng, int offset, int n, Fill fill)
    {
        var v = new sbyte[offset + n + 3];
        int[] extremes = { sbyte.MinValue, sbyte.MaxValue, -1, 0, 1 };
        for (int i = 0; i < v.Length; i++)
        {
            int k = i - offset;
            bool inside = k >= 0 && k < n;
            v[i] = !inside || fill == Fill.Random ? (sbyte)rng.NextUInt32()
                : fill == Fill.Extreme ? (sbyte)Pick(rng, extremes)
                : fill == Fill.Zero ? (sbyte)0
                : sbyte.MinValue;
        }

        return v;
    }

    private static short[] WeightsS16(Xoshiro128 rng, int offset, int n, Fill fill)
    {
        if (fill == Fill.Halves || fill == Fill.Pairs)
        {
            short[] v = Inputs(rng, offset, n, Fill.Random);
            Array.Fill(v, short.MinValue, offset, n);
            return v;
        }

        return Inputs(rng, offset, n, fill);
    }

    /// <summary>s32 accumulators: moderate random values, or values at the saturation bounds (Extreme).</summary>
    private static int[] Accumulators(Xoshiro128 rng, int offset, int n, Fill fill)
    {
        var v = new int[offset + n + 3];
        int[] extremes = { int.MaxValue, int.MinValue, int.MaxValue - 3, int.MinValue + 3, 0 };
        for (int i = 0; i < v.Length; i++)
        {
            int k = i - offset;
            bool inside = k >= 0 && k < n;
            v[i] = !inside ? (int)rng.NextUInt32()
                : fill == Fill.Extreme ? Pick(rng, extremes)
                : fill == Fill.Random ? (int)(rng.NextUInt32() >> 11) - (1 << 20)
                : 0;
        }

        return v;
    }

    /// <summary>
    /// Packed rows with random padding bits; Extreme cycles all-ones, all-zero and random rows (padding
    /// included), Zero clears the rows.
    /// </summary>
    private static uint[] Bits(Xoshiro128 rng, int offset, int rows, int words, Fill fill)
    {
        var v = new uint[offset + rows * words + 3];
        for (int i = 0; i < v.Length; i++)
        {
            int k = i - offset;
            bool inside = k >= 0 && k < rows * words;
            int row = words == 0 ? 0 : k / words;
            v[i] = !inside || fill == Fill.Random || fill == Fill.Halves || fill == Fill.Pairs ? rng.NextUInt32()
                : fill == Fill.Zero ? 0u
                : row % 3 == 0 ? 0xFFFFFFFFu
                : row % 3 == 1 ? 0u
                : rng.NextUInt32();
        }

        return v;
    }
}
