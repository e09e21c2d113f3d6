// ReadoutOracle: the float64 reference of ExtremeLearningReadout (Runtime/Learners/ExtremeLearning), the same rule
// in real numbers on the same Q0.15 inputs:
//   f = x / 2^15 - 1/2;  y = W f + b;  e_c = clamp(t_c - y_c, -1, 1 - 2^-15);  W += 2^-p e f^T (clamped to [-8, 8));  b += 2^-p e
// The only differences from the fixed-point readout are its roundings (W in Q3.12, latent Q8.24, y Q.27, e Q0.15).
using System;

namespace EdgeLearn.HostSim.ExtremeLearning;

/// <summary>Float64 delta-rule readout, the oracle of the fixed-point one.</summary>
public sealed class ReadoutOracle
{
    private readonly double[] features; // [D]
    private readonly double[] outputs;  // [C]

    /// <summary>A readout of <paramref name="featureCount"/> features to <paramref name="classCount"/> classes, rate 2^-<paramref name="rateShift"/>.</summary>
    public ReadoutOracle(int featureCount, int classCount, int rateShift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        FeatureCount = featureCount;
        ClassCount = classCount;
        RateShift = rateShift;
        Weights = new double[classCount * featureCount];
        Biases = new double[classCount];
        features = new double[featureCount];
        outputs = new double[classCount];
    }

    /// <summary>D.</summary>
    public int FeatureCount { get; }

    /// <summary>C.</summary>
    public int ClassCount { get; }

    /// <summary>p of the rate 2^-p.</summary>
    public int RateShift { get; set; }

    /// <summary>W, row-major C x D.</summary>
    public double[] Weights { get; }

    /// <summary>b.</summary>
    public double[] Biases { get; }

    /// <summary>Predicted class of Q0.15 inputs x[offset ..].</summary>
    public int Predict(short[] x, int offset)
    {
        Forward(x, offset);
        return ArgMax();
    }

    /// <summary>Predicts, then learns towards <paramref name="label"/>; returns the prediction.</summary>
    public int TrainSample(short[] x, int offset, int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, ClassCount);
        Forward(x, offset);
        int prediction = ArgMax();
        double rate = Math.ScaleB(1.0, -RateShift);
        for (int c = 0; c < ClassCount; c++)
        {
            double e = Math.Clamp((c == label ? 1.0 : 0.0) - outputs[c], -1.0, 1.0 - (1.0 / 32768));
            int row = c * FeatureCount;
            for (int j = 0; j < FeatureCount; j++)
            {
                Weights[row + j] = Math.Clamp(Weights[row + j] + (rate * e * features[j]), -8.0, 8.0 - (1.0 / 4096));
            }

            Biases[c] += rate * e;
        }

        return prediction;
    }

    private void Forward(short[] x, int offset)
    {
        for (int j = 0; j < FeatureCount; j++)
        {
            features[j] = (x[offset + j] / 32768.0) - 0.5;
        }

        for (int c = 0; c < ClassCount; c++)
        {
            double s = Biases[c];
            int row = c * FeatureCount;
            for (int j = 0; j < FeatureCount; j++)
            {
                s += Weights[row + j] * features[j];
            }

            outputs[c] = s;
        }
    }

    private int ArgMax()
    {
        int best = 0;
        for (int c = 1; c < ClassCount; c++)
        {
            if (outputs[c] > outputs[best])
            {
                best = c;
            }
        }

        return best;
    }
}
