// DataReadyLine: the optional data-ready input and trigger output of a sensor head, over a real
// System.Device.Gpio.GpioController (on a Raspberry Pi: the kernel's GPIO character device; in the host
// simulator: the same controller over a simulated driver).
//
// Ready means: the data-ready line is high, or a rising edge arrives within the timeout. The level is
// checked before and after the wait, so an edge that lands between the check and the wait is not lost.
// After a frame is read the trigger line (if any) is pulsed high then low: "frame taken, start the next".
using System;
using System.Device.Gpio;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>Data-ready wait and trigger pulse over a <see cref="GpioController"/>. Either line is optional.</summary>
    public sealed class DataReadyLine : IDisposable
    {
        private readonly GpioController? _gpio;
        private readonly bool _shouldDispose;
        private readonly int _readyPin;
        private readonly int _triggerPin;
        private readonly TimeSpan _timeout;

        /// <summary>
        /// Opens <paramref name="readyPin"/> as an input and <paramref name="triggerPin"/> as an output (low);
        /// -1 leaves a line unused. A controller is required when either pin is used. When
        /// <paramref name="shouldDispose"/> is true the controller is disposed with this object.
        /// </summary>
        public DataReadyLine(GpioController? gpioController, int readyPin, int triggerPin, TimeSpan timeout, bool shouldDispose)
        {
            if ((readyPin >= 0 || triggerPin >= 0) && gpioController == null)
            {
                throw new ArgumentNullException(nameof(gpioController), "a GpioController is needed for data-ready pin " + readyPin + " / trigger pin " + triggerPin);
            }

            _gpio = gpioController;
            _shouldDispose = shouldDispose;
            _readyPin = readyPin;
            _triggerPin = triggerPin;
            _timeout = timeout;
            if (_gpio != null && readyPin >= 0)
            {
                _gpio.OpenPin(readyPin, PinMode.Input);
            }

            if (_gpio != null && triggerPin >= 0)
            {
                _gpio.OpenPin(triggerPin, PinMode.Output, PinValue.Low);
            }
        }

        /// <summary>True when a data-ready pin is in use.</summary>
        public bool HasReadyPin => _readyPin >= 0;

        /// <summary>True when the frame may be read: no data-ready pin, the line is high, or it rose within the timeout.</summary>
        public bool WaitReady()
        {
            if (_gpio == null || _readyPin < 0)
            {
                return true;
            }

            if (_gpio.Read(_readyPin) == PinValue.High)
            {
                return true;
            }

            WaitForEventResult r = _gpio.WaitForEvent(_readyPin, PinEventTypes.Rising, _timeout);
            return !r.TimedOut || _gpio.Read(_readyPin) == PinValue.High;
        }

        /// <summary>Pulses the trigger line (high, then low), if there is one.</summary>
        public void Acknowledge()
        {
            if (_gpio == null || _triggerPin < 0)
            {
                return;
            }

            _gpio.Write(_triggerPin, PinValue.High);
            _gpio.Write(_triggerPin, PinValue.Low);
        }

        /// <summary>Closes the pins this object opened and disposes the controller if it owns it.</summary>
        public void Dispose()
        {
            if (_gpio == null)
            {
                return;
            }

            if (_shouldDispose)
            {
                _gpio.Dispose();
                return;
            }

            ClosePins();
        }

        /// <summary>Closes the pins this object opened (if still open); never disposes the controller.</summary>
        internal void ClosePins()
        {
            if (_gpio == null)
            {
                return;
            }

            if (_readyPin >= 0 && _gpio.IsPinOpen(_readyPin))
            {
                _gpio.ClosePin(_readyPin);
            }

            if (_triggerPin >= 0 && _gpio.IsPinOpen(_triggerPin))
            {
                _gpio.ClosePin(_triggerPin);
            }
        }
    }
}
