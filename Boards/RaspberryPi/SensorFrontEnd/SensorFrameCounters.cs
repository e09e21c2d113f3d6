// SensorFrameCounters: how many frames a front-end delivered with each status.
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>Frame counts per <see cref="SensorStatus"/>. Not thread-safe.</summary>
    public sealed class SensorFrameCounters
    {
        private readonly long[] _counts = new long[5];

        /// <summary>Frames read with status <paramref name="status"/>.</summary>
        public long this[SensorStatus status] => _counts[(int)status];

        /// <summary>All frame reads attempted.</summary>
        public long Total => _counts[0] + _counts[1] + _counts[2] + _counts[3] + _counts[4];

        /// <summary>Counts one frame read.</summary>
        public void Add(SensorStatus status)
        {
            _counts[(int)status]++;
        }

        /// <summary>"ok=... bus_error=... stuck=... rail_saturated=... not_ready=...".</summary>
        public override string ToString()
        {
            return "ok=" + _counts[0] + " bus_error=" + _counts[1] + " stuck=" + _counts[2] + " rail_saturated=" + _counts[3] + " not_ready=" + _counts[4];
        }
    }
}
