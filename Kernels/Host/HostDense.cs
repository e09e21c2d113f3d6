// HostDense: SIMD inner loops of the dense s8/s16 matrix-vector kernels (see DenseKernels for the contracts).
//
// Glossary: rows = output length, cols = input length, W row-major. Row-major kernels are dot products
// along a row; transposed kernels keep a block of column sums in registers and walk down the rows.
// Overflow bounds (the reference sums exactly in 64 bits, so 32-bit lanes must provably never wrap):
//   s8 * s16 products have magnitude <= 2^7 * 2^15 = 2^22; a 32-bit lane may absorb 511 of them, so the loops
//   flush lanes into 64-bit sums at most every 256 products per lane (S8ChunkColumns, S8ChunkRows).
//   s16 * s16 products reach 2^30 (-32768 * -32768); one product fits a lane, two may not. pmaddwd
//   (MultiplyAddAdjacent) returns the sum of two such products and wraps for exactly one input pair,
//   (-32768, -32768) twice = 2^31, which reads as int.MinValue. No true pair sum equals int.MinValue (the
//   smallest is -2^31 + 2^16), so int.MinValue lanes are counted and corrected by 2^32 in 64 bits.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>Vector inner loops of the dense kernels; callers have validated every range.</summary>
    internal static class HostDense
    {
        // Columns per 32-bit flush in s8 dot products: 1024 / 8 lanes * 2 = 256 products per Vector256 lane,
        // 1024 / 4 lanes = 256 products per Vector128 lane; both <= 511.
        private const int S8ChunkColumns = 1024;

        // Rows per 32-bit flush in transposed s8 kernels: one product per lane per row.
        private const int S8ChunkRows = 256;

        internal static void MatVecS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            ref sbyte w0 = ref MemoryMarshal.GetArrayDataReference(w);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            for (int r = 0; r < rows; r++)
            {
                long sum = DotS8S16(ref Unsafe.Add(ref w0, wOffset + r * cols), ref x0, cols, wide);
                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + sum);
            }
        }

        internal static void MatVecS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            ref short w0 = ref MemoryMarshal.GetArrayDataReference(w);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            for (int r = 0; r < rows; r++)
            {
                long sum = DotS16S16(ref Unsafe.Add(ref w0, wOffset + r * cols), ref x0, cols, wide);
                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + sum);
            }
        }

        internal static void MatVecTransposedS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            ref sbyte w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            int c = 0;
            if (wide)
            {
                for (; c + 32 <= cols; c += 32)
                {
                    TransposedS8Block256(ref Unsafe.Add(ref w0, c), ref x0, rows, cols, y, yOffset + c);
                }
            }

            for (; c + 16 <= cols; c += 16)
            {
                TransposedS8Block128(ref Unsafe.Add(ref w0, c), ref x0, rows, cols, y, yOffset + c);
            }

            for (; c < cols; c++)
            {
                long sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += Unsafe.Add(ref w0, r * cols + c) * Unsafe.Add(ref x0, r);
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }

        internal static void MatVecTransposedS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset, bool wide)
        {
            ref short w0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w), wOffset);
            ref short x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
            int c = 0;
            if (wide)
            {
                for (; c + 16 <= cols; c += 16)
                {
                    TransposedS16Block256(ref Unsafe.Add(ref w0, c), ref x0, rows, cols, y, yOffset + c);
                }
            }

            for (; c + 8 <= cols; c += 8)
            {
                TransposedS16Block128(ref Unsafe.Add(ref w0, c), ref x0, rows, cols, y, yOffset + c);
            }

            for (; c < cols; c++)
            {
                long sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += Unsafe.Add(ref w0, r * cols + c) * Unsafe.Add(ref x0, r);
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }

        /// <summary>Exact sum_i w[i] x[i] for i in [0, n), s8 w, s16 x.</summary>
        private static long DotS8S16(ref sbyte w, ref short x, int n, bool wide)
        {
            long total = 0;
            int i = 0;
            if (wide && Avx2.IsSupported)
            {
                int limit = n & ~31;
                while (i < limit)
                {
                    int stop = limit - i > S8ChunkColumns ? i + S8ChunkColumns : limit;
                    Vector256<int> acc0 = Vector256<int>.Zero;
                    Vector256<int> acc1 = Vector256<int>.Zero;
                    for (; i < stop; i += 32)
                    {
                        Vector256<sbyte> wv = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, i));
                        acc0 += Avx2.MultiplyAddAdjacent(Vector256.WidenLower(wv), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, i)));
                        acc1 += Avx2.MultiplyAddAdjacent(Vector256.WidenUpper(wv), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, i + 16)));
                    }

                    total += SumWidened(acc0) + SumWidened(acc1);
                }
            }

            int limit128 = i + ((n - i) & ~15);
            while (i < limit128)
            {
                int stop = limit128 - i > S8ChunkColumns ? i + S8ChunkColumns : limit128;
                Vector128<int> acc0 = Vector128<int>.Zero;
                Vector128<int> acc1 = Vector128<int>.Zero;
                for (; i < stop; i += 16)
                {
                    Vector128<sbyte> wv = Vector128.LoadUnsafe(ref Unsafe.Add(ref w, i));
                    Vector128<short> wLow = Vector128.WidenLower(wv);
                    Vector128<short> wHigh = Vector128.WidenUpper(wv);
                    Vector128<short> xLow = Vector128.LoadUnsafe(ref Unsafe.Add(ref x, i));
                    Vector128<short> xHigh = Vector128.LoadUnsafe(ref Unsafe.Add(ref x, i + 8));
                    if (AdvSimd.IsSupported)
                    {
                        acc0 = AdvSimd.MultiplyWideningLowerAndAdd(acc0, wLow.GetLower(), xLow.GetLower());
                        acc1 = AdvSimd.MultiplyWideningUpperAndAdd(acc1, wLow, xLow);
                        acc0 = AdvSimd.MultiplyWideningLowerAndAdd(acc0, wHigh.GetLower(), xHigh.GetLower());
                        acc1 = AdvSimd.MultiplyWideningUpperAndAdd(acc1, wHigh, xHigh);
                    }
                    else
                    {
                        acc0 += Sse2.MultiplyAddAdjacent(wLow, xLow);
                        acc1 += Sse2.MultiplyAddAdjacent(wHigh, xHigh);
                    }
                }

                total += SumWidened(acc0) + SumWidened(acc1);
            }

            for (; i < n; i++)
            {
                total += Unsafe.Add(ref w, i) * Unsafe.Add(ref x, i);
            }

            return total;
        }

        /// <summary>Exact sum_i w[i] x[i] for i in [0, n), s16 w and x.</summary>
        private static long DotS16S16(ref short w, ref short x, int n, bool wide)
        {
            long total = 0;
            int i = 0;
            if (wide && Avx2.IsSupported)
            {
                int limit = n & ~15;
                Vector256<long> acc0 = Vector256<long>.Zero;
                Vector256<long> acc1 = Vector256<long>.Zero;
                Vector256<int> wrapped = Vector256<int>.Zero;
                Vector256<int> minValue = Vector256.Create(int.MinValue);

                // Lane bounds: <= n / 16 < 2^27 steps of magnitude <= 2^31 each, far inside 64 bits; the wrap
                // counter decrements at most once per step.
                for (; i < limit; i += 16)
                {
                    Vector256<int> pairs = Avx2.MultiplyAddAdjacent(
                        Vector256.LoadUnsafe(ref Unsafe.Add(ref w, i)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, i)));
                    acc0 += Vector256.WidenLower(pairs);
                    acc1 += Vector256.WidenUpper(pairs);
                    wrapped += Vector256.Equals(pairs, minValue);
                }

                total += Vector256.Sum(acc0 + acc1) - Vector256.Sum(wrapped) * 4294967296L;
            }

            int limit128 = i + ((n - i) & ~7);
            if (i < limit128)
            {
                Vector128<long> acc0 = Vector128<long>.Zero;
                Vector128<long> acc1 = Vector128<long>.Zero;
                Vector128<int> wrapped = Vector128<int>.Zero;
                Vector128<int> minValue = Vector128.Create(int.MinValue);
                for (; i < limit128; i += 8)
                {
                    Vector128<short> wv = Vector128.LoadUnsafe(ref Unsafe.Add(ref w, i));
                    Vector128<short> xv = Vector128.LoadUnsafe(ref Unsafe.Add(ref x, i));
                    if (AdvSimd.IsSupported)
                    {
                        // Exact 32-bit products (<= 2^30), added pairwise into 64-bit lanes: no wrap possible.
                        acc0 = AdvSimd.AddPairwiseWideningAndAdd(acc0, AdvSimd.MultiplyWideningLower(wv.GetLower(), xv.GetLower()));
                        acc1 = AdvSimd.AddPairwiseWideningAndAdd(acc1, AdvSimd.MultiplyWideningUpper(wv, xv));
                    }
                    else
                    {
                        Vector128<int> pairs = Sse2.MultiplyAddAdjacent(wv, xv);
                        acc0 += Vector128.WidenLower(pairs);
                        acc1 += Vector128.WidenUpper(pairs);
                        wrapped += Vector128.Equals(pairs, minValue);
                    }
                }

                total += Vector128.Sum(acc0 + acc1) - Vector128.Sum(wrapped) * 4294967296L;
            }

            for (; i < n; i++)
            {
                total += Unsafe.Add(ref w, i) * Unsafe.Add(ref x, i);
            }

            return total;
        }

        /// <summary>Columns [0, 32) of a transposed s8 product; w points at W[0, c], y at y[c].</summary>
        private static void TransposedS8Block256(ref sbyte w, ref short x, int rows, int cols, int[] y, int yIndex)
        {
            Vector256<long> s0 = Vector256<long>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            int r = 0;
            while (r < rows)
            {
                int stop = rows - r > S8ChunkRows ? r + S8ChunkRows : rows;
                Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; r < stop; r++)
                {
                    Vector256<int> xr = Vector256.Create((int)Unsafe.Add(ref x, r));
                    Vector256<sbyte> wv = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, r * cols));
                    Vector256<short> low = Vector256.WidenLower(wv);
                    Vector256<short> high = Vector256.WidenUpper(wv);
                    a0 += Vector256.WidenLower(low) * xr;
                    a1 += Vector256.WidenUpper(low) * xr;
                    a2 += Vector256.WidenLower(high) * xr;
                    a3 += Vector256.WidenUpper(high) * xr;
                }

                s0 += Vector256.WidenLower(a0);
                s1 += Vector256.WidenUpper(a0);
                s2 += Vector256.WidenLower(a1);
                s3 += Vector256.WidenUpper(a1);
                s4 += Vector256.WidenLower(a2);
                s5 += Vector256.WidenUpper(a2);
                s6 += Vector256.WidenLower(a3);
                s7 += Vector256.WidenUpper(a3);
            }

            AddSaturated(y, yIndex, s0);
            AddSaturated(y, yIndex + 4, s1);
            AddSaturated(y, yIndex + 8, s2);
            AddSaturated(y, yIndex + 12, s3);
            AddSaturated(y, yIndex + 16, s4);
            AddSaturated(y, yIndex + 20, s5);
            AddSaturated(y, yIndex + 24, s6);
            AddSaturated(y, yIndex + 28, s7);
        }

        /// <summary>Columns [0, 16) of a transposed s8 product; w points at W[0, c], y at y[c].</summary>
        private static void TransposedS8Block128(ref sbyte w, ref short x, int rows, int cols, int[] y, int yIndex)
        {
            Vector128<long> s0 = Vector128<long>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            int r = 0;
            while (r < rows)
            {
                int stop = rows - r > S8ChunkRows ? r + S8ChunkRows : rows;
                Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; r < stop; r++)
                {
                    Vector128<int> xr = Vector128.Create((int)Unsafe.Add(ref x, r));
                    Vector128<sbyte> wv = Vector128.LoadUnsafe(ref Unsafe.Add(ref w, r * cols));
                    Vector128<short> low = Vector128.WidenLower(wv);
                    Vector128<short> high = Vector128.WidenUpper(wv);
                    a0 += Vector128.WidenLower(low) * xr;
                    a1 += Vector128.WidenUpper(low) * xr;
                    a2 += Vector128.WidenLower(high) * xr;
                    a3 += Vector128.WidenUpper(high) * xr;
                }

                s0 += Vector128.WidenLower(a0);
                s1 += Vector128.WidenUpper(a0);
                s2 += Vector128.WidenLower(a1);
                s3 += Vector128.WidenUpper(a1);
                s4 += Vector128.WidenLower(a2);
                s5 += Vector128.WidenUpper(a2);
                s6 += Vector128.WidenLower(a3);
                s7 += Vector128.WidenUpper(a3);
            }

            AddSaturated(y, yIndex, s0);
            AddSaturated(y, yIndex + 2, s1);
            AddSaturated(y, yIndex + 4, s2);
            AddSaturated(y, yIndex + 6, s3);
            AddSaturated(y, yIndex + 8, s4);
            AddSaturated(y, yIndex + 10, s5);
            AddSaturated(y, yIndex + 12, s6);
            AddSaturated(y, yIndex + 14, s7);
        }

        /// <summary>Columns [0, 16) of a transposed s16 product; products (at most 2^30) go straight into 64-bit lanes.</summary>
        private static void TransposedS16Block256(ref short w, ref short x, int rows, int cols, int[] y, int yIndex)
        {
            Vector256<long> s0 = Vector256<long>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < rows; r++)
            {
                Vector256<int> xr = Vector256.Create((int)Unsafe.Add(ref x, r));
                Vector256<short> wv = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, r * cols));
                Vector256<int> p0 = Vector256.WidenLower(wv) * xr;
                Vector256<int> p1 = Vector256.WidenUpper(wv) * xr;
                s0 += Vector256.WidenLower(p0);
                s1 += Vector256.WidenUpper(p0);
                s2 += Vector256.WidenLower(p1);
                s3 += Vector256.WidenUpper(p1);
            }

            AddSaturated(y, yIndex, s0);
            AddSaturated(y, yIndex + 4, s1);
            AddSaturated(y, yIndex + 8, s2);
            AddSaturated(y, yIndex + 12, s3);
        }

        /// <summary>Columns [0, 8) of a transposed s16 product.</summary>
        private static void TransposedS16Block128(ref short w, ref short x, int rows, int cols, int[] y, int yIndex)
        {
            Vector128<long> s0 = Vector128<long>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < rows; r++)
            {
                Vector128<int> xr = Vector128.Create((int)Unsafe.Add(ref x, r));
                Vector128<short> wv = Vector128.LoadUnsafe(ref Unsafe.Add(ref w, r * cols));
                Vector128<int> p0 = Vector128.WidenLower(wv) * xr;
                Vector128<int> p1 = Vector128.WidenUpper(wv) * xr;
                s0 += Vector128.WidenLower(p0);
                s1 += Vector128.WidenUpper(p0);
                s2 += Vector128.WidenLower(p1);
                s3 += Vector128.WidenUpper(p1);
            }

            AddSaturated(y, yIndex, s0);
            AddSaturated(y, yIndex + 2, s1);
            AddSaturated(y, yIndex + 4, s2);
            AddSaturated(y, yIndex + 6, s3);
        }

        /// <summary>Sum of the lanes of a 32-bit accumulator, taken in 64 bits.</summary>
        internal static long SumWidened(Vector256<int> v)
        {
            return Vector256.Sum(Vector256.WidenLower(v) + Vector256.WidenUpper(v));
        }

        /// <summary>Sum of the lanes of a 32-bit accumulator, taken in 64 bits.</summary>
        internal static long SumWidened(Vector128<int> v)
        {
            return Vector128.Sum(Vector128.WidenLower(v) + Vector128.WidenUpper(v));
        }

        /// <summary>y[i + k] = sat32(y[i + k] + s[k]) for the lanes k of s.</summary>
        internal static void AddSaturated(int[] y, int i, Vector256<long> s)
        {
            for (int k = 0; k < Vector256<long>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + s.GetElement(k));
            }
        }

        /// <summary>y[i + k] = sat32(y[i + k] + s[k]) for the lanes k of s.</summary>
        internal static void AddSaturated(int[] y, int i, Vector128<long> s)
        {
            for (int k = 0; k < Vector128<long>.Count; k++)
            {
                y[i + k] = FixedPoint.SaturateToS32(y[i + k] + s.GetElement(k));
            }
        }
    }
}
