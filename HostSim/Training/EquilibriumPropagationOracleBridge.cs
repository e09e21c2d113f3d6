// EquilibriumPropagationOracleBridge: runs the float64 oracle (HostSim/Oracles) on exactly the configuration of
// a fixed-point bep run: the same initial weights and biases, the same quantised inputs (Q0.15), the same
// sample order (the shared loop's shuffle), the same nudge signs (stream EquilibriumPropagationLearner.SignStream)
// and the same hyperparameters as the fixed-point learner applies them: BOP's gamma rounded to the power of two
// the integer leak uses (EffectiveGamma), and for s8 weights real weights trained with the learning rate the
// fixed-point shift actually applies (EffectiveLearningRate).
using System;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Training;

/// <summary>Initial parameters of a network in real units, captured before training starts.</summary>
public sealed class EquilibriumPropagationInitialState
{
    /// <summary>Real weights per layer (row-major n_{l+1} x n_l).</summary>
    public required double[][] Weights { get; init; }

    /// <summary>Real biases per layer.</summary>
    public required double[][] Biases { get; init; }

    /// <summary>alpha_l as real numbers.</summary>
    public required double[] Alphas { get; init; }
}

/// <summary>Builds and runs the float64 oracle of a bep configuration.</summary>
public static class EquilibriumPropagationOracleBridge
{
    /// <summary>Copies the network's parameters as real numbers (call before training).</summary>
    public static EquilibriumPropagationInitialState CaptureInitialState(EquilibriumPropagationNetwork network)
    {
        NetworkDescription d = network.Description;
        int layers = d.WeightLayerCount;
        var weights = new double[layers][];
        var biases = new double[layers][];
        var alphas = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            int rows = d.Size(l + 1);
            int cols = d.Size(l);
            alphas[l] = network.AlphaQ15[l] / 32768.0;
            weights[l] = new double[rows * cols];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    weights[l][r * cols + c] = network.WeightValue(l, r, c);
                }
            }

            biases[l] = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                biases[l][r] = network.Biases[l][r] / (double)(1 << EquilibriumPropagationNetwork.BiasFractionBits);
            }
        }

        return new EquilibriumPropagationInitialState { Weights = weights, Biases = biases, Alphas = alphas };
    }

    /// <summary>Oracle options equivalent to a fixed-point configuration.</summary>
    public static EpOracleOptions OptionsFor(NetworkDescription description, EquilibriumPropagationSettings settings, EquilibriumPropagationInitialState initial)
    {
        int layers = description.WeightLayerCount;
        var sizes = new int[description.LayerCount];
        for (int l = 0; l < sizes.Length; l++)
        {
            sizes[l] = description.Size(l);
        }

        bool binary = settings.WeightFormat == WeightFormat.B1;
        var gammas = new double[layers];
        var taus = new double[layers];
        var biasRates = new double[layers];
        var rates = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            gammas[l] = settings.EffectiveGamma(l);
            taus[l] = EquilibriumPropagationSettings.ForLayer(settings.Tau, l);
            biasRates[l] = EquilibriumPropagationSettings.ForLayer(settings.BiasLearningRate, l);
            rates[l] = binary ? 0 : settings.EffectiveLearningRate(l, (int)Math.Round(initial.Alphas[l] * 32768));
        }

        return new EpOracleOptions
        {
            LayerSizes = sizes,
            GroupSize = description.NeuronsPerClass,
            FreeSteps = settings.FreeSteps,
            NudgedSteps = settings.NudgedSteps,
            Beta = settings.Beta,
            NudgePlacement = settings.NudgePlacement == NudgePlacement.InsideRho ? EpNudgePlacement.InsideRho : EpNudgePlacement.OutsideRho,
            Nudging = settings.Nudging == NudgingMode.Symmetric ? EpNudging.Symmetric : EpNudging.OneSidedRandomSign,
            WeightMode = binary ? EpWeightMode.BinaryBop : EpWeightMode.ContinuousSgd,
            ActivationMode = settings.ActivationFormat == ActivationFormat.Binary ? EpActivationMode.BinaryThreshold : EpActivationMode.HardSigmoid,
            InputScaling = EpInputScaling.Q15,
            WeightLearningRates = binary ? null : rates,
            BiasLearningRates = biasRates,
            BinaryScales = binary ? initial.Alphas : null,
            BopGammas = binary ? gammas : null,
            BopThresholds = binary ? taus : null,
        };
    }

    /// <summary>Creates the oracle of a configuration from its captured initial state.</summary>
    public static EquilibriumPropagationOracle Create(NetworkDescription description, EquilibriumPropagationSettings settings, EquilibriumPropagationInitialState initial)
    {
        return new EquilibriumPropagationOracle(
            OptionsFor(description, settings, initial),
            initial.Weights,
            initial.Biases,
            new Xoshiro128(settings.Seed, EquilibriumPropagationLearner.SignStream));
    }

    /// <summary>
    /// Trains and evaluates the oracle with the shared loop (same order as the fixed-point run), starting from the
    /// base tau of <paramref name="settings"/> and stepping it at the epochs of <paramref name="tauSchedule"/>.
    /// </summary>
    public static SupervisedRunResult Run(EquilibriumPropagationInitialState initial, NetworkDescription description, EquilibriumPropagationSettings settings, TauSchedule tauSchedule, LabelledDataSet data, TrainOptions options, IRunConsole console)
    {
        EquilibriumPropagationOracle oracle = Create(description, settings, initial);
        int dim = data.Dimension;
        int batch = settings.BatchSize;
        var pool = new double[batch][];
        for (int i = 0; i < batch; i++)
        {
            pool[i] = new double[dim];
        }

        var labels = new int[batch];
        int filled = 0;
        var testInput = new double[dim];

        int Flush()
        {
            if (filled == 0)
            {
                return 0;
            }

            double[][] inputs = pool;
            int[] batchLabels = labels;
            if (filled < batch)
            {
                inputs = pool[..filled];
                batchLabels = labels[..filled];
            }

            int correct = oracle.TrainBatch(inputs, batchLabels).CorrectFree;
            filled = 0;
            return correct;
        }

        return SupervisedTrainingLoop.Run(
            "training the float64 oracle (same initial weights, inputs and order)",
            console,
            options.Seed,
            options.Epochs,
            data.Train.Count,
            data.Test.Count,
            i =>
            {
                Scale(data.Train.Inputs, i * dim, pool[filled]);
                labels[filled++] = data.Train.Labels[i];
                return filled == batch ? Flush() : 0;
            },
            Flush,
            i =>
            {
                Scale(data.Test.Inputs, i * dim, testInput);
                return oracle.Predict(testInput) == data.Test.Labels[i];
            },
            int.MaxValue,
            epoch =>
            {
                if (tauSchedule.StepAt(epoch, settings.Tau, description.WeightLayerCount) is double[] tau)
                {
                    oracle.SetBopThresholds(tau);
                }
            });
    }

    private static void Scale(byte[] grey, int offset, double[] into)
    {
        for (int j = 0; j < into.Length; j++)
        {
            into[j] = EquilibriumPropagationOracle.ScaleGreyLevel(grey[offset + j], EpInputScaling.Q15);
        }
    }
}
