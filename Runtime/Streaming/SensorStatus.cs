// SensorStatus: why a frame read did or did not produce a usable frame (nano-safe).
namespace EdgeLearn.Runtime.Streaming
{
    /// <summary>Outcome of <see cref="ISensorFrameSource.TryReadFrame"/>.</summary>
    public enum SensorStatus
    {
        /// <summary>The frame was read and passed every check.</summary>
        Ok = 0,

        /// <summary>A bus transfer failed (SPI/I2C exception); the frame is incomplete.</summary>
        BusError = 1,

        /// <summary>The last several frames were identical code for code: the converter or the sensor is stuck.</summary>
        Stuck = 2,

        /// <summary>At least the configured number of channels read a rail code (ADC minimum or maximum).</summary>
        RailSaturated = 3,

        /// <summary>The data-ready line did not signal a new frame within the timeout.</summary>
        NotReady = 4,
    }
}
