// AnalogFrontEnd: the amplifier between the sensor and the ADC (SPINTRONICS.md section 3).
//
//   V_adc = clamp( G (V_sensor + V_amp_off) + V_mid, 0, V_supply )
// V_sensor already carries each device's frozen offset V_off (see SpinDiodeArray); V_amp_off is the
// amplifier's own input offset (0 by default). The output clamps at the amplifier's rails, 0 and
// V_supply, as a rail-to-rail op-amp does. All in nV.
using System;
using System.Globalization;
using System.Text;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Parameters of an <see cref="AnalogFrontEnd"/>.</summary>
    public sealed class AnalogFrontEndParameters
    {
        /// <summary>Voltage gain G. Default 500.</summary>
        public int Gain { get; set; } = 500;

        /// <summary>Output bias V_mid, nV. Default 1 650 000 000 (V_REF / 2 at 3.3 V), so bipolar signals fit a unipolar ADC.</summary>
        public long MidNanovolts { get; set; } = 1_650_000_000;

        /// <summary>Output rail V_supply, nV (the output clamps to [0, V_supply]). Default 3 300 000 000.</summary>
        public long SupplyNanovolts { get; set; } = 3_300_000_000;

        /// <summary>Amplifier input offset, nV. Default 0 (assumed).</summary>
        public long AmplifierOffsetNanovolts { get; set; }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first parameter out of range.</summary>
        public void Validate()
        {
            if (Gain < 1 || Gain > 1_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(Gain), Gain, "Gain must be in 1..1000000, was " + Gain);
            }

            if (SupplyNanovolts <= 0 || SupplyNanovolts > 100_000_000_000L)
            {
                throw new ArgumentOutOfRangeException(nameof(SupplyNanovolts), SupplyNanovolts, "SupplyNanovolts must be in 1..1e11, was " + SupplyNanovolts);
            }

            if (MidNanovolts < 0 || MidNanovolts > SupplyNanovolts)
            {
                throw new ArgumentOutOfRangeException(nameof(MidNanovolts), MidNanovolts, "MidNanovolts must be in 0..SupplyNanovolts (" + SupplyNanovolts + "), was " + MidNanovolts);
            }

            if (AmplifierOffsetNanovolts < -1_000_000_000L || AmplifierOffsetNanovolts > 1_000_000_000L)
            {
                throw new ArgumentOutOfRangeException(nameof(AmplifierOffsetNanovolts), AmplifierOffsetNanovolts, "AmplifierOffsetNanovolts must be within +/-1e9, was " + AmplifierOffsetNanovolts);
            }
        }

        /// <summary>One line per parameter for the run log.</summary>
        public string Describe()
        {
            var sb = new StringBuilder();
            sb.Append("afe.Gain = ").Append(Gain.ToString(CultureInfo.InvariantCulture)).Append(" (spec default)\n");
            sb.Append("afe.MidNanovolts = ").Append(MidNanovolts.ToString(CultureInfo.InvariantCulture)).Append(" nV (spec default)\n");
            sb.Append("afe.SupplyNanovolts = ").Append(SupplyNanovolts.ToString(CultureInfo.InvariantCulture)).Append(" nV (spec default)\n");
            sb.Append("afe.AmplifierOffsetNanovolts = ").Append(AmplifierOffsetNanovolts.ToString(CultureInfo.InvariantCulture)).Append(" nV (assumed)\n");
            return sb.ToString();
        }
    }

    /// <summary>
    /// Amplifier stage: wraps a sensor's <see cref="IVoltageSource"/> and presents the ADC-pin voltages
    /// V_adc = clamp(G (V_sensor + V_amp_off) + V_mid, 0, V_supply).
    /// </summary>
    public sealed class AnalogFrontEnd : IVoltageSource
    {
        private readonly IVoltageSource _sensor;
        private readonly AnalogFrontEndParameters _p;

        /// <summary>Creates the stage over <paramref name="sensor"/>.</summary>
        public AnalogFrontEnd(IVoltageSource sensor, AnalogFrontEndParameters parameters)
        {
            _sensor = sensor ?? throw new ArgumentNullException(nameof(sensor));
            _p = parameters ?? throw new ArgumentNullException(nameof(parameters));
            _p.Validate();
        }

        /// <summary>The parameters (validated).</summary>
        public AnalogFrontEndParameters Parameters => _p;

        /// <summary>The sensor behind the amplifier.</summary>
        public IVoltageSource Sensor => _sensor;

        /// <inheritdoc />
        public int ChannelCount => _sensor.ChannelCount;

        /// <summary>The transfer function alone: clamp(G (v + V_amp_off) + V_mid, 0, V_supply), nV.</summary>
        public long Transfer(long sensorNanovolts)
        {
            long v = SimMath.MulDivRound(SimMath.AddSaturate(sensorNanovolts, _p.AmplifierOffsetNanovolts), _p.Gain, 1);
            return SimMath.Clamp(SimMath.AddSaturate(v, _p.MidNanovolts), 0, _p.SupplyNanovolts);
        }

        /// <inheritdoc />
        public long SampleNanovolts(int channel)
        {
            return Transfer(_sensor.SampleNanovolts(channel));
        }
    }
}
