// TrainingCases: short binary-weight EP training runs for the parity program. A few hundred learning steps of
// a small network on seeded synthetic inputs, in every learner mode; the hash covers the final weights,
// biases and flip count, so any difference in any kernel, rounding or update rule between targets shows.
using System;
using System.Collections.Generic;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Parity;

internal static class TrainingCases
{
    private const int Steps = 300;

    public static IEnumerable<(string, Action<KernelSet, Output>)> Cases()
    {
        yield return ("bep-b1-multi-s16-symmetric", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, 1));
        yield return ("bep-b1-multi-s8-random-sign", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.MultiBit, 8, NudgingMode.RandomSign, 1));
        yield return ("bep-b1-multi-s32-inside", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.MultiBit, 32, NudgingMode.Symmetric, 1, NudgePlacement.InsideRho));
        yield return ("bep-b1-binary-s16", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.Binary, 16, NudgingMode.Symmetric, 4));
        yield return ("bep-b1-multi-s8-tau-annealed", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.MultiBit, 8, NudgingMode.Symmetric, 1, annealAt: 140));
        yield return ("bep-b1-multi-s8-input-scale-3", (k, o) => Train(k, o, WeightFormat.B1, ActivationFormat.MultiBit, 8, NudgingMode.Symmetric, 1, inputAlphaScale: 3));
        yield return ("bep-s8-multi-latent", (k, o) => Train(k, o, WeightFormat.S8, ActivationFormat.MultiBit, 16, NudgingMode.Symmetric, 1));
    }

    private static void Train(KernelSet kernels, Output output, WeightFormat weights, ActivationFormat activations, int bits, NudgingMode nudging, int neuronsPerClass, NudgePlacement placement = NudgePlacement.OutsideRho, int annealAt = -1, double inputAlphaScale = 1)
    {
        const int inputs = 45;
        const int classes = 5;
        var settings = new EquilibriumPropagationSettings
        {
            WeightFormat = weights,
            ActivationFormat = activations,
            FreeSteps = 12,
            NudgedSteps = 5,
            Beta = activations == ActivationFormat.Binary ? 1.0 : 0.4,
            Nudging = nudging,
            NudgePlacement = placement,
            BatchSize = 7,
            AccumulatorBits = bits,
            Gamma = new[] { 1e-3, 1e-4 },
            Tau = new[] { 1e-5 },
            BiasLearningRate = new[] { 0.02 },
            LearningRate = new[] { 0.05 },
            AlphaScale = new[] { inputAlphaScale, 1 },
            Seed = 42,
        };
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { inputs, 37, classes * neuronsPerClass }, neuronsPerClass), settings);
        network.Initialize(settings.Seed);
        var learner = new EquilibriumPropagationLearner(network, settings, kernels);

        // Class prototypes plus noise, as Q0.15 inputs.
        var rng = new Xoshiro128(7, 100);
        var prototypes = new short[classes * inputs];
        for (int i = 0; i < prototypes.Length; i++)
        {
            prototypes[i] = (short)rng.NextBelow(32768);
        }

        var x = new short[inputs];
        int correct = 0;
        for (int step = 0; step < Steps; step++)
        {
            if (step == annealAt)
            {
                learner.ChangeTau(new[] { 2.5e-5 }); // a tau schedule step at a batch boundary (140 = 20 batches of 7)
            }

            int label = (int)rng.NextBelow(classes);
            for (int j = 0; j < inputs; j++)
            {
                int v = prototypes[label * inputs + j] + (int)rng.NextBelow(12001) - 6000;
                x[j] = FixedPoint.SaturateToQ15(v);
            }

            correct += learner.TrainSample(x, 0, label) == label ? 1 : 0;
        }

        learner.EndBatch();
        output.Add(correct);
        output.Add(learner.Flips);
        for (int l = 0; l < 2; l++)
        {
            if (weights == WeightFormat.B1)
            {
                foreach (uint w in network.Signs[l])
                {
                    output.Add(w);
                }
            }
            else
            {
                foreach (sbyte w in network.Weights[l])
                {
                    output.Add((int)w);
                }
            }

            foreach (int b in network.Biases[l])
            {
                output.Add(b);
            }
        }
    }
}
