// RunningNormalizer: per-channel running statistics in fixed point that map raw sensor values (signed Q0.15,
// from SensorCodeConverter) to learner inputs in [0, 1] (unsigned Q0.15), without knowing the sensor's
// calibration: a device in the field does not know its own offsets and gains.
//
// Per channel c, with x the signed Q0.15 value and k the averaging shift (time constant 2^k frames):
//   mean   M_c <- M_c + RoundingShiftRight(x * 2^8 - M_c, k')           (Q0.15 with 8 extra fraction bits)
//   spread D_c <- D_c + RoundingShiftRight(|x - mean| * 2^8 - D_c, k')   (mean absolute deviation, same units)
//   input  u_c = clamp(1/2 + (x - mean) / (Width * D_c), 0, 1)           one integer division per channel
// k' = min(k, floor(log2(n + 1))) over the first frames, so the statistics settle within a few frames
// instead of 2^k. Width = 4: +/- 2 mean absolute deviations span the input range. Integer only.
//
// Buffers: _mean int[N], _spread int[N] (N = channels).
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>Running mean and mean-absolute-deviation normalisation of sensor channels to Q0.15 inputs.</summary>
    public sealed class RunningNormalizer
    {
        private const int ExtraBits = 8;
        private readonly int[] _mean;
        private readonly int[] _spread;
        private readonly int _shift;
        private long _frames;

        /// <summary>Creates a normaliser for <paramref name="channels"/> channels with time constant 2^<paramref name="shift"/> frames.</summary>
        public RunningNormalizer(int channels, int shift)
        {
            if (channels < 1 || channels > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), "channels must be in [1, 65535], got " + channels);
            }

            if (shift < 0 || shift > 20)
            {
                throw new ArgumentOutOfRangeException(nameof(shift), "shift must be in [0, 20], got " + shift);
            }

            _mean = new int[channels];
            _spread = new int[channels];
            _shift = shift;
        }

        /// <summary>Channels N.</summary>
        public int Channels
        {
            get { return _mean.Length; }
        }

        /// <summary>Frames folded into the statistics so far.</summary>
        public long Frames
        {
            get { return _frames; }
        }

        /// <summary>Bytes of state (for memory plans).</summary>
        public int StateBytes
        {
            get { return 8 * _mean.Length; }
        }

        /// <summary>Running mean of channel c in signed Q0.15.</summary>
        public int Mean(int c)
        {
            return FixedPoint.RoundingShiftRight(_mean[c], ExtraBits);
        }

        /// <summary>
        /// Folds one frame of signed Q0.15 values into the statistics, then writes the normalised inputs (unsigned
        /// Q0.15) to <paramref name="inputs"/>. Call only with good frames: faulty frames must not move the statistics.
        /// </summary>
        public void Update(short[] values, int valuesOffset, short[] inputs, int inputsOffset)
        {
            int k = _shift;
            long n = _frames + 1;
            int warm = 0;
            while (warm < k && (2L << warm) <= n)
            {
                warm++;
            }

            k = warm;
            for (int c = 0; c < _mean.Length; c++)
            {
                int x = values[valuesOffset + c];
                _mean[c] += FixedPoint.RoundingShiftRight((x << ExtraBits) - _mean[c], k);
                int deviation = (x << ExtraBits) - _mean[c];
                int magnitude = deviation < 0 ? -deviation : deviation;
                _spread[c] += FixedPoint.RoundingShiftRight(magnitude - _spread[c], k);
            }

            _frames = n;
            Normalize(values, valuesOffset, inputs, inputsOffset);
        }

        /// <summary>Normalises one frame with the current statistics, without changing them.</summary>
        public void Normalize(short[] values, int valuesOffset, short[] inputs, int inputsOffset)
        {
            for (int c = 0; c < _mean.Length; c++)
            {
                long deviation = ((long)values[valuesOffset + c] << ExtraBits) - _mean[c];
                long spread = _spread[c] < 1 ? 1 : _spread[c];
                // u = 1/2 + deviation / (4 spread), in Q0.15: 16384 + deviation * 8192 / spread.
                long u = 16384 + deviation * 8192 / spread;
                inputs[inputsOffset + c] = u < 0 ? (short)0 : u > FixedPoint.Q15Max ? FixedPoint.Q15Max : (short)u;
            }
        }

        /// <summary>Copies the statistics out (for checkpoints): 2N ints, means then spreads, and the frame count.</summary>
        public void Export(int[] into, int offset, out long frames)
        {
            Array.Copy(_mean, 0, into, offset, _mean.Length);
            Array.Copy(_spread, 0, into, offset + _mean.Length, _spread.Length);
            frames = _frames;
        }

        /// <summary>Restores statistics written by <see cref="Export"/>.</summary>
        public void Import(int[] from, int offset, long frames)
        {
            if (frames < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(frames), "frame count must be >= 0, got " + frames);
            }

            Array.Copy(from, offset, _mean, 0, _mean.Length);
            Array.Copy(from, offset + _mean.Length, _spread, 0, _spread.Length);
            _frames = frames;
        }
    }
}
