// FixedPoint: the one module that owns EdgeLearn's number formats, rounding, shifting and saturation.
//
// Number formats (r = real value, q = stored integer):
//   Q0.15 unsigned state  r = q / 2^15,  q in [0, 32767]  stored in short  (1.0 is approached, never reached)
//   Q0.8  unsigned state  r = q / 2^8,   q in [0, 255]    stored in byte
//   s8 / s16 weights      r = alpha * q,  q in [-128, 127] / [-32768, 32767], alpha a per-layer scale
//   b1 binary weights     r = alpha * (bit ? +1 : -1), packed 32 per uint (see BinaryKernels)
//   s32 / s64 accumulators, exact sums of products, saturated once at the end
//
// Rounding: every right shift that drops bits rounds to nearest, ties toward +infinity
// (floor((x + 2^(s-1)) / 2^s)), computed without overflow. Nothing else in EdgeLearn writes its own
// rounding shift. Saturation: every narrowing clamps to the target range; nothing wraps.
namespace EdgeLearn.Kernels
{
    /// <summary>
    /// Fixed-point core: Q-format constants, the single rounding right shift, saturation to every
    /// storage width, and requantisation by a fixed-point multiplier. All methods are pure, allocation-free
    /// and identical on nanoFramework, Raspberry Pi and the host.
    /// </summary>
    public static class FixedPoint
    {
        /// <summary>Fractional bits of the Q0.15 state format.</summary>
        public const int Q15Bits = 15;

        /// <summary>Largest Q0.15 state, 1 - 2^-15.</summary>
        public const short Q15Max = 32767;

        /// <summary>Fractional bits of the Q0.8 state format.</summary>
        public const int Q8Bits = 8;

        /// <summary>Largest Q0.8 state, 1 - 2^-8.</summary>
        public const byte Q8Max = 255;

        /// <summary>
        /// Arithmetic right shift by <paramref name="shift"/> with round-to-nearest, ties toward +infinity:
        /// floor((x + 2^(shift-1)) / 2^shift). Never overflows. Range: shift in [0, 31]; 0 returns x.
        /// </summary>
        public static int RoundingShiftRight(int x, int shift)
        {
            if (shift <= 0)
            {
                return x;
            }

            return (x >> shift) + ((x >> (shift - 1)) & 1);
        }

        /// <summary>
        /// 64-bit form of <see cref="RoundingShiftRight(int,int)"/>: floor((x + 2^(shift-1)) / 2^shift),
        /// never overflows. Range: shift in [0, 63]; 0 returns x.
        /// </summary>
        public static long RoundingShiftRight(long x, int shift)
        {
            if (shift <= 0)
            {
                return x;
            }

            return (x >> shift) + ((x >> (shift - 1)) & 1L);
        }

        /// <summary>Clamps a 64-bit value to [-2^31, 2^31 - 1].</summary>
        public static int SaturateToS32(long x)
        {
            if (x > int.MaxValue)
            {
                return int.MaxValue;
            }

            if (x < int.MinValue)
            {
                return int.MinValue;
            }

            return (int)x;
        }

        /// <summary>Clamps to [-32768, 32767].</summary>
        public static short SaturateToS16(int x)
        {
            if (x > short.MaxValue)
            {
                return short.MaxValue;
            }

            if (x < short.MinValue)
            {
                return short.MinValue;
            }

            return (short)x;
        }

        /// <summary>Clamps to [-128, 127].</summary>
        public static sbyte SaturateToS8(int x)
        {
            if (x > sbyte.MaxValue)
            {
                return sbyte.MaxValue;
            }

            if (x < sbyte.MinValue)
            {
                return sbyte.MinValue;
            }

            return (sbyte)x;
        }

        /// <summary>Clamps to the unsigned Q0.8 range [0, 255].</summary>
        public static byte SaturateToU8(int x)
        {
            if (x > 255)
            {
                return 255;
            }

            if (x < 0)
            {
                return 0;
            }

            return (byte)x;
        }

        /// <summary>Clamps to the unsigned Q0.15 range [0, 32767]: the hard sigmoid rho(u) = clamp(u, 0, 1) on Q0.15.</summary>
        public static short SaturateToQ15(int x)
        {
            if (x > Q15Max)
            {
                return Q15Max;
            }

            if (x < 0)
            {
                return 0;
            }

            return (short)x;
        }

        /// <summary>
        /// Stochastic rounding right shift: floor((x + (random mod 2^shift)) / 2^shift), computed in 64 bits, so x
        /// rounds up with probability equal to its dropped fraction. <paramref name="random"/> is a uniform 32-bit
        /// draw (e.g. from <see cref="Xoshiro128.NextUInt32"/>). Range: shift in [0, 32].
        /// </summary>
        public static int StochasticShiftRight(int x, int shift, uint random)
        {
            if (shift <= 0)
            {
                return x;
            }

            long dither = shift >= 32 ? random : random & ((1L << shift) - 1);
            return (int)(((long)x + dither) >> shift);
        }

        /// <summary>Saturating 32-bit addition.</summary>
        public static int AddSaturate(int a, int b)
        {
            return SaturateToS32((long)a + b);
        }

        /// <summary>
        /// Requantise: y = sat32(RoundingShiftRight(x * multiplier, shift)), the product taken exactly in
        /// 64 bits. A real scale factor m in (0, 2^31) is written as multiplier = round(m * 2^shift).
        /// Range: shift in [0, 63].
        /// </summary>
        public static int Requantize(int x, int multiplier, int shift)
        {
            return SaturateToS32(RoundingShiftRight((long)x * multiplier, shift));
        }

        /// <summary>
        /// The one shared input scaling: a grey level g in [0, 255] (real value g / 255 in [0, 1]) to Q0.15,
        /// q = round(g * 32767 / 255), so 0 maps to 0 and 255 to <see cref="Q15Max"/>.
        /// </summary>
        public static short UnitByteToQ15(byte g)
        {
            return (short)((g * 32767 + 127) / 255);
        }

        /// <summary>Q0.15 to Q0.8 with the shared rounding (values saturate at 255).</summary>
        public static byte Q15ToQ8(short q)
        {
            return SaturateToU8(RoundingShiftRight((int)q, Q15Bits - Q8Bits));
        }
    }
}
