// NormalizationKernels: per-sample standardisation and centred relu in integers (SCFF, readouts).
//
// Standardisation (zero mean, unit standard deviation over one sample) with one integer square root and one
// reciprocal per call, never a division per element. For the N values v of a sample (N = n for one vector,
// N = 2n for the concatenation [a | b] of two halves):
//   S = sum v,  Q = sum v^2                          exact in 64 bits (|v| <= 2^15, N <= 2^16)
//   D = N Q - S^2 = N^2 var(v)  (population variance) exact in 64 bits (< 2^62)
//   r = floor(sqrt(D)) = N std(v)                    ActivationKernels.SqrtU64
//   K = 27 + bitlength(r),  R = round(2^K / r)       R in [2^27, 2^28]: 27 bits of relative precision
//   standardised value u_i = (N v_i - S) / r, written in Q.F as RoundingShiftRight((N v_i - S) R, K - F)
// For a pair the kernel writes the sum of the two standardised halves, s_i = u(a_i) + u(b_i), with one
// rounding: numerator N (a_i + b_i) - 2 S. Numerators stay below 2^33 in magnitude, so numerator x R < 2^61.
// A constant sample (D = 0) has no direction: every output is 0. Outputs saturate to s16 (|u| can reach
// sqrt(N - 1) for a single non-zero value, so choose F with that headroom in mind).
// Error against exact arithmetic: floor(sqrt) and the reciprocal give a relative error below 1/r + 2^-27,
// plus 1/2 LSB of the final rounding.
namespace EdgeLearn.Kernels
{
    /// <summary>Reference per-sample standardisation and centred-relu kernels (integer only, no allocation).</summary>
    public static class NormalizationKernels
    {
        /// <summary>Largest number of values one standardisation may cover (N = n or 2n), so every sum is exact in 64 bits.</summary>
        public const int MaxValues = 65536;

        /// <summary>
        /// Standardises one vector: u[i] = sat16(RoundingShiftRight((n a[i] - S) R, K - F)) for i in [0, n), the value
        /// (a[i] - mean) / std in Q.<paramref name="fractionBits"/> (see the file header for S, R, K). All outputs are 0
        /// when the n values are equal. Range: n in [1, 65536], fractionBits in [0, 15]; a and u may be the same array
        /// at the same offset. Returns r = floor(n std) (0 for a constant vector).
        /// </summary>
        public static uint StandardizeS16(short[] a, int aOffset, int n, int fractionBits, short[] u, int uOffset)
        {
            long s = 0;
            long q = 0;
            for (int i = 0; i < n; i++)
            {
                long v = a[aOffset + i];
                s += v;
                q += v * v;
            }

            uint r = Root(n, s, q);
            if (r == 0)
            {
                for (int i = 0; i < n; i++)
                {
                    u[uOffset + i] = 0;
                }

                return 0;
            }

            int k;
            long reciprocal = Reciprocal(r, out k);
            int shift = k - fractionBits;
            for (int i = 0; i < n; i++)
            {
                long numerator = n * (long)a[aOffset + i] - s;
                u[uOffset + i] = Narrow(FixedPoint.RoundingShiftRight(numerator * reciprocal, shift));
            }

            return r;
        }

        /// <summary>
        /// Standardises the concatenation [a | b] of two halves of n values each (N = 2n values, one mean, one standard
        /// deviation) and writes the sum of the standardised halves, s[i] = u(a[i]) + u(b[i]), in Q.<paramref name="fractionBits"/>:
        /// s[i] = sat16(RoundingShiftRight((N (a[i] + b[i]) - 2 S) R, K - F)). All outputs are 0 when the 2n values are
        /// equal. a and b may be the same array (a positive pair of identical views gives s = 2 u(a)); s must not
        /// overlap a or b. Range: n in [1, 32768], fractionBits in [0, 15]. Returns r = floor(N std) (0 when constant).
        /// </summary>
        public static uint StandardizePairSumS16(short[] a, int aOffset, short[] b, int bOffset, int n, int fractionBits, short[] s, int sOffset)
        {
            long sum = 0;
            long q = 0;
            for (int i = 0; i < n; i++)
            {
                long va = a[aOffset + i];
                long vb = b[bOffset + i];
                sum += va + vb;
                q += va * va + vb * vb;
            }

            int count = 2 * n;
            uint r = Root(count, sum, q);
            if (r == 0)
            {
                for (int i = 0; i < n; i++)
                {
                    s[sOffset + i] = 0;
                }

                return 0;
            }

            int k;
            long reciprocal = Reciprocal(r, out k);
            int shift = k - fractionBits;
            for (int i = 0; i < n; i++)
            {
                long numerator = count * ((long)a[aOffset + i] + b[bOffset + i]) - 2 * sum;
                s[sOffset + i] = Narrow(FixedPoint.RoundingShiftRight(numerator * reciprocal, shift));
            }

            return r;
        }

        /// <summary>
        /// Centred relu with a block exponent: c[i] = n z[i] - S (S = sum z, exact in 64 bits, so c = n (z - mean z)),
        /// a[i] = RoundingShiftRight(max(c[i], 0), e) with e the smallest shift in [0, 63] that keeps every a[i] &lt;= 32767.
        /// The result is relu(z - mean z) up to the positive factor n 2^-e (which a following standardisation removes);
        /// returns e. Range: n in [1, 65536]; z is s32.
        /// </summary>
        public static int CenteredReluS32S16(int[] z, int zOffset, int n, short[] a, int aOffset)
        {
            long s = 0;
            int max = int.MinValue;
            for (int i = 0; i < n; i++)
            {
                int v = z[zOffset + i];
                s += v;
                if (v > max)
                {
                    max = v;
                }
            }

            long top = n * (long)max - s;
            int e = 0;
            while (e < 63 && FixedPoint.RoundingShiftRight(top, e) > short.MaxValue)
            {
                e++;
            }

            for (int i = 0; i < n; i++)
            {
                long c = n * (long)z[zOffset + i] - s;
                a[aOffset + i] = c <= 0 ? (short)0 : (short)FixedPoint.RoundingShiftRight(c, e);
            }

            return e;
        }

        /// <summary>
        /// floor(sqrt(N Q - S^2)) for the sums of N values (D = N^2 times their population variance, never negative).
        /// </summary>
        private static uint Root(int count, long sum, long sumOfSquares)
        {
            long d = count * sumOfSquares - sum * sum;
            return d <= 0 ? 0u : ActivationKernels.SqrtU64((ulong)d);
        }

        // R = round(2^K / r) with K = 27 + bitlength(r), so R lies in [2^27, 2^28]; K <= 59.
        private static long Reciprocal(uint r, out int k)
        {
            int bits = 0;
            uint v = r;
            while (v != 0)
            {
                bits++;
                v >>= 1;
            }

            k = 27 + bits;
            return (long)(((1UL << k) + (r >> 1)) / r);
        }

        private static short Narrow(long v)
        {
            return v > short.MaxValue ? short.MaxValue : v < short.MinValue ? short.MinValue : (short)v;
        }
    }
}
