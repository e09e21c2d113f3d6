// SimulatedBoard: the Raspberry Pi board code (Mcp3008FrontEnd / Ads1115FrontEnd) built by its own factory
// over simulated buses. The factory is handed bus openers that return SimulatedMcp3008 / SimulatedAds1115
// for the connection settings it asks for, and a GpioController over a SimulatedGpioDriver; nothing else
// differs from the board.
//
// Wiring:
//   MCP3008: chip k (k-th chip select) input i <- ADC-input channel 8 k + i.
//   ADS1115: chip k, multiplexer setting i <- ADC-input channel k * inputs + i on the setting's positive pin;
//            the negative pin of a differential setting (AIN1 for AIN0-AIN1, else AIN3) is tied to the
//            reference (V_mid), so the converter measures G V_sensor.
using System;
using System.Collections.Generic;
using System.Device.Gpio;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Runtime.Streaming;
using Iot.Device.Ads1115;

namespace EdgeLearn.HostSim.Buses
{
    /// <summary>A board front-end running over simulated ADCs and GPIO lines, with access to the simulated parts.</summary>
    public sealed class SimulatedBoard : IDisposable
    {
        private readonly List<SimulatedMcp3008> _mcp = new List<SimulatedMcp3008>();
        private readonly List<SimulatedAds1115> _ads = new List<SimulatedAds1115>();
        private IDisposable? _frontEndDisposable;
        private bool _gpioConnected;
        private int _readyPin = -1;
        private int _triggerPin = -1;

        private SimulatedBoard(SimulatedClock clock)
        {
            Clock = clock;
            Gpio = new SimulatedGpioDriver();
            Gpio.OutputWritten += OnOutputWritten;
            FrontEnd = null!;
        }

        /// <summary>Raised when the board pulses its trigger line (rising edge), i.e. after each frame it read.</summary>
        public event Action? TriggerPulsed;

        /// <summary>The board front-end, as the runtime sees it.</summary>
        public ISensorFrameSource FrontEnd { get; private set; }

        /// <summary>The MCP3008 front-end, or null for an ADS1115 board.</summary>
        public Mcp3008FrontEnd? Mcp3008FrontEnd { get; private set; }

        /// <summary>The ADS1115 front-end, or null for an MCP3008 board.</summary>
        public Ads1115FrontEnd? Ads1115FrontEnd { get; private set; }

        /// <summary>Simulated MCP3008s, in chip-select order.</summary>
        public IReadOnlyList<SimulatedMcp3008> Mcp3008Chips => _mcp;

        /// <summary>Simulated ADS1115s, in address order.</summary>
        public IReadOnlyList<SimulatedAds1115> Ads1115Chips => _ads;

        /// <summary>The simulated GPIO driver (connected only when the settings use a data-ready or trigger pin).</summary>
        public SimulatedGpioDriver Gpio { get; }

        /// <summary>Simulated time shared by the buses.</summary>
        public SimulatedClock Clock { get; }

        /// <summary>Data-ready pin of the settings, or -1.</summary>
        public int DataReadyPin => _readyPin;

        /// <summary>Trigger pin of the settings, or -1.</summary>
        public int TriggerPin => _triggerPin;

        /// <summary>
        /// An MCP3008 board reading <paramref name="adcInputs"/> (voltages at the ADC pins, e.g. an
        /// <see cref="AnalogFrontEnd"/>), which must have at least settings.ChannelCount channels.
        /// </summary>
        public static SimulatedBoard CreateMcp3008(IVoltageSource adcInputs, Mcp3008FrontEndSettings settings, SimulatedClock? clock = null,
            long referenceNanovolts = AdcTransfer.Mcp3008DefaultReferenceNanovolts)
        {
            ArgumentNullException.ThrowIfNull(adcInputs);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            CheckChannels(adcInputs, settings.ChannelCount);
            var board = new SimulatedBoard(clock ?? new SimulatedClock());
            board._readyPin = settings.DataReadyPin;
            board._triggerPin = settings.TriggerPin;
            try
            {
                Mcp3008FrontEnd fe = Mcp3008FrontEnd.Create(
                    settings,
                    cs =>
                    {
                        int chip = Array.IndexOf(settings.ChipSelectLines, cs.ChipSelectLine);
                        if (chip < 0)
                        {
                            throw new ArgumentException("no MCP3008 on chip select " + cs.ChipSelectLine);
                        }

                        var wiring = AnalogPinWiring.Consecutive(SimulatedMcp3008.PinCount, adcInputs, chip * SimulatedMcp3008.PinCount);
                        var dev = new SimulatedMcp3008(wiring, cs, board.Clock, referenceNanovolts);
                        board._mcp.Add(dev);
                        return dev;
                    },
                    board.ConnectGpio);
                board.Mcp3008FrontEnd = fe;
                board.FrontEnd = fe;
                board._frontEndDisposable = fe;
                return board;
            }
            catch
            {
                board.Dispose();
                throw;
            }
        }

