// StnoReservoir: one physical STNO time-multiplexed into V virtual neurons (SPINTRONICS.md section 2,
// after the spoken-digit reservoir of Torrejon et al. 2017).
//
// Per frame (an input vector x of M values in signed Q0.15):
//   for k = 0 .. V-1:  I_k = I_bias + I_scale * (sum_j m_kj x_j) / M,  m_kj in {-1, +1} (frozen mask)
//                      hold I_k for theta (the virtual-node duration), integrating the STNO
//                      held_k = p(end of node k) x (1 + v) x (1 + a X_k)    (v frozen, X_k ~ N(0,1) per frame)
// The device state carries over from node to node and frame to frame (the reservoir's memory). The
// detector output seen by the ADC is held_k x DetectorFullScale; channel k of this voltage source is
// virtual neuron k, a sample-and-hold value: reading it twice in a frame gives the same voltage.
// Glossary: V virtual neurons, M inputs per frame, theta node duration (ps).
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Devices
{
    /// <summary>
    /// A time-multiplexed STNO reservoir: one held value per virtual neuron per frame, exposed as an
    /// <see cref="IVoltageSource"/> (channel k = virtual neuron k). Deterministic per seed.
    /// </summary>
    public sealed class StnoReservoir : IVoltageSource
    {
        private readonly StnoParameters _p;
        private readonly StnoNeuron _neuron;
        private readonly sbyte[] _mask;        // [V * M], row k = virtual neuron k
        private readonly long[] _heldQ30;      // [V]
        private readonly long[] _heldNv;       // [V]
        private readonly long _outputScalePpm; // frozen 1 + v, ppm
        private readonly Xoshiro128 _noise;
        private long _frames;

        /// <summary>
        /// Builds a reservoir of <paramref name="virtualNeuronCount"/> virtual neurons over
        /// <paramref name="inputCount"/> inputs. Defaults: theta = tau_2 / 5, I_bias = 2.5 I_th,
        /// I_scale = 1.5 I_th (so drives span [I_th, 4 I_th] before clamping).
        /// </summary>
        public StnoReservoir(StnoParameters parameters, int virtualNeuronCount, int inputCount, uint seed, int deviceIndex = 0,
            long nodeDurationPicoseconds = 0, long biasNanoamps = 0, long scaleNanoamps = 0)
        {
            _p = parameters ?? throw new ArgumentNullException(nameof(parameters));
            _p.Validate();
            if (virtualNeuronCount < 1 || virtualNeuronCount > 1_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(virtualNeuronCount), "virtual neuron count must be in 1..1000000, was " + virtualNeuronCount);
            }

            if (inputCount < 1 || inputCount > 1_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(inputCount), "input count must be in 1..1000000, was " + inputCount);
            }

            if (nodeDurationPicoseconds < 0 || biasNanoamps < 0 || scaleNanoamps < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(nodeDurationPicoseconds), "node duration, bias and scale must be >= 0 (0 = default), were " + nodeDurationPicoseconds + " ps, " + biasNanoamps + " nA, " + scaleNanoamps + " nA");
            }

            if ((long)virtualNeuronCount * inputCount > 100_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(inputCount), "mask of " + virtualNeuronCount + " x " + inputCount + " exceeds 1e8 entries");
            }

            VirtualNeuronCount = virtualNeuronCount;
            InputCount = inputCount;
            NodeDurationPicoseconds = nodeDurationPicoseconds == 0 ? Math.Max(1, _p.RelaxationAtZeta2Picoseconds / 5) : nodeDurationPicoseconds;
            BiasNanoamps = biasNanoamps == 0 ? (_p.ThresholdNanoamps * 5) / 2 : biasNanoamps;
            ScaleNanoamps = scaleNanoamps == 0 ? (_p.ThresholdNanoamps * 3) / 2 : scaleNanoamps;
            _neuron = new StnoNeuron(_p);
            _mask = new sbyte[virtualNeuronCount * inputCount];
            Xoshiro128 maskRng = DeviceStreams.Create(seed, DeviceStreams.StnoMask, deviceIndex);
            for (int i = 0; i < _mask.Length; i++)
            {
                _mask[i] = maskRng.NextBit() ? (sbyte)1 : (sbyte)-1;
            }

            Xoshiro128 variability = DeviceStreams.Create(seed, DeviceStreams.StnoVariability, deviceIndex);
            _outputScalePpm = SimMath.ScaleByGaussian(1_000_000, _p.OutputVariabilityPpm, variability.NextGaussianQ16());
            _noise = DeviceStreams.Create(seed, DeviceStreams.StnoNoise, deviceIndex);
            _heldQ30 = new long[virtualNeuronCount];
            _heldNv = new long[virtualNeuronCount];
        }

        /// <summary>V, the number of virtual neurons (= channels).</summary>
        public int VirtualNeuronCount { get; }

        /// <summary>M, the inputs per frame.</summary>
        public int InputCount { get; }

        /// <summary>theta, the time each virtual neuron's drive is held, ps.</summary>
        public long NodeDurationPicoseconds { get; }

        /// <summary>I_bias, nA.</summary>
        public long BiasNanoamps { get; }

        /// <summary>I_scale, nA.</summary>
        public long ScaleNanoamps { get; }

        /// <summary>Frames run so far.</summary>
        public long FrameCount => _frames;

        /// <summary>The frozen output scale 1 + v of this device, ppm.</summary>
        public long OutputScalePpm => _outputScalePpm;

        /// <summary>The underlying neuron (its state is the reservoir's memory).</summary>
        public StnoNeuron Neuron => _neuron;

        /// <inheritdoc />
        public int ChannelCount => VirtualNeuronCount;

        /// <summary>Mask entry m_kj (+1 or -1).</summary>
        public int Mask(int virtualNeuron, int input)
        {
            if ((uint)virtualNeuron >= (uint)VirtualNeuronCount || (uint)input >= (uint)InputCount)
            {
                throw new ArgumentOutOfRangeException(nameof(virtualNeuron), "mask index (" + virtualNeuron + ", " + input + ") outside " + VirtualNeuronCount + " x " + InputCount);
            }

            return _mask[(virtualNeuron * InputCount) + input];
        }

        /// <summary>Returns the device to rest (the mask, variability and noise stream are kept).</summary>
        public void Reset()
        {
            _neuron.Reset();
            Array.Clear(_heldQ30);
            Array.Clear(_heldNv);
        }

        /// <summary>
        /// Runs one frame: input x[offset .. offset + M) in signed Q0.15 drives the V virtual neurons in
        /// turn; their held outputs replace the previous frame's.
        /// </summary>
        public void RunFrame(short[] inputQ15, int offset)
        {
            ArgumentNullException.ThrowIfNull(inputQ15);
            if (offset < 0 || offset > inputQ15.Length - InputCount)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), "input[" + offset + " .. +" + InputCount + ") exceeds length " + inputQ15.Length);
            }

            for (int k = 0; k < VirtualNeuronCount; k++)
            {
                long sum = 0;
                int row = k * InputCount;
                for (int j = 0; j < InputCount; j++)
                {
                    sum += _mask[row + j] * inputQ15[offset + j];
                }

                // drive = I_bias + I_scale * sum / (M * 2^15)
                long drive = SimMath.AddSaturate(BiasNanoamps, SimMath.MulDivRound(ScaleNanoamps, sum, (long)InputCount << 15));
                _neuron.Run(drive, NodeDurationPicoseconds);
                long p = _neuron.PowerQ30;
                long scaled = SimMath.MulDivRound(p, _outputScalePpm, 1_000_000);
                long noisy = scaled + SimMath.ScaleQ16(SimMath.MulDivRound(scaled, _p.AmplitudeNoisePpm, 1_000_000), _noise.NextGaussianQ16());
                _heldQ30[k] = SimMath.Clamp(noisy, 0, StnoNeuron.One);
                _heldNv[k] = SimMath.MulDivRound(_heldQ30[k], _p.DetectorFullScaleNanovolts, StnoNeuron.One);
            }

            _frames++;
        }

        /// <summary>Held output of virtual neuron k (with variability and amplitude noise), Q2.30 of p.</summary>
        public long HeldPowerQ30(int virtualNeuron)
        {
            CheckChannel(virtualNeuron);
            return _heldQ30[virtualNeuron];
        }

        /// <inheritdoc />
        public long SampleNanovolts(int channel)
        {
            CheckChannel(channel);
            return _heldNv[channel];
        }

        private void CheckChannel(int channel)
        {
            if ((uint)channel >= (uint)VirtualNeuronCount)
            {
                throw new ArgumentOutOfRangeException(nameof(channel), "virtual neuron must be in 0.." + (VirtualNeuronCount - 1) + ", was " + channel);
            }
        }
    }
}
