// ActivationKernels: reference element-wise and selection kernels (hard sigmoid, relu, argmax, k-WTA, sqrt).
namespace EdgeLearn.Kernels
{
    /// <summary>Reference activation, selection and integer-math kernels.</summary>
    public static class ActivationKernels
    {
        /// <summary>
        /// Hard sigmoid on Q0.15 after requantisation: s[i] = clamp(RoundingShiftRight(pre[i] * multiplier, shift), 0, 32767)
        /// for i in [0, n). multiplier = 1, shift = 0 is the plain clamp rho(u) = clamp(u, 0, 1) of a Q.15 input.
        /// The product is exact in 64 bits. Range: shift in [0, 62].
        /// </summary>
        public static void HardSigmoidQ15(int[] pre, int preOffset, int n, int multiplier, int shift, short[] s, int sOffset)
        {
            for (int i = 0; i < n; i++)
            {
                long v = FixedPoint.RoundingShiftRight((long)pre[preOffset + i] * multiplier, shift);
                s[sOffset + i] = v <= 0 ? (short)0 : v >= FixedPoint.Q15Max ? FixedPoint.Q15Max : (short)v;
            }
        }

        /// <summary>
        /// Biased hard sigmoid, one relaxation step of an EP hidden layer:
        /// s[i] = clamp(addend[i] + RoundingShiftRight(pre[i] * multiplier, shift), 0, 32767) for i in [0, n), the
        /// product and the sum exact in 64 bits. Returns how many s[i] differ from previous[i] (previous may be
        /// the array the step started from, so 0 means a fixed point). Range: shift in [0, 62].
        /// </summary>
        public static int HardSigmoidAddQ15(int[] pre, int preOffset, int multiplier, int shift, int[] addend, int addendOffset, short[] previous, int previousOffset, short[] s, int sOffset, int n)
        {
            int changed = 0;
            for (int i = 0; i < n; i++)
            {
                long v = addend[addendOffset + i] + FixedPoint.RoundingShiftRight((long)pre[preOffset + i] * multiplier, shift);
                short value = v <= 0 ? (short)0 : v >= FixedPoint.Q15Max ? FixedPoint.Q15Max : (short)v;
                s[sOffset + i] = value;
                if (value != previous[previousOffset + i])
                {
                    changed++;
                }
            }

            return changed;
        }

        /// <summary>Relu in place on s32: x[i] = max(x[i], 0) for i in [0, n).</summary>
        public static void ReluS32(int[] x, int offset, int n)
        {
            int end = offset + n;
            for (int i = offset; i < end; i++)
            {
                if (x[i] < 0)
                {
                    x[i] = 0;
                }
            }
        }

        /// <summary>Index (relative to <paramref name="offset"/>) of the largest of n values; the first one on ties. n &gt;= 1.</summary>
        public static int ArgMaxS32(int[] x, int offset, int n)
        {
            int best = 0;
            int bestValue = x[offset];
            for (int i = 1; i < n; i++)
            {
                if (x[offset + i] > bestValue)
                {
                    bestValue = x[offset + i];
                    best = i;
                }
            }

            return best;
        }

        /// <summary>Index (relative to <paramref name="offset"/>) of the largest of n s16 values; the first one on ties. n &gt;= 1.</summary>
        public static int ArgMaxS16(short[] x, int offset, int n)
        {
            int best = 0;
            int bestValue = x[offset];
            for (int i = 1; i < n; i++)
            {
                if (x[offset + i] > bestValue)
                {
                    bestValue = x[offset + i];
                    best = i;
                }
            }

            return best;
        }

        /// <summary>
        /// k-winner-take-all: writes to indices[indicesOffset .. +k) the positions (relative to offset) of the k
        /// largest of n values, largest first; equal values rank by lower index. O(n k), no allocation.
        /// Range: 1 &lt;= k &lt;= n.
        /// </summary>
        public static void TopKS32(int[] x, int offset, int n, int k, int[] indices, int indicesOffset)
        {
            for (int j = 0; j < k; j++)
            {
                int best = -1;
                int bestValue = 0;
                for (int i = 0; i < n; i++)
                {
                    int v = x[offset + i];
                    if (best >= 0 && v <= bestValue)
                    {
                        continue;
                    }

                    if (IsTaken(indices, indicesOffset, j, i))
                    {
                        continue;
                    }

                    if (best < 0 || v > bestValue)
                    {
                        best = i;
                        bestValue = v;
                    }
                }

                indices[indicesOffset + j] = best;
            }
        }

        /// <summary>Integer square root: floor(sqrt(v)) for any 64-bit unsigned v (bit-by-bit, exact).</summary>
        public static uint SqrtU64(ulong v)
        {
            ulong result = 0;
            ulong bit = 1UL << 62;
            while (bit > v)
            {
                bit >>= 2;
            }

            while (bit != 0)
            {
                if (v >= result + bit)
                {
                    v -= result + bit;
                    result = (result >> 1) + bit;
                }
                else
                {
                    result >>= 1;
                }

                bit >>= 2;
            }

            return (uint)result;
        }

        private static bool IsTaken(int[] indices, int indicesOffset, int count, int i)
        {
            for (int t = 0; t < count; t++)
            {
                if (indices[indicesOffset + t] == i)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
