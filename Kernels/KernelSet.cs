// KernelSet: the kernels an algorithm calls, as one object, so a backend overrides only what it accelerates.
//
// Learners hold a KernelSet and call its hot kernels through it. The base class is the reference (the
// static kernels in this folder), available on every target. A host backend (Kernels/Host) derives from it
// and overrides the hot kernels with SIMD variants that give identical integers.
namespace EdgeLearn.Kernels
{
    /// <summary>
    /// Dispatch point for the hot kernels. Every virtual method has the contract of the static reference
    /// kernel it calls (see DenseKernels, BinaryKernels, OuterProductKernels); overrides must be bit-exact.
    /// </summary>
    public class KernelSet
    {
        /// <summary>The reference kernel set (plain managed code, every target).</summary>
        public static readonly KernelSet Reference = new KernelSet();

        /// <summary>Short name of the backend, for reports ("reference", "avx2", ...).</summary>
        public virtual string Name
        {
            get { return "reference"; }
        }

        /// <summary>See <see cref="DenseKernels.MatVecS8S32"/>.</summary>
        public virtual void MatVecS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            DenseKernels.MatVecS8S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="DenseKernels.MatVecTransposedS8S32"/>.</summary>
        public virtual void MatVecTransposedS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            DenseKernels.MatVecTransposedS8S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="DenseKernels.MatVecS16S32"/>.</summary>
        public virtual void MatVecS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            DenseKernels.MatVecS16S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="DenseKernels.MatVecTransposedS16S32"/>.</summary>
        public virtual void MatVecTransposedS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            DenseKernels.MatVecTransposedS16S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="BinaryKernels.SignMatVecB1S32"/>.</summary>
        public virtual void SignMatVecB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            BinaryKernels.SignMatVecB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="BinaryKernels.SignMatVecTransposedB1S32"/>.</summary>
        public virtual void SignMatVecTransposedB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            BinaryKernels.SignMatVecTransposedB1S32(w, wOffset, x, xOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="BinaryKernels.XnorPopcountB1S32"/>.</summary>
        public virtual void XnorPopcountB1S32(uint[] w, int wOffset, uint[] a, int aOffset, int rows, int cols, int[] y, int yOffset)
        {
            BinaryKernels.XnorPopcountB1S32(w, wOffset, a, aOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="BinaryKernels.SignMatVecB1U1"/>.</summary>
        public virtual void SignMatVecB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            BinaryKernels.SignMatVecB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="BinaryKernels.SignMatVecTransposedB1U1"/>.</summary>
        public virtual void SignMatVecTransposedB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            BinaryKernels.SignMatVecTransposedB1U1(w, wOffset, h, hOffset, rows, cols, y, yOffset);
        }

        /// <summary>See <see cref="ActivationKernels.HardSigmoidAddQ15"/>.</summary>
        public virtual int HardSigmoidAddQ15(int[] pre, int preOffset, int multiplier, int shift, int[] addend, int addendOffset, short[] previous, int previousOffset, short[] s, int sOffset, int n)
        {
            return ActivationKernels.HardSigmoidAddQ15(pre, preOffset, multiplier, shift, addend, addendOffset, previous, previousOffset, s, sOffset, n);
        }

        /// <summary>See <see cref="BopKernels.FlipB1S16"/>.</summary>
        public virtual int FlipB1S16(uint[] w, int wOffset, short[] acc, int accOffset, int rows, int cols, int threshold)
        {
            return BopKernels.FlipB1S16(w, wOffset, acc, accOffset, rows, cols, threshold);
        }

        /// <summary>See <see cref="BopKernels.FlipB1S8"/>.</summary>
        public virtual int FlipB1S8(uint[] w, int wOffset, sbyte[] acc, int accOffset, int rows, int cols, int threshold)
        {
            return BopKernels.FlipB1S8(w, wOffset, acc, accOffset, rows, cols, threshold);
        }

        /// <summary>See <see cref="OuterProductKernels.LeakS16"/>.</summary>
        public virtual void LeakS16(short[] acc, int offset, int count, int shift)
        {
            OuterProductKernels.LeakS16(acc, offset, count, shift);
        }

        /// <summary>See <see cref="OuterProductKernels.LeakS8"/>.</summary>
        public virtual void LeakS8(sbyte[] acc, int offset, int count, int shift)
        {
            OuterProductKernels.LeakS8(acc, offset, count, shift);
        }

        /// <summary>See <see cref="OuterProductKernels.OuterProductAccumulateS32"/>.</summary>
        public virtual void OuterProductAccumulateS32(int[] acc, int accOffset, short[] a, int aOffset, int rows, short[] b, int bOffset, int cols, int shift)
        {
            OuterProductKernels.OuterProductAccumulateS32(acc, accOffset, a, aOffset, rows, b, bOffset, cols, shift);
        }

        /// <summary>See <see cref="OuterProductKernels.ContrastiveOuterAccumulateS32"/>.</summary>
        public virtual void ContrastiveOuterAccumulateS32(int[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            OuterProductKernels.ContrastiveOuterAccumulateS32(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift);
        }

        /// <summary>See <see cref="OuterProductKernels.ContrastiveOuterAccumulateS16"/>.</summary>
        public virtual void ContrastiveOuterAccumulateS16(short[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            OuterProductKernels.ContrastiveOuterAccumulateS16(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift);
        }

        /// <summary>See <see cref="OuterProductKernels.ContrastiveOuterAccumulateS8Dithered"/>.</summary>
        public virtual void ContrastiveOuterAccumulateS8Dithered(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift, uint dither)
        {
            OuterProductKernels.ContrastiveOuterAccumulateS8Dithered(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift, dither);
        }

        /// <summary>See <see cref="OuterProductKernels.ContrastiveOuterAccumulateS8"/>.</summary>
        public virtual void ContrastiveOuterAccumulateS8(sbyte[] acc, int accOffset, short[] ap, short[] am, int aOffset, int rows, short[] bp, short[] bm, int bOffset, int cols, int shift)
        {
            OuterProductKernels.ContrastiveOuterAccumulateS8(acc, accOffset, ap, am, aOffset, rows, bp, bm, bOffset, cols, shift);
        }
    }
}
