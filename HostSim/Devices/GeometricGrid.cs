// GeometricGrid: resonance frequencies spaced by a constant ratio, as in the group's code.
//
//   f_k = f_min * r^k, r = (f_max / f_min)^(1 / (N - 1)), k = 0 .. N-1, rounded to whole Hz.
// The N-1-th root is found by bisection on x^(N-1) and the powers by repeated multiplication: only IEEE
// +, -, *, / (correctly rounded on every .NET target), never Math.Pow or Math.Log, so the grid is the same
// on every runtime. The first and last points are set exactly to f_min and f_max.
using System;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Geometric frequency grids in whole hertz.</summary>
    public static class GeometricGrid
    {
        /// <summary>
        /// N points from <paramref name="minHz"/> to <paramref name="maxHz"/> with a constant ratio.
        /// N = 1 gives { minHz }. Requires 0 &lt; minHz &lt;= maxHz and N >= 1.
        /// </summary>
        public static long[] Create(long minHz, long maxHz, int count)
        {
            if (count < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "grid needs at least one point, was " + count);
            }

            if (minHz <= 0 || maxHz < minHz)
            {
                throw new ArgumentOutOfRangeException(nameof(maxHz), "grid needs 0 < min <= max, was min " + minHz + " Hz, max " + maxHz + " Hz");
            }

            var grid = new long[count];
            grid[0] = minHz;
            if (count == 1)
            {
                return grid;
            }

            int n = count - 1;
            double q = (double)maxHz / minHz;
            double r = NthRoot(q, n);
            double f = minHz;
            for (int k = 1; k < n; k++)
            {
                f *= r;
                grid[k] = (long)Math.Round(f, MidpointRounding.AwayFromZero);
            }

            grid[n] = maxHz;
            return grid;
        }

        /// <summary>q^(1/n) for q >= 1 by bisection on x^n (basic IEEE operations only, at most 1100 halvings).</summary>
        private static double NthRoot(double q, int n)
        {
            double lo = 1.0;
            double hi = q;
            for (int i = 0; i < 1100; i++)
            {
                double mid = lo + ((hi - lo) * 0.5);
                if (mid <= lo || mid >= hi)
                {
                    break;
                }

                if (Power(mid, n) > q)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid;
                }
            }

            return lo;
        }

        /// <summary>x^n by binary exponentiation.</summary>
        private static double Power(double x, int n)
        {
            double result = 1.0;
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    result *= x;
                }

                x *= x;
                n >>= 1;
            }

            return result;
        }
    }
}
