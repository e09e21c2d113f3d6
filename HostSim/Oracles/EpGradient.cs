using System;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>
/// One value per weight and bias of a layered network (the shapes of <see cref="EquilibriumPropagationOracle"/>).
/// What the values mean is said by whoever returns it: the EP estimate is a descent direction
/// (about -dL/dtheta), <see cref="EquilibriumPropagationBptt"/> returns the loss gradient dL/dtheta.
/// </summary>
public sealed class EpGradient
{
    /// <summary>Zero values for the layer sizes n_0 .. n_L (at least two, each &gt;= 1).</summary>
    public EpGradient(int[] layerSizes)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"layerSizes needs at least 2 entries (input and output), got {layerSizes.Length}.", nameof(layerSizes));
        }

        int layers = layerSizes.Length - 1;
        Weights = new double[layers][];
        Biases = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            if (layerSizes[l] < 1 || layerSizes[l + 1] < 1)
            {
                throw new ArgumentException($"layerSizes[{(layerSizes[l] < 1 ? l : l + 1)}] must be >= 1.", nameof(layerSizes));
            }

            Weights[l] = new double[layerSizes[l + 1] * layerSizes[l]]; // n_{l+1} x n_l, row-major
            Biases[l] = new double[layerSizes[l + 1]];                  // n_{l+1}
        }
    }

    /// <summary>Per layer l = 0 .. L-1: n_{l+1} x n_l values, row-major (row i = neuron i of layer l+1).</summary>
    public double[][] Weights { get; }

    /// <summary>Per layer l = 0 .. L-1: n_{l+1} values.</summary>
    public double[][] Biases { get; }

    /// <summary>All values in one vector: W_0, b_0, W_1, b_1, ...</summary>
    public double[] Flatten()
    {
        int total = 0;
        for (int l = 0; l < Weights.Length; l++)
        {
            total += Weights[l].Length + Biases[l].Length;
        }

        var flat = new double[total];
        int at = 0;
        for (int l = 0; l < Weights.Length; l++)
        {
            Array.Copy(Weights[l], 0, flat, at, Weights[l].Length);
            at += Weights[l].Length;
            Array.Copy(Biases[l], 0, flat, at, Biases[l].Length);
            at += Biases[l].Length;
        }

        return flat;
    }

    /// <summary>A copy with every value negated.</summary>
    public EpGradient Negated()
    {
        var layerSizes = new int[Weights.Length + 1];
        for (int l = 0; l < Weights.Length; l++)
        {
            layerSizes[l + 1] = Biases[l].Length;
            layerSizes[l] = Weights[l].Length / Biases[l].Length;
        }

        var result = new EpGradient(layerSizes);
        for (int l = 0; l < Weights.Length; l++)
        {
            for (int k = 0; k < Weights[l].Length; k++)
            {
                result.Weights[l][k] = -Weights[l][k];
            }

            for (int k = 0; k < Biases[l].Length; k++)
            {
                result.Biases[l][k] = -Biases[l][k];
            }
        }

        return result;
    }

    /// <summary>
    /// Cosine similarity of the two flattened vectors (weights and biases of all layers), in [-1, 1];
    /// 0 when either is all zeros. Both must have the same shapes.
    /// </summary>
    public static double Cosine(EpGradient a, EpGradient b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double[] x = a.Flatten();
        double[] y = b.Flatten();
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Shapes differ: {x.Length} values against {y.Length}.", nameof(b));
        }

        double dot = 0.0;
        double xx = 0.0;
        double yy = 0.0;
        for (int k = 0; k < x.Length; k++)
        {
            dot += x[k] * y[k];
            xx += x[k] * x[k];
            yy += y[k] * y[k];
        }

        return xx == 0.0 || yy == 0.0 ? 0.0 : dot / Math.Sqrt(xx * yy);
    }
}
