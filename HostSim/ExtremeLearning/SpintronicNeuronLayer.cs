// SpintronicNeuronLayer: the simulated MTJ array as the fixed nonlinear layer of extreme learning (ALGORITHMS.md 5,
// after Leroux et al. 2023: MTJs as synapses and as neurons). Synapses: the spin-diode array (SpinDiodeArray,
// SPINTRONICS.md 1) turns the RF input into one DC voltage per channel, a Lorentzian-weighted sum of the tone
// powers (chains of devices give alternating signs). Neurons: each channel's voltage drives one STNO (SPINTRONICS.md 2),
// read after it settled:
//
//   I_k   = I_th (5/2 + (3/4) (V_k - m_k) / s_k)               bias current plus the synapse voltage through a gain
//   zeta  = clamp(I_k / I_th, 1, 4)                            (the STNO's drive clamp)
//   p_k   = (zeta - 1) / (zeta + Q)                             steady-state power, 0 .. 3/(4+Q) (0.5 at Q = 2)
//   out_k = p_k (1 + v_k) (1 + a X) x DetectorFullScale         nV; v_k frozen output variability, X ~ N(0,1) per read
//
// m_k and s_k (mean and standard deviation of channel k's noise-free voltage) are set once by Calibrate from the
// first training inputs, like trimming each neuron's bias current and gain on a board, and then frozen: +/- 2
// standard deviations span the drive range [I_th, 4 I_th]. Nothing learns here. Deterministic per seed: the STNO
// variability and noise streams are (seed, StnoVariability / StnoNoise, NeuronStreamBase + k).
// Integer arithmetic in Q30 (p, zeta, Q) as in StnoNeuron; the calibration statistics are computed once in float64.
// Glossary: H channels = neurons.
using System;
using System.Globalization;
using System.Text;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.ExtremeLearning;

/// <summary>Spin-diode synapses followed by settled STNO neurons, one per channel, as an <see cref="IVoltageSource"/> (detector voltages).</summary>
public sealed class SpintronicNeuronLayer : IVoltageSource
{
    /// <summary>Stream index offset of the layer's neurons (clear of the reservoir's device indices).</summary>
    public const int NeuronStreamBase = 4096;

    private const long One = StnoNeuron.One;
    private readonly SpinDiodeArray synapses;
    private readonly StnoParameters neuron;
    private readonly long[] meanNv;        // [H]
    private readonly long[] spreadNv;      // [H]
    private readonly long[] outputPpm;     // [H] frozen 1 + v_k
    private readonly Xoshiro128[] noise;   // [H]
    private readonly long nonlinearityQ30;

    /// <summary>Neurons over <paramref name="synapses"/>' channels, with STNO parameters <paramref name="neuron"/>; seed for the neurons' streams.</summary>
    public SpintronicNeuronLayer(SpinDiodeArray synapses, StnoParameters neuron, uint seed)
    {
        this.synapses = synapses ?? throw new ArgumentNullException(nameof(synapses));
        this.neuron = neuron ?? throw new ArgumentNullException(nameof(neuron));
        neuron.Validate();
        int h = synapses.ChannelCount;
        meanNv = new long[h];
        spreadNv = new long[h];
        outputPpm = new long[h];
        noise = new Xoshiro128[h];
        for (int k = 0; k < h; k++)
        {
            Xoshiro128 v = DeviceStreams.Create(seed, DeviceStreams.StnoVariability, NeuronStreamBase + k);
            outputPpm[k] = SimMath.ScaleByGaussian(1_000_000, neuron.OutputVariabilityPpm, v.NextGaussianQ16());
            noise[k] = DeviceStreams.Create(seed, DeviceStreams.StnoNoise, NeuronStreamBase + k);
            spreadNv[k] = 1;
        }

        nonlinearityQ30 = SimMath.MulDivRound(One, neuron.NonlinearityMilli, 1000);
    }

    /// <inheritdoc />
    public int ChannelCount => synapses.ChannelCount;

    /// <summary>The synapses.</summary>
    public SpinDiodeArray Synapses => synapses;

    /// <summary>True once <see cref="Calibrate"/> ran.</summary>
    public bool Calibrated { get; private set; }

    /// <summary>
    /// Sets every neuron's bias and gain from the noise-free synapse voltages of <paramref name="count"/> inputs:
    /// <paramref name="applyInput"/>(i) must put input i on the synapses (SetTones).
    /// </summary>
    public void Calibrate(int count, Action<int> applyInput)
    {
        ArgumentNullException.ThrowIfNull(applyInput);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        int h = ChannelCount;
        var sum = new double[h];
        var sumSquares = new double[h];
        for (int i = 0; i < count; i++)
        {
            applyInput(i);
            for (int k = 0; k < h; k++)
            {
                double v = synapses.CleanNanovolts(k);
                sum[k] += v;
                sumSquares[k] += v * v;
            }
        }

        for (int k = 0; k < h; k++)
        {
            double mean = sum[k] / count;
            double variance = Math.Max(0, (sumSquares[k] / count) - (mean * mean));
            meanNv[k] = (long)Math.Round(mean);
            spreadNv[k] = Math.Max(1, (long)Math.Round(Math.Sqrt(variance)));
        }

        Calibrated = true;
    }

    /// <summary>Steady-state normalised power p of neuron <paramref name="channel"/> for synapse voltage <paramref name="synapseNanovolts"/>, Q30.</summary>
    public long PowerQ30(int channel, long synapseNanovolts)
    {
        long threshold = neuron.ThresholdNanoamps;
        long current = (threshold * 5 / 2) + SimMath.MulDivRound(synapseNanovolts - meanNv[channel], 3 * threshold, 4 * spreadNv[channel]);
        long zeta = SimMath.Clamp(SimMath.MulDivRound(current, One, threshold), One, 4 * One);
        return SimMath.MulDivRound(zeta - One, One, zeta + nonlinearityQ30);
    }

    /// <inheritdoc />
    public long SampleNanovolts(int channel)
    {
        long p = PowerQ30(channel, synapses.SampleNanovolts(channel));
        long v = SimMath.MulDivRound(p, neuron.DetectorFullScaleNanovolts, One);
        v = SimMath.MulDivRound(v, outputPpm[channel], 1_000_000);
        return SimMath.ScaleByGaussian(v, neuron.AmplitudeNoisePpm, noise[channel].NextGaussianQ16());
    }

    /// <summary>Every parameter and the calibration of each neuron, for the run log.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(neuron.Describe());
        for (int k = 0; k < ChannelCount; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"neuron {k}: synapse mean {meanNv[k]} nV, spread {spreadNv[k]} nV, output scale {outputPpm[k]} ppm\n");
        }

        return sb.ToString();
    }
}
