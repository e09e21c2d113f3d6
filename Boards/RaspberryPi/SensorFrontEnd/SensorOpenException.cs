// SensorOpenException: a sensor front-end could not open one of its buses or its GPIO lines. The message
// names the device (bus, chip select or address, the Linux device file) and what usually fixes it, because
// the drivers' own messages (for example libgpiod's "Exception while calling libgpiod") do not.
using System;
using System.IO;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>Opening a sensor front-end's SPI/I2C device or GPIO controller failed; the inner exception is the driver's.</summary>
    public sealed class SensorOpenException : IOException
    {
        /// <summary>Creates the exception with a message that names the device and a likely fix.</summary>
        public SensorOpenException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
