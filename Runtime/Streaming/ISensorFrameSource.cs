// ISensorFrameSource: the runtime's view of a sensor, one frame at a time.
//
// A frame is N raw integer ADC codes, one per channel, in channel order. The source does not scale or
// filter: board code returns what the converter produced, and SensorCodeConverter is the one place that
// turns codes into the runtime's number format. Glossary:
//   N      ChannelCount, fixed for the life of the source
//   codes  caller-owned buffer; one frame occupies codes[offset .. offset + N)
// Nano-safe (C# 7.3, no generics): the same interface serves nanoFramework boards and the Raspberry Pi.
namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>
    /// A sensor that delivers frames of raw ADC codes (one code per channel). Implemented by the board
    /// front-ends (MCP3008, ADS1115) and, through them, by the host simulator's simulated buses.
    /// </summary>
    public interface ISensorFrameSource
    {
        /// <summary>Channels per frame, N (at least 1, constant for the life of the source).</summary>
        int ChannelCount { get; }

        /// <summary>How the raw codes are to be read (see <see cref="SensorCodeConverter"/>).</summary>
        SensorCodeFormat CodeFormat { get; }

        /// <summary>
        /// Reads one frame into <paramref name="codes"/>[<paramref name="offset"/> .. offset + N).
        /// Returns true, with <paramref name="status"/> = <see cref="SensorStatus.Ok"/>, when the frame is
        /// good. Returns false otherwise: for <see cref="SensorStatus.Stuck"/> and
        /// <see cref="SensorStatus.RailSaturated"/> the codes that were read are in the buffer (suspect,
        /// but available); for <see cref="SensorStatus.BusError"/> and <see cref="SensorStatus.NotReady"/>
        /// the buffer contents are unspecified. Bus faults never escape as exceptions; a bad buffer
        /// (null, offset out of range, fewer than N places) does.
        /// </summary>
        bool TryReadFrame(short[] codes, int offset, out SensorStatus status);
    }
}
