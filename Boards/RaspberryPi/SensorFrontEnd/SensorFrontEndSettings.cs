// SensorFrontEndSettings: what every sensor front-end shares (data-ready/trigger lines, fault checks,
// the amplifier gain it was built with). Device settings derive from it.
using System;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>Settings common to the sensor front-ends. Validate before use; do not change after construction.</summary>
    public abstract class SensorFrontEndSettings
    {
        /// <summary>BCM number of the data-ready input (rising edge or high level = a frame is ready), or -1 for none. Default -1.</summary>
        public int DataReadyPin { get; set; } = -1;

        /// <summary>BCM number of the trigger output (pulsed after each frame is read), or -1 for none. Default -1.</summary>
        public int TriggerPin { get; set; } = -1;

        /// <summary>How long to wait for data-ready before reporting NotReady. Default 100 ms.</summary>
        public TimeSpan DataReadyTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

        /// <summary>Identical frames in a row that make the frame Stuck (0 disables the check). Default 8.</summary>
        public int StuckFrameCount { get; set; } = 8;

        /// <summary>Channels at an ADC rail that make the frame RailSaturated (0 disables the check). Default 1.</summary>
        public int RailChannelThreshold { get; set; } = 1;

        /// <summary>
        /// Gain of the analog amplifier between the sensor and the ADC (set by resistors on the board, recorded
        /// here for the run log and used by the simulator to build the same amplifier). Default 500.
        /// </summary>
        public int AmplifierGain { get; set; } = 500;

        /// <summary>Number of channels per frame these settings describe.</summary>
        public abstract int ChannelCount { get; }

        /// <summary>Number of ADC chips (one bus device each) these settings describe.</summary>
        public abstract int ChipCount { get; }

        /// <summary>
        /// The bus device of chip <paramref name="chip"/> as a person wiring the board would name it, with its Linux
        /// device file and what enables it, for error messages (for example "SPI bus 0, chip select 1 (/dev/spidev0.1)").
        /// </summary>
        public abstract string DescribeChip(int chip);

        /// <summary>Throws <see cref="ArgumentException"/> (or a subclass) naming the first bad setting and its value.</summary>
        public virtual void Validate()
        {
            if (DataReadyPin < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(DataReadyPin), DataReadyPin, "DataReadyPin must be -1 (none) or a pin number, was " + DataReadyPin);
            }

            if (TriggerPin < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(TriggerPin), TriggerPin, "TriggerPin must be -1 (none) or a pin number, was " + TriggerPin);
            }

            if (DataReadyPin >= 0 && DataReadyPin == TriggerPin)
            {
                throw new ArgumentException("DataReadyPin and TriggerPin must differ, both were " + DataReadyPin, nameof(TriggerPin));
            }

            if (DataReadyTimeout < TimeSpan.Zero || DataReadyTimeout > TimeSpan.FromMinutes(10))
            {
                throw new ArgumentOutOfRangeException(nameof(DataReadyTimeout), DataReadyTimeout, "DataReadyTimeout must be in 0 .. 10 min, was " + DataReadyTimeout);
            }

            if (StuckFrameCount < 0 || StuckFrameCount == 1)
            {
                throw new ArgumentOutOfRangeException(nameof(StuckFrameCount), StuckFrameCount, "StuckFrameCount must be 0 (off) or >= 2, was " + StuckFrameCount);
            }

            if (RailChannelThreshold < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(RailChannelThreshold), RailChannelThreshold, "RailChannelThreshold must be >= 0, was " + RailChannelThreshold);
            }

            if (AmplifierGain < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(AmplifierGain), AmplifierGain, "AmplifierGain must be >= 1, was " + AmplifierGain);
            }
        }
    }
}
