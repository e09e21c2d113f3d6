// ImageFuzzCorpus: the valid images the mutation fuzzer and the power-cut sweep start from. Small EP networks of
// every format the EP mapping writes (b1 with s8/s16/s32 accumulators, s8 weights with latent state, multi-bit
// and binary activations, one to three weight layers, G = 1 and 2), each briefly trained on deterministic random
// inputs so the learner state is not all zero; an scff inference image (two layers and a readout) and two scff full
// images (SGD on layer 1 mid-batch with a wrapped ring; Signum with 16-bit momentum on layer 0 with a partly filled
// ring); sdt inference and full images (delta rule, mini-batch and streaming homeostasis), an sdt full image of a
// semi-supervised b1 EP network with a hidden layer (rule 2: 8-bit accumulators, random-sign nudging, mid-batch) and
// one of a semi-supervised delta-rule stack (rule 3, mid-batch on both layers); optionally the 784-256-10 b1 inference
// image.
using System.Collections.Generic;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
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
            ScffInferenceImage(25),
            ScffFullImage(28, ContrastiveOptimizer.SgdMomentum),
            ScffFullImage(29, ContrastiveOptimizer.Signum),
            SdtImage(26, HomeostasisMode.MiniBatch, full: false),
            SdtImage(27, HomeostasisMode.Streaming, full: true),
            SdtEpImage(30),
            SdtStackImage(31),
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

    /// <summary>An scff inference image: a 14-10-6 network trained briefly on both layers and a 3-class readout on all layers.</summary>
    public static byte[] ScffInferenceImage(uint seed)
    {
        var settings = new SelfContrastiveForwardForwardSettings { BatchSize = 4, RingSize = 6, ViewShift = 1, Seed = seed };
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(new[] { 14, 10, 6 }, 1));
        network.Initialize(seed);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, 2);
        short[] x = RandomInputs(14, 12, seed);
        for (int layer = 0; layer < 2; layer++)
        {
            learner.TrainingLayer = layer;
            for (int i = 0; i < 12; i++)
            {
                learner.TrainSample(x, i * 14);
            }
        }

        learner.EndBatch();
        var extractor = new SelfContrastiveFeatureExtractor(network, KernelSet.Reference, true);
        var readout = new FixedPointReadout(extractor.FeatureCount, 3, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 64, KernelSet.Reference);
        var f = new short[extractor.FeatureCount];
        for (int i = 0; i < 12; i++)
        {
            extractor.Compute(x, i * 14, f, 0);
            readout.TrainSample(f, 0, i % 3);
        }

        return SelfContrastiveForwardForwardImage.WriteInference(network, settings, 2, readout, true, Metadata());
    }

    /// <summary>
    /// An scff full image of a 12-8-6 network: SGD trains layer 0, then layer 1 into the middle of a batch (the ring of 6
    /// has wrapped); Signum with 16-bit momentum stops in the middle of a batch of layer 0 with 6 of 20 ring slots
    /// filled. The readout (last layer, 3 classes) has trained on a few samples, so every state section is non-zero.
    /// </summary>
    public static byte[] ScffFullImage(uint seed, ContrastiveOptimizer optimizer)
    {
        bool sgd = optimizer == ContrastiveOptimizer.SgdMomentum;
        var settings = new SelfContrastiveForwardForwardSettings
        {
            Optimizer = optimizer,
            AccumulatorBits = sgd ? 32 : 16,
            LearningRate = new[] { sgd ? 0.05 : 1e-3 },
            BatchSize = 4,
            RingSize = sgd ? 6 : 20,
            ViewShift = 1,
            Seed = seed,
        };
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(new[] { 12, 8, 6 }, 1));
        network.Initialize(seed);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, sgd ? 4 : 0);
        short[] x = RandomInputs(12, 10, seed);
        if (sgd)
        {
            for (int i = 0; i < 10; i++)
            {
                learner.TrainSample(x, i * 12);
            }

            learner.TrainingLayer = 1;
        }

        for (int i = 0; i < (sgd ? 7 : 6); i++)
        {
            learner.TrainSample(x, i * 12);
        }

        var extractor = new SelfContrastiveFeatureExtractor(network, KernelSet.Reference, false);
        var readout = new FixedPointReadout(extractor.FeatureCount, 3, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 64, KernelSet.Reference);
        var f = new short[extractor.FeatureCount];
        for (int i = 0; i < 5; i++)
        {
            extractor.Compute(x, i * 12, f, 0);
            readout.TrainSample(f, 0, i % 3);
        }

        return SelfContrastiveForwardForwardImage.WriteFull(learner, readout, false, sgd ? Metadata() : null);
    }

    /// <summary>An sdt image of a 12-8 delta-rule layer trained without labels for a few samples, with its class map.</summary>
    public static byte[] SdtImage(uint seed, HomeostasisMode mode, bool full)
    {
        var targets = new SelfDefinedTargetSettings { Winners = 2, Smoothing = 0, HomeostasisRate = 0.3, Mode = mode, BatchSize = 3, AverageRate = 0.25 };
        var layer = new DeltaRuleLearner(12, 8, new DeltaRuleSettings { BatchSize = 4, LearningRate = 0.05, BiasLearningRate = 0.04, Seed = seed }, KernelSet.Reference);
        var provider = new SelfDefinedTargetProvider(8, targets);
        var trainer = new SelfDefinedTargetsTrainer(layer, provider);
        short[] x = RandomInputs(12, 10, seed);
        for (int i = 0; i < 10; i++)
        {
            trainer.TrainSample(x, i * 12, -1);
        }

        var association = new DirectAssociation(8, 3);
        for (int i = 0; i < 10; i++)
        {
            association.Observe(layer.Respond(x, i * 12), 0, i % 3);
        }

        association.Assign();
        return full
            ? SelfDefinedTargetsImage.WriteFull(layer, provider, association, false, Metadata())
            : SelfDefinedTargetsImage.WriteInference(layer, targets, association, false, null);
    }

    /// <summary>
    /// An sdt full image of rule 2: a 12-10-6 b1 EP network (8-bit accumulators, random-sign nudging) trained
    /// semi-supervised with 3 classes of 2 neurons for 10 samples (every third labelled), so the EP batch (4) and the
    /// homeostasis batch (3) are both open; the hidden layer's homeostasis sections are zeros.
    /// </summary>
    public static byte[] SdtEpImage(uint seed)
    {
        var settings = Settings(WeightFormat.B1, ActivationFormat.MultiBit, 8);
        settings.Nudging = NudgingMode.RandomSign;
        settings.Seed = seed;
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 12, 10, 6 }, 2), WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(seed);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        var targets = new SelfDefinedTargetSettings { Winners = 1, Smoothing = 0.1, HomeostasisRate = 0.3, Mode = HomeostasisMode.MiniBatch, BatchSize = 3 };
        var provider = new SelfDefinedTargetProvider(6, targets);
        var trainer = new SelfDefinedTargetsTrainer(new EquilibriumPropagationTargetLearner(learner), new SemiSupervisedTargetProvider(new SupervisedTargetProvider(6, 2, 0.1), provider));
        short[] x = RandomInputs(12, 10, seed);
        for (int i = 0; i < 10; i++)
        {
            trainer.TrainSample(x, i * 12, i % 3 == 0 ? (i / 3) % 3 : -1);
        }

        var association = new DirectAssociation(6, 3);
        association.AssignGroups();
        return SelfDefinedTargetsImage.WriteFull(learner, provider, association, true, Metadata());
    }

    /// <summary>
    /// An sdt full image of rule 3: a 12-8 feature layer trained without labels for 10 samples, then a 8-6 head trained
    /// semi-supervised (3 classes of 2) on its responses for 9 samples, both mid-batch.
    /// </summary>
    public static byte[] SdtStackImage(uint seed)
    {
        var featureTargets = new SelfDefinedTargetSettings { Winners = 2, Smoothing = 0, HomeostasisRate = 0.3, Mode = HomeostasisMode.MiniBatch, BatchSize = 3 };
        var feature = new DeltaRuleLearner(12, 8, new DeltaRuleSettings { BatchSize = 4, LearningRate = 0.05, BiasLearningRate = 0.04, Seed = seed }, KernelSet.Reference);
        var featureProvider = new SelfDefinedTargetProvider(8, featureTargets);
        var featureTrainer = new SelfDefinedTargetsTrainer(feature, featureProvider);
        short[] x = RandomInputs(12, 10, seed);
        for (int i = 0; i < 10; i++)
        {
            featureTrainer.TrainSample(x, i * 12, -1);
        }

        var targets = new SelfDefinedTargetSettings { Winners = 1, Smoothing = 0, HomeostasisRate = 0.2, Mode = HomeostasisMode.Streaming, BatchSize = 4, AverageRate = 0.25, LeakShift = 5 };
        var head = new DeltaRuleLearner(8, 6, new DeltaRuleSettings { BatchSize = 4, LearningRate = 0.1, BiasLearningRate = 0.05, Seed = seed + 1 }, KernelSet.Reference);
        var provider = new SelfDefinedTargetProvider(6, targets);
        var trainer = new SelfDefinedTargetsTrainer(new StackedTargetLearner(feature, head), new SemiSupervisedTargetProvider(new SupervisedTargetProvider(6, 2, 0), provider));
        for (int i = 0; i < 9; i++)
        {
            trainer.TrainSample(x, i * 12, i % 2 == 0 ? i % 3 : -1);
        }

        var association = new DirectAssociation(6, 3);
        association.AssignGroups();
        return SelfDefinedTargetsImage.WriteFull(feature, featureProvider, head, provider, association, true, null);
    }

    private static short[] RandomInputs(int size, int count, uint seed)
    {
        var rng = new Xoshiro128(seed, 99);
        var x = new short[size * count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = FixedPoint.UnitByteToQ15((byte)rng.NextBelow(256));
        }

        return x;
    }

    private static ImageRecords Metadata() => ModelImageFiles.CreateMetadata(data: "synthetic", epochs: 1, testAccuracy: 0.5, trainSeconds: 0.01);
}
