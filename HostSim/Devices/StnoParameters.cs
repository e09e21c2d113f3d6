// StnoParameters: the spin-torque nano-oscillator neuron of SPINTRONICS.md section 2, every parameter
// exposed with its default. "assumed" values are not from a measured device and are logged with the run.
//
// Units: current in nA, time in ps, ratios in ppm, voltage in nV; Q in thousandths.
using System;
using System.Globalization;
using System.Text;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Parameters of <see cref="StnoNeuron"/> and <see cref="StnoReservoir"/>; call <see cref="Validate"/> before use.</summary>
    public sealed class StnoParameters
    {
        /// <summary>Threshold current I_th, nA. Default 10 000 (10 uA). Drive is clamped to [I_th, 4 I_th].</summary>
        public long ThresholdNanoamps { get; set; } = 10_000;

        /// <summary>Nonlinear damping Q in thousandths. Default 2 000 (Q = 2). Range 0 .. 4 000.</summary>
        public long NonlinearityMilli { get; set; } = 2_000;

        /// <summary>
        /// Relaxation time at zeta = 2, tau_2 = 1 / (2 Gamma_G), ps. Default 100 000 (100 ns, assumed; scan 10 ns - 1 us).
        /// </summary>
        public long RelaxationAtZeta2Picoseconds { get; set; } = 100_000;

        /// <summary>
        /// Integration step dt, ps; at most tau(zeta = 4) / 20 = tau_2 / 60. 0 (default) selects exactly that bound,
        /// rounded down to whole picoseconds.
        /// </summary>
        public long TimeStepPicoseconds { get; set; }

        /// <summary>Floor of the normalised power p, ppm, so oscillation can start. Default 100 (1e-4).</summary>
        public long PowerFloorPpm { get; set; } = 100;

        /// <summary>Relative amplitude noise on each held output, ppm. Default 20 000 (0.02, assumed; range 0.01-0.05).</summary>
        public long AmplitudeNoisePpm { get; set; } = 20_000;

        /// <summary>Frozen device-to-device variability of the output power, ppm. Default 10 000 (1%, assumed).</summary>
        public long OutputVariabilityPpm { get; set; } = 10_000;

        /// <summary>Detector voltage at p = 1, nV (output proportional to p). Default 3 000 000 (3 mV, assumed).</summary>
        public long DetectorFullScaleNanovolts { get; set; } = 3_000_000;

        /// <summary>Device resistance, ohm (recorded for the log). Default 1 000.</summary>
        public long ResistanceOhms { get; set; } = 1_000;

        /// <summary>The integration step in use, ps (resolves the 0 default).</summary>
        public long EffectiveTimeStepPicoseconds => TimeStepPicoseconds == 0 ? RelaxationAtZeta2Picoseconds / 60 : TimeStepPicoseconds;

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first parameter out of range.</summary>
        public void Validate()
        {
            Check(ThresholdNanoamps >= 1 && ThresholdNanoamps <= 1_000_000_000, nameof(ThresholdNanoamps), ThresholdNanoamps, "1..1e9 nA");
            Check(NonlinearityMilli >= 0 && NonlinearityMilli <= 4_000, nameof(NonlinearityMilli), NonlinearityMilli, "0..4000");
            Check(RelaxationAtZeta2Picoseconds >= 60 && RelaxationAtZeta2Picoseconds <= 1_000_000_000, nameof(RelaxationAtZeta2Picoseconds), RelaxationAtZeta2Picoseconds, "60..1e9 ps");
            long maxStep = RelaxationAtZeta2Picoseconds / 60;
            Check(TimeStepPicoseconds >= 0 && TimeStepPicoseconds <= maxStep, nameof(TimeStepPicoseconds), TimeStepPicoseconds, "0..tau_2/60 = " + maxStep + " ps (dt <= tau(zeta=4)/20)");
            Check(PowerFloorPpm >= 1 && PowerFloorPpm <= 100_000, nameof(PowerFloorPpm), PowerFloorPpm, "1..100000 ppm");
            Check(AmplitudeNoisePpm >= 0 && AmplitudeNoisePpm <= 500_000, nameof(AmplitudeNoisePpm), AmplitudeNoisePpm, "0..500000 ppm");
            Check(OutputVariabilityPpm >= 0 && OutputVariabilityPpm <= 150_000, nameof(OutputVariabilityPpm), OutputVariabilityPpm, "0..150000 ppm");
            Check(DetectorFullScaleNanovolts >= 0 && DetectorFullScaleNanovolts <= 10_000_000_000L, nameof(DetectorFullScaleNanovolts), DetectorFullScaleNanovolts, "0..1e10 nV");
            Check(ResistanceOhms >= 0, nameof(ResistanceOhms), ResistanceOhms, ">= 0");
        }

        /// <summary>One line per parameter for the run log.</summary>
        public string Describe()
        {
            var sb = new StringBuilder();
            Line(sb, nameof(ThresholdNanoamps), ThresholdNanoamps, "nA", "spec default");
            Line(sb, nameof(NonlinearityMilli), NonlinearityMilli, "1/1000", "spec default");
            Line(sb, nameof(RelaxationAtZeta2Picoseconds), RelaxationAtZeta2Picoseconds, "ps", "assumed");
            Line(sb, "TimeStepPicoseconds", EffectiveTimeStepPicoseconds, "ps", "derived");
            Line(sb, nameof(PowerFloorPpm), PowerFloorPpm, "ppm", "spec default");
            Line(sb, nameof(AmplitudeNoisePpm), AmplitudeNoisePpm, "ppm", "assumed");
            Line(sb, nameof(OutputVariabilityPpm), OutputVariabilityPpm, "ppm", "assumed");
            Line(sb, nameof(DetectorFullScaleNanovolts), DetectorFullScaleNanovolts, "nV", "assumed");
            Line(sb, nameof(ResistanceOhms), ResistanceOhms, "ohm", "spec default");
            return sb.ToString();
        }

        private static void Line(StringBuilder sb, string name, long value, string unit, string source)
        {
            sb.Append("stno.").Append(name).Append(" = ").Append(value.ToString(CultureInfo.InvariantCulture))
              .Append(' ').Append(unit).Append(" (").Append(source).Append(")\n");
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
