// Lorentzian: the spin-diode line shapes in Q15 with 64-bit intermediates (SPINTRONICS.md section 1).
//
//   delta = f - f_res, w = half-width
//   L_A = 2 w delta / (w^2 + delta^2)   antisymmetric, in [-1, 1], changes sign at resonance
//   L_S = w^2 / (w^2 + delta^2)         symmetric, in [0, 1]
//
// Fixed point: w and delta (Hz, up to ~1e11) are first shifted right by the same amount, rounding, until
// the larger magnitude is below 2^23; the squares are then below 2^46, their sum below 2^47, and a
// numerator shifted left by 15 stays below 2^63. The shift changes both by the same factor, so the
// ratios keep a relative precision of about 2^-23, far below one Q15 step. Results round to nearest
// (ties toward +infinity) and saturate to +/-32767 (L_A) and [0, 32767] (L_S): the exact values +/-1 at
// delta = +/-w and 1 at delta = 0 land on 32767.
using System;
using System.Numerics;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Antisymmetric and symmetric Lorentzians of the spin-diode response, in Q15.</summary>
    public static class Lorentzian
    {
        /// <summary>One in Q15 (the saturation bound is one below it).</summary>
        public const int OneQ15 = 32768;

        /// <summary>
        /// Computes L_A and L_S in Q15 for detuning <paramref name="deltaHz"/> and half-width
        /// <paramref name="halfWidthHz"/> (must be positive). Allocation-free, integer only.
        /// </summary>
        public static void Q15(long deltaHz, long halfWidthHz, out int antisymmetricQ15, out int symmetricQ15)
        {
            if (halfWidthHz <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(halfWidthHz), "half-width must be positive, was " + halfWidthHz);
            }

            long absDelta = deltaHz == long.MinValue ? long.MaxValue : Math.Abs(deltaHz);
            long larger = absDelta > halfWidthHz ? absDelta : halfWidthHz;
            int bits = 64 - BitOperations.LeadingZeroCount((ulong)larger);
            int shift = bits > 23 ? bits - 23 : 0;

            long w = shift == 0 ? halfWidthHz : EdgeLearn.Kernels.FixedPoint.RoundingShiftRight(halfWidthHz, shift);
            long d = shift == 0 ? deltaHz : EdgeLearn.Kernels.FixedPoint.RoundingShiftRight(deltaHz, shift);
            long w2 = w * w;
            long den = w2 + (d * d);
            if (den == 0)
            {
                // Only when the half-width rounded to zero and the detuning too: impossible for w >= 1
                // without shifting, and with shifting the larger of the two is at least 2^22.
                antisymmetricQ15 = 0;
                symmetricQ15 = 0;
                return;
            }

            long s = SimMath.DivRound(w2 << 15, den);
            long a = SimMath.DivRound((2 * w * d) << 15, den);
            symmetricQ15 = (int)SimMath.Clamp(s, 0, OneQ15 - 1);
            antisymmetricQ15 = (int)SimMath.Clamp(a, -(OneQ15 - 1), OneQ15 - 1);
        }
    }
}
