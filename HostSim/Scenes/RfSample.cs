// RfSample: one labelled RF input, a set of tones (frequency in Hz, power in pW).
using System;

namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>
    /// One labelled RF input: ToneCount tones in FrequenciesHz[0..ToneCount) and PowersPicowatts[0..ToneCount).
    /// Reused from sample to sample (the arrays grow when needed, never shrink).
    /// </summary>
    public sealed class RfSample
    {
        /// <summary>An empty sample with room for <paramref name="capacity"/> tones.</summary>
        public RfSample(int capacity = 16)
        {
            if (capacity < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), "capacity must be >= 1, was " + capacity);
            }

            FrequenciesHz = new long[capacity];
            PowersPicowatts = new long[capacity];
        }

        /// <summary>Tone frequencies, Hz (only the first ToneCount are valid).</summary>
        public long[] FrequenciesHz { get; private set; }

        /// <summary>Tone powers, pW (only the first ToneCount are valid).</summary>
        public long[] PowersPicowatts { get; private set; }

        /// <summary>Number of tones.</summary>
        public int ToneCount { get; private set; }

        /// <summary>Class label, 0 .. ClassCount-1 of the scene.</summary>
        public int Label { get; set; }

        /// <summary>Position of the sample in its scene's stream (0 for the first).</summary>
        public long Index { get; set; }

        /// <summary>True when the sample belongs to a class that was not present at the start of the stream.</summary>
        public bool IsNovel { get; set; }

        /// <summary>Removes every tone (label and index are kept).</summary>
        public void Clear()
        {
            ToneCount = 0;
        }

        /// <summary>Appends a tone (frequency > 0 Hz, power >= 0 pW).</summary>
        public void AddTone(long frequencyHz, long powerPicowatts)
        {
            if (frequencyHz <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(frequencyHz), "tone frequency must be positive, was " + frequencyHz + " Hz");
            }

            if (powerPicowatts < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(powerPicowatts), "tone power must be >= 0, was " + powerPicowatts + " pW");
            }

            if (ToneCount == FrequenciesHz.Length)
            {
                int n = FrequenciesHz.Length * 2;
                long[] f = new long[n];
                long[] p = new long[n];
                Array.Copy(FrequenciesHz, f, ToneCount);
                Array.Copy(PowersPicowatts, p, ToneCount);
                FrequenciesHz = f;
                PowersPicowatts = p;
            }

            FrequenciesHz[ToneCount] = frequencyHz;
            PowersPicowatts[ToneCount] = powerPicowatts;
            ToneCount++;
        }

        /// <summary>Sum of the tone powers, pW (saturating).</summary>
        public long TotalPowerPicowatts()
        {
            long sum = 0;
            for (int i = 0; i < ToneCount; i++)
            {
                sum = Devices.SimMath.AddSaturate(sum, PowersPicowatts[i]);
            }

            return sum;
        }
    }
}
