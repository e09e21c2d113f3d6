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
    public sealed class Ads1115FrontEnd : ISensorFrameSource, IDisposable
    {
        /// <summary>Lowest code (a rail).</summary>
        public const int LowRail = short.MinValue;

        /// <summary>Highest code (a rail).</summary>
        public const int HighRail = short.MaxValue;

        private readonly I2cDevice[] _devices;
        private readonly Ads1115[] _adcs;
        private readonly int[] _chipOf;
        private readonly InputMultiplexer[] _inputOf;
        private readonly MeasuringRange _range;
        private readonly DataRate _rate;
        private readonly DataReadyLine _line;
        private readonly FrameHealthMonitor _health;
        private bool _disposed;

        /// <summary>One ADS1115 on <paramref name="i2cDevice"/>; <paramref name="settings"/> default to three differential channels against AIN3.</summary>
        public Ads1115FrontEnd(I2cDevice i2cDevice, Ads1115FrontEndSettings? settings = null, GpioController? gpioController = null, bool shouldDispose = true)
            : this(new[] { i2cDevice ?? throw new ArgumentNullException(nameof(i2cDevice)) }, settings ?? new Ads1115FrontEndSettings(), gpioController, shouldDispose)
        {
        }

        /// <summary>
        /// ADS1115s on <paramref name="i2cDevices"/> (one per entry of settings.Addresses, in order). The
        /// front-end owns and disposes the I2C devices; it disposes <paramref name="gpioController"/> only when
        /// <paramref name="shouldDispose"/> is true. Configures every chip (single-shot mode, range, rate):
        /// a bus failure here is thrown, after disposing the devices.
        /// </summary>
        public Ads1115FrontEnd(IReadOnlyList<I2cDevice> i2cDevices, Ads1115FrontEndSettings settings, GpioController? gpioController = null, bool shouldDispose = true)
        {
            ArgumentNullException.ThrowIfNull(i2cDevices);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            if (i2cDevices.Count != settings.Addresses.Length)
            {
                throw new ArgumentException("need one I2cDevice per address (" + settings.Addresses.Length + "), got " + i2cDevices.Count, nameof(i2cDevices));
            }

            for (int i = 0; i < i2cDevices.Count; i++)
            {
                if (i2cDevices[i] == null)
                {
                    throw new ArgumentNullException(nameof(i2cDevices), "i2cDevices[" + i + "] is null");
                }
            }

            Settings = settings;
            ChannelCount = settings.ChannelCount;
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
                    _adcs[i] = new Ads1115(_devices[i], settings.Inputs[0], _range, _rate, DeviceMode.PowerDown);
                }
            }
            catch
            {
                foreach (I2cDevice d in _devices)
                {
                    d.Dispose();
                }

                throw;
            }

            int inputs = settings.Inputs.Length;
            _chipOf = new int[ChannelCount];
            _inputOf = new InputMultiplexer[ChannelCount];
            for (int c = 0; c < ChannelCount; c++)
            {
                _chipOf[c] = c / inputs;
                _inputOf[c] = settings.Inputs[c % inputs];
            }

            _line = new DataReadyLine(gpioController, settings.DataReadyPin, settings.TriggerPin, settings.DataReadyTimeout, shouldDispose);
            _health = new FrameHealthMonitor(ChannelCount, settings.StuckFrameCount, settings.RailChannelThreshold, LowRail, HighRail);
        }

        /// <summary>
        /// Opens the buses the settings name and builds the front-end. By default the real ones:
        /// I2cDevice.Create for each address and a new GpioController when a data-ready or trigger pin is set.
        /// The host simulator passes openers that return simulated devices; nothing else differs.
        /// </summary>
        public static Ads1115FrontEnd Create(Ads1115FrontEndSettings settings, Func<I2cConnectionSettings, I2cDevice>? openI2c = null, Func<GpioController>? openGpio = null)
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            openI2c ??= I2cDevice.Create;
            var opened = new List<I2cDevice>();
            GpioController? gpio = null;
            try
            {
                for (int i = 0; i < settings.Addresses.Length; i++)
                {
                    opened.Add(openI2c(settings.CreateConnectionSettings(i)));
                }

                if (settings.DataReadyPin >= 0 || settings.TriggerPin >= 0)
                {
                    gpio = openGpio != null ? openGpio() : new GpioController();
                }

                return new Ads1115FrontEnd(opened, settings, gpio, shouldDispose: true);
            }
            catch
            {
                foreach (I2cDevice d in opened)
                {
                    d?.Dispose();
                }

                gpio?.Dispose();
                throw;
            }
        }

        /// <summary>The settings the front-end was built with (validated; do not change them).</summary>
        public Ads1115FrontEndSettings Settings { get; }

        /// <inheritdoc />
        public int ChannelCount { get; }

        /// <inheritdoc />
        public SensorCodeFormat CodeFormat => SensorCodeFormat.Signed16;

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
        /// Reads one channel's raw code (one single-shot conversion) without the frame checks or the data-ready
        /// line. Returns false (and code 0) on a bus error or conversion timeout.
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
        /// Disposes the bindings and the I2C devices, then the data-ready line. The binding writes to the chip
        /// while disposing; if that fails the device is still disposed and the error is not rethrown.
        /// </summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
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

            _line.Dispose();
        }

        private SensorStatus ReadOne(int channel, out short code)
        {
            try
            {
                code = _adcs[_chipOf[channel]].ReadRaw(_inputOf[channel], _range, _rate);
                return SensorStatus.Ok;
            }
            catch (ObjectDisposedException)
            {
                throw;
            }
            catch (TimeoutException)
            {
                // The binding polled the OS bit and the conversion never finished.
                code = 0;
                return SensorStatus.NotReady;
            }
            catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
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
