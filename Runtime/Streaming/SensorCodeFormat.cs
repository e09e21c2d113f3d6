// SensorCodeFormat: how a raw ADC code is laid out (nano-safe).
namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>The layout of the raw codes an <see cref="ISensorFrameSource"/> delivers.</summary>
    public enum SensorCodeFormat
    {
        /// <summary>Unsigned 10-bit offset binary, 0 .. 1023, mid-scale 512 (MCP3008 single-ended with a V_REF/2 bias).</summary>
        Unsigned10 = 0,

        /// <summary>Signed 16-bit two's complement, -32768 .. 32767, code / 32768 = fraction of full scale (ADS1115).</summary>
        Signed16 = 1,
    }
}
