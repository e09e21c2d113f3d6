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
using System.IO;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.Spi;
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
    public sealed class Mcp3008FrontEnd : SensorFrontEnd
    {
        /// <summary>Lowest code (a rail).</summary>
        public const int LowRail = 0;

        /// <summary>Highest code (a rail).</summary>
        public const int HighRail = 1023;

        private readonly Mcp3008[] _adcs;

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
            : base(CheckArguments(spiDevices, settings, "chip select", nameof(spiDevices)), gpioController, shouldDispose, LowRail, HighRail)
        {
            Settings = settings;
            _adcs = new Mcp3008[spiDevices.Count];
            for (int i = 0; i < _adcs.Length; i++)
            {
                _adcs[i] = new Mcp3008(spiDevices[i]);
            }
        }

        /// <summary>
        /// Opens the buses the settings name and builds the front-end. By default the real ones:
        /// SpiDevice.Create for each chip select and a new GpioController when a data-ready or trigger pin is
        /// set. The host simulator passes openers that return simulated devices; nothing else differs.
        /// </summary>
        public static Mcp3008FrontEnd Create(Mcp3008FrontEndSettings settings, Func<SpiConnectionSettings, SpiDevice>? openSpi = null, Func<GpioController>? openGpio = null)
        {
            Func<SpiConnectionSettings, SpiDevice> open = openSpi ?? OpenRealSpi;
            return CreateWithOpeners(
                settings,
                chip => open(settings.CreateConnectionSettings(chip)),
                openGpio,
                (devices, gpio) => new Mcp3008FrontEnd(devices, settings, gpio, shouldDispose: true));
        }

        /// <summary>The settings the front-end was built with (validated; do not change them).</summary>
        public Mcp3008FrontEndSettings Settings { get; }

        // SpiDevice.Create opens the device file only at the first transfer; a missing file would then look like
        // a sensor fault that never clears, so it is refused here.
        private static SpiDevice OpenRealSpi(SpiConnectionSettings connection)
        {
            string path = "/dev/spidev" + connection.BusId + "." + connection.ChipSelectLine;
            if (OperatingSystem.IsLinux() && !File.Exists(path))
            {
                throw new IOException(path + " does not exist");
            }

            return SpiDevice.Create(connection);
        }

        /// <inheritdoc />
        public override SensorCodeFormat CodeFormat => SensorCodeFormat.Unsigned10;

        /// <summary>One 3-byte transfer: input channel % 8 of chip channel / 8.</summary>
        protected override SensorStatus ReadChannelCode(int channel, out short code)
        {
            // The binding throws InvalidOperationException when the null bit is 1 (mapped to BusError).
            int raw = _adcs[channel / Mcp3008FrontEndSettings.InputsPerChip].Read(channel % Mcp3008FrontEndSettings.InputsPerChip);
            if (raw < LowRail || raw > HighRail)
            {
                // The binding masks to 10 bits; anything else is a broken binding, reported as a bus error.
                code = 0;
                return SensorStatus.BusError;
            }

            code = (short)raw;
            return SensorStatus.Ok;
        }

        /// <summary>Disposes the bindings, and with them the SPI devices.</summary>
        protected override void DisposeBindings()
        {
            foreach (Mcp3008 adc in _adcs)
            {
                adc.Dispose();
            }
        }
    }
}
