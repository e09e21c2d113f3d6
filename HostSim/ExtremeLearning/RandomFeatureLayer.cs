// RandomFeatureLayer: the software counterpart of SpintronicNeuronLayer for the extreme-learning comparison: a
// random projection followed by the same nonlinearity, of the same width, in float64, without noise.
//
//   u_k   = sum_j W_kj x_j                  W_kj ~ N(0, 1) frozen (Xoshiro128 Gaussian, stream (seed, ProjectionStream, k))
//   zeta  = clamp(5/2 + (3/4) (u_k - m_k) / s_k, 1, 4)       m_k, s_k from Calibrate, exactly as the hardware layer
//   p_k   = (zeta - 1) / (zeta + Q)                           the settled STNO curve, Q = 2
// x is the RF input as a spectrum (SpectrumBins): for RF-encoded images, pixel j's tone power over the largest
// pixel power, i.e. the noisy image itself. The output goes to the same normaliser and readout as the hardware
// features, through Q15 codes (ToQ15Code), so the two paths differ only in the layer.
// Glossary: H features, P inputs.
using System;
using EdgeLearn.HostSim.Devices;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.ExtremeLearning;

/// <summary>A frozen random projection plus the STNO steady-state nonlinearity (see the file header).</summary>
public sealed class RandomFeatureLayer
{
    /// <summary>Stream kind of the projection weights (clear of the device kinds in DeviceStreams).</summary>
    public const uint ProjectionStream = 32;

    private readonly double[] weights; // [H * P]
    private readonly double[] mean;    // [H]
    private readonly double[] spread;  // [H]
    private readonly double[] pre;     // [H]
    private readonly double nonlinearity;

    /// <summary>A layer of <paramref name="features"/> units over <paramref name="inputs"/> inputs; Q = <paramref name="nonlinearityMilli"/> / 1000.</summary>
    public RandomFeatureLayer(int features, int inputs, uint seed, long nonlinearityMilli = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        if ((long)features * inputs > 50_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(inputs), $"{features} x {inputs} weights exceed 5e7");
        }

        FeatureCount = features;
        InputCount = inputs;
        weights = new double[features * inputs];
        for (int k = 0; k < features; k++)
        {
            Xoshiro128 rng = DeviceStreams.Create(seed, ProjectionStream, k);
            for (int j = 0; j < inputs; j++)
            {
                weights[(k * inputs) + j] = rng.NextGaussianQ16() / 65536.0;
            }
        }

        mean = new double[features];
        spread = new double[features];
        Array.Fill(spread, 1.0);
        pre = new double[features];
        nonlinearity = nonlinearityMilli / 1000.0;
    }

    /// <summary>H.</summary>
    public int FeatureCount { get; }

    /// <summary>P.</summary>
    public int InputCount { get; }

    /// <summary>Sets each unit's mean and spread from <paramref name="count"/> inputs (row i of <paramref name="inputs"/>, P values each).</summary>
    public void Calibrate(double[] inputs, int count)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if ((long)count * InputCount > inputs.Length)
        {
            throw new ArgumentException($"need {count} x {InputCount} inputs, have {inputs.Length}", nameof(inputs));
        }

        var sum = new double[FeatureCount];
        var sumSquares = new double[FeatureCount];
        for (int i = 0; i < count; i++)
        {
            Project(inputs, i * InputCount);
            for (int k = 0; k < FeatureCount; k++)
            {
                sum[k] += pre[k];
                sumSquares[k] += pre[k] * pre[k];
            }
        }

        for (int k = 0; k < FeatureCount; k++)
        {
            mean[k] = sum[k] / count;
            spread[k] = Math.Max(1e-12, Math.Sqrt(Math.Max(0, (sumSquares[k] / count) - (mean[k] * mean[k]))));
        }
    }

    /// <summary>Computes the H features p_k in [0, 3/(4+Q)] of <paramref name="x"/>[offset ..] into <paramref name="features"/>.</summary>
    public void Compute(double[] x, int offset, double[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Project(x, offset);
        for (int k = 0; k < FeatureCount; k++)
        {
            double zeta = Math.Clamp(2.5 + (0.75 * (pre[k] - mean[k]) / spread[k]), 1, 4);
            features[k] = (zeta - 1) / (zeta + nonlinearity);
        }
    }

    /// <summary>A feature in [0, 1/2] as a signed Q0.15 code over that range: round(2 p 65535) - 32768, saturated.</summary>
    public static short ToQ15Code(double p)
    {
        double q = Math.Round(2 * p * 65535) - 32768;
        return (short)Math.Clamp(q, short.MinValue, short.MaxValue);
    }

    private void Project(double[] x, int offset)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (offset < 0 || offset > x.Length - InputCount)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"x[{offset} .. +{InputCount}) exceeds length {x.Length}");
        }

        for (int k = 0; k < FeatureCount; k++)
        {
            double s = 0;
            int row = k * InputCount;
            for (int j = 0; j < InputCount; j++)
            {
                s += weights[row + j] * x[offset + j];
            }

            pre[k] = s;
        }
    }
}
