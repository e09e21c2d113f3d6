// Mcp3008FrontEnd: spin-diode channels read through MCP3008 10-bit ADCs with the Iot.Device.Adc.Mcp3008
// binding (Iot.Device.Bindings), one chip per SPI chip select.
//
// Wire protocol (one 3-byte full-duplex transfer per channel, SPI mode 0, MSB first):
//
//   MOSI  0 0 0 0 0 0 0 1 | S D2 D1 D0 x x x x | x x x x x x x x      S = 1 single-ended, D2..D0 = input
//   MISO  z z z z z z z z | z  z  z  z z 0 B9 B8 | B7 B6 B5 B4 B3 B2 B1 B0
//                                       ^ null bit (0, checked by the binding)
//   code = ((b1 & 0x03) << 8) | b2, 0 .. 1023 = floor(1024 V_in / V_REF)
//
// Signal chain: spin diode (+/- a few mV) -> amplifier, gain G around V_mid = V_REF / 2 -> CHx. Frame
// channel c = input c % 8 of chip c / 8. Codes are returned raw (SensorCodeFormat.Unsigned10); the runtime
// converts them with SensorCodeConverter (mid-scale 512 = 0).
using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.Spi;
using System.IO;
using EdgeLearn.Runtime.Streaming;
using Iot.Device.Adc;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>
    /// Sensor front-end over one or more MCP3008 ADCs: reads a frame of raw codes through the real binding,
    /// with an optional data-ready input and trigger output, and reports bus errors, stuck and
    /// rail-saturated frames and missing data-ready as <see cref="SensorStatus"/>.
    /// Disposes the SPI devices it is given (and the GPIO controller when told to).
    /// </summary>
    public sealed class Mcp3008FrontEnd : ISensorFrameSource, IDisposable
    {
        /// <summary>Lowest code (a rail).</summary>
        public const int LowRail = 0;

        /// <summary>Highest code (a rail).</summary>
        public const int HighRail = 1023;

        private readonly Mcp3008[] _adcs;
        private readonly int[] _chipOf;
        private readonly int[] _inputOf;
        private readonly DataReadyLine _line;
        private readonly FrameHealthMonitor _health;
        private bool _disposed;

        /// <summary>
        /// One MCP3008 on <paramref name="spiDevice"/>; <paramref name="settings"/> default to 8 channels and no
        /// data-ready line.
        /// </summary>
        public Mcp3008FrontEnd(SpiDevice spiDevice, Mcp3008FrontEndSettings? settings = null, GpioController? gpioController = null, bool shouldDispose = true)
            : this(new[] { spiDevice ?? throw new ArgumentNullException(nameof(spiDevice)) }, settings ?? new Mcp3008FrontEndSettings(), gpioController, shouldDispose)
        {
        }

        /// <summary>
        /// MCP3008s on <paramref name="spiDevices"/> (one per entry of settings.ChipSelectLines, in order).
        /// The front-end owns and disposes the SPI devices; it disposes <paramref name="gpioController"/>
        /// only when <paramref name="shouldDispose"/> is true.
        /// </summary>
        public Mcp3008FrontEnd(IReadOnlyList<SpiDevice> spiDevices, Mcp3008FrontEndSettings settings, GpioController? gpioController = null, bool shouldDispose = true)
        {
            ArgumentNullException.ThrowIfNull(spiDevices);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            if (spiDevices.Count != settings.ChipSelectLines.Length)
            {
                throw new ArgumentException("need one SpiDevice per chip select (" + settings.ChipSelectLines.Length + "), got " + spiDevices.Count, nameof(spiDevices));
            }

            for (int i = 0; i < spiDevices.Count; i++)
            {
                if (spiDevices[i] == null)
                {
                    throw new ArgumentNullException(nameof(spiDevices), "spiDevices[" + i + "] is null");
                }
            }

            Settings = settings;
            ChannelCount = settings.ChannelCount;
            _adcs = new Mcp3008[spiDevices.Count];
            for (int i = 0; i < _adcs.Length; i++)
            {
                _adcs[i] = new Mcp3008(spiDevices[i]);
            }

            _chipOf = new int[ChannelCount];
            _inputOf = new int[ChannelCount];
            for (int c = 0; c < ChannelCount; c++)
            {
                _chipOf[c] = c / Mcp3008FrontEndSettings.InputsPerChip;
                _inputOf[c] = c % Mcp3008FrontEndSettings.InputsPerChip;
            }

            _line = new DataReadyLine(gpioController, settings.DataReadyPin, settings.TriggerPin, settings.DataReadyTimeout, shouldDispose);
            _health = new FrameHealthMonitor(ChannelCount, settings.StuckFrameCount, settings.RailChannelThreshold, LowRail, HighRail);
        }

        /// <summary>
        /// Opens the buses the settings name and builds the front-end. By default the real ones:
        /// SpiDevice.Create for each chip select and a new GpioController when a data-ready or trigger pin is
        /// set. The host simulator passes openers that return simulated devices; nothing else differs.
        /// </summary>
        public static Mcp3008FrontEnd Create(Mcp3008FrontEndSettings settings, Func<SpiConnectionSettings, SpiDevice>? openSpi = null, Func<GpioController>? openGpio = null)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            openSpi ??= SpiDevice.Create;
            var opened = new List<SpiDevice>();
            GpioController? gpio = null;
            try
            {
                for (int i = 0; i < settings.ChipSelectLines.Length; i++)
                {
                    opened.Add(openSpi(settings.CreateConnectionSettings(i)));
                }

                if (settings.DataReadyPin >= 0 || settings.TriggerPin >= 0)
                {
                    gpio = openGpio != null ? openGpio() : new GpioController();
                }

                return new Mcp3008FrontEnd(opened, settings, gpio, shouldDispose: true);
            }
            catch
            {
                foreach (SpiDevice d in opened)
                {
                    d?.Dispose();
                }

                gpio?.Dispose();
                throw;
            }
        }

        /// <summary>The settings the front-end was built with (validated; do not change them).</summary>
        public Mcp3008FrontEndSettings Settings { get; }

        /// <inheritdoc />
        public int ChannelCount { get; }

        /// <inheritdoc />
        public SensorCodeFormat CodeFormat => SensorCodeFormat.Unsigned10;

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
        /// code 0) on a bus error.
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

        /// <summary>Disposes the bindings (and with them the SPI devices) and the data-ready line.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (Mcp3008 adc in _adcs)
            {
                adc.Dispose();
            }

            _line.Dispose();
        }

        private SensorStatus ReadOne(int channel, out short code)
        {
            try
            {
                int raw = _adcs[_chipOf[channel]].Read(_inputOf[channel]);
                if (raw < LowRail || raw > HighRail)
                {
                    // The binding masks to 10 bits; anything else is a broken binding, reported as a bus error.
                    code = 0;
                    return SensorStatus.BusError;
                }

                code = (short)raw;
                return SensorStatus.Ok;
            }
            catch (ObjectDisposedException)
            {
                throw;
            }
            catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                // IOException: the SPI transfer failed; InvalidOperationException: the binding saw a null bit of 1.
                code = 0;
                return SensorStatus.BusError;
            }
        }

        private bool Done(SensorStatus s, out SensorStatus status)
        {
            status = s;
            Counters.Add(s);
            return s == SensorStatus.Ok;
        }
    }
}
