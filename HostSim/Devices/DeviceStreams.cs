// DeviceStreams: how every simulated part derives its random stream from the run's seed.
//
// Every generator is EdgeLearn.Kernels.Xoshiro128(seed, stream) with stream = kind * 2^24 + index:
// the kind names the purpose (frozen variability, per-sample noise, scene draws ...), the index the
// device or class. Two parts never share a stream, so adding a channel never shifts another channel's
// noise, and a run is reproduced bit for bit from its seed alone.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Stream kinds and the (seed, kind, index) -> generator mapping of the simulator.</summary>
    public static class DeviceStreams
    {
        /// <summary>Frozen device-to-device variability of spin-diode device <c>index</c>.</summary>
        public const uint SpinDiodeVariability = 1;

        /// <summary>Per-sample noise of spin-diode device <c>index</c>.</summary>
        public const uint SpinDiodeNoise = 2;

        /// <summary>Frozen variability of STNO <c>index</c>.</summary>
        public const uint StnoVariability = 3;

        /// <summary>Amplitude noise of STNO <c>index</c>.</summary>
        public const uint StnoNoise = 4;

        /// <summary>Input mask of the time-multiplexed STNO reservoir.</summary>
        public const uint StnoMask = 5;

        /// <summary>Frozen class signatures of an RF scene (index = class).</summary>
        public const uint SceneSignature = 16;

        /// <summary>Sample-by-sample draws of an RF scene (labels, jitter, interferers).</summary>
        public const uint SceneStream = 17;

        /// <summary>Per-pixel power noise of an RF image scene.</summary>
        public const uint SceneNoise = 18;

        /// <summary>Largest index a stream may carry (2^24 - 1).</summary>
        public const int MaxIndex = (1 << 24) - 1;

        /// <summary>The generator of stream (<paramref name="kind"/>, <paramref name="index"/>) of <paramref name="seed"/>.</summary>
        public static Xoshiro128 Create(uint seed, uint kind, int index)
        {
            if (index < 0 || index > MaxIndex)
            {
                throw new ArgumentOutOfRangeException(nameof(index), "stream index must be in 0.." + MaxIndex + ", was " + index);
            }

            if (kind > 255)
            {
                throw new ArgumentOutOfRangeException(nameof(kind), "stream kind must be in 0..255, was " + kind);
            }

            return new Xoshiro128(seed, (kind << 24) | (uint)index);
        }
    }
}
