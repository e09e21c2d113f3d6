// Cases: the seeded inputs and kernel calls of the parity run. Every case builds its inputs from its own
// Xoshiro128 stream, so the reference, each host set and each machine see exactly the same integers.
using System;
using System.Collections.Generic;
using EdgeLearn.Kernels;

namespace EdgeLearn.Parity;

internal static class Cases
{
    // (rows, cols): tails around 8, 16, 32 and words, a 784x256 layer, and shapes past the 32-bit flush chunks.
    private static readonly (int Rows, int Cols)[] Shapes =
    {
        (1, 1), (3, 31), (5, 33), (4, 255), (2, 257), (256, 784), (784, 64), (9, 17), (16, 2100), (300, 40), (2, 40000),
    };

    private static readonly int[] Shifts = { 0, 1, 9, 15, 31, 32, 62 };

    /// <summary>Every KernelSet method, as (name, run on a set writing outputs).</summary>
    public static IEnumerable<(string, Action<KernelSet, Output>)> KernelSetCases()
    {
        yield return ("MatVecS8S32", (set, o) => Dense(o, 1, (rng, rows, cols, extreme) =>
        {
            sbyte[] w = S8(rng, rows * cols, extreme);
            short[] x = S16(rng, cols, extreme);
            int[] y = S32(rng, rows, extreme);
            set.MatVecS8S32(w, 1, x, 2, rows, cols - 3 < 0 ? 0 : cols - 3, y, 1);
            return y;
        }));
        yield return ("MatVecTransposedS8S32", (set, o) => Dense(o, 2, (rng, rows, cols, extreme) =>
        {
            sbyte[] w = S8(rng, rows * cols, extreme);
            short[] x = S16(rng, rows, extreme);
            int[] y = S32(rng, cols, extreme);
            set.MatVecTransposedS8S32(w, 0, x, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("MatVecS16S32", (set, o) => Dense(o, 3, (rng, rows, cols, extreme) =>
        {
            short[] w = S16(rng, rows * cols, extreme);
            short[] x = S16(rng, cols, extreme);
            int[] y = S32(rng, rows, extreme);
            set.MatVecS16S32(w, 0, x, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("MatVecTransposedS16S32", (set, o) => Dense(o, 4, (rng, rows, cols, extreme) =>
        {
            short[] w = S16(rng, rows * cols, extreme);
            short[] x = S16(rng, rows, extreme);
            int[] y = S32(rng, cols, extreme);
            set.MatVecTransposedS16S32(w, 0, x, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("SignMatVecB1S32", (set, o) => Dense(o, 5, (rng, rows, cols, extreme) =>
        {
            uint[] w = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            short[] x = S16(rng, cols, extreme);
            int[] y = S32(rng, rows, extreme);
            set.SignMatVecB1S32(w, 0, x, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("SignMatVecTransposedB1S32", (set, o) => Dense(o, 6, (rng, rows, cols, extreme) =>
        {
            uint[] w = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            short[] x = S16(rng, rows, extreme);
            int[] y = S32(rng, cols, extreme);
            set.SignMatVecTransposedB1S32(w, 0, x, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("XnorPopcountB1S32", (set, o) => Dense(o, 7, (rng, rows, cols, extreme) =>
        {
            uint[] w = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            uint[] a = Bits(rng, BinaryKernels.WordsPerRow(cols), false);
            int[] y = S32(rng, rows, extreme);
            set.XnorPopcountB1S32(w, 0, a, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("SignMatVecB1U1", (set, o) => Dense(o, 8, (rng, rows, cols, extreme) =>
        {
            uint[] w = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            uint[] h = Bits(rng, BinaryKernels.WordsPerRow(cols), extreme);
            int[] y = S32(rng, rows, extreme);
            set.SignMatVecB1U1(w, 0, h, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("SignMatVecTransposedB1U1", (set, o) => Dense(o, 9, (rng, rows, cols, extreme) =>
        {
            uint[] w = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            uint[] h = Bits(rng, BinaryKernels.WordsPerRow(rows), extreme);
            int[] y = S32(rng, cols, extreme);
            set.SignMatVecTransposedB1U1(w, 0, h, 0, rows, cols, y, 0);
            return y;
        }));
        yield return ("OuterProductAccumulateS32", (set, o) => Outer(o, 10, (rng, rows, cols, shift, extreme) =>
        {
            int[] acc = S32(rng, rows * cols, extreme);
            set.OuterProductAccumulateS32(acc, 0, S16(rng, rows, extreme), 0, rows, S16(rng, cols, extreme), 0, cols, shift);
            o.Add(acc);
        }));
        yield return ("ContrastiveOuterAccumulateS32", (set, o) => Outer(o, 11, (rng, rows, cols, shift, extreme) =>
        {
            int[] acc = S32(rng, rows * cols, extreme);
            short[] ap = S16(rng, rows, extreme), am = S16(rng, rows, extreme), bp = S16(rng, cols, extreme), bm = S16(rng, cols, extreme);
            set.ContrastiveOuterAccumulateS32(acc, 0, ap, am, 0, rows, bp, bm, 0, cols, shift);
            o.Add(acc);
        }));
        yield return ("ContrastiveOuterAccumulateS16", (set, o) => Outer(o, 12, (rng, rows, cols, shift, extreme) =>
        {
            short[] acc = S16(rng, rows * cols, extreme);
            short[] ap = S16(rng, rows, extreme), am = S16(rng, rows, extreme), bp = S16(rng, cols, extreme), bm = S16(rng, cols, extreme);
            set.ContrastiveOuterAccumulateS16(acc, 0, ap, am, 0, rows, bp, bm, 0, cols, shift);
            o.Add(acc);
        }));
        yield return ("ContrastiveOuterAccumulateS8", (set, o) => Outer(o, 13, (rng, rows, cols, shift, extreme) =>
        {
            sbyte[] acc = S8(rng, rows * cols, extreme);
            short[] ap = S16(rng, rows, extreme), am = S16(rng, rows, extreme), bp = S16(rng, cols, extreme), bm = S16(rng, cols, extreme);
            set.ContrastiveOuterAccumulateS8(acc, 0, ap, am, 0, rows, bp, bm, 0, cols, shift);
            o.Add(acc);
        }));
        yield return ("HardSigmoidAddQ15", (set, o) => Outer(o, 16, (rng, rows, cols, shift, extreme) =>
        {
            // n = rows * cols values; multipliers from EP's alpha (1024) to the extremes.
            int n = rows * cols;
            int[] multipliers = { 1024, 585, 1, -1, int.MaxValue, int.MinValue };
            int multiplier = multipliers[rng.NextBelow((uint)multipliers.Length)];
            int[] pre = S32(rng, n, extreme), addend = S32(rng, n, extreme);
            short[] previous = S16(rng, n, extreme), s = S16(rng, n, extreme);
            o.Add(set.HardSigmoidAddQ15(pre, 1, multiplier, shift, addend, 2, previous, 0, s, 1, n));
            o.Add(s);
        }));
        yield return ("FlipB1S16S8", (set, o) => Dense(o, 17, (rng, rows, cols, extreme) =>
        {
            // Thresholds inside and outside the lane ranges; accumulators random or extreme.
            int[] thresholds = { 0, 1, 100, 127, 128, 32767, 32768 };
            int threshold = thresholds[rng.NextBelow((uint)thresholds.Length)];
            uint[] w16 = Bits(rng, rows * BinaryKernels.WordsPerRow(cols), extreme);
            uint[] w8 = (uint[])w16.Clone();
            short[] acc16 = S16(rng, rows * cols, extreme);
            sbyte[] acc8 = S8(rng, rows * cols, extreme);
            int flips = set.FlipB1S16(w16, 0, acc16, 0, rows, cols, threshold) + 7919 * set.FlipB1S8(w8, 0, acc8, 0, rows, cols, threshold);
            o.Add(flips);
            o.Add(w8);
            return Array.ConvertAll(w16, v => (int)v);
        }));
        yield return ("LeakS16S8", (set, o) => Dense(o, 18, (rng, rows, cols, extreme) =>
        {
            int shift = (int)rng.NextBelow(34);
            short[] acc16 = S16(rng, rows * cols, extreme);
            sbyte[] acc8 = S8(rng, rows * cols, extreme);
            set.LeakS16(acc16, 1, rows * cols, shift);
            set.LeakS8(acc8, 2, rows * cols, shift);
            o.Add(acc8);
            return Array.ConvertAll(acc16, v => (int)v);
        }));
        yield return ("ContrastiveOuterAccumulateS16Shared", (set, o) => Outer(o, 14, (rng, rows, cols, shift, extreme) =>
        {
            // One column vector for both terms (EP's input layer), every third row with ap = am.
            short[] acc = S16(rng, rows * cols, extreme);
            short[] ap = S16(rng, rows, extreme), am = S16(rng, rows, extreme), b = S16(rng, cols, extreme);
            for (int r = 0; r < rows; r += 3)
            {
                am[r] = ap[r];
            }

            set.ContrastiveOuterAccumulateS16(acc, 0, ap, am, 0, rows, b, b, 0, cols, shift);
            o.Add(acc);
        }));
        yield return ("ContrastiveOuterAccumulateS8Dithered", (set, o) => Outer(o, 15, (rng, rows, cols, shift, extreme) =>
        {
            // Documented shift range [1, 31]; separate columns, then a shared column vector with some ap = am rows.
            int s = shift < 1 ? 1 : shift > 31 ? 31 : shift;
            sbyte[] acc = S8(rng, rows * cols, extreme);
            short[] ap = S16(rng, rows, extreme), am = S16(rng, rows, extreme), bp = S16(rng, cols, extreme), bm = S16(rng, cols, extreme);
            uint dither = rng.NextUInt32();
            set.ContrastiveOuterAccumulateS8Dithered(acc, 0, ap, am, 0, rows, bp, bm, 0, cols, s, dither);
            for (int r = 0; r < rows; r += 3)
            {
                am[r] = ap[r];
            }

            set.ContrastiveOuterAccumulateS8Dithered(acc, 0, ap, am, 0, rows, bp, bp, 0, cols, s, dither ^ 0x5A5A5A5Au);
            o.Add(acc);
        }));
    }

    /// <summary>Kernels outside KernelSet, as (name, run writing outputs).</summary>
    public static IEnumerable<(string, Action<Output>)> StaticCases()
    {
        yield return ("FixedPoint.RoundingShiftRight32", o => Values(o, 20, (rng, v) =>
        {
            for (int s = 0; s <= 31; s++)
            {
                o.Add(FixedPoint.RoundingShiftRight(v, s));
            }
        }));
        yield return ("FixedPoint.RoundingShiftRight64", o => Values(o, 21, (rng, v) =>
        {
            long x = ((long)v << 32) | rng.NextUInt32();
            for (int s = 0; s <= 63; s++)
            {
                o.Add(FixedPoint.RoundingShiftRight(x, s));
            }
        }));
        yield return ("FixedPoint.Saturate", o => Values(o, 22, (rng, v) =>
        {
            long wide = ((long)v << (int)rng.NextBelow(33)) + (int)rng.NextUInt32();
            o.Add(FixedPoint.SaturateToS32(wide));
            o.Add(FixedPoint.SaturateToS16(v));
            o.Add((short)FixedPoint.SaturateToS8(v));
            o.Add((short)FixedPoint.SaturateToU8(v));
            o.Add(FixedPoint.SaturateToQ15(v));
            o.Add(FixedPoint.SaturateToS16(v >> 15));
            o.Add((short)FixedPoint.SaturateToS8(v >> 23));
        }));
        yield return ("FixedPoint.AddSaturate", o => Values(o, 23, (rng, v) => o.Add(FixedPoint.AddSaturate(v, (int)rng.NextUInt32()))));
        yield return ("FixedPoint.Requantize", o => Values(o, 24, (rng, v) =>
            o.Add(FixedPoint.Requantize(v, (int)(rng.NextUInt32() >> 1), (int)rng.NextBelow(64)))));
        yield return ("FixedPoint.UnitByteToQ15+Q15ToQ8", o =>
        {
            for (int g = 0; g <= 255; g++)
            {
                o.Add(FixedPoint.UnitByteToQ15((byte)g));
            }

            for (int q = short.MinValue; q <= short.MaxValue; q += 7)
            {
                o.Add((short)FixedPoint.Q15ToQ8((short)q));
            }
        });
        yield return ("Xoshiro128.NextUInt32", o =>
        {
            foreach ((uint seed, uint stream) in new[] { (0u, 0u), (1u, 0u), (0u, 1u), (42u, 7u), (uint.MaxValue, uint.MaxValue) })
            {
                var rng = new Xoshiro128(seed, stream);
                for (int i = 0; i < 1000; i++)
                {
                    o.Add(rng.NextUInt32());
                }
            }
        });
        yield return ("Xoshiro128.NextBelow+Gaussian+Bit", o =>
        {
            var rng = new Xoshiro128(5, 9);
            foreach (uint bound in new[] { 0u, 1u, 2u, 3u, 10u, 1000u, 0x80000001u, uint.MaxValue })
            {
                for (int i = 0; i < 100; i++)
                {
                    o.Add(rng.NextBelow(bound));
                }
            }

            for (int i = 0; i < 1000; i++)
            {
                o.Add(rng.NextGaussianQ16());
                o.Add(rng.NextBit());
            }
        });
        yield return ("Crc32.Compute+Update", o =>
        {
            byte[] check = System.Text.Encoding.ASCII.GetBytes("123456789");
            o.Add(Crc32.Compute(check, 0, check.Length));
            var rng = new Xoshiro128(30, 0);
            var data = new byte[4099];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)rng.NextUInt32();
            }

            for (int n = 0; n <= 64; n++)
            {
                o.Add(Crc32.Compute(data, n, n * 17));
            }

            o.Add(~Crc32.Update(Crc32.Update(0xFFFFFFFFu, data, 0, 1000), data, 1000, 3099));
        });
        yield return ("ActivationKernels.HardSigmoidQ15+ReluS32", o =>
        {
            var rng = new Xoshiro128(40, 0);
            foreach (int shift in Shifts)
            {
                int[] pre = S32(rng, 257, shift % 2 == 0);
                var s = new short[pre.Length];
                ActivationKernels.HardSigmoidQ15(pre, 0, pre.Length, (int)(rng.NextUInt32() >> (int)rng.NextBelow(32)), shift, s, 0);
                o.Add(s);
                ActivationKernels.ReluS32(pre, 1, pre.Length - 1);
                o.Add(pre);
            }
        });
        yield return ("ActivationKernels.ArgMax+TopK", o =>
        {
            var rng = new Xoshiro128(41, 0);
            foreach (int n in new[] { 1, 2, 7, 33, 256 })
            {
                int[] x = S32(rng, n, n % 2 == 1);
                for (int i = 0; i < n; i++)
                {
                    x[i] >>= (int)rng.NextBelow(31); // many ties among small values
                }

                short[] xs = S16(rng, n, true);
                o.Add(ActivationKernels.ArgMaxS32(x, 0, n));
                o.Add(ActivationKernels.ArgMaxS16(xs, 0, n));
                int k = 1 + (int)rng.NextBelow((uint)n);
                var indices = new int[k];
                ActivationKernels.TopKS32(x, 0, n, k, indices, 0);
                o.Add(indices);
            }
        });
        yield return ("ActivationKernels.SqrtU64", o =>
        {
            var rng = new Xoshiro128(42, 0);
            foreach (ulong v in new[] { 0UL, 1UL, 2UL, 3UL, 4UL, ulong.MaxValue, (ulong)uint.MaxValue * uint.MaxValue })
            {
                o.Add(ActivationKernels.SqrtU64(v));
            }

            for (int i = 0; i < 2000; i++)
            {
                ulong v = ((ulong)rng.NextUInt32() << 32 | rng.NextUInt32()) >> (int)rng.NextBelow(64);
                o.Add(ActivationKernels.SqrtU64(v));
            }
        });
        yield return ("LookupTables.LogisticQ15+SoftplusQ12", o =>
        {
            o.Add(LookupTables.TableLength);
            for (int x = -40000; x <= 40000; x += 13)
            {
                o.Add(LookupTables.LogisticQ15(x));
                o.Add(LookupTables.SoftplusQ12(x));
            }

            foreach (int x in new[] { int.MinValue, -32768, -32767, 32767, 32768, int.MaxValue })
            {
                o.Add(LookupTables.LogisticQ15(x));
                o.Add(LookupTables.SoftplusQ12(x));
            }
        });
        yield return ("BinaryKernels.Helpers+HeavisidePackU1", o =>
        {
            var rng = new Xoshiro128(50, 0);
            for (int cols = 0; cols <= 70; cols++)
            {
                o.Add(BinaryKernels.WordsPerRow(cols));
                o.Add(BinaryKernels.LastWordMask(cols));
            }

            uint[] bits = Bits(rng, 3 * BinaryKernels.WordsPerRow(45), false);
            for (int r = 0; r < 3; r++)
            {
                for (int c = 0; c < 45; c++)
                {
                    o.Add(BinaryKernels.GetBit(bits, 0, 45, r, c));
                    BinaryKernels.SetBit(bits, 0, 45, r, c, rng.NextBit());
                }
            }

            o.Add(bits);
            for (int i = 0; i < 500; i++)
            {
                o.Add(BinaryKernels.PopCount(rng.NextUInt32() >> (int)rng.NextBelow(32)));
            }

            foreach (int n in new[] { 1, 31, 32, 33, 255, 257 })
            {
                short[] s = S16(rng, n, n % 2 == 0);
                var packed = new uint[BinaryKernels.WordsPerRow(n) + 1];
                BinaryKernels.HeavisidePackU1(s, 0, n, (short)rng.NextUInt32(), packed, 1);
                o.Add(packed);
            }
        });
        yield return ("OuterProductKernels.Leak", o =>
        {
            var rng = new Xoshiro128(60, 0);
            foreach (int shift in new[] { 0, 1, 4, 15, 31 })
            {
                int[] a32 = S32(rng, 99, true);
                short[] a16 = S16(rng, 99, true);
                sbyte[] a8 = S8(rng, 99, true);
                OuterProductKernels.LeakS32(a32, 1, 97, shift);
                OuterProductKernels.LeakS16(a16, 1, 97, shift < 16 ? shift : 15);
                OuterProductKernels.LeakS8(a8, 1, 97, shift < 8 ? shift : 7);
                o.Add(a32);
                o.Add(a16);
                o.Add(a8);
            }
        });
    }

    private static void Dense(Output o, uint stream, Func<Xoshiro128, int, int, bool, int[]> run)
    {
        foreach ((int rows, int cols) in Shapes)
        {
            foreach (bool extreme in new[] { false, true })
            {
                var rng = new Xoshiro128((uint)(rows * 65537 + cols), stream * 2 + (extreme ? 1u : 0u));
                o.Add(run(rng, rows, cols, extreme));
            }
        }
    }

    private static void Outer(Output o, uint stream, Action<Xoshiro128, int, int, int, bool> run)
    {
        foreach ((int rows, int cols) in Shapes)
        {
            if ((long)rows * cols > 50000)
            {
                continue;
            }

            foreach (int shift in Shifts)
            {
                foreach (bool extreme in new[] { false, true })
                {
                    var rng = new Xoshiro128((uint)(rows * 65537 + cols), (stream * 64 + (uint)shift) * 2 + (extreme ? 1u : 0u));
                    run(rng, rows, cols, shift, extreme);
                }
            }
        }
    }

    private static void Values(Output o, uint stream, Action<Xoshiro128, int> run)
    {
        var rng = new Xoshiro128(1234, stream);
        foreach (int v in new[] { 0, 1, -1, 2, -2, 3, -3, int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1, 32767, -32768, 127, -128 })
        {
            run(rng, v);
        }

        for (int i = 0; i < 500; i++)
        {
            run(rng, (int)rng.NextUInt32() >> (int)rng.NextBelow(32));
        }
    }

    private static int Pick(Xoshiro128 rng, int[] values) => values[rng.NextBelow((uint)values.Length)];

    private static short[] S16(Xoshiro128 rng, int n, bool extreme)
    {
        int[] extremes = { short.MinValue, short.MaxValue, -1, 0, 1 };
        var v = new short[n + 3];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = extreme ? (short)Pick(rng, extremes) : (short)rng.NextUInt32();
        }

        return v;
    }

    private static sbyte[] S8(Xoshiro128 rng, int n, bool extreme)
    {
        int[] extremes = { sbyte.MinValue, sbyte.MaxValue, -1, 0, 1 };
        var v = new sbyte[n + 3];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = extreme ? (sbyte)Pick(rng, extremes) : (sbyte)rng.NextUInt32();
        }

        return v;
    }

    private static int[] S32(Xoshiro128 rng, int n, bool extreme)
    {
        int[] extremes = { int.MaxValue, int.MinValue, int.MaxValue - 2, int.MinValue + 2, 0 };
        var v = new int[n + 3];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = extreme ? Pick(rng, extremes) : (int)(rng.NextUInt32() >> 10) - (1 << 21);
        }

        return v;
    }

    /// <summary>Packed bits; the extreme form has all-ones and all-zero rows of 32-bit words.</summary>
    private static uint[] Bits(Xoshiro128 rng, int words, bool extreme)
    {
        var v = new uint[words + 2];
        for (int i = 0; i < v.Length; i++)
        {
            uint r = rng.NextUInt32();
            v[i] = !extreme ? r : (i / 3) % 3 == 0 ? 0xFFFFFFFFu : (i / 3) % 3 == 1 ? 0u : r;
        }

        return v;
    }
}
