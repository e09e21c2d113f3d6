// AdcFaults: fault injection hooks of a simulated ADC.
//
// Faults act where the real failure would: a failed transfer throws IOException out of the bus call (as
// a Linux spidev/i2c-dev ioctl does), a stuck or rail-saturated converter returns valid-looking codes, and
// a conversion that never completes leaves the ADS1115's OS bit at "busy".
using System.IO;
using System.Threading;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>Which rail a <see cref="AdcFaults.Rail"/> fault pins every code to.</summary>
    public enum RailFault
    {
        /// <summary>No rail fault.</summary>
        None = 0,

        /// <summary>Every conversion returns the lowest code (MCP3008 0, ADS1115 -32768).</summary>
        Low = 1,

        /// <summary>Every conversion returns the highest code (MCP3008 1023, ADS1115 32767).</summary>
        High = 2,
    }

    /// <summary>Fault injection switches of one simulated ADC. Safe to flip from any thread between transfers.</summary>
    public sealed class AdcFaults
    {
        private int _failNext;
        private long _failed;

        /// <summary>Every transfer throws <see cref="IOException"/> while true.</summary>
        public bool FailAllTransfers { get; set; }

        /// <summary>The next N transfers throw <see cref="IOException"/> (counts down, then the bus recovers).</summary>
        public int FailNextTransfers
        {
            get => Volatile.Read(ref _failNext);
            set => Volatile.Write(ref _failNext, value < 0 ? 0 : value);
        }

        /// <summary>When set, every conversion returns this code (converter stuck), whatever the input.</summary>
        public int? StuckCode { get; set; }

        /// <summary>When not <see cref="RailFault.None"/>, every conversion returns that rail's code.</summary>
        public RailFault Rail { get; set; }

        /// <summary>ADS1115 only: a started conversion never completes (the OS bit stays at "busy").</summary>
        public bool ConversionNeverCompletes { get; set; }

        /// <summary>Transfers that failed so far because of this object.</summary>
        public long FailedTransfers => Interlocked.Read(ref _failed);

        /// <summary>Turns every fault off (the failure count is kept).</summary>
        public void Clear()
        {
            FailAllTransfers = false;
            FailNextTransfers = 0;
            StuckCode = null;
            Rail = RailFault.None;
            ConversionNeverCompletes = false;
        }

        /// <summary>Throws <see cref="IOException"/> if a transfer fault is armed (consuming one of FailNextTransfers).</summary>
        internal void ThrowIfTransferFails(string device)
        {
            bool fail = FailAllTransfers;
            if (!fail)
            {
                int n;
                do
                {
                    n = Volatile.Read(ref _failNext);
                    if (n <= 0)
                    {
                        break;
                    }
                }
                while (Interlocked.CompareExchange(ref _failNext, n - 1, n) != n);
                fail = n > 0;
            }

            if (fail)
            {
                Interlocked.Increment(ref _failed);
                throw new IOException(device + ": injected bus fault (transfer failed)");
            }
        }

        /// <summary>The code a conversion returns under the current faults.</summary>
        internal int Apply(int code, int lowRail, int highRail)
        {
            int? stuck = StuckCode;
            if (stuck.HasValue)
            {
                return stuck.Value < lowRail ? lowRail : (stuck.Value > highRail ? highRail : stuck.Value);
            }

            switch (Rail)
            {
                case RailFault.Low: return lowRail;
                case RailFault.High: return highRail;
                default: return code;
            }
        }
    }
}
