// Mcp3008FrontEndSettings: bus, chip selects, channels and clock of an MCP3008 sensor front-end.
using System;
using System.Device.Spi;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>
    /// Configuration of an <see cref="Mcp3008FrontEnd"/>: one MCP3008 per chip-select line on one SPI bus;
    /// frame channel c is input c % 8 of chip c / 8.
    /// </summary>
    public sealed class Mcp3008FrontEndSettings : SensorFrontEndSettings
    {
        /// <summary>Inputs per MCP3008.</summary>
        public const int InputsPerChip = 8;

        private int _channelCount = 8;

        /// <summary>SPI bus number (0 = /dev/spidev0.x on a Raspberry Pi). Default 0.</summary>
        public int SpiBusId { get; set; }

        /// <summary>Chip-select line of each MCP3008, in channel order. Default { 0 } (CE0).</summary>
        public int[] ChipSelectLines { get; set; } = { 0 };

        /// <summary>Channels per frame, 1 .. 8 x chips. Default 8.</summary>
        public int Channels
        {
            get => _channelCount;
            set => _channelCount = value;
        }

        /// <inheritdoc />
        public override int ChannelCount => _channelCount;

        /// <inheritdoc />
        public override int ChipCount => ChipSelectLines?.Length ?? 0;

        /// <summary>SPI clock, Hz (MCP3008: at most 1.35 MHz at 2.7 V, 3.6 MHz at 5 V). Default 1 000 000.</summary>
        public int SpiClockFrequency { get; set; } = 1_000_000;

        /// <summary>SPI mode (the MCP3008 accepts 0 and 3). Default Mode0.</summary>
        public SpiMode SpiMode { get; set; } = SpiMode.Mode0;

        /// <summary>Settings for a frame of <paramref name="channels"/> channels on enough chips (CE0, CE1, ...).</summary>
        public static Mcp3008FrontEndSettings ForChannels(int channels)
        {
            if (channels < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be >= 1, was " + channels);
            }

            int chips = (channels + InputsPerChip - 1) / InputsPerChip;
            var cs = new int[chips];
            for (int i = 0; i < chips; i++)
            {
                cs[i] = i;
            }

            return new Mcp3008FrontEndSettings { ChipSelectLines = cs, Channels = channels };
        }

        /// <summary>The connection settings used to open chip <paramref name="chip"/> (the one place they are built).</summary>
        public override string DescribeChip(int chip)
        {
            int line = ChipSelectLines != null && (uint)chip < (uint)ChipSelectLines.Length ? ChipSelectLines[chip] : -1;
            return "MCP3008 " + chip + " on SPI bus " + SpiBusId + ", chip select " + line + " (/dev/spidev" + SpiBusId + "." + line
                + "; on a Raspberry Pi enable SPI with dtparam=spi=on, or dtoverlay=spi1-2cs for bus 1, and run as a member of the spi group)";
        }

        /// <summary>Connection settings of chip <paramref name="chip"/> (its chip select), as the binding needs them.</summary>
        public SpiConnectionSettings CreateConnectionSettings(int chip)
        {
            if (ChipSelectLines == null || (uint)chip >= (uint)ChipSelectLines.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(chip), chip, "chip must be in 0.." + ((ChipSelectLines?.Length ?? 0) - 1) + ", was " + chip);
            }

            return new SpiConnectionSettings(SpiBusId, ChipSelectLines[chip])
            {
                ClockFrequency = SpiClockFrequency,
                Mode = SpiMode,
                DataBitLength = 8,
                DataFlow = DataFlow.MsbFirst,
            };
        }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            if (SpiBusId < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(SpiBusId), SpiBusId, "SpiBusId must be >= 0, was " + SpiBusId);
            }

            if (ChipSelectLines == null || ChipSelectLines.Length == 0)
            {
                throw new ArgumentException("ChipSelectLines must list at least one chip select", nameof(ChipSelectLines));
            }

            for (int i = 0; i < ChipSelectLines.Length; i++)
            {
                if (ChipSelectLines[i] < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(ChipSelectLines), ChipSelectLines[i], "ChipSelectLines[" + i + "] must be >= 0, was " + ChipSelectLines[i]);
                }

                for (int j = 0; j < i; j++)
                {
                    if (ChipSelectLines[j] == ChipSelectLines[i])
                    {
                        throw new ArgumentException("ChipSelectLines lists chip select " + ChipSelectLines[i] + " twice", nameof(ChipSelectLines));
                    }
                }
            }

            int max = InputsPerChip * ChipSelectLines.Length;
            if (_channelCount < 1 || _channelCount > max)
            {
                throw new ArgumentOutOfRangeException(nameof(Channels), _channelCount, "Channels must be in 1.." + max + " (8 per chip select), was " + _channelCount);
            }

            if (SpiClockFrequency < 10_000 || SpiClockFrequency > 3_600_000)
            {
                throw new ArgumentOutOfRangeException(nameof(SpiClockFrequency), SpiClockFrequency, "SpiClockFrequency must be in 10 kHz .. 3.6 MHz, was " + SpiClockFrequency);
            }

            if (SpiMode != SpiMode.Mode0 && SpiMode != SpiMode.Mode3)
            {
                throw new ArgumentOutOfRangeException(nameof(SpiMode), SpiMode, "the MCP3008 needs SPI mode 0 or 3, was " + SpiMode);
            }
        }
    }
}
