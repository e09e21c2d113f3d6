// AdcTransfer: the converters' transfer functions, volts (nV) to codes (SPINTRONICS.md section 3).
//
//   MCP3008 (10-bit SAR, single-ended 0 .. V_REF): code = clamp(floor(1024 V_in / V_REF), 0, 1023);
//           pseudo-differential: V_in = V_(IN+) - V_(IN-), same formula (negative differences read 0).
//   ADS1115 (16-bit, differential, PGA):           code = clamp(round(V_diff / LSB), -32768, 32767),
//           LSB = FSR / 32768, FSR = 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 V (PGA bits 0..5; 6, 7 = 0.256 V).
// round is to nearest, ties toward +infinity, like every rounding in EdgeLearn.
using System;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Ideal MCP3008 and ADS1115 transfer functions in integer nanovolts.</summary>
    public static class AdcTransfer
    {
        /// <summary>Default MCP3008 reference, nV (3.3 V).</summary>
        public const long Mcp3008DefaultReferenceNanovolts = 3_300_000_000;

        /// <summary>Largest MCP3008 code.</summary>
        public const int Mcp3008MaxCode = 1023;

        /// <summary>MCP3008 code of input <paramref name="inputNanovolts"/> with reference <paramref name="referenceNanovolts"/> (> 0).</summary>
        public static int Mcp3008Code(long inputNanovolts, long referenceNanovolts)
        {
            if (referenceNanovolts <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(referenceNanovolts), "V_REF must be positive, was " + referenceNanovolts + " nV");
            }

            if (inputNanovolts <= 0)
            {
                return 0;
            }

            long code = SimMath.FloorDiv(SimMath.MulDivRound(inputNanovolts, 1024, 1), referenceNanovolts);
            return (int)SimMath.Clamp(code, 0, Mcp3008MaxCode);
        }

        /// <summary>
        /// The input voltage at the middle of MCP3008 code <paramref name="code"/>'s interval, nV:
        /// floor((2 code + 1) V_REF / 2048). Converts back to <paramref name="code"/> exactly.
        /// </summary>
        public static long Mcp3008CodeCenterNanovolts(int code, long referenceNanovolts)
        {
            if (code < 0 || code > Mcp3008MaxCode)
            {
                throw new ArgumentOutOfRangeException(nameof(code), "MCP3008 code must be in 0..1023, was " + code);
            }

            return SimMath.FloorDiv(((2L * code) + 1) * referenceNanovolts, 2048);
        }

        /// <summary>ADS1115 full-scale range (positive bound) for PGA bits 0..7, nV.</summary>
        public static long Ads1115FullScaleNanovolts(int pgaBits)
        {
            switch (pgaBits)
            {
                case 0: return 6_144_000_000;
                case 1: return 4_096_000_000;
                case 2: return 2_048_000_000;
                case 3: return 1_024_000_000;
                case 4: return 512_000_000;
                case 5:
                case 6:
                case 7: return 256_000_000;
                default:
                    throw new ArgumentOutOfRangeException(nameof(pgaBits), "ADS1115 PGA bits must be in 0..7, was " + pgaBits);
            }
        }

        /// <summary>ADS1115 code of differential input <paramref name="differenceNanovolts"/> at full scale <paramref name="fullScaleNanovolts"/>.</summary>
        public static short Ads1115Code(long differenceNanovolts, long fullScaleNanovolts)
        {
            if (fullScaleNanovolts <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(fullScaleNanovolts), "full scale must be positive, was " + fullScaleNanovolts + " nV");
            }

            long code = SimMath.MulDivRound(differenceNanovolts, 32768, fullScaleNanovolts);
            return (short)SimMath.Clamp(code, short.MinValue, short.MaxValue);
        }

        /// <summary>The differential input that converts exactly to ADS1115 code <paramref name="code"/>: code x LSB, nV (rounded).</summary>
        public static long Ads1115CodeNanovolts(short code, long fullScaleNanovolts)
        {
            return SimMath.MulDivRound(code, fullScaleNanovolts, 32768);
        }
    }
}
