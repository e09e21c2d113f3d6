// ImageFuzzCorpus: the valid images the mutation fuzzer and the power-cut sweep start from. Small EP networks of
// every format the EP mapping writes (b1 with s8/s16/s32 accumulators, s8 weights with latent state, multi-bit
// and binary activations, one to three weight layers, G = 1 and 2), each briefly trained on deterministic random
// inputs so the learner state is not all zero; optionally the 784-256-10 b1 inference image.
using System.Collections.Generic;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Images;

/// <summary>Seed images for fuzzing and power-cut simulation.</summary>
public static class ImageFuzzCorpus
{
    /// <summary>The seed images (deterministic: the same bytes on every run).</summary>
    public static byte[][] Create(bool includeLarge)
    {
        var images = new List<byte[]>
        {
            EquilibriumPropagationImage.WriteInference(Train(new[] { 16, 12, 4 }, 1, WeightFormat.B1, ActivationFormat.MultiBit, 16, 20).Network, Settings(WeightFormat.B1, ActivationFormat.MultiBit, 16), Metadata()),
            EquilibriumPropagationImage.WriteFull(Train(new[] { 16, 12, 4 }, 1, WeightFormat.B1, ActivationFormat.MultiBit, 16, 21), null),
            EquilibriumPropagationImage.WriteFull(Train(new[] { 10, 8, 3 }, 1, WeightFormat.S8, ActivationFormat.Binary, 16, 22), Metadata()),
            EquilibriumPropagationImage.WriteFull(Train(new[] { 20, 9, 7, 6 }, 2, WeightFormat.B1, ActivationFormat.MultiBit, 8, 23), Metadata()),
            EquilibriumPropagationImage.WriteFull(Train(new[] { 33, 5 }, 1, WeightFormat.B1, ActivationFormat.Binary, 32, 24), null),
        };
        if (includeLarge)
        {
            images.Add(LargeInferenceImage(1));
        }

        return images.ToArray();
    }

    /// <summary>
    /// The 784-256-10 binary-weight inference image (random initial weights from <paramref name="seed"/>, default
    /// settings, metadata as a training run writes it): the size the issue budgets at 28 KB.
    /// </summary>
    public static byte[] LargeInferenceImage(uint seed)
    {
        var settings = new EquilibriumPropagationSettings { Seed = seed };
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 784, 256, 10 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(seed);
        var metadata = ModelImageFiles.CreateMetadata(data: "fashion-mnist", split: "standard", epochs: 1, seed: seed, trainSamples: 60000, testSamples: 10000, testAccuracy: 0.8712, trainSeconds: 123.4, toolVersion: "0.1.0");
        return EquilibriumPropagationImage.WriteInference(network, settings, metadata);
    }

    /// <summary>A small learner trained for a few deterministic random samples (state not all zero).</summary>
    public static EquilibriumPropagationLearner Train(int[] sizes, int neuronsPerClass, WeightFormat weights, ActivationFormat activations, int accumulatorBits, uint seed)
    {
        var settings = Settings(weights, activations, accumulatorBits);
        settings.Seed = seed;
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(sizes, neuronsPerClass), weights, activations);
        network.Initialize(seed);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        var rng = new Xoshiro128(seed, 99);
        var x = new short[sizes[0]];
        int classes = sizes[^1] / neuronsPerClass;
        for (int s = 0; s < 7; s++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = FixedPoint.UnitByteToQ15((byte)rng.NextBelow(256));
            }

            learner.TrainSample(x, 0, (int)rng.NextBelow((uint)classes));
        }

        return learner;
    }

    /// <summary>Small-network settings (short relaxations, batch 4, random-sign nudging for s8 so the random state moves).</summary>
    public static EquilibriumPropagationSettings Settings(WeightFormat weights, ActivationFormat activations, int accumulatorBits) => new()
    {
        WeightFormat = weights,
        ActivationFormat = activations,
        FreeSteps = 6,
        NudgedSteps = 3,
        Beta = activations == ActivationFormat.Binary ? 1.0 : 0.3,
        Nudging = weights == WeightFormat.S8 ? NudgingMode.RandomSign : NudgingMode.Symmetric,
        BatchSize = 4,
        AccumulatorBits = accumulatorBits,
        Gamma = new[] { 1e-3, 1e-4 },
        Tau = new[] { 1e-5 },
        BiasLearningRate = new[] { 0.02 },
        LearningRate = new[] { 0.05 },
    };

    private static ImageRecords Metadata() => ModelImageFiles.CreateMetadata(data: "synthetic", epochs: 1, testAccuracy: 0.5, trainSeconds: 0.01);
}