        /// <summary>
        /// An ADS1115 board reading <paramref name="adcInputs"/> (at least settings.ChannelCount channels), with
        /// the negative inputs of differential settings tied to <paramref name="referenceNanovolts"/> (V_mid).
        /// </summary>
        public static SimulatedBoard CreateAds1115(IVoltageSource adcInputs, long referenceNanovolts, Ads1115FrontEndSettings settings, SimulatedClock? clock = null,
            long busClockHz = 100_000)
        {
            ArgumentNullException.ThrowIfNull(adcInputs);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            CheckChannels(adcInputs, settings.ChannelCount);
            var board = new SimulatedBoard(clock ?? new SimulatedClock());
            board._readyPin = settings.DataReadyPin;
            board._triggerPin = settings.TriggerPin;
            try
            {
                Ads1115FrontEnd fe = Ads1115FrontEnd.Create(
                    settings,
                    cs =>
                    {
                        int chip = Array.IndexOf(settings.Addresses, cs.DeviceAddress);
                        if (chip < 0)
                        {
                            throw new ArgumentException("no ADS1115 at address 0x" + cs.DeviceAddress.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                        }

                        var dev = new SimulatedAds1115(Ads1115Wiring(adcInputs, referenceNanovolts, settings.Inputs, chip), cs, board.Clock, busClockHz);
                        board._ads.Add(dev);
                        return dev;
                    },
                    board.ConnectGpio);
                board.Ads1115FrontEnd = fe;
                board.FrontEnd = fe;
                board._frontEndDisposable = fe;
                return board;
            }
            catch
            {
                board.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Pin wiring of ADS1115 number <paramref name="chip"/>: the positive pin of each multiplexer setting to its
        /// channel, the negative pin of differential settings to the reference. Conflicting settings throw.
        /// </summary>
        public static AnalogPinWiring Ads1115Wiring(IVoltageSource adcInputs, long referenceNanovolts, InputMultiplexer[] inputs, int chip)
        {
            ArgumentNullException.ThrowIfNull(adcInputs);
            ArgumentNullException.ThrowIfNull(inputs);
            var wiring = new AnalogPinWiring(SimulatedAds1115.PinCount);
            var role = new int[SimulatedAds1115.PinCount]; // 0 free, 1 channel, 2 reference
            for (int i = 0; i < inputs.Length; i++)
            {
                int mux = (int)inputs[i];
                int plus;
                int minus;
                if (mux >= 4)
                {
                    plus = mux & 3;
                    minus = -1;
                }
                else
                {
                    plus = mux == 3 ? 2 : (mux == 2 ? 1 : 0);
                    minus = mux == 0 ? 1 : 3;
                }

                int channel = (chip * inputs.Length) + i;
                if (role[plus] != 0 && !(role[plus] == 1 && wiring.ChannelOf(plus) == channel))
                {
                    throw new ArgumentException("ADS1115 input " + inputs[i] + " reuses pin AIN" + plus + ", already wired as " + wiring.Describe(plus), nameof(inputs));
                }

                wiring.Connect(plus, adcInputs, channel);
                role[plus] = 1;
                if (minus >= 0)
                {
                    if (role[minus] == 1)
                    {
                        throw new ArgumentException("ADS1115 input " + inputs[i] + " needs AIN" + minus + " as the reference, but it carries a channel", nameof(inputs));
                    }

                    wiring.Tie(minus, referenceNanovolts);
                    role[minus] = 2;
                }
            }

            return wiring;
        }

        /// <summary>Drives the data-ready line (no effect without a data-ready pin, or while the line is dead).</summary>
        public void SetDataReady(bool ready)
        {
            if (_readyPin >= 0)
            {
                Gpio.SetInput(_readyPin, ready ? PinValue.High : PinValue.Low);
            }
        }

        /// <summary>Fault injection: the data-ready line stops moving (held low) while <paramref name="missing"/>.</summary>
        public void SetDataReadyMissing(bool missing)
        {
            if (_readyPin >= 0)
            {
                Gpio.SetLineDead(_readyPin, missing);
            }
        }

        /// <summary>Disposes the front-end (which disposes the simulated buses and the GPIO controller over the driver).</summary>
        public void Dispose()
        {
            _frontEndDisposable?.Dispose();
            _frontEndDisposable = null;
            if (!_gpioConnected)
            {
                Gpio.Dispose();
            }
        }

        private GpioController ConnectGpio()
        {
            _gpioConnected = true;
            return new GpioController(Gpio);
        }

        private static void CheckChannels(IVoltageSource adcInputs, int needed)
        {
            if (adcInputs.ChannelCount < needed)
            {
                throw new ArgumentException("the front-end reads " + needed + " channels but the source has " + adcInputs.ChannelCount, nameof(adcInputs));
            }
        }

        private void OnOutputWritten(int pin, PinValue value)
        {
            if (pin == _triggerPin && value == PinValue.High)
            {
                TriggerPulsed?.Invoke();
            }
        }
    }
}
