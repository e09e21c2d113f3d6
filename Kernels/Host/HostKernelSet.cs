// HostKernelSet: the SIMD kernel set of the host and the Raspberry Pi, bit-exact with the reference.
//
// Two widths share one class: "avx2" runs Vector256 loops (x64 with AVX2) and finishes the remainder with
// the Vector128 loops, "vector128" runs only the Vector128 loops (SSE2 on x64, AdvSimd on arm64). Ragged
// tails shorter than a vector go through the same scalar formula as the reference. Every override checks
// its arguments once (HostChecks) and then runs blindly; the inner loops live in HostDense, HostBinary and
// HostOuter. Exactness argument, in one place: the reference sums exactly in 64 bits and saturates once;
// the variants keep 32-bit lane sums only while a bound proves they cannot overflow, then widen to 64 bits
// (each loop states its bound), and saturate once per output exactly like the reference.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLearn.Kernels.Host
{
    /// <summary>
    /// SIMD overrides of the hot kernels (dense s8/s16 matvec and transposes, sign and XNOR-popcount kernels,
    /// the biased hard sigmoid of EP's relaxation, outer-product accumulates). Every method has the contract of the reference kernel it overrides and
    /// gives identical integers; in addition, bad arguments (null arrays, negative sizes, ranges past an
    /// array's end, shifts outside [0, 62]) throw an <see cref="System.ArgumentException"/>. No allocation.
    /// Obtain instances from <see cref="HostKernels"/>.
    /// </summary>
    public sealed class HostKernelSet : KernelSet
    {
        private readonly bool _wide;

        internal HostKernelSet(bool wide)
        {
            _wide = wide;
        }

        /// <summary>True when the Vector256 ("avx2") variant can run on this machine.</summary>
        internal static bool WideSupported
        {
            get { return Vector256.IsHardwareAccelerated && Avx2.IsSupported && NarrowSupported; }
        }

        /// <summary>True when the Vector128 ("vector128") variant can run on this machine.</summary>
        internal static bool NarrowSupported
        {
            get { return Vector128.IsHardwareAccelerated && (Sse41.IsSupported || AdvSimd.Arm64.IsSupported); }
        }

        /// <summary>"avx2" or "vector128".</summary>
        public override string Name
        {
            get { return _wide ? "avx2" : "vector128"; }
        }

        /// <inheritdoc />
        public override void MatVecS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckDense(w, wOffset, x, xOffset, rows, cols, cols, y, yOffset, rows);
            HostDense.MatVecS8S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void MatVecTransposedS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckDense(w, wOffset, x, xOffset, rows, cols, rows, y, yOffset, cols);
            HostDense.MatVecTransposedS8S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void MatVecS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckDense(w, wOffset, x, xOffset, rows, cols, cols, y, yOffset, rows);
            HostDense.MatVecS16S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void MatVecTransposedS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckDense(w, wOffset, x, xOffset, rows, cols, rows, y, yOffset, cols);
            HostDense.MatVecTransposedS16S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void SignMatVecB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(x, nameof(x), xOffset, cols);
            HostChecks.Range(y, nameof(y), yOffset, rows);
            HostBinary.SignMatVecB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void SignMatVecTransposedB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(x, nameof(x), xOffset, rows);
            HostChecks.Range(y, nameof(y), yOffset, cols);
            HostBinary.SignMatVecTransposedB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override void XnorPopcountB1S32(uint[] w, int wOffset, uint[] a, int aOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(a, nameof(a), aOffset, BinaryKernels.WordsPerRow(cols));
            HostChecks.Range(y, nameof(y), yOffset, rows);
            HostBinary.XnorPopcountB1S32(w, wOffset, a, aOffset, rows, cols, y, yOffset);
        }

        /// <inheritdoc />
        public override void SignMatVecB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(h, nameof(h), hOffset, BinaryKernels.WordsPerRow(cols));
            HostChecks.Range(y, nameof(y), yOffset, rows);
            HostBinary.SignMatVecB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset);
        }

        /// <inheritdoc />
        public override void SignMatVecTransposedB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(h, nameof(h), hOffset, BinaryKernels.WordsPerRow(rows));
            HostChecks.Range(y, nameof(y), yOffset, cols);
            HostBinary.SignMatVecTransposedB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset, _wide);
        }

        /// <inheritdoc />
        public override int HardSigmoidAddQ15(int[] pre, int preOffset, int multiplier, int shift, int[] addend, int addendOffset, short[] previous, int previousOffset, short[] s, int sOffset, int n)
        {
            HostChecks.NonNegative(n, nameof(n));
            HostChecks.Shift(shift, nameof(shift));
            HostChecks.Range(pre, nameof(pre), preOffset, n);
            HostChecks.Range(addend, nameof(addend), addendOffset, n);
            HostChecks.Range(previous, nameof(previous), previousOffset, n);
            HostChecks.Range(s, nameof(s), sOffset, n);
            if (s == previous && sOffset != previousOffset)
            {
                // Overlapping output and comparison ranges: only the reference's element order defines the count.
                return base.HardSigmoidAddQ15(pre, preOffset, multiplier, shift, addend, addendOffset, previous, previousOffset, s, sOffset, n);
            }

            return HostActivation.HardSigmoidAddQ15(pre, preOffset, multiplier, shift, addend, addendOffset, previous, previousOffset, s, sOffset, n, _wide);
        }

        /// <inheritdoc />
        public override int FlipB1S16(uint[] w, int wOffset, short[] acc, int accOffset, int rows, int cols, int threshold)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(acc, nameof(acc), accOffset, (long)rows * cols);
            if (threshold < 0 || threshold > short.MaxValue)
            {
                return base.FlipB1S16(w, wOffset, acc, accOffset, rows, cols, threshold);
            }

            return HostBop.FlipB1S16(w, wOffset, acc, accOffset, rows, cols, threshold, _wide);
        }

        /// <inheritdoc />
        public override int FlipB1S8(uint[] w, int wOffset, sbyte[] acc, int accOffset, int rows, int cols, int threshold)
        {
            CheckBinary(w, wOffset, rows, cols);
            HostChecks.Range(acc, nameof(acc), accOffset, (long)rows * cols);
            if (threshold < 0 || threshold > sbyte.MaxValue)
            {
                return base.FlipB1S8(w, wOffset, acc, accOffset, rows, cols, threshold);
            }

            return HostBop.FlipB1S8(w, wOffset, acc, accOffset, rows, cols, threshold, _wide);
        }

        /// <inheritdoc />
        public override void LeakS16(short[] acc, int offset, int count, int shift)
        {
            HostChecks.NonNegative(count, nameof(count));
            HostChecks.Range(acc, nameof(acc), offset, count);
            if (shift >= 1 && shift <= 15)
            {
                HostBop.LeakS16(acc, offset, count, shift, _wide);
            }
            else if (shift < 16 || shift > 31)
            {
                base.LeakS16(acc, offset, count, shift);
            }

            // shift in [16, 31]: the rounding shift of every s16 value is 0, nothing moves (see HostBop).
        }

        /// <inheritdoc />
        public override void LeakS8(sbyte[] acc, int offset, int count, int shift)
        {
            HostChecks.NonNegative(count, nameof(count));
            HostChecks.Range(acc, nameof(acc), offset, count);
            if (shift >= 1 && shift <= 7)
            {
                HostBop.LeakS8(acc, offset, count, shift, _wide);
            }
            else if (shift < 8 || shift > 31)
            {
                base.LeakS8(acc, offset, count, shift);
            }

            // shift in [8, 31]: the rounding shift of every s8 value is 0, nothing moves (see HostBop).
        }

        /// <inheritdoc />
        public override void OuterProductAccumulateS32(int[] acc, int accOffset, short[] a, int aOffset, int rows, short[] b, int bOffset, int cols, int shift)
        {
            CheckOuter(acc, accOffset, rows, cols, shift);
            HostChecks.Range(a, nameof(a), aOffset, rows);
            HostChecks.Range(b, nameof(b), bOffset, cols);
            HostOuter.OuterProductAccumulateS32(acc, accOffset, a, aOffset, rows, b, bOffset, cols, shift, _wide);
        }

        /// <inheritdoc />
        public override void ContrastiveOuterAccumulateS32(int[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            CheckOuter(acc, accOffset, rows, cols, shift);
            CheckContrastive(ap, am, aOffset, rows, bp, bm, bOffset, cols);
            HostOuter.ContrastiveOuterAccumulateS32(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, _wide);
        }

        /// <inheritdoc />
        public override void ContrastiveOuterAccumulateS16(short[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            CheckOuter(acc, accOffset, rows, cols, shift);
            CheckContrastive(ap, am, aOffset, rows, bp, bm, bOffset, cols);
            if (acc == ap || acc == am || acc == bp || acc == bm)
            {
                // The accumulator doubles as an input: only the reference's element order defines the result.
                base.ContrastiveOuterAccumulateS16(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift);
                return;
            }

            HostOuter.ContrastiveOuterAccumulateS16(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, _wide);
        }

        /// <inheritdoc />
        public override void ContrastiveOuterAccumulateS8(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            CheckOuter(acc, accOffset, rows, cols, shift);
            CheckContrastive(ap, am, aOffset, rows, bp, bm, bOffset, cols);
            HostOuter.ContrastiveOuterAccumulateS8(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, _wide);
        }

        /// <inheritdoc />
        public override void ContrastiveOuterAccumulateS8Dithered(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, uint dither)
        {
            if (shift < 1 || shift > 30)
            {
                // Outside the lane bounds of the vector form (see HostOuter): the reference defines the result.
                base.ContrastiveOuterAccumulateS8Dithered(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, dither);
                return;
            }

            CheckOuter(acc, accOffset, rows, cols, shift);
            CheckContrastive(ap, am, aOffset, rows, bp, bm, bOffset, cols);
            HostOuter.ContrastiveOuterAccumulateS8Dithered(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, dither, _wide);
        }

        private static void CheckDense(System.Array w, int wOffset, short[] x, int xOffset, int rows, int cols, int xLength, int[] y, int yOffset, int yLength)
        {
            HostChecks.NonNegative(rows, nameof(rows));
            HostChecks.NonNegative(cols, nameof(cols));
            HostChecks.Range(w, nameof(w), wOffset, (long)rows * cols);
            HostChecks.Range(x, nameof(x), xOffset, xLength);
            HostChecks.Range(y, nameof(y), yOffset, yLength);
        }

        private static void CheckBinary(uint[] w, int wOffset, int rows, int cols)
        {
            HostChecks.NonNegative(rows, nameof(rows));
            HostChecks.NonNegative(cols, nameof(cols));
            HostChecks.Range(w, nameof(w), wOffset, (long)rows * BinaryKernels.WordsPerRow(cols));
        }

        private static void CheckOuter(System.Array acc, int accOffset, int rows, int cols, int shift)
        {
            HostChecks.NonNegative(rows, nameof(rows));
            HostChecks.NonNegative(cols, nameof(cols));
            HostChecks.Shift(shift, nameof(shift));
            HostChecks.Range(acc, nameof(acc), accOffset, (long)rows * cols);
        }

        private static void CheckContrastive(short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols)
        {
            HostChecks.Range(ap, nameof(ap), aOffset, rows);
            HostChecks.Range(am, nameof(am), aOffset, rows);
            HostChecks.Range(bp, nameof(bp), bOffset, cols);
            HostChecks.Range(bm, nameof(bm), bOffset, cols);
        }
    }
}
