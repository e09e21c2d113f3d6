// SceneRandom: 64-bit uniform draws for scenes, on top of Xoshiro128.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>Uniform draws over 64-bit ranges (for frequencies in Hz and powers in pW).</summary>
    internal static class SceneRandom
    {
        /// <summary>Uniform integer in [lo, hi] (inclusive), from two 32-bit draws; bias below 2^-32 of the span.</summary>
        public static long Uniform(Xoshiro128 rng, long lo, long hi)
        {
            if (hi < lo)
            {
                throw new ArgumentOutOfRangeException(nameof(hi), "empty range [" + lo + ", " + hi + "]");
            }

            ulong span = (ulong)(hi - lo) + 1;
            ulong x = ((ulong)rng.NextUInt32() << 32) | rng.NextUInt32();
            return span == 0 ? lo + (long)x : lo + (long)(x % span);
        }
    }
}
