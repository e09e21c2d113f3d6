// SensorCodeConverter: the one place that turns raw ADC codes into the runtime's number format.
//
// Output format: signed Q0.15, r = q / 2^15 in [-1, 1), the fraction of the ADC's half range around
// its zero (mid-scale for offset-binary converters, 0 for two's-complement ones).
//   Unsigned10 (MCP3008): q = (code - 512) * 64. Exact: 0 -> -32768, 512 -> 0, 1023 -> 32704.
//   Signed16   (ADS1115): q = code. Exact: the code already is the fraction of full scale in Q0.15.
// Codes come from hardware, so they are checked where they enter: a code outside the format's range is
// an error naming the value, never a silent wrap.
using System;

namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>
    /// Converts raw sensor codes (see <see cref="SensorCodeFormat"/>) to signed Q0.15. Pure, allocation-free,
    /// identical on every target.
    /// </summary>
    public static class SensorCodeConverter
    {
        /// <summary>Mid-scale code of a 10-bit offset-binary converter.</summary>
        public const int Unsigned10MidScale = 512;

        /// <summary>Largest 10-bit code.</summary>
        public const int Unsigned10Max = 1023;

        /// <summary>
        /// One MCP3008-style code (0 .. 1023) to signed Q0.15 around mid-scale: (code - 512) * 64.
        /// Throws <see cref="ArgumentOutOfRangeException"/> for a code outside 0 .. 1023.
        /// </summary>
        public static short Unsigned10ToQ15(int code)
        {
            if (code < 0 || code > Unsigned10Max)
            {
                throw new ArgumentOutOfRangeException(nameof(code), "10-bit code must be in 0..1023, was " + code.ToString());
            }

            return (short)((code - Unsigned10MidScale) * 64);
        }

        /// <summary>One ADS1115-style code (-32768 .. 32767) to signed Q0.15: the identity.</summary>
        public static short Signed16ToQ15(short code)
        {
            return code;
        }

        /// <summary>
        /// Converts <paramref name="count"/> codes of format <paramref name="format"/> from
        /// codes[codeOffset ..] to q15[q15Offset ..]. The two ranges may be the same buffer at the same offset.
        /// Throws for a bad buffer, range or code (the message names the check and the value).
        /// </summary>
        public static void ToQ15(SensorCodeFormat format, short[] codes, int codeOffset, short[] q15, int q15Offset, int count)
        {
            if (codes == null)
            {
                throw new ArgumentNullException(nameof(codes));
            }

            if (q15 == null)
            {
                throw new ArgumentNullException(nameof(q15));
            }

            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "count must be >= 0, was " + count.ToString());
            }

            if (codeOffset < 0 || codeOffset > codes.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(codeOffset), "codes[" + codeOffset.ToString() + " .. +" + count.ToString() + ") exceeds length " + codes.Length.ToString());
            }

            if (q15Offset < 0 || q15Offset > q15.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(q15Offset), "q15[" + q15Offset.ToString() + " .. +" + count.ToString() + ") exceeds length " + q15.Length.ToString());
            }

            if (format == SensorCodeFormat.Unsigned10)
            {
                for (int i = 0; i < count; i++)
                {
                    q15[q15Offset + i] = Unsigned10ToQ15(codes[codeOffset + i]);
                }
            }
            else if (format == SensorCodeFormat.Signed16)
            {
                for (int i = 0; i < count; i++)
                {
                    q15[q15Offset + i] = codes[codeOffset + i];
                }
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(format), "unknown sensor code format " + ((int)format).ToString());
            }
        }
    }
}
