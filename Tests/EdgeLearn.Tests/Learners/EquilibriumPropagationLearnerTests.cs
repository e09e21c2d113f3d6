using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class EquilibriumPropagationLearnerTests
{
    private static EquilibriumPropagationSettings SmallSettings(WeightFormat weights, ActivationFormat activations, int bits)
    {
        return new EquilibriumPropagationSettings
        {
            WeightFormat = weights,
            ActivationFormat = activations,
            FreeSteps = 12,
            NudgedSteps = 4,
            Beta = activations == ActivationFormat.Binary ? 1.0 : 0.3,
            BatchSize = 8,
            AccumulatorBits = bits,
            Gamma = new[] { 1e-4 },
            Tau = new[] { activations == ActivationFormat.Binary ? 2e-5 : 5e-6 },
            BiasLearningRate = new[] { 0.02 },
            LearningRate = new[] { 0.05 },
            Seed = 5,
        };
    }

    private static (EquilibriumPropagationLearner Learner, double Accuracy) TrainOnClusters(EquilibriumPropagationSettings settings, int[] sizes, int neuronsPerClass, int epochs)
    {
        var data = new SyntheticClusters(sizes[0], sizes[^1] / neuronsPerClass, 600, 0.25, 3);
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(sizes, neuronsPerClass), settings.WeightFormat, settings.ActivationFormat);
        network.Initialize(settings.Seed);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        int train = 400;
        for (int e = 0; e < epochs; e++)
        {
            for (int i = 0; i < train; i++)
            {
                learner.TrainSample(data.Inputs, i * data.Dimension, data.Labels[i]);
            }

            learner.EndBatch();
        }

        int correct = 0;
        for (int i = train; i < data.Count; i++)
        {
            if (learner.Predict(data.Inputs, i * data.Dimension) == data.Labels[i])
            {
                correct++;
            }
        }

        return (learner, correct / (double)(data.Count - train));
    }

    [TestMethod]
    [DataRow(8)]
    [DataRow(16)]
    [DataRow(32)]
    public void BinaryWeights_SeparableClusters_LearnAboveNinetyPercent(int bits)
    {
        var (learner, accuracy) = TrainOnClusters(SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, bits), new[] { 32, 48, 4 }, 1, 4);
        Assert.IsTrue(learner.Flips > 0, "BOP never flipped a weight");
        Assert.IsTrue(accuracy >= 0.9, $"accuracy {accuracy:F3} with {bits}-bit accumulators");
    }

    [TestMethod]
    public void S8Weights_SeparableClusters_LearnAboveNinetyPercent()
    {
        var (_, accuracy) = TrainOnClusters(SmallSettings(WeightFormat.S8, ActivationFormat.MultiBit, 16), new[] { 32, 48, 4 }, 1, 4);
        Assert.IsTrue(accuracy >= 0.9, $"accuracy {accuracy:F3}");
    }

    [TestMethod]
    public void BinaryActivations_SeparableClusters_LearnAboveNinetyPercent()
    {
        var (_, accuracy) = TrainOnClusters(SmallSettings(WeightFormat.B1, ActivationFormat.Binary, 16), new[] { 32, 64, 40 }, 10, 4);
        Assert.IsTrue(accuracy >= 0.9, $"accuracy {accuracy:F3}");
    }

    [TestMethod]
    public void RandomSignNudging_SeparableClusters_Learns()
    {
        var settings = SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, 16);
        settings.Nudging = NudgingMode.RandomSign;
        var (_, accuracy) = TrainOnClusters(settings, new[] { 32, 48, 4 }, 1, 4);
        Assert.IsTrue(accuracy >= 0.75, $"accuracy {accuracy:F3} (chance 0.25)");
    }

    [TestMethod]
    public void Training_SameSeed_GivesIdenticalWeightsAndBiases()
    {
        var a = TrainOnClusters(SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, 16), new[] { 32, 20, 4 }, 1, 1).Learner.Network;
        var b = TrainOnClusters(SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, 16), new[] { 32, 20, 4 }, 1, 1).Learner.Network;
        for (int l = 0; l < 2; l++)
        {
            CollectionAssert.AreEqual(a.Signs[l], b.Signs[l]);
            CollectionAssert.AreEqual(a.Biases[l], b.Biases[l]);
        }
    }

    [TestMethod]
    [DataRow(WeightFormat.B1, ActivationFormat.MultiBit)]
    [DataRow(WeightFormat.B1, ActivationFormat.Binary)]
    [DataRow(WeightFormat.S8, ActivationFormat.MultiBit)]
    public void TrainSample_SteadyState_AllocatesNothing(WeightFormat weights, ActivationFormat activations)
    {
        var settings = SmallSettings(weights, activations, 16);
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 64, 40, 10 }, 1), weights, activations);
        network.Initialize(1);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        var data = new SyntheticClusters(64, 10, 50, 0.2, 1);
        for (int i = 0; i < 20; i++)
        {
            learner.TrainSample(data.Inputs, i * 64, data.Labels[i]);
        }

        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                learner.TrainSample(data.Inputs, i * 64, data.Labels[i]);
                learner.Predict(data.Inputs, i * 64);
            }
        });
        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void MemoryPlan_784x256x10BinaryWith8BitAccumulators_FitsIn256KB()
    {
        var settings = new EquilibriumPropagationSettings { AccumulatorBits = 8 };
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 784, 256, 10 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        MemoryPlan plan = learner.Memory;
        // Independent count: packed signs 256 rows x 25 words + 10 rows x 8 words, biases 266 x 4, two scales.
        Assert.AreEqual(256 * 25 * 4 + 10 * 8 * 4 + 266 * 4 + 2 * 4, plan.Persistent);
        Assert.AreEqual(784 * 256 + 256 * 10 + 266 * 4, plan.LearnerState);
        Assert.IsTrue(plan.Total <= 256 * 1024, $"total {plan.Total} bytes");
    }

    [TestMethod]
    public void Inference_AfterTraining_MatchesLearnerPredictions()
    {
        var (learner, _) = TrainOnClusters(SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, 16), new[] { 32, 48, 4 }, 1, 1);
        var inference = new EquilibriumPropagationInference(learner.Network, learner.Settings.FreeSteps, KernelSet.Reference);
        var data = new SyntheticClusters(32, 4, 100, 0.25, 9);
        for (int i = 0; i < data.Count; i++)
        {
            Assert.AreEqual(learner.Predict(data.Inputs, i * 32), inference.Predict(data.Inputs, i * 32));
        }

        Assert.AreEqual(0L, inference.Memory.LearnerState);
    }

    [TestMethod]
    public void TrainSample_LabelOutOfRange_ThrowsWithoutTouchingWeights()
    {
        var settings = SmallSettings(WeightFormat.B1, ActivationFormat.MultiBit, 16);
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 8, 6, 3 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(2);
        var learner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        var before = (uint[])network.Signs[0].Clone();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.TrainSample(new short[8], 0, 3));
        CollectionAssert.AreEqual(before, network.Signs[0]);
    }

    [TestMethod]
    [DataRow(8, 127)]
    [DataRow(16, 32767)]
    [DataRow(32, int.MaxValue)]
    public void Settings_BopThreshold_LeavesHeadroomInAccumulator(int bits, int max)
    {
        var settings = new EquilibriumPropagationSettings { AccumulatorBits = bits };
        for (int l = 0; l < 2; l++)
        {
            int theta = settings.BopThreshold(l);
            Assert.IsTrue(theta >= 1 && theta <= max / 2, $"layer {l}: theta {theta}");
            // Theta is tau / gamma * 2 beta B * 2^(30 - S), recomputed here independently.
            double expected = EquilibriumPropagationSettings.ForLayer(settings.Tau, l) * Math.Pow(2, settings.BopLeakShift(l)) * 2 * settings.Beta * settings.BatchSize * Math.Pow(2, 30 - settings.BopShift(l));
            Assert.AreEqual(Math.Round(expected), theta, 0.5 + expected * 1e-12);
        }
    }

    [TestMethod]
    public void Settings_InvalidValues_ThrowNamingTheSetting()
    {
        var settings = new EquilibriumPropagationSettings { AccumulatorBits = 12 };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => settings.Validate());
        Assert.AreEqual(nameof(EquilibriumPropagationSettings.AccumulatorBits), e.ParamName);
        settings = new EquilibriumPropagationSettings { Beta = 0 };
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => settings.Validate());
        Assert.AreEqual(nameof(EquilibriumPropagationSettings.Beta), e.ParamName);
        settings = new EquilibriumPropagationSettings { Tau = new[] { 1e-6, -1.0 } };
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => settings.Validate());
        Assert.AreEqual(nameof(EquilibriumPropagationSettings.Tau), e.ParamName);
    }

    [TestMethod]
    [DataRow(784)]
    [DataRow(256)]
    [DataRow(16)]
    [DataRow(1)]
    public void AlphaQ15_MatchesOneOverTwoRootFanIn(int fanIn)
    {
        double expected = 32768 / (2 * Math.Sqrt(fanIn));
        Assert.AreEqual(expected, EquilibriumPropagationSettings.AlphaQ15(fanIn), 0.5 + 1e-9);
    }

    [TestMethod]
    public void AlphaScale_MultipliesEachLayerScaleAndIsCheckedAgainstFanIn()
    {
        var settings = new EquilibriumPropagationSettings { AlphaScale = new[] { 3, 0.5 } };
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 784, 256, 64, 10 }, 1), settings);
        Assert.AreEqual(Math.Round(EquilibriumPropagationSettings.AlphaQ15(784) * 3.0), network.AlphaQ15[0]);
        Assert.AreEqual(Math.Round(EquilibriumPropagationSettings.AlphaQ15(256) * 0.5), network.AlphaQ15[1]);
        Assert.AreEqual(Math.Round(EquilibriumPropagationSettings.AlphaQ15(64) * 0.5), network.AlphaQ15[2], "the last value repeats");
        var plain = new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 784, 256, 64, 10 }, 1), WeightFormat.B1, ActivationFormat.MultiBit);
        Assert.AreEqual(EquilibriumPropagationSettings.AlphaQ15(784), plain.AlphaQ15[0]);

        var copy = settings.Clone();
        copy.AlphaScale[0] = 5;
        Assert.AreEqual(3.0, settings.AlphaScale[0], "a clone has its own array");

        // alpha must stay below 1: with fan-in 4 the default is 0.25, so a scale of 4 reaches 1.0.
        settings = new EquilibriumPropagationSettings { AlphaScale = new[] { 4.0 } };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 4, 3, 2 }, 1), settings));
        Assert.AreEqual(nameof(EquilibriumPropagationSettings.AlphaScale), e.ParamName);
        settings.AlphaScale = new[] { 3.99, 1 };
        Assert.AreEqual(32686, new EquilibriumPropagationNetwork(new NetworkDescription(new[] { 4, 3, 2 }, 1), settings).AlphaQ15[0]);
        settings.AlphaScale = new[] { 0.0 };
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => settings.Validate());
        Assert.AreEqual(nameof(EquilibriumPropagationSettings.AlphaScale), e.ParamName);
    }

    [TestMethod]
    public void NetworkDescription_ParseSizes_RejectsBadArchitectures()
    {
        CollectionAssert.AreEqual(new[] { 784, 256, 10 }, NetworkDescription.ParseSizes("784-256-10"));
        Assert.ThrowsExactly<FormatException>(() => NetworkDescription.ParseSizes("784"));
        Assert.ThrowsExactly<FormatException>(() => NetworkDescription.ParseSizes("784--10"));
        Assert.ThrowsExactly<FormatException>(() => NetworkDescription.ParseSizes("784-0-10"));
        Assert.ThrowsExactly<FormatException>(() => NetworkDescription.ParseSizes("784-x-10"));
        Assert.ThrowsExactly<FormatException>(() => NetworkDescription.ParseSizes("784-99999-10"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NetworkDescription(new[] { 4, 15 }, 10));
    }
}
