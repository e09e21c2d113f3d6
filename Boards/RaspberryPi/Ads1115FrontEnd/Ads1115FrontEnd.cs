// Ads1115FrontEnd: spin-diode channels read through ADS1115 16-bit ADCs with the Iot.Device.Ads1115
// binding (Iot.Device.Bindings), one chip per I2C address, single-shot conversions.
//
// Wire protocol (I2C, 7-bit address 0x48 .. 0x4B; registers big-endian), per channel as the binding does it:
//
//   S [addr W] [0x01] [OS MUX2 MUX1 MUX0 PGA2 PGA1 PGA0 MODE=1] [DR2 DR1 DR0 CM CP CL CQ1 CQ0] P   start a conversion
//   S [addr W] [0x01] Sr [addr R] [CONFIG MSB] [CONFIG LSB] P    poll until OS (bit 15) = 1: conversion done
//   S [addr W] [0x00] P  S [addr R] [CONV MSB] [CONV LSB] P       read the signed 16-bit result
//
//   code = clamp(round(V_diff / (FSR / 32768)), -32768, 32767);  FSR = 6.144 .. 0.256 V (PGA)
//
// Signal chain: spin diode -> amplifier (gain G, output around V_mid) -> AINx; V_mid -> AIN3; the
// multiplexer measures AINx - AIN3 = G V_sensor, so codes are bipolar around 0. Codes are returned raw
// (SensorCodeFormat.Signed16) and converted by SensorCodeConverter (code / 32768 = fraction of full scale).
using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.I2c;
using System.IO;
using EdgeLearn.Runtime.Streaming;
using Iot.Device.Ads1115;

namespace EdgeLearn.Boards.RaspberryPi
{
    /// <summary>
    /// Sensor front-end over one or more ADS1115 ADCs: reads a frame of raw codes through the real binding in
    /// single-shot mode, with an optional data-ready input and trigger output, and reports bus errors,
    /// stuck and rail-saturated frames and conversion or data-ready timeouts as <see cref="SensorStatus"/>.
    /// Disposes the I2C devices it is given (and the GPIO controller when told to).
    /// </summary>
    public sealed class Ads1115FrontEnd : SensorFrontEnd
    {
        /// <summary>Lowest code (a rail).</summary>
        public const int LowRail = short.MinValue;

        /// <summary>Highest code (a rail).</summary>
        public const int HighRail = short.MaxValue;

        private readonly I2cDevice[] _devices;
        private readonly Ads1115[] _adcs;
        private readonly InputMultiplexer[] _inputs;
        private readonly MeasuringRange _range;
        private readonly DataRate _rate;

        /// <summary>One ADS1115 on <paramref name="i2cDevice"/>; <paramref name="settings"/> default to three differential channels against AIN3.</summary>
        public Ads1115FrontEnd(I2cDevice i2cDevice, Ads1115FrontEndSettings? settings = null, GpioController? gpioController = null, bool shouldDispose = true)
            : this(new[] { i2cDevice ?? throw new ArgumentNullException(nameof(i2cDevice)) }, settings ?? new Ads1115FrontEndSettings(), gpioController, shouldDispose)
        {
        }

        /// <summary>
        /// ADS1115s on <paramref name="i2cDevices"/> (one per entry of settings.Addresses, in order). The
        /// front-end owns and disposes the I2C devices; it disposes <paramref name="gpioController"/> only when
        /// <paramref name="shouldDispose"/> is true. Configures every chip (single-shot mode, range, rate):
        /// a bus failure here is thrown, after disposing the devices and closing the data-ready pins.
        /// </summary>
        public Ads1115FrontEnd(IReadOnlyList<I2cDevice> i2cDevices, Ads1115FrontEndSettings settings, GpioController? gpioController = null, bool shouldDispose = true)
            : base(CheckArguments(i2cDevices, settings, "address", nameof(i2cDevices)), gpioController, shouldDispose, LowRail, HighRail)
        {
            Settings = settings;
            _inputs = (InputMultiplexer[])settings.Inputs.Clone();
            _range = settings.Range;
            _rate = settings.DataRate;
            _devices = new I2cDevice[i2cDevices.Count];
            _adcs = new Ads1115[i2cDevices.Count];
            for (int i = 0; i < i2cDevices.Count; i++)
            {
                _devices[i] = i2cDevices[i];
            }

            try
            {
                for (int i = 0; i < _adcs.Length; i++)
                {
                    _adcs[i] = new Ads1115(_devices[i], _inputs[0], _range, _rate, DeviceMode.PowerDown);
                }
            }
            catch
            {
                foreach (I2cDevice d in _devices)
                {
                    d.Dispose();
                }

                CloseLinesAfterFailedConstruction();
                throw;
            }
        }

        /// <summary>
        /// Opens the buses the settings name and builds the front-end. By default the real ones:
        /// I2cDevice.Create for each address and a new GpioController when a data-ready or trigger pin is set.
        /// The host simulator passes openers that return simulated devices; nothing else differs.
        /// </summary>
        public static Ads1115FrontEnd Create(Ads1115FrontEndSettings settings, Func<I2cConnectionSettings, I2cDevice>? openI2c = null, Func<GpioController>? openGpio = null)
        {
            Func<I2cConnectionSettings, I2cDevice> open = openI2c ?? OpenRealI2c;
            return CreateWithOpeners(
                settings,
                chip => open(settings.CreateConnectionSettings(chip)),
                openGpio,
                (devices, gpio) => new Ads1115FrontEnd(devices, settings, gpio, shouldDispose: true));
        }

        /// <summary>The settings the front-end was built with (validated; do not change them).</summary>
        public Ads1115FrontEndSettings Settings { get; }

        // A missing bus device file would otherwise surface only as bus errors at every read.
        private static I2cDevice OpenRealI2c(I2cConnectionSettings connection)
        {
            string path = "/dev/i2c-" + connection.BusId;
            if (OperatingSystem.IsLinux() && !File.Exists(path))
            {
                throw new IOException(path + " does not exist");
            }

            return I2cDevice.Create(connection);
        }

        /// <inheritdoc />
        public override SensorCodeFormat CodeFormat => SensorCodeFormat.Signed16;

        /// <summary>One single-shot conversion: input channel % inputs of chip channel / inputs.</summary>
        protected override SensorStatus ReadChannelCode(int channel, out short code)
        {
            // A conversion that never finishes surfaces as the binding's TimeoutException (mapped to NotReady).
            code = _adcs[channel / _inputs.Length].ReadRaw(_inputs[channel % _inputs.Length], _range, _rate);
            return SensorStatus.Ok;
        }

        /// <summary>
        /// Disposes the bindings and the I2C devices. The binding writes to the chip while disposing; if that
        /// fails the device is still disposed and the error is not rethrown.
        /// </summary>
        protected override void DisposeBindings()
        {
            for (int i = 0; i < _adcs.Length; i++)
            {
                try
                {
                    _adcs[i].Dispose();
                }
                catch (Exception e) when (e is IOException || e is TimeoutException || e is InvalidOperationException)
                {
                    // The bus is already failing; the device is disposed below regardless.
                }

                _devices[i].Dispose();
            }
        }
    }
}
