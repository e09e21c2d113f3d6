// RfSensorRig: a scene, a spin-diode array, an amplifier and a board front-end over simulated ADCs,
// wired together: the full sensing chain the learner reads frames from.
//
//   scene --RfSample--> SpinDiodeArray --nV--> AnalogFrontEnd (G, V_mid) --nV--> simulated ADC pins
//         --SPI/I2C bytes--> real Iot.Device binding --> Mcp3008FrontEnd / Ads1115FrontEnd --> codes
//
// Advance() applies the scene's next sample to the array (and raises data-ready when the board uses a
// data-ready pin); reading a frame then converts the array's voltages, with fresh per-sample noise on every
// conversion. The amplifier's gain is the board settings' AmplifierGain: one number for both sides.
using System;
using System.Collections.Generic;
using System.Text;
using EdgeLearn.Boards.RaspberryPi;
using EdgeLearn.HostSim.Buses;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Runtime.Streaming;
using Iot.Device.Ads1115;

namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>A complete simulated RF sensing chain producing labelled frames of ADC codes. Deterministic per seed.</summary>
    public sealed class RfSensorRig : IDisposable
    {
        private bool _hasCurrent;

        private RfSensorRig(IRfScene scene, SpinDiodeArray array, AnalogFrontEnd afe, SimulatedBoard board, uint seed)
        {
            Scene = scene;
            Array = array;
            AnalogFrontEnd = afe;
            Board = board;
            Seed = seed;
            Current = new RfSample(Math.Max(1, scene.MaxToneCount));
            board.TriggerPulsed += OnTrigger;
        }

        /// <summary>The scene the inputs come from.</summary>
        public IRfScene Scene { get; }

        /// <summary>The spin-diode array (its calibration is for the log; the learner must not use it).</summary>
        public SpinDiodeArray Array { get; }

        /// <summary>The amplifier between array and ADC.</summary>
        public AnalogFrontEnd AnalogFrontEnd { get; }

        /// <summary>The simulated board (buses, fault hooks, data-ready line).</summary>
        public SimulatedBoard Board { get; }

        /// <summary>The board front-end: what the runtime reads frames from.</summary>
        public ISensorFrameSource FrontEnd => Board.FrontEnd;

        /// <summary>The seed of the array (the scene has its own).</summary>
        public uint Seed { get; }

        /// <summary>The sample currently applied to the array (valid after the first successful <see cref="Advance"/>).</summary>
        public RfSample Current { get; }

        /// <summary>True once a sample has been applied.</summary>
        public bool HasCurrent => _hasCurrent;

        /// <summary>Advance to the next sample whenever the board pulses its trigger line (after each frame). Default false.</summary>
        public bool AdvanceOnTrigger { get; set; }

        /// <summary>
        /// A rig with MCP3008s. <paramref name="settings"/> default to enough chips (CE0, CE1, ...) for the array's
        /// channels; the amplifier's gain is settings.AmplifierGain, its other parameters from <paramref name="afe"/>
        /// (whose Gain, if given, must agree).
        /// </summary>
        public static RfSensorRig CreateMcp3008(IRfScene scene, SpinDiodeParameters arrayParameters, uint seed,
            Mcp3008FrontEndSettings? settings = null, AnalogFrontEndParameters? afe = null)
        {
            ArgumentNullException.ThrowIfNull(scene);
            ArgumentNullException.ThrowIfNull(arrayParameters);
            settings ??= Mcp3008FrontEndSettings.ForChannels(arrayParameters.ChannelCount);
            var array = new SpinDiodeArray(arrayParameters, seed);
            AnalogFrontEnd stage = BuildAmplifier(array, settings, afe);
            SimulatedBoard board = SimulatedBoard.CreateMcp3008(stage, settings, null, stage.Parameters.SupplyNanovolts);
            return new RfSensorRig(scene, array, stage, board, seed);
        }

        /// <summary>
        /// A rig with ADS1115s. <paramref name="settings"/> default to three differential channels (AINx - AIN3)
        /// per chip and enough chips (0x48, 0x49, ...) for the array's channels (at most 12); AIN3 is tied to V_mid.
        /// </summary>
        public static RfSensorRig CreateAds1115(IRfScene scene, SpinDiodeParameters arrayParameters, uint seed,
            Ads1115FrontEndSettings? settings = null, AnalogFrontEndParameters? afe = null)
        {
            ArgumentNullException.ThrowIfNull(scene);
            ArgumentNullException.ThrowIfNull(arrayParameters);
            if (settings == null)
            {
                settings = new Ads1115FrontEndSettings();
                int chips = (arrayParameters.ChannelCount + settings.Inputs.Length - 1) / settings.Inputs.Length;
                if (chips > 4)
                {
                    throw new ArgumentOutOfRangeException(nameof(arrayParameters), "four ADS1115s read at most 12 differential channels, the array has " + arrayParameters.ChannelCount);
                }

                var addresses = new int[chips];
                for (int i = 0; i < chips; i++)
                {
                    addresses[i] = (int)I2cAddress.GND + i;
                }

                settings.Addresses = addresses;
            }

            var array = new SpinDiodeArray(arrayParameters, seed);
            AnalogFrontEnd stage = BuildAmplifier(array, settings, afe);
            SimulatedBoard board = SimulatedBoard.CreateAds1115(stage, stage.Parameters.MidNanovolts, settings);
            return new RfSensorRig(scene, array, stage, board, seed);
        }

        /// <summary>
        /// Applies the scene's next sample to the array and raises data-ready. Returns false (nothing changes)
        /// when the scene has ended.
        /// </summary>
        public bool Advance()
        {
            if (!Scene.TryNext(Current))
            {
                return false;
            }

            Array.SetTones(Current.FrequenciesHz, Current.PowersPicowatts, Current.ToneCount);
            _hasCurrent = true;
            Board.SetDataReady(true);
            return true;
        }

        /// <summary>
        /// Advances to the next sample and reads one frame into codes[offset ..]. Returns false only when the
        /// scene has ended; <paramref name="status"/> tells whether the frame is good; <paramref name="label"/>
        /// is the sample's label.
        /// </summary>
        public bool TryAdvanceAndRead(short[] codes, int offset, out int label, out SensorStatus status)
        {
            if (!Advance())
            {
                label = -1;
                status = SensorStatus.NotReady;
                return false;
            }

            label = Current.Label;
            FrontEnd.TryReadFrame(codes, offset, out status);
            return true;
        }

        /// <summary>Calibration record of every device, with the amplifier's gain.</summary>
        public IReadOnlyList<SpinDiodeCalibration> Calibrations()
        {
            return Array.GetCalibrations(AnalogFrontEnd.Parameters.Gain);
        }

        /// <summary>Every parameter of the chain (array, amplifier, board, scene) and every calibration record, for the run log.</summary>
        public string DescribeParameters()
        {
            var sb = new StringBuilder();
            sb.Append("rig.Seed = ").Append(Seed).Append('\n');
            sb.Append("rig.Adc = ").Append(Board.Mcp3008FrontEnd != null ? "MCP3008" : "ADS1115").Append('\n');
            sb.Append("rig.Channels = ").Append(FrontEnd.ChannelCount).Append('\n');
            sb.Append(Array.Parameters.Describe());
            sb.Append(AnalogFrontEnd.Parameters.Describe());
            sb.Append(Scene.Describe());
            foreach (SpinDiodeCalibration c in Calibrations())
            {
                sb.Append("calibration ").Append(c.ToLogLine()).Append('\n');
            }

            return sb.ToString();
        }

        /// <summary>Disposes the board (front-end, simulated buses, GPIO).</summary>
        public void Dispose()
        {
            Board.TriggerPulsed -= OnTrigger;
            Board.Dispose();
        }

        private static AnalogFrontEnd BuildAmplifier(SpinDiodeArray array, SensorFrontEndSettings settings, AnalogFrontEndParameters? afe)
        {
            if (afe != null && afe.Gain != settings.AmplifierGain)
            {
                throw new ArgumentException("amplifier gain " + afe.Gain + " disagrees with the board settings' AmplifierGain " + settings.AmplifierGain, nameof(afe));
            }

            var p = afe ?? new AnalogFrontEndParameters();
            p.Gain = settings.AmplifierGain;
            return new AnalogFrontEnd(array, p);
        }

        private void OnTrigger()
        {
            Board.SetDataReady(false);
            if (AdvanceOnTrigger)
            {
                Advance();
            }
        }
    }
}
