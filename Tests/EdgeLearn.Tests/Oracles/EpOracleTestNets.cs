using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Kernels;

namespace EdgeLearn.Tests.Oracles;

/// Small random networks and data sets for the EP oracle tests, all drawn from Xoshiro128 so every run
/// sees the same numbers.
internal static class EpOracleTestNets
{
    /// Gaussian weights of standard deviation weightScale / sqrt(n_l) and uniform biases in [biasLow, biasHigh].
    public static (double[][] Weights, double[][] Biases) RandomParameters(int[] sizes, double weightScale, double biasLow, double biasHigh, uint seed)
    {
        var rng = new Xoshiro128(seed, 1);
        int layers = sizes.Length - 1;
        var w = new double[layers][];
        var b = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            double sd = weightScale / System.Math.Sqrt(sizes[l]);
            w[l] = new double[sizes[l + 1] * sizes[l]];
            for (int k = 0; k < w[l].Length; k++)
            {
                w[l][k] = sd * rng.NextGaussianQ16() / 65536.0;
            }

            b[l] = new double[sizes[l + 1]];
            for (int i = 0; i < b[l].Length; i++)
            {
                b[l][i] = biasLow + (biasHigh - biasLow) * Uniform(rng);
            }
        }

        return (w, b);
    }

    /// Uniform in [0, 1).
    public static double Uniform(Xoshiro128 rng)
    {
        return rng.NextUInt32() / 4294967296.0;
    }

    /// n values uniform in [0, 1).
    public static double[] UniformVector(Xoshiro128 rng, int n)
    {
        var x = new double[n];
        for (int j = 0; j < n; j++)
        {
            x[j] = Uniform(rng);
        }

        return x;
    }
}
