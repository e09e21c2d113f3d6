// DenseKernels: reference matrix-vector products for s8 and s16 weights with exact s64 sums saturated to s32.
//
// Glossary: rows = output length, cols = input length. W is row-major: W[r, c] = w[wOffset + r * cols + c].
// Every product is taken exactly and summed exactly in 64 bits; the sum is added to the caller's y and
// saturated to s32 once per output. Host variants (Kernels/Host) must give identical integers.
namespace EdgeLearn.Kernels
{
    /// <summary>Reference dense matrix-vector kernels (s8 and s16 weights, s16 inputs, s32 outputs).</summary>
    public static class DenseKernels
    {
        /// <summary>
        /// y[r] = sat32(y[r] + sum_c W[r, c] * x[c]) for r in [0, rows): W is s8 row-major (rows x cols) at
        /// <paramref name="wOffset"/>, x is s16 (cols) at <paramref name="xOffset"/>, y is s32 (rows) at
        /// <paramref name="yOffset"/>. Exact: the sum is computed in 64 bits and saturated once.
        /// No allocation; x and y must not overlap.
        /// </summary>
        public static void MatVecS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            int row = wOffset;
            for (int r = 0; r < rows; r++)
            {
                long sum = 0;
                for (int c = 0; c < cols; c++)
                {
                    sum += w[row + c] * x[xOffset + c];
                }

                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + sum);
                row += cols;
            }
        }

        /// <summary>
        /// Transposed product y[c] = sat32(y[c] + sum_r W[r, c] * x[r]) for c in [0, cols): W is s8 row-major
        /// (rows x cols), x is s16 (rows), y is s32 (cols). Exact 64-bit sums, saturated once per output.
        /// </summary>
        public static void MatVecTransposedS8S32(sbyte[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            for (int c = 0; c < cols; c++)
            {
                long sum = 0;
                int index = wOffset + c;
                for (int r = 0; r < rows; r++)
                {
                    sum += w[index] * x[xOffset + r];
                    index += cols;
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }

        /// <summary>
        /// y[r] = sat32(y[r] + sum_c W[r, c] * x[c]) with s16 weights (rows x cols, row-major), s16 x (cols),
        /// s32 y (rows). Exact 64-bit sums (products reach 2^30), saturated once per output.
        /// </summary>
        public static void MatVecS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            int row = wOffset;
            for (int r = 0; r < rows; r++)
            {
                long sum = 0;
                for (int c = 0; c < cols; c++)
                {
                    sum += w[row + c] * x[xOffset + c];
                }

                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + sum);
                row += cols;
            }
        }

        /// <summary>
        /// Transposed product y[c] = sat32(y[c] + sum_r W[r, c] * x[r]) with s16 weights (rows x cols),
        /// s16 x (rows), s32 y (cols). Exact 64-bit sums, saturated once per output.
        /// </summary>
        public static void MatVecTransposedS16S32(short[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            for (int c = 0; c < cols; c++)
            {
                long sum = 0;
                int index = wOffset + c;
                for (int r = 0; r < rows; r++)
                {
                    sum += w[index] * x[xOffset + r];
                    index += cols;
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }
    }
}
