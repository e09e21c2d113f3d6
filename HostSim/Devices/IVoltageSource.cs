// IVoltageSource: what an analog pin sees, one conversion at a time.
namespace EdgeLearn.HostSim.Devices
{
    /// <summary>
    /// A set of analog outputs, in nanovolts. Each call to <see cref="SampleNanovolts"/> is one
    /// conversion's worth of signal: sources with per-sample noise draw fresh noise on every call, so the
    /// order of calls is part of the deterministic sequence (same seed, same call order, same values).
    /// </summary>
    public interface IVoltageSource
    {
        /// <summary>Number of outputs (channels).</summary>
        int ChannelCount { get; }

        /// <summary>Voltage of output <paramref name="channel"/> (0 .. ChannelCount-1) at this conversion, nV.</summary>
        long SampleNanovolts(int channel);
    }
}
