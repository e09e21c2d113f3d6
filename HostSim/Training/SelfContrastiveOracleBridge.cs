// SelfContrastiveOracleBridge: runs the float64 SCFF oracle (HostSim/Oracles) on exactly the configuration of a
// fixed-point scff run: the same initial weights and biases (the network's integers as real numbers), the same
// quantised inputs (Q0.15 / 2^15), the same sample order (the shared shuffle stream), the same pairs (a second
// SelfContrastivePairSource with the learner's seed replays every view shift and negative partner), and the
// hyperparameters as the fixed-point learner applies them (momentum 1 - 2^-k, Signum step a multiple of 2^-14,
// SGD rate after rounding its multiplier).
using System;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Training;

/// <summary>Builds the SCFF oracle of a fixed-point configuration and feeds it the learner's pairs.</summary>
public static class SelfContrastiveOracleBridge
{
    /// <summary>Real weights and biases of <paramref name="network"/> (call before training for the initial state).</summary>
    public static (double[][] Weights, double[][] Biases) Capture(SelfContrastiveForwardForwardNetwork network)
    {
        NetworkDescription d = network.Description;
        var w = new double[network.LayerCount][];
        var b = new double[network.LayerCount][];
        for (int l = 0; l < network.LayerCount; l++)
        {
            w[l] = new double[d.WeightCount(l)];
            for (int i = 0; i < w[l].Length; i++)
            {
                w[l][i] = network.Weights[l][i] / 16384.0;
            }

            b[l] = new double[d.Size(l + 1)];
            for (int i = 0; i < b[l].Length; i++)
            {
                b[l][i] = network.BiasValue(l, i);
            }
        }

        return (w, b);
    }

    /// <summary>Oracle options equivalent to the fixed-point settings.</summary>
    public static ScffOracleOptions OptionsFor(NetworkDescription description, SelfContrastiveForwardForwardSettings settings)
    {
        int layers = description.WeightLayerCount;
        var sizes = new int[description.LayerCount];
        for (int l = 0; l < sizes.Length; l++)
        {
            sizes[l] = description.Size(l);
        }

        var th1 = new double[layers];
        var th2 = new double[layers];
        var lambda = new double[layers];
        var lr = new double[layers];
        bool signum = settings.Optimizer == ContrastiveOptimizer.Signum;
        for (int l = 0; l < layers; l++)
        {
            th1[l] = settings.Threshold1Q12(l) / 4096.0;
            th2[l] = settings.Threshold2Q12(l) / 4096.0;
            lambda[l] = settings.LambdaQ15(l) / 32768.0;
            lr[l] = signum ? settings.EffectiveSignStep(l) : settings.EffectiveSgdRate(l, description.Size(l + 1));
        }

        return new ScffOracleOptions
        {
            LayerSizes = sizes,
            Threshold1 = th1,
            Threshold2 = th2,
            Lambda = lambda,
            LearningRate = lr,
            Optimizer = signum ? ScffOracleOptimizer.Signum : ScffOracleOptimizer.SgdMomentum,
            Momentum = settings.EffectiveMomentum,
            BatchSize = settings.BatchSize,
            StandardizeHalves = settings.StandardizeHalves,
        };
    }

    /// <summary>The oracle of a configuration, from captured initial parameters.</summary>
    public static SelfContrastiveForwardForwardOracle Create(NetworkDescription description, SelfContrastiveForwardForwardSettings settings, double[][] weights, double[][] biases)
    {
        return new SelfContrastiveForwardForwardOracle(OptionsFor(description, settings), weights, biases);
    }

    /// <summary>
    /// Replays the learner's pairs for the oracle: one pair source with the learner's seed, ring and shifts; call
    /// <see cref="Replay.Train"/> with each input in the learner's order.
    /// </summary>
    public sealed class Replay
    {
        private readonly SelfContrastiveForwardForwardOracle oracle;
        private readonly SelfContrastivePairSource pairs;
        private readonly double[] v1;
        private readonly double[] v2;
        private readonly double[] v3;

        /// <summary>Creates a replay for inputs of the description's size.</summary>
        public Replay(SelfContrastiveForwardForwardOracle oracle, NetworkDescription description, SelfContrastiveForwardForwardSettings settings, int imageWidth)
        {
            this.oracle = oracle ?? throw new ArgumentNullException(nameof(oracle));
            int n = description.InputSize;
            pairs = new SelfContrastivePairSource(n, imageWidth, settings.RingSize, settings.ViewShift, settings.Seed);
            v1 = new double[n];
            v2 = new double[n];
            v3 = new double[n];
        }

        /// <summary>Trains the oracle on the Q0.15 input at <paramref name="offset"/> (nothing when it has no negative yet).</summary>
        public void Train(short[] x, int offset)
        {
            pairs.Next(x, offset);
            if (!pairs.HasNegative)
            {
                return;
            }

            ToReal(pairs.View1, v1);
            ToReal(pairs.View2, v2);
            ToReal(pairs.NegativeView, v3);
            oracle.TrainPair(v1, v2, v3);
        }

        private static void ToReal(short[] q, double[] into)
        {
            for (int i = 0; i < q.Length; i++)
            {
                into[i] = q[i] / 32768.0;
            }
        }
    }

    /// <summary>Q0.15 inputs at <paramref name="offset"/> as real numbers.</summary>
    public static void ToReal(short[] q, int offset, double[] into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = q[offset + i] / 32768.0;
        }
    }
}
