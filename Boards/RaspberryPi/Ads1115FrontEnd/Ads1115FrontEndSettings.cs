// Ads1115FrontEndSettings: bus, addresses, inputs, range and rate of an ADS1115 sensor front-end.
using System;
using System.Device.I2c;
using Iot.Device.Ads1115;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>
    /// Configuration of an <see cref="Ads1115FrontEnd"/>: one ADS1115 per I2C address on one bus, each read
    /// through the same list of input multiplexer settings; frame channel c is input c % inputs of chip c / inputs.
    /// </summary>
    public sealed class Ads1115FrontEndSettings : SensorFrontEndSettings
    {
        /// <summary>I2C bus number (1 = /dev/i2c-1 on a Raspberry Pi). Default 1.</summary>
        public int I2cBusId { get; set; } = 1;

        /// <summary>Address of each ADS1115 (0x48 .. 0x4B, set by the ADDR pin), in channel order. Default { 0x48 }.</summary>
        public int[] Addresses { get; set; } = { (int)I2cAddress.GND };

        /// <summary>
        /// Input multiplexer setting of each channel of a chip. Default AIN0-AIN3, AIN1-AIN3, AIN2-AIN3: three
        /// amplifier outputs measured against the V_mid reference wired to AIN3 (bipolar codes around 0).
        /// </summary>
        public InputMultiplexer[] Inputs { get; set; } = { InputMultiplexer.AIN0_AIN3, InputMultiplexer.AIN1_AIN3, InputMultiplexer.AIN2_AIN3 };

        /// <summary>Programmable gain (full-scale range). Default +/-2.048 V (G = 500 maps +/-4 mV to full scale).</summary>
        public MeasuringRange Range { get; set; } = MeasuringRange.FS2048;

        /// <summary>Data rate. Default 860 SPS (the fastest; single-shot conversions take 1/rate).</summary>
        public DataRate DataRate { get; set; } = DataRate.SPS860;

        /// <inheritdoc />
        public override int ChannelCount => (Addresses?.Length ?? 0) * (Inputs?.Length ?? 0);

        /// <inheritdoc />
        public override int ChipCount => Addresses?.Length ?? 0;

        /// <summary>The connection settings used to open chip <paramref name="chip"/> (the one place they are built).</summary>
        public override string DescribeChip(int chip)
        {
            int address = Addresses != null && (uint)chip < (uint)Addresses.Length ? Addresses[chip] : -1;
            return "ADS1115 " + chip + " on I2C bus " + I2cBusId + ", address 0x" + address.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + " (/dev/i2c-" + I2cBusId
                + "; on a Raspberry Pi enable I2C with dtparam=i2c_arm=on, run as a member of the i2c group, and check the ADDR wiring with i2cdetect)";
        }

        /// <summary>Connection settings of chip <paramref name="chip"/> (its address), as the binding needs them.</summary>
        public I2cConnectionSettings CreateConnectionSettings(int chip)
        {
            if (Addresses == null || (uint)chip >= (uint)Addresses.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(chip), chip, "chip must be in 0.." + ((Addresses?.Length ?? 0) - 1) + ", was " + chip);
            }

            return new I2cConnectionSettings(I2cBusId, Addresses[chip]);
        }

        /// <inheritdoc />
        public override void Validate()
        {
            base.Validate();
            if (I2cBusId < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(I2cBusId), I2cBusId, "I2cBusId must be >= 0, was " + I2cBusId);
            }

            if (Addresses == null || Addresses.Length == 0 || Addresses.Length > 4)
            {
                throw new ArgumentException("Addresses must list 1..4 ADS1115 addresses, had " + (Addresses?.Length ?? 0), nameof(Addresses));
            }

            for (int i = 0; i < Addresses.Length; i++)
            {
                if (Addresses[i] < 0x48 || Addresses[i] > 0x4B)
                {
                    throw new ArgumentOutOfRangeException(nameof(Addresses), Addresses[i], "Addresses[" + i + "] must be 0x48..0x4B, was 0x" + Addresses[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }

                for (int j = 0; j < i; j++)
                {
                    if (Addresses[j] == Addresses[i])
                    {
                        throw new ArgumentException("Addresses lists 0x" + Addresses[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + " twice", nameof(Addresses));
                    }
                }
            }

            if (Inputs == null || Inputs.Length == 0 || Inputs.Length > 8)
            {
                throw new ArgumentException("Inputs must list 1..8 multiplexer settings, had " + (Inputs?.Length ?? 0), nameof(Inputs));
            }

            for (int i = 0; i < Inputs.Length; i++)
            {
                if ((int)Inputs[i] < 0 || (int)Inputs[i] > 7)
                {
                    throw new ArgumentOutOfRangeException(nameof(Inputs), Inputs[i], "Inputs[" + i + "] is not a multiplexer setting: " + (int)Inputs[i]);
                }
            }

            if ((int)Range < 0 || (int)Range > 5)
            {
                throw new ArgumentOutOfRangeException(nameof(Range), Range, "Range is not a measuring range: " + (int)Range);
            }

            if ((int)DataRate < 0 || (int)DataRate > 7)
            {
                throw new ArgumentOutOfRangeException(nameof(DataRate), DataRate, "DataRate is not a data rate: " + (int)DataRate);
            }
        }
    }
}
