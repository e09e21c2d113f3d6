// SimMath: integer helpers of the device models (host only; the runtime's own rounding lives in FixedPoint).
//
// Every helper rounds like EdgeLearn.Kernels.FixedPoint: to nearest, ties toward +infinity
// (floor((2n + d) / 2d)), with a 128-bit intermediate so no product overflows, and saturates the
// result to the 64-bit range. Only integer arithmetic: identical on every runtime.
using System;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Integer multiply-divide, rounding and saturation used by the simulated devices.</summary>
    public static class SimMath
    {
        /// <summary>round(a * b / d) with a 128-bit product, ties toward +infinity, saturated to long. d must be positive.</summary>
        public static long MulDivRound(long a, long b, long d)
        {
            if (d <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(d), "divisor must be positive, was " + d);
            }

            Int128 n = (Int128)a * b;
            return SaturateToLong(FloorDiv(2 * n + d, 2 * (Int128)d));
        }

        /// <summary>round(n / d), ties toward +infinity, for d positive.</summary>
        public static long DivRound(long n, long d)
        {
            if (d <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(d), "divisor must be positive, was " + d);
            }

            return SaturateToLong(FloorDiv(2 * (Int128)n + d, 2 * (Int128)d));
        }

        /// <summary>floor(n / d) for d positive (the long form of <see cref="FloorDiv(Int128, Int128)"/>).</summary>
        public static long FloorDiv(long n, long d)
        {
            long q = n / d;
            if ((n % d) != 0 && (n < 0))
            {
                q--;
            }

            return q;
        }

        /// <summary>Saturating 64-bit addition.</summary>
        public static long AddSaturate(long a, long b)
        {
            long r = unchecked(a + b);
            if (((a ^ r) & (b ^ r)) < 0)
            {
                return a < 0 ? long.MinValue : long.MaxValue;
            }

            return r;
        }

        /// <summary>x for a non-negative sign, -x (saturated) for a negative one.</summary>
        public static long ApplySign(int sign, long x)
        {
            if (sign >= 0)
            {
                return x;
            }

            return x == long.MinValue ? long.MaxValue : -x;
        }

        /// <summary>Clamps x to [lo, hi].</summary>
        public static long Clamp(long x, long lo, long hi)
        {
            return x < lo ? lo : (x > hi ? hi : x);
        }

        /// <summary>
        /// Scales <paramref name="value"/> by (1 + <paramref name="sigmaPpm"/> 1e-6 X), X = <paramref name="gaussianQ16"/> / 2^16,
        /// the factor floored at 0.1 so a frozen parameter can never reach zero or change sign.
        /// </summary>
        public static long ScaleByGaussian(long value, long sigmaPpm, int gaussianQ16)
        {
            // factor in ppm: 1e6 + sigma * X; X is Q16.
            long factorPpm = 1_000_000 + MulDivRound(sigmaPpm, gaussianQ16, 65536);
            if (factorPpm < 100_000)
            {
                factorPpm = 100_000;
            }

            return MulDivRound(value, factorPpm, 1_000_000);
        }

        /// <summary>x * g / 2^16 rounded: a Q16 Gaussian sample scaled by a standard deviation <paramref name="x"/>.</summary>
        public static long ScaleQ16(long x, int gaussianQ16)
        {
            return MulDivRound(x, gaussianQ16, 65536);
        }

        private static Int128 FloorDiv(Int128 n, Int128 d)
        {
            Int128 q = n / d;
            if ((n % d) != 0 && (n < 0))
            {
                q--;
            }

            return q;
        }

        private static long SaturateToLong(Int128 x)
        {
            if (x > long.MaxValue)
            {
                return long.MaxValue;
            }

            if (x < long.MinValue)
            {
                return long.MinValue;
            }

            return (long)x;
        }
    }
}
