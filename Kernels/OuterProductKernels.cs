// OuterProductKernels: reference accumulate kernels of local learning rules (EP, SCFF, delta rule, BOP).
//
// Glossary: A is rows x cols, row-major at accOffset; a has rows entries, b has cols entries.
// Each product (or product difference) is formed exactly in 64 bits, rounded by the shared rounding
// right shift, added, and saturated to the accumulator width. Host variants must give identical integers.
// Contrastive kernels given one array as both column vectors (b+ = b-, as in EP's input layer) skip the rows
// with a+[r] = a-[r]: their difference, and so every increment, is exactly 0.
namespace EdgeLearn.Kernels
{
    /// <summary>Reference outer-product accumulate and leak kernels for s32, s16 and s8 accumulators.</summary>
    public static class OuterProductKernels
    {
        /// <summary>
        /// A[r, c] = sat32(A[r, c] + RoundingShiftRight(a[r] b[c], shift)), r in [0, rows), c in [0, cols).
        /// Range: shift in [0, 62].
        /// </summary>
        public static void OuterProductAccumulateS32(int[] acc, int accOffset, short[] a, int aOffset, int rows, short[] b, int bOffset, int cols, int shift)
        {
            int index = accOffset;
            for (int r = 0; r < rows; r++)
            {
                long ar = a[aOffset + r];
                for (int c = 0; c < cols; c++)
                {
                    long delta = FixedPoint.RoundingShiftRight(ar * b[bOffset + c], shift);
                    acc[index] = FixedPoint.SaturateToS32(acc[index] + delta);
                    index++;
                }
            }
        }

        /// <summary>
        /// Contrastive form used by EP and SCFF: A[r, c] = sat32(A[r, c] + RoundingShiftRight(ap[r] bp[c] - am[r] bm[c], shift)),
        /// the difference formed exactly before rounding (so symmetric terms cancel exactly).
        /// Range: shift in [0, 62].
        /// </summary>
        public static void ContrastiveOuterAccumulateS32(int[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            bool shared = bp == bm;
            int index = accOffset;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    // One column vector for both terms: the difference is exactly 0, the row adds nothing.
                    index += cols;
                    continue;
                }

                long p = ap[aOffset + r];
                long m = am[aOffset + r];
                for (int c = 0; c < cols; c++)
                {
                    long delta = FixedPoint.RoundingShiftRight(p * bp[bOffset + c] - m * bm[bOffset + c], shift);
                    acc[index] = FixedPoint.SaturateToS32(acc[index] + delta);
                    index++;
                }
            }
        }

        /// <summary>
        /// s16-accumulator form of <see cref="ContrastiveOuterAccumulateS32"/>:
        /// A[r, c] = sat16(A[r, c] + RoundingShiftRight(ap[r] bp[c] - am[r] bm[c], shift)).
        /// </summary>
        public static void ContrastiveOuterAccumulateS16(short[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            bool shared = bp == bm;
            int index = accOffset;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    // One column vector for both terms: the difference is exactly 0, the row adds nothing.
                    index += cols;
                    continue;
                }

                long p = ap[aOffset + r];
                long m = am[aOffset + r];
                for (int c = 0; c < cols; c++)
                {
                    long delta = FixedPoint.RoundingShiftRight(p * bp[bOffset + c] - m * bm[bOffset + c], shift);
                    acc[index] = FixedPoint.SaturateToS16(FixedPoint.SaturateToS32(acc[index] + delta));
                    index++;
                }
            }
        }

        /// <summary>
        /// s8-accumulator form of <see cref="ContrastiveOuterAccumulateS32"/>:
        /// A[r, c] = sat8(A[r, c] + RoundingShiftRight(ap[r] bp[c] - am[r] bm[c], shift)).
        /// </summary>
        public static void ContrastiveOuterAccumulateS8(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            bool shared = bp == bm;
            int index = accOffset;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    // One column vector for both terms: the difference is exactly 0, the row adds nothing.
                    index += cols;
                    continue;
                }

                long p = ap[aOffset + r];
                long m = am[aOffset + r];
                for (int c = 0; c < cols; c++)
                {
                    long delta = FixedPoint.RoundingShiftRight(p * bp[bOffset + c] - m * bm[bOffset + c], shift);
                    acc[index] = FixedPoint.SaturateToS8(FixedPoint.SaturateToS32(acc[index] + delta));
                    index++;
                }
            }
        }

        /// <summary>
        /// Dithered (stochastic-rounding) form of <see cref="ContrastiveOuterAccumulateS8"/> for narrow accumulators whose
        /// per-sample increments are around one LSB, where rounding to nearest would drop most of them:
        /// A[r, c] = sat8(A[r, c] + floor((ap[r] bp[c] - am[r] bm[c] + d_rc) / 2^shift)), with the dither
        /// d_rc = (dither + r * 0x9E3779B1 + c * 0x85EBCA77) mod 2^shift. For a uniformly random
        /// <paramref name="dither"/> each d_rc is uniform on [0, 2^shift), so every increment is rounded up with
        /// probability equal to its dropped fraction: the expected update equals the exact one. Deterministic for a
        /// given dither. Range: shift in [1, 31].
        /// </summary>
        public static void ContrastiveOuterAccumulateS8Dithered(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, uint dither)
        {
            uint mask = (1u << shift) - 1u;
            bool shared = bp == bm;
            int index = accOffset;
            for (int r = 0; r < rows; r++)
            {
                if (shared && ap[aOffset + r] == am[aOffset + r])
                {
                    // One column vector for both terms: the difference is exactly 0, the row adds nothing.
                    index += cols;
                    continue;
                }

                long p = ap[aOffset + r];
                long m = am[aOffset + r];
                uint rowDither = dither + (uint)r * 0x9E3779B1u;
                for (int c = 0; c < cols; c++)
                {
                    long d = (rowDither + (uint)c * 0x85EBCA77u) & mask;
                    long delta = (p * bp[bOffset + c] - m * bm[bOffset + c] + d) >> shift;
                    acc[index] = FixedPoint.SaturateToS8(FixedPoint.SaturateToS32(acc[index] + delta));
                    index++;
                }
            }
        }

        /// <summary>
        /// Exponential leak: A[i] = A[i] - RoundingShiftRight(A[i], shift) for i in [0, count), the integer form of
        /// m &lt;- (1 - 2^-shift) m. Values smaller than 2^(shift-1) in magnitude do not move. Never overflows.
        /// </summary>
        public static void LeakS32(int[] acc, int offset, int count, int shift)
        {
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                acc[i] -= FixedPoint.RoundingShiftRight(acc[i], shift);
            }
        }

        /// <summary>s16 form of <see cref="LeakS32"/>.</summary>
        public static void LeakS16(short[] acc, int offset, int count, int shift)
        {
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                acc[i] = (short)(acc[i] - FixedPoint.RoundingShiftRight((int)acc[i], shift));
            }
        }

        /// <summary>s8 form of <see cref="LeakS32"/>.</summary>
        public static void LeakS8(sbyte[] acc, int offset, int count, int shift)
        {
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                acc[i] = (sbyte)(acc[i] - FixedPoint.RoundingShiftRight((int)acc[i], shift));
            }
        }
    }
}
