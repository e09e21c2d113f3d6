// SimulatedClock: simulated time shared by the simulated buses.
//
// Simulated time advances only when a bus transaction takes place (by the time the transaction would take
// on the wire) or when a caller advances it; it never reads the wall clock, so a run is reproducible and
// as fast as the host allows. The ADS1115's conversion delay is measured in this time.
using System;
using System.Threading;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>Monotonic simulated time in nanoseconds. Thread-safe.</summary>
    public sealed class SimulatedClock
    {
        private long _now;

        /// <summary>Current simulated time, ns since creation.</summary>
        public long NowNanoseconds => Interlocked.Read(ref _now);

        /// <summary>Moves time forward by <paramref name="nanoseconds"/> (>= 0) and returns the new time.</summary>
        public long Advance(long nanoseconds)
        {
            if (nanoseconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(nanoseconds), "simulated time cannot go back, advance was " + nanoseconds + " ns");
            }

            return Interlocked.Add(ref _now, nanoseconds);
        }

        /// <summary>Time that <paramref name="bits"/> clock periods take at <paramref name="clockHz"/>, ns (rounded up).</summary>
        public static long BitsToNanoseconds(long bits, long clockHz)
        {
            if (clockHz <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(clockHz), "bus clock must be positive, was " + clockHz + " Hz");
            }

            return ((bits * 1_000_000_000L) + clockHz - 1) / clockHz;
        }
    }
}
