// BinaryKernels: reference kernels for binary (b1) weights and binary (u1) activations.
//
// Bit layout (weights and packed activations alike): a row of `cols` bits takes
// WordsPerRow(cols) = ceil(cols / 32) uints; column c of row r is bit (c & 31), counted from the least
// significant bit, of word [offset + r * WordsPerRow(cols) + (c >> 5)]. For weights a set bit means +1
// and a clear bit -1 (the layer scale alpha is applied by the caller); for activations a set bit means 1
// and a clear bit 0. Padding bits past `cols` in the last word of a row are ignored by every kernel.
// Sums are exact and saturated once per output; host variants must give identical integers.
namespace EdgeLearn.Kernels
{
    /// <summary>Reference sign (binary-weight) matrix-vector kernels, XNOR-popcount and bit packing.</summary>
    public static class BinaryKernels
    {
        /// <summary>Number of uints holding one row of <paramref name="cols"/> bits: ceil(cols / 32).</summary>
        public static int WordsPerRow(int cols)
        {
            return (cols + 31) >> 5;
        }

        /// <summary>Mask of the valid bits in the last word of a row of <paramref name="cols"/> bits.</summary>
        public static uint LastWordMask(int cols)
        {
            int tail = cols & 31;
            return tail == 0 ? 0xFFFFFFFFu : (1u << tail) - 1u;
        }

        /// <summary>Reads bit (r, c) of a packed matrix with <paramref name="cols"/> columns.</summary>
        public static bool GetBit(uint[] bits, int offset, int cols, int r, int c)
        {
            uint word = bits[offset + r * WordsPerRow(cols) + (c >> 5)];
            return ((word >> (c & 31)) & 1u) != 0;
        }

        /// <summary>Sets bit (r, c) of a packed matrix with <paramref name="cols"/> columns to <paramref name="value"/>.</summary>
        public static void SetBit(uint[] bits, int offset, int cols, int r, int c, bool value)
        {
            int index = offset + r * WordsPerRow(cols) + (c >> 5);
            uint mask = 1u << (c & 31);
            bits[index] = value ? bits[index] | mask : bits[index] & ~mask;
        }

        /// <summary>Population count of a 32-bit word (SWAR reference; hardware popcount on the host).</summary>
        public static int PopCount(uint v)
        {
            v = v - ((v >> 1) & 0x55555555u);
            v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
            v = (v + (v >> 4)) & 0x0F0F0F0Fu;
            return (int)((v * 0x01010101u) >> 24);
        }

        /// <summary>
        /// Sign matrix-vector: y[r] = sat32(y[r] + sum_c (W[r, c] ? +x[c] : -x[c])) for r in [0, rows), W packed
        /// b1 (rows x cols, layout above) at <paramref name="wOffset"/>, x s16 (cols), y s32 (rows). Exact.
        /// </summary>
        public static void SignMatVecB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = WordsPerRow(cols);
            for (int r = 0; r < rows; r++)
            {
                long sum = 0;
                int rowWord = wOffset + r * words;
                for (int c = 0; c < cols; c++)
                {
                    uint bit = (w[rowWord + (c >> 5)] >> (c & 31)) & 1u;
                    int v = x[xOffset + c];
                    sum += bit != 0 ? v : -v;
                }

                y[yOffset + r] = FixedPoint.SaturateToS32(y[yOffset + r] + sum);
            }
        }

