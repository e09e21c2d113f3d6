// SpinDiodeCalibration: the record that describes one simulated spin-diode device as built (with its
// frozen variability) and as currently tuned. Logged with every run; the learner never reads it.
using System.Globalization;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>Calibration record of one spin-diode device (SPINTRONICS.md section 4).</summary>
    /// <param name="Device">Device index in the array (channel * ChainLength + position).</param>
    /// <param name="Channel">Output channel the device belongs to.</param>
    /// <param name="Sign">+1 or -1: the device's sign in its series chain.</param>
    /// <param name="ResonanceHz">Current resonance f_res (with frozen variability and bias tuning), Hz.</param>
    /// <param name="HalfWidthHz">Current half-width w = alpha f_res, Hz.</param>
    /// <param name="SensitivityNanovoltsPerMicrowatt">Peak sensitivity S with frozen variability, nV/uW.</param>
    /// <param name="OffsetNanovolts">Frozen offset V_off, nV.</param>
    /// <param name="Gain">Amplifier gain G between the device and the ADC (1 when not known).</param>
    /// <param name="BiasNanoamps">Current bias I, nA.</param>
    public sealed record SpinDiodeCalibration(
        int Device,
        int Channel,
        int Sign,
        long ResonanceHz,
        long HalfWidthHz,
        long SensitivityNanovoltsPerMicrowatt,
        long OffsetNanovolts,
        int Gain,
        long BiasNanoamps)
    {
        /// <summary>One log line: "device=3 channel=3 sign=+1 f_res=... Hz w=... Hz S=... nV/uW V_off=... nV G=500 I=0 nA".</summary>
        public string ToLogLine()
        {
            return string.Format(
                CultureInfo.InvariantCulture,
                "device={0} channel={1} sign={2:+0;-0} f_res={3} Hz w={4} Hz S={5} nV/uW V_off={6} nV G={7} I={8} nA",
                Device,
                Channel,
                Sign,
                ResonanceHz,
                HalfWidthHz,
                SensitivityNanovoltsPerMicrowatt,
                OffsetNanovolts,
                Gain,
                BiasNanoamps);
        }
    }
}
