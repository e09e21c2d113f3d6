// SpinDiodeParameters: every parameter of the simulated MTJ spin-diode array, with the defaults of
// SPINTRONICS.md section 1. Values marked "assumed" are not from a measured device; they are exposed here
// and logged with every run (see Describe).
//
// Units: Hz as long, power in pW, voltage in nV, ratios in ppm (parts per million), current in nA.
using System;
using System.Globalization;
using System.Text;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Parameters of a <see cref="SpinDiodeArray"/>. Defaults follow SPINTRONICS.md; call <see cref="Validate"/> before use.</summary>
    public sealed class SpinDiodeParameters
    {
        /// <summary>Output channels (ADC inputs). Default 16.</summary>
        public int ChannelCount { get; set; } = 16;

        /// <summary>Devices in series per channel (1 = one device per channel). Default 1.</summary>
        public int ChainLength { get; set; } = 1;

        /// <summary>Whether a chain alternates sign, V = sum_k (-1)^k V_k (true), or adds (false). Default true.</summary>
        public bool ChainAlternatingSign { get; set; } = true;

        /// <summary>Lowest resonance of the geometric grid, Hz. Default 20 MHz (group's code).</summary>
        public long MinResonanceHz { get; set; } = 20_000_000;

        /// <summary>Highest resonance of the geometric grid, Hz. Default 120 MHz (group's code).</summary>
        public long MaxResonanceHz { get; set; } = 120_000_000;

        /// <summary>Damping alpha in ppm; the half-width is w = alpha f_res. Default 10 000 (0.01, group's code).</summary>
        public long DampingPpm { get; set; } = 10_000;

        /// <summary>Peak sensitivity S in nV per uW. Default 8 800 000 (8.8 mV/uW, ideal TMR implied by the group's code).</summary>
        public long SensitivityNanovoltsPerMicrowatt { get; set; } = 8_800_000;

        /// <summary>Phase phi in millidegrees: response = cos(phi) L_A + sin(phi) L_S. Default 0 (purely antisymmetric).</summary>
        public int PhaseMillidegrees { get; set; }

        /// <summary>Frozen variability of f_res: f_res x (1 + sigma X), sigma in ppm. Default 10 000 (1%).</summary>
        public long ResonanceVariabilityPpm { get; set; } = 10_000;

        /// <summary>Frozen variability of S, ppm. Default 50 000 (5%, assumed).</summary>
        public long SensitivityVariabilityPpm { get; set; } = 50_000;

        /// <summary>Frozen variability of alpha, ppm. Default 50 000 (5%, assumed).</summary>
        public long DampingVariabilityPpm { get; set; } = 50_000;

        /// <summary>Frozen offset V_off ~ N(0, sigma), sigma in nV. Default 5 000 (5 uV, assumed).</summary>
        public long OffsetSigmaNanovolts { get; set; } = 5_000;

        /// <summary>Device temperature for Johnson noise, kelvin. Default 300.</summary>
        public int TemperatureKelvin { get; set; } = 300;

        /// <summary>MTJ resistance for Johnson noise, ohm. Default 1 000 (group's code).</summary>
        public long ResistanceOhms { get; set; } = 1_000;

        /// <summary>Amplifier input noise density, pV per sqrt(Hz). Default 10 000 (10 nV/sqrt(Hz), assumed).</summary>
        public long AmplifierNoisePicovoltsPerRootHertz { get; set; } = 10_000;

        /// <summary>Noise bandwidth B of one sample, Hz. Default 100 000 (the MCP3008's Nyquist band at 200 ksps, assumed).</summary>
        public long NoiseBandwidthHz { get; set; } = 100_000;

        /// <summary>Multiplicative (magnetic) noise on the signal per sample, ppm. Default 10 000 (1%, assumed).</summary>
        public long MultiplicativeNoisePpm { get; set; } = 10_000;

        /// <summary>Tuning slope kappa of f_res(I) = f_res0 + kappa (I - I0), Hz per mA. Default 1 000 000 (1 MHz/mA, assumed).</summary>
        public long TuningHertzPerMilliamp { get; set; } = 1_000_000;

        /// <summary>Reference bias current I0 at which the grid resonances hold, nA. Default 0.</summary>
        public long ReferenceBiasNanoamps { get; set; }

        /// <summary>
        /// The realistic-MTJ option of SPINTRONICS.md: the same defaults on a 1-10 GHz geometric grid.
        /// </summary>
        public static SpinDiodeParameters GigahertzGrid(int channelCount)
        {
            return new SpinDiodeParameters
            {
                ChannelCount = channelCount,
                MinResonanceHz = 1_000_000_000,
                MaxResonanceHz = 10_000_000_000,
            };
        }

        /// <summary>Total number of devices, ChannelCount x ChainLength.</summary>
        public int DeviceCount => ChannelCount * ChainLength;

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first parameter out of its range.</summary>
        public void Validate()
        {
            Check(ChannelCount >= 1 && ChannelCount <= 65_536, nameof(ChannelCount), ChannelCount, "1..65536");
            Check(ChainLength >= 1 && ChainLength <= 256, nameof(ChainLength), ChainLength, "1..256");
            Check(MinResonanceHz > 0 && MinResonanceHz <= 1_000_000_000_000L, nameof(MinResonanceHz), MinResonanceHz, "1 Hz .. 1 THz");
            Check(MaxResonanceHz >= MinResonanceHz && MaxResonanceHz <= 1_000_000_000_000L, nameof(MaxResonanceHz), MaxResonanceHz, "MinResonanceHz .. 1 THz");
            Check(DampingPpm >= 1 && DampingPpm <= 500_000, nameof(DampingPpm), DampingPpm, "1..500000 ppm");
            Check(SensitivityNanovoltsPerMicrowatt >= 0 && SensitivityNanovoltsPerMicrowatt <= 1_000_000_000, nameof(SensitivityNanovoltsPerMicrowatt), SensitivityNanovoltsPerMicrowatt, "0..1e9 nV/uW");
            Check(PhaseMillidegrees >= -360_000 && PhaseMillidegrees <= 360_000, nameof(PhaseMillidegrees), PhaseMillidegrees, "-360000..360000");
            Check(ResonanceVariabilityPpm >= 0 && ResonanceVariabilityPpm <= 150_000, nameof(ResonanceVariabilityPpm), ResonanceVariabilityPpm, "0..150000 ppm");
            Check(SensitivityVariabilityPpm >= 0 && SensitivityVariabilityPpm <= 150_000, nameof(SensitivityVariabilityPpm), SensitivityVariabilityPpm, "0..150000 ppm");
            Check(DampingVariabilityPpm >= 0 && DampingVariabilityPpm <= 150_000, nameof(DampingVariabilityPpm), DampingVariabilityPpm, "0..150000 ppm");
            Check(OffsetSigmaNanovolts >= 0 && OffsetSigmaNanovolts <= 1_000_000_000, nameof(OffsetSigmaNanovolts), OffsetSigmaNanovolts, "0..1e9 nV");
            Check(TemperatureKelvin >= 0 && TemperatureKelvin <= 1_000, nameof(TemperatureKelvin), TemperatureKelvin, "0..1000 K");
            Check(ResistanceOhms >= 0 && ResistanceOhms <= 1_000_000_000, nameof(ResistanceOhms), ResistanceOhms, "0..1e9 ohm");
            Check(AmplifierNoisePicovoltsPerRootHertz >= 0 && AmplifierNoisePicovoltsPerRootHertz <= 1_000_000_000, nameof(AmplifierNoisePicovoltsPerRootHertz), AmplifierNoisePicovoltsPerRootHertz, "0..1e9 pV/sqrt(Hz)");
            Check(NoiseBandwidthHz >= 0 && NoiseBandwidthHz <= 100_000_000_000L, nameof(NoiseBandwidthHz), NoiseBandwidthHz, "0..1e11 Hz");
            Check(MultiplicativeNoisePpm >= 0 && MultiplicativeNoisePpm <= 500_000, nameof(MultiplicativeNoisePpm), MultiplicativeNoisePpm, "0..500000 ppm");
            Check(TuningHertzPerMilliamp >= -1_000_000_000_000L && TuningHertzPerMilliamp <= 1_000_000_000_000L, nameof(TuningHertzPerMilliamp), TuningHertzPerMilliamp, "+/-1e12 Hz/mA");
            Check(ReferenceBiasNanoamps >= -1_000_000_000L && ReferenceBiasNanoamps <= 1_000_000_000L, nameof(ReferenceBiasNanoamps), ReferenceBiasNanoamps, "+/-1e9 nA");
        }

        /// <summary>
        /// White-noise standard deviation per sample at the sensor, nV:
        /// sqrt((4 kB T R + e_amp^2) B), computed once in IEEE double with only basic operations and a
        /// square root (both correctly rounded on every target), then rounded to whole nV.
        /// </summary>
        public long WhiteNoiseSigmaNanovolts()
        {
            const double Boltzmann = 1.380649e-23;
            double johnson = 4.0 * Boltzmann * TemperatureKelvin * ResistanceOhms;
            double amp = AmplifierNoisePicovoltsPerRootHertz * 1e-12;
            double variance = (johnson + (amp * amp)) * NoiseBandwidthHz;
            return (long)Math.Round(Math.Sqrt(variance) * 1e9, MidpointRounding.AwayFromZero);
        }

        /// <summary>One line per parameter, "name = value unit (source)", for the run log.</summary>
        public string Describe()
        {
            var sb = new StringBuilder();
            Line(sb, nameof(ChannelCount), ChannelCount, "", "configured");
            Line(sb, nameof(ChainLength), ChainLength, "", "configured");
            Line(sb, nameof(ChainAlternatingSign), ChainAlternatingSign ? 1 : 0, "", "configured");
            Line(sb, nameof(MinResonanceHz), MinResonanceHz, "Hz", "group's code");
            Line(sb, nameof(MaxResonanceHz), MaxResonanceHz, "Hz", "group's code");
            Line(sb, nameof(DampingPpm), DampingPpm, "ppm", "group's code");
            Line(sb, nameof(SensitivityNanovoltsPerMicrowatt), SensitivityNanovoltsPerMicrowatt, "nV/uW", "group's code");
            Line(sb, nameof(PhaseMillidegrees), PhaseMillidegrees, "mdeg", "group's code");
            Line(sb, nameof(ResonanceVariabilityPpm), ResonanceVariabilityPpm, "ppm", "literature");
            Line(sb, nameof(SensitivityVariabilityPpm), SensitivityVariabilityPpm, "ppm", "assumed");
            Line(sb, nameof(DampingVariabilityPpm), DampingVariabilityPpm, "ppm", "assumed");
            Line(sb, nameof(OffsetSigmaNanovolts), OffsetSigmaNanovolts, "nV", "assumed");
            Line(sb, nameof(TemperatureKelvin), TemperatureKelvin, "K", "assumed");
            Line(sb, nameof(ResistanceOhms), ResistanceOhms, "ohm", "group's code");
            Line(sb, nameof(AmplifierNoisePicovoltsPerRootHertz), AmplifierNoisePicovoltsPerRootHertz, "pV/sqrt(Hz)", "assumed");
            Line(sb, nameof(NoiseBandwidthHz), NoiseBandwidthHz, "Hz", "assumed");
            Line(sb, nameof(MultiplicativeNoisePpm), MultiplicativeNoisePpm, "ppm", "assumed");
            Line(sb, nameof(TuningHertzPerMilliamp), TuningHertzPerMilliamp, "Hz/mA", "assumed");
            Line(sb, nameof(ReferenceBiasNanoamps), ReferenceBiasNanoamps, "nA", "assumed");
            Line(sb, "WhiteNoiseSigma", WhiteNoiseSigmaNanovolts(), "nV", "derived");
            return sb.ToString();
        }

        private static void Line(StringBuilder sb, string name, long value, string unit, string source)
        {
            sb.Append("spin_diode.").Append(name).Append(" = ").Append(value.ToString(CultureInfo.InvariantCulture));
            if (unit.Length > 0)
            {
                sb.Append(' ').Append(unit);
            }

            sb.Append(" (").Append(source).Append(")\n");
        }

        private static void Check(bool ok, string name, long value, string range)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, name + " must be in " + range + ", was " + value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
