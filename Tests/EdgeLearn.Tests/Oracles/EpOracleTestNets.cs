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

/// Tiny classification sets for the learning sanity tests (deterministic, from Xoshiro128).
internal static class EpOracleTestData
{
    /// XOR-like: x = (a, b, 1 - a, 1 - b) with a, b in {0, 1} plus uniform noise of width 0.3 (clamped to
    /// [0, 1]); label a XOR b. Needs the hidden layer.
    public static (double[][] Inputs, int[] Labels) Xor(uint seed, int count)
    {
        var rng = new Xoshiro128(seed, 5);
        var xs = new double[count][];
        var ys = new int[count];
        for (int s = 0; s < count; s++)
        {
            int a = (int)rng.NextBelow(2);
            int b = (int)rng.NextBelow(2);
            double na = System.Math.Clamp(a + 0.3 * (EpOracleTestNets.Uniform(rng) - 0.5), 0.0, 1.0);
            double nb = System.Math.Clamp(b + 0.3 * (EpOracleTestNets.Uniform(rng) - 0.5), 0.0, 1.0);
            xs[s] = new[] { na, nb, 1.0 - na, 1.0 - nb };
            ys[s] = a ^ b;
        }

        return (xs, ys);
    }

    /// Bars: 12 inputs, 3 classes; class c lights inputs 4c .. 4c+3 at 0.8, the others at 0.2, plus
    /// Gaussian noise of standard deviation 0.15 (clamped). Solvable by binary weights and binary neurons.
    public static (double[][] Inputs, int[] Labels) Bars(uint seed, int count)
    {
        var rng = new Xoshiro128(seed, 7);
        var xs = new double[count][];
        var ys = new int[count];
        for (int s = 0; s < count; s++)
        {
            int k = (int)rng.NextBelow(3);
            ys[s] = k;
            xs[s] = new double[12];
            for (int j = 0; j < 12; j++)
            {
                double level = j / 4 == k ? 0.8 : 0.2;
                xs[s][j] = System.Math.Clamp(level + 0.15 * rng.NextGaussianQ16() / 65536.0, 0.0, 1.0);
            }
        }

        return (xs, ys);
    }

    /// 0, 1, ..., count - 1.
    public static int[] Identity(int count)
    {
        var order = new int[count];
        for (int k = 0; k < count; k++)
        {
            order[k] = k;
        }

        return order;
    }
}