        /// <summary>
        /// Transposed sign matrix-vector: y[c] = sat32(y[c] + sum_r (W[r, c] ? +x[r] : -x[r])) for c in [0, cols),
        /// W packed b1 (rows x cols), x s16 (rows), y s32 (cols). Exact 64-bit sums.
        /// </summary>
        public static void SignMatVecTransposedB1S32(uint[] w, int wOffset, short[] x, int xOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = WordsPerRow(cols);
            for (int c = 0; c < cols; c++)
            {
                long sum = 0;
                int word = wOffset + (c >> 5);
                int shift = c & 31;
                for (int r = 0; r < rows; r++)
                {
                    uint bit = (w[word + r * words] >> shift) & 1u;
                    int v = x[xOffset + r];
                    sum += bit != 0 ? v : -v;
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }

        /// <summary>
        /// XNOR-popcount for +/-1 weights and +/-1 activations (both packed, set bit = +1):
        /// y[r] = sat32(y[r] + sum_c W[r, c] a[c]) = sat32(y[r] + cols - 2 popcount((W_r xor a) and valid)).
        /// W is rows x cols at <paramref name="wOffset"/>; a is one row of cols bits at <paramref name="aOffset"/>.
        /// </summary>
        public static void XnorPopcountB1S32(uint[] w, int wOffset, uint[] a, int aOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = WordsPerRow(cols);
            uint lastMask = LastWordMask(cols);
            for (int r = 0; r < rows; r++)
            {
                int differ = 0;
                int rowWord = wOffset + r * words;
                for (int k = 0; k < words; k++)
                {
                    uint v = w[rowWord + k] ^ a[aOffset + k];
                    if (k == words - 1)
                    {
                        v &= lastMask;
                    }

                    differ += PopCount(v);
                }

                y[yOffset + r] = FixedPoint.SaturateToS32((long)y[yOffset + r] + cols - 2L * differ);
            }
        }

        /// <summary>
        /// Sign matrix-vector on binary {0, 1} activations h (packed, set bit = 1):
        /// y[r] = sat32(y[r] + sum_c W[r, c] h[c]) = sat32(y[r] + 2 popcount(W_r and h) - popcount(h)).
        /// </summary>
        public static void SignMatVecB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = WordsPerRow(cols);
            uint lastMask = LastWordMask(cols);
            int active = 0;
            for (int k = 0; k < words; k++)
            {
                uint v = h[hOffset + k];
                if (k == words - 1)
                {
                    v &= lastMask;
                }

                active += PopCount(v);
            }

            for (int r = 0; r < rows; r++)
            {
                int positive = 0;
                int rowWord = wOffset + r * words;
                for (int k = 0; k < words; k++)
                {
                    uint v = w[rowWord + k] & h[hOffset + k];
                    if (k == words - 1)
                    {
                        v &= lastMask;
                    }

                    positive += PopCount(v);
                }

                y[yOffset + r] = FixedPoint.SaturateToS32((long)y[yOffset + r] + 2L * positive - active);
            }
        }

        /// <summary>
        /// Transposed sign matrix-vector on binary {0, 1} activations h of length rows (packed):
        /// y[c] = sat32(y[c] + sum_r h[r] W[r, c]) for c in [0, cols).
        /// </summary>
        public static void SignMatVecTransposedB1U1(uint[] w, int wOffset, uint[] h, int hOffset, int rows, int cols, int[] y, int yOffset)
        {
            int words = WordsPerRow(cols);
            for (int c = 0; c < cols; c++)
            {
                long sum = 0;
                int word = wOffset + (c >> 5);
                int shift = c & 31;
                for (int r = 0; r < rows; r++)
                {
                    if (((h[hOffset + (r >> 5)] >> (r & 31)) & 1u) == 0)
                    {
                        continue;
                    }

                    sum += ((w[word + r * words] >> shift) & 1u) != 0 ? 1 : -1;
                }

                y[yOffset + c] = FixedPoint.SaturateToS32(y[yOffset + c] + sum);
            }
        }

        /// <summary>
        /// Heaviside and pack: bit i of the packed output is 1 when s[i] &gt;= <paramref name="threshold"/>,
        /// for i in [0, n); padding bits of the last word are cleared. Output takes WordsPerRow(n) uints.
        /// </summary>
        public static void HeavisidePackU1(short[] s, int sOffset, int n, short threshold, uint[] bits, int bitsOffset)
        {
            int words = WordsPerRow(n);
            for (int k = 0; k < words; k++)
            {
                uint word = 0;
                int start = k << 5;
                int end = start + 32 < n ? start + 32 : n;
                for (int i = start; i < end; i++)
                {
                    if (s[sOffset + i] >= threshold)
                    {
                        word |= 1u << (i - start);
                    }
                }

                bits[bitsOffset + k] = word;
            }
        }
    }
}
