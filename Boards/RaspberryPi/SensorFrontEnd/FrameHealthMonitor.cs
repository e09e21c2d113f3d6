// FrameHealthMonitor: the checks a front-end applies to every frame it read without a bus error.
//
//   RailSaturated  at least RailChannelThreshold codes equal the ADC's lowest or highest code
//   Stuck          the frame equals the previous StuckFrameCount - 1 frames code for code
// A rail-saturated frame reports RailSaturated even when it also repeats (the rail is the cause worth
// naming); a repeating frame anywhere else reports Stuck. Frames that failed on the bus are never
// passed in, so they neither extend nor break a run of identical frames.
using System;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>Stuck and rail checks over a stream of frames. Allocation-free after construction; not thread-safe.</summary>
    public sealed class FrameHealthMonitor
    {
        private readonly short[] _previous;
        private readonly int _stuckFrameCount;
        private readonly int _railThreshold;
        private readonly int _lowRail;
        private readonly int _highRail;
        private int _repeats;

        /// <summary>
        /// Monitors frames of <paramref name="channelCount"/> codes whose rails are <paramref name="lowRail"/> and
        /// <paramref name="highRail"/>. A count of 0 disables its check.
        /// </summary>
        public FrameHealthMonitor(int channelCount, int stuckFrameCount, int railChannelThreshold, int lowRail, int highRail)
        {
            if (channelCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(channelCount), channelCount, "channel count must be >= 1, was " + channelCount);
            }

            if (stuckFrameCount < 0 || stuckFrameCount == 1)
            {
                throw new ArgumentOutOfRangeException(nameof(stuckFrameCount), stuckFrameCount, "stuck frame count must be 0 (off) or >= 2, was " + stuckFrameCount);
            }

            if (railChannelThreshold < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(railChannelThreshold), railChannelThreshold, "rail channel threshold must be >= 0, was " + railChannelThreshold);
            }

            if (lowRail >= highRail)
            {
                throw new ArgumentException("low rail " + lowRail + " must be below high rail " + highRail, nameof(lowRail));
            }

            _previous = new short[channelCount];
            _stuckFrameCount = stuckFrameCount;
            _railThreshold = railChannelThreshold;
            _lowRail = lowRail;
            _highRail = highRail;
        }

        /// <summary>Identical frames in the current run (1 after a frame that differs from the one before).</summary>
        public int RepeatCount => _repeats;

        /// <summary>Forgets the frame history (the next frame starts a new run).</summary>
        public void Reset()
        {
            _repeats = 0;
        }

        /// <summary>Checks frame codes[offset .. offset + N) and records it as the latest frame.</summary>
        public SensorStatus Check(short[] codes, int offset)
        {
            int n = _previous.Length;
            bool same = _repeats > 0;
            int rails = 0;
            for (int i = 0; i < n; i++)
            {
                short c = codes[offset + i];
                if (c == _lowRail || c == _highRail)
                {
                    rails++;
                }

                if (same && c != _previous[i])
                {
                    same = false;
                }

                _previous[i] = c;
            }

            _repeats = same ? _repeats + 1 : 1;
            if (_railThreshold > 0 && rails >= _railThreshold)
            {
                return SensorStatus.RailSaturated;
            }

            if (_stuckFrameCount > 0 && _repeats >= _stuckFrameCount)
            {
                return SensorStatus.Stuck;
            }

            return SensorStatus.Ok;
        }
    }
}
