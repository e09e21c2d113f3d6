// BopKernels: the flip step of the binary optimizer (BOP, Helwegen et al. 2019) on packed binary weights.
//
// For every weight W[r, c] (packed b1, set bit = +1) with accumulator M[r, c]:
//   flip W when -sign(W) * M > threshold      (M accumulates the descent direction; it is not reset)
// Runs once per mini-batch; the s16 and s8 forms have host variants (KernelSet), since with batches of 64 a
// scalar flip and leak over the input layer cost as much per sample as the rest of the update.
namespace EdgeLearn.Kernels
{
    /// <summary>BOP flip kernels for s8, s16 and s32 accumulators over packed binary weights.</summary>
    public static class BopKernels
    {
        /// <summary>
        /// Flips W[r, c] where -sign(W[r, c]) M[r, c] &gt; <paramref name="threshold"/>; returns the number of flips.
        /// W is rows x cols packed (BinaryKernels layout), M row-major s32.
        /// </summary>
        public static int FlipB1S32(uint[] w, int wOffset, int[] acc, int accOffset, int rows, int cols, int threshold)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int flips = 0;
            for (int r = 0; r < rows; r++)
            {
                int rowWord = wOffset + r * words;
                int rowAcc = accOffset + r * cols;
                for (int c = 0; c < cols; c++)
                {
                    int word = rowWord + (c >> 5);
                    int shift = c & 31;
                    // Branch-free -sign(W) * M: negate M where the bit is set (random bits defeat branch prediction).
                    long negate = -(long)((w[word] >> shift) & 1u);
                    long push = ((long)acc[rowAcc + c] ^ negate) - negate;
                    if (push > threshold)
                    {
                        w[word] ^= 1u << shift;
                        flips++;
                    }
                }
            }

            return flips;
        }

        /// <summary>s16-accumulator form of <see cref="FlipB1S32"/>.</summary>
        public static int FlipB1S16(uint[] w, int wOffset, short[] acc, int accOffset, int rows, int cols, int threshold)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int flips = 0;
            for (int r = 0; r < rows; r++)
            {
                int rowWord = wOffset + r * words;
                int rowAcc = accOffset + r * cols;
                for (int c = 0; c < cols; c++)
                {
                    int word = rowWord + (c >> 5);
                    int shift = c & 31;
                    int negate = -(int)((w[word] >> shift) & 1u);
                    int push = (acc[rowAcc + c] ^ negate) - negate;
                    if (push > threshold)
                    {
                        w[word] ^= 1u << shift;
                        flips++;
                    }
                }
            }

            return flips;
        }

        /// <summary>s8-accumulator form of <see cref="FlipB1S32"/>.</summary>
        public static int FlipB1S8(uint[] w, int wOffset, sbyte[] acc, int accOffset, int rows, int cols, int threshold)
        {
            int words = BinaryKernels.WordsPerRow(cols);
            int flips = 0;
            for (int r = 0; r < rows; r++)
            {
                int rowWord = wOffset + r * words;
                int rowAcc = accOffset + r * cols;
                for (int c = 0; c < cols; c++)
                {
                    int word = rowWord + (c >> 5);
                    int shift = c & 31;
                    int negate = -(int)((w[word] >> shift) & 1u);
                    int push = (acc[rowAcc + c] ^ negate) - negate;
                    if (push > threshold)
                    {
                        w[word] ^= 1u << shift;
                        flips++;
                    }
                }
            }

            return flips;
        }
    }
}
