// SensorFrontEnd: what every ADC front-end does around its binding, written once.
//
//   TryReadFrame   check the buffer -> wait for data-ready -> read channel 0 .. N-1 -> health check
//                  -> pulse the trigger -> count the status
//   bus faults     ObjectDisposedException passes through (a use-after-dispose bug, not a fault);
//                  TimeoutException (a conversion that never finished) -> NotReady;
//                  IOException, InvalidOperationException, UnauthorizedAccessException -> BusError
//   ownership      the device class disposes its bindings and buses (DisposeBindings), then this class
//                  disposes the data-ready line (and the GPIO controller when it owns it)
//
// A device class (Mcp3008FrontEnd, Ads1115FrontEnd) knows only its binding: how to read one channel's raw
// code, the code format and the two rail codes. Its wire-protocol map stays at the top of its own file.
using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.IO;
using EdgeLearn.Runtime.Streaming;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>
    /// Base of the sensor front-ends: the frame read loop, the data-ready and trigger lines, the stuck and
    /// rail checks, the frame counters, the mapping of bus exceptions to <see cref="SensorStatus"/> and the
    /// dispose order. A device class supplies <see cref="ReadChannelCode"/>, <see cref="CodeFormat"/> and
    /// <see cref="DisposeBindings"/>. Not thread-safe.
    /// </summary>
    public abstract class SensorFrontEnd : ISensorFrameSource, IDisposable
    {
        private readonly DataReadyLine _line;
        private readonly FrameHealthMonitor _health;
        private bool _disposed;

        /// <summary>
        /// Opens the data-ready and trigger lines <paramref name="settings"/> name on
        /// <paramref name="gpioController"/> (disposed with this object only when <paramref name="shouldDispose"/>
        /// is true) and sets up the frame checks for codes whose rails are <paramref name="lowRail"/> and
        /// <paramref name="highRail"/>. The caller has validated <paramref name="settings"/>.
        /// </summary>
        protected SensorFrontEnd(SensorFrontEndSettings settings, GpioController? gpioController, bool shouldDispose, int lowRail, int highRail)
        {
            ArgumentNullException.ThrowIfNull(settings);
            ChannelCount = settings.ChannelCount;
            _health = new FrameHealthMonitor(ChannelCount, settings.StuckFrameCount, settings.RailChannelThreshold, lowRail, highRail);
            _line = new DataReadyLine(gpioController, settings.DataReadyPin, settings.TriggerPin, settings.DataReadyTimeout, shouldDispose);
        }

        /// <inheritdoc />
        public int ChannelCount { get; }

        /// <inheritdoc />
        public abstract SensorCodeFormat CodeFormat { get; }

        /// <summary>Frame reads so far, per status.</summary>
        public SensorFrameCounters Counters { get; } = new SensorFrameCounters();

        /// <inheritdoc />
        public bool TryReadFrame(short[] codes, int offset, out SensorStatus status)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentNullException.ThrowIfNull(codes);
            if (offset < 0 || offset > codes.Length - ChannelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "codes[" + offset + " .. +" + ChannelCount + ") exceeds length " + codes.Length);
            }

            if (!_line.WaitReady())
            {
                return Done(SensorStatus.NotReady, out status);
            }

            for (int c = 0; c < ChannelCount; c++)
            {
                SensorStatus s = ReadOne(c, out short code);
                if (s != SensorStatus.Ok)
                {
                    return Done(s, out status);
                }

                codes[offset + c] = code;
            }

            SensorStatus health = _health.Check(codes, offset);
            _line.Acknowledge();
            return Done(health, out status);
        }

        /// <summary>
        /// Reads one channel's raw code without the frame checks or the data-ready line. Returns false (and
        /// code 0) on a bus error or a conversion that never finished.
        /// </summary>
        public bool TryReadChannel(int channel, out short code)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if ((uint)channel >= (uint)ChannelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(channel), channel, "channel must be in 0.." + (ChannelCount - 1) + ", was " + channel);
            }

            return ReadOne(channel, out code) == SensorStatus.Ok;
        }

        /// <summary>
        /// Disposes the bindings and buses (<see cref="DisposeBindings"/>), then the data-ready line and, when
        /// this object owns it, the GPIO controller. A second call does nothing.
        /// </summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            DisposeBindings();
            _line.Dispose();
        }

        /// <summary>
        /// Reads channel <paramref name="channel"/> (0 .. ChannelCount - 1, checked by the caller) through the
        /// binding. Returns <see cref="SensorStatus.Ok"/> with the raw code, or another status for a reply the
        /// binding accepted but the device class rejects. Bus exceptions may escape: the caller maps them
        /// (see the file header) and sets the code to 0 on any status but Ok.
        /// </summary>
        protected abstract SensorStatus ReadChannelCode(int channel, out short code);

        /// <summary>
        /// Disposes every binding and the bus device it reads through, even when one of them fails. Called
        /// once, from <see cref="Dispose"/>.
        /// </summary>
        protected abstract void DisposeBindings();

        /// <summary>
        /// For a device constructor whose own set-up failed after this base constructor ran: closes the
        /// data-ready and trigger pins it opened, leaving the controller to the caller (as when the
        /// constructor throws before the lines are opened).
        /// </summary>
        protected void CloseLinesAfterFailedConstruction()
        {
            _line.ClosePins();
        }

        /// <summary>
        /// The argument checks of a device constructor, run before this base constructor: validates
        /// <paramref name="settings"/>, then checks that <paramref name="devices"/> (the parameter named
        /// <paramref name="devicesName"/>) holds one device per chip, one per <paramref name="perWhat"/>, none
        /// of them null. Returns <paramref name="settings"/>.
        /// </summary>
        protected static TSettings CheckArguments<TSettings, TDevice>(IReadOnlyList<TDevice> devices, TSettings settings, string perWhat, string devicesName)
            where TSettings : SensorFrontEndSettings
            where TDevice : class
        {
            ArgumentNullException.ThrowIfNull(devices, devicesName);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            if (devices.Count != settings.ChipCount)
            {
                throw new ArgumentException("need one " + typeof(TDevice).Name + " per " + perWhat + " (" + settings.ChipCount + "), got " + devices.Count, devicesName);
            }

            for (int i = 0; i < devices.Count; i++)
            {
                if (devices[i] == null)
                {
                    throw new ArgumentNullException(devicesName, devicesName + "[" + i + "] is null");
                }
            }

            return settings;
        }

        /// <summary>
        /// The body of a device class's Create factory: validates <paramref name="settings"/>, opens one bus
        /// device per chip with <paramref name="openChip"/> (given the chip index) and, when the settings use a
        /// data-ready or trigger pin, a GPIO controller (<paramref name="openGpio"/>, or a new
        /// <see cref="GpioController"/>), then builds the front-end with <paramref name="build"/>, which takes
        /// ownership of both. If anything throws, whatever was opened is disposed and the exception rethrown.
        /// </summary>
        protected static TFrontEnd CreateWithOpeners<TFrontEnd, TDevice>(
            SensorFrontEndSettings settings,
            Func<int, TDevice> openChip,
            Func<GpioController>? openGpio,
            Func<TDevice[], GpioController?, TFrontEnd> build)
            where TFrontEnd : SensorFrontEnd
            where TDevice : class, IDisposable
        {
            ArgumentNullException.ThrowIfNull(settings);
            ArgumentNullException.ThrowIfNull(openChip);
            ArgumentNullException.ThrowIfNull(build);
            settings.Validate();
            var opened = new TDevice[settings.ChipCount];
            GpioController? gpio = null;
            try
            {
                for (int i = 0; i < opened.Length; i++)
                {
                    try
                    {
                        opened[i] = openChip(i);
                    }
                    catch (Exception e) when (!(e is ArgumentException))
                    {
                        throw new SensorOpenException("cannot open " + settings.DescribeChip(i) + ": " + e.Message, e);
                    }
                }

                if (settings.DataReadyPin >= 0 || settings.TriggerPin >= 0)
                {
                    try
                    {
                        gpio = openGpio != null ? openGpio() : new GpioController();
                    }
                    catch (Exception e) when (!(e is ArgumentException))
                    {
                        throw new SensorOpenException(
                            "cannot open the GPIO controller for " + DescribePins(settings) + ": " + e.Message
                            + " (it needs the kernel's GPIO character device /dev/gpiochip0, libgpiod, and membership of the gpio group; set data_ready_pin and trigger_pin to -1 to run without these lines)",
                            e);
                    }
                }

                return build(opened, gpio);
            }
            catch
            {
                foreach (TDevice? d in opened)
                {
                    d?.Dispose();
                }

                gpio?.Dispose();
                throw;
            }
        }

        private static string DescribePins(SensorFrontEndSettings settings)
        {
            string ready = "data-ready pin BCM " + settings.DataReadyPin;
            string trigger = "trigger pin BCM " + settings.TriggerPin;
            if (settings.DataReadyPin >= 0 && settings.TriggerPin >= 0)
            {
                return ready + " and " + trigger;
            }

            return settings.DataReadyPin >= 0 ? ready : trigger;
        }

        private SensorStatus ReadOne(int channel, out short code)
        {
            SensorStatus s;
            try
            {
                s = ReadChannelCode(channel, out code);
            }
            catch (ObjectDisposedException)
            {
                throw;
            }
            catch (TimeoutException)
            {
                // A single-shot conversion that never signalled done (the binding polled and gave up).
                s = SensorStatus.NotReady;
                code = 0;
            }
            catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                // IOException: the transfer failed; InvalidOperationException: the binding rejected the reply.
                s = SensorStatus.BusError;
                code = 0;
            }

            if (s != SensorStatus.Ok)
            {
                code = 0;
            }

            return s;
        }

        private bool Done(SensorStatus s, out SensorStatus status)
        {
            status = s;
            Counters.Add(s);
            return s == SensorStatus.Ok;
        }
    }
}
