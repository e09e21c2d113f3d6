using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.Readout;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using EdgeLearn.Tests.Support;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class SelfContrastiveForwardForwardLearnerTests
{
    private static SelfContrastiveForwardForwardSettings SmallSettings(ContrastiveOptimizer optimizer) => new()
    {
        Optimizer = optimizer,
        AccumulatorBits = optimizer == ContrastiveOptimizer.Signum ? 16 : 32,
        LearningRate = new[] { optimizer == ContrastiveOptimizer.Signum ? 5e-4 : 0.5 },
        Threshold1 = new[] { 2.0 },
        Threshold2 = new[] { 3.0 },
        BatchSize = 10,
        RingSize = 16,
        ViewShift = 0,
        Seed = 3,
    };

    private static SelfContrastiveForwardForwardLearner Create(int[] sizes, SelfContrastiveForwardForwardSettings settings)
    {
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(sizes, 1));
        network.Initialize(settings.Seed);
        return new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, 0);
    }

    private static (double Pos, double Neg) MeanGoodness(SelfContrastiveForwardForwardLearner learner, SyntheticClusters data, int epochs)
    {
        double pos = 0;
        double neg = 0;
        for (int e = 0; e < epochs; e++)
        {
            learner.ResetStatistics();
            for (int i = 0; i < data.Count; i++)
            {
                learner.TrainSample(data.Inputs, i * data.Dimension);
            }

            learner.EndBatch();
            pos = learner.PositiveGoodnessSum / 4096.0 / learner.PairCount;
            neg = learner.NegativeGoodnessSum / 4096.0 / learner.PairCount;
        }

        return (pos, neg);
    }

    private static double ReadoutAccuracy(SelfContrastiveForwardForwardNetwork network, SyntheticClusters data, int train, int epochs)
    {
        var extractor = new SelfContrastiveFeatureExtractor(network, KernelSet.Reference, true);
        var readout = new FixedPointReadout(extractor.FeatureCount, data.Classes, SelfContrastiveForwardForwardSettings.InputFractionBits, 1.0 / 64, KernelSet.Reference);
        var f = new short[extractor.FeatureCount];
        for (int e = 0; e < epochs; e++)
        {
            for (int i = 0; i < train; i++)
            {
                extractor.Compute(data.Inputs, i * data.Dimension, f, 0);
                readout.TrainSample(f, 0, data.Labels[i]);
            }
        }

        int correct = 0;
        for (int i = train; i < data.Count; i++)
        {
            extractor.Compute(data.Inputs, i * data.Dimension, f, 0);
            if (readout.Predict(f, 0) == data.Labels[i])
            {
                correct++;
            }
        }

        return correct / (double)(data.Count - train);
    }

    [TestMethod]
    [DataRow(ContrastiveOptimizer.Signum, 10)]
    [DataRow(ContrastiveOptimizer.SgdMomentum, 10)]
    [DataRow(ContrastiveOptimizer.SgdMomentum, 1)]
    public void Training_Clusters_SeparatesPositiveFromNegativeGoodness(ContrastiveOptimizer optimizer, int batch)
    {
        var data = new SyntheticClusters(32, 4, 400, 0.2, 5);
        var settings = SmallSettings(optimizer);
        settings.BatchSize = batch;
        if (batch == 1)
        {
            // A stream: one update per sample; the same step per sample as batch 10 applies per batch.
            settings.LearningRate = new[] { 0.05 };
        }

        var learner = Create(new[] { 32, 48 }, settings);
        var (pos0, neg0) = MeanGoodness(learner, data, 1);
        var (pos, neg) = MeanGoodness(learner, data, 6);
        // Positive pairs (two views of one sample) end above the negative pairs (another cluster's sample).
        Assert.IsTrue(pos - neg > (pos0 - neg0) + 0.2, $"gap {pos0 - neg0:F3} -> {pos - neg:F3} (G+ {pos:F3}, G- {neg:F3})");
        Assert.IsTrue(pos > neg, $"G+ {pos:F3} G- {neg:F3}");
    }

    [TestMethod]
    public void Readout_OnTrainedFeatures_ClassifiesClustersAboveNinetyPercent()
    {
        var data = new SyntheticClusters(32, 4, 600, 0.25, 8);
        var learner = Create(new[] { 32, 40 }, SmallSettings(ContrastiveOptimizer.Signum));
        MeanGoodness(learner, data, 3);
        double accuracy = ReadoutAccuracy(learner.Network, data, 400, 3);
        Assert.IsTrue(accuracy >= 0.9, $"accuracy {accuracy:F3}");
    }

    [TestMethod]
    public void TrainingLayer_SecondLayer_KeepsFirstLayerFrozenAndMovesSecond()
    {
        var data = new SyntheticClusters(24, 3, 200, 0.2, 4);
        var learner = Create(new[] { 24, 20, 16 }, SmallSettings(ContrastiveOptimizer.Signum));
        MeanGoodness(learner, data, 1);
        short[] first = (short[])learner.Network.Weights[0].Clone();
        short[] second = (short[])learner.Network.Weights[1].Clone();
        learner.TrainingLayer = 1;
        MeanGoodness(learner, data, 2);
        CollectionAssert.AreEqual(first, learner.Network.Weights[0], "layer 0 must stay frozen");
        CollectionAssert.AreNotEqual(second, learner.Network.Weights[1], "layer 1 must learn");
        Assert.AreEqual(1, learner.TrainingLayer);
    }

    [TestMethod]
    public void Training_SameSeed_GivesIdenticalWeightsAndBiases()
    {
        var data = new SyntheticClusters(20, 3, 120, 0.2, 2);
        var settings = SmallSettings(ContrastiveOptimizer.SgdMomentum);
        settings.ViewShift = 2;
        var a = Create(new[] { 20, 12 }, settings);
        var b = Create(new[] { 20, 12 }, settings);
        MeanGoodness(a, data, 2);
        MeanGoodness(b, data, 2);
        CollectionAssert.AreEqual(a.Network.Weights[0], b.Network.Weights[0]);
        CollectionAssert.AreEqual(a.Network.Biases[0], b.Network.Biases[0]);
    }

    [TestMethod]
    [DataRow(ContrastiveOptimizer.Signum, 16)]
    [DataRow(ContrastiveOptimizer.Signum, 32)]
    [DataRow(ContrastiveOptimizer.SgdMomentum, 32)]
    public void TrainSample_SteadyState_AllocatesNothing(ContrastiveOptimizer optimizer, int bits)
    {
        var settings = SmallSettings(optimizer);
        settings.AccumulatorBits = bits;
        settings.ViewShift = 1;
        var learner = new SelfContrastiveForwardForwardLearner(NewNetwork(new[] { 64, 30, 20 }, 1), settings, KernelSet.Reference, 8);
        var data = new SyntheticClusters(64, 4, 60, 0.2, 1);
        var extractor = new SelfContrastiveFeatureExtractor(learner.Network, KernelSet.Reference, true);
        var readout = new FixedPointReadout(extractor.FeatureCount, 4, 10, 1.0 / 256, KernelSet.Reference);
        var f = new short[extractor.FeatureCount];
        for (int i = 0; i < 20; i++)
        {
            learner.TrainSample(data.Inputs, i * 64);
        }

        learner.TrainingLayer = 1;
        long allocated = AllocationMeter.FewestBytesPerRound(() =>
        {
            for (int i = 0; i < 60; i++)
            {
                learner.TrainSample(data.Inputs, i * 64);
                extractor.Compute(data.Inputs, i * 64, f, 0);
                readout.TrainSample(f, 0, data.Labels[i]);
                readout.Predict(f, 0);
            }

            learner.EndBatch();
        });
        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void MemoryPlan_CountsEveryBufferExactly()
    {
        var settings = SmallSettings(ContrastiveOptimizer.SgdMomentum);
        settings.RingSize = 5;
        var learner = new SelfContrastiveForwardForwardLearner(NewNetwork(new[] { 10, 6, 4 }, 1), settings, KernelSet.Reference, 0);
        MemoryPlan plan = learner.Memory;
        // Independent count: s16 weights and s32 biases of both layers.
        Assert.AreEqual(2 * (60 + 24) + 4 * (6 + 4), plan.Persistent);
        // Largest layer (60 weights, 6 rows): s32 accumulators and latent, s32 bias accumulators, ring 5 x 10 s16.
        Assert.AreEqual(4 * 60 + 4 * 60 + 4 * 6 + 2 * 5 * 10, plan.LearnerState);
        // Two passes (s 10+6, z 6+4, a 6+4, second standardised half 10 each), three views of 10, H+ and H- rows of 6.
        Assert.IsTrue(settings.StandardizeHalves);
        Assert.AreEqual(2 * (2 * 16 + 4 * 10 + 2 * 10 + 2 * 10) + 2 * 3 * 10 + 2 * 2 * 6, plan.Scratch);
    }

    [TestMethod]
    public void MemoryPlan_SmallSignumConfiguration_FitsIn256KB()
    {
        // The microcontroller configuration quoted in the report: 784-72 Signum with 16-bit momentum, ring of 8, views
        // standardised on their own, readout 72 -> 10 with its latent weights and a feature buffer (255,644 bytes).
        var settings = new SelfContrastiveForwardForwardSettings { Optimizer = ContrastiveOptimizer.Signum, LearningRate = new[] { 1e-4 }, RingSize = 8, AccumulatorBits = 16 };
        var learner = new SelfContrastiveForwardForwardLearner(NewNetwork(new[] { 784, 72 }, 1), settings, KernelSet.Reference, 28);
        var readout = new FixedPointReadout(72, 10, 10, 1.0 / 256, KernelSet.Reference);
        long total = learner.Memory.Total + readout.Memory.Total + 2 * 72;
        Assert.IsTrue(total <= 256 * 1024, $"total {total} bytes");
        Assert.AreEqual(784 * 72 * 2 + 72 * 4, learner.Memory.Persistent);
        // Independent count: weights + biases; s16 momentum, bias momentum, ring; two passes (s, z, a, second half),
        // three views, H rows; readout weights + biases, latent, scores + errors + probabilities; feature buffer.
        long expected = (784 * 72 * 2 + 72 * 4) + (784 * 72 * 2 + 72 * 4 + 8 * 784 * 2) + (2 * (784 * 2 + 72 * 4 + 72 * 2 + 784 * 2) + 3 * 784 * 2 + 2 * 72 * 2)
            + (720 * 2 + 10 * 4) + 720 * 4 + (10 * 4 + 10 * 2 + 10 * 4) + 72 * 2;
        Assert.AreEqual(expected, total);
    }

    [TestMethod]
    public void Settings_InvalidValues_ThrowNamingTheSetting()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfContrastiveForwardForwardSettings { Optimizer = ContrastiveOptimizer.Signum, AccumulatorBits = 8 }.Validate());
        Assert.AreEqual(nameof(SelfContrastiveForwardForwardSettings.AccumulatorBits), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfContrastiveForwardForwardSettings { Optimizer = ContrastiveOptimizer.SgdMomentum, AccumulatorBits = 16 }.Validate());
        Assert.AreEqual(nameof(SelfContrastiveForwardForwardSettings.AccumulatorBits), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfContrastiveForwardForwardSettings { Momentum = 1 }.Validate());
        Assert.AreEqual(nameof(SelfContrastiveForwardForwardSettings.Momentum), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfContrastiveForwardForwardSettings { Optimizer = ContrastiveOptimizer.Signum, AccumulatorBits = 16, LearningRate = new[] { 1e-6 } }.Validate());
        Assert.AreEqual(nameof(SelfContrastiveForwardForwardSettings.LearningRate), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfContrastiveForwardForwardSettings { RingSize = 0 }.Validate());
        Assert.AreEqual(nameof(SelfContrastiveForwardForwardSettings.RingSize), e.ParamName);
    }

    [TestMethod]
    [DataRow(0.0, 0)]
    [DataRow(0.5, 1)]
    [DataRow(0.875, 3)]
    [DataRow(0.9, 3)]
    [DataRow(0.95, 4)]
    public void Settings_Momentum_RoundsToOneMinusPowerOfTwo(double mu, int k)
    {
        var s = new SelfContrastiveForwardForwardSettings { Momentum = mu };
        Assert.AreEqual(k, s.MomentumShift);
        Assert.AreEqual(k == 0 ? 0 : 1 - Math.Pow(2, -k), s.EffectiveMomentum, 1e-15);
    }

    [TestMethod]
    public void Settings_SgdMultiplier_EqualsRateTimesScale()
    {
        var s = new SelfContrastiveForwardForwardSettings { Optimizer = ContrastiveOptimizer.SgdMomentum, AccumulatorBits = 32, LearningRate = new[] { 0.37 }, BatchSize = 50 };
        int m = s.SgdMultiplier(0, 300, out int shift);
        double expected = 0.37 * 2 / (300.0 * 50) * Math.Pow(2, 30 - 16);
        Assert.IsTrue(m >= 1 << 20 && m < 1 << 21, $"multiplier {m}");
        Assert.AreEqual(expected, m * Math.Pow(2, -shift), expected * Math.Pow(2, -20));
        Assert.AreEqual(0.37, s.EffectiveSgdRate(0, 300), 0.37 * Math.Pow(2, -20));
    }

    [TestMethod]
    public void InitBoundQ14_IsOneOverRootFanIn()
    {
        foreach (int fanIn in new[] { 1, 16, 784, 2000 })
        {
            Assert.AreEqual(16384 / Math.Sqrt(fanIn), SelfContrastiveForwardForwardSettings.InitBoundQ14(fanIn), 0.5 + 1e-9);
        }
    }

    [TestMethod]
    public void PairSource_ImageViews_AreShiftsWithZeroFill()
    {
        // A 4x4 image with distinct values; every view must be the image shifted by (dx, dy) in [-1, 1]^2.
        var x = new short[16];
        for (int i = 0; i < 16; i++)
        {
            x[i] = (short)(100 + i);
        }

        var source = new SelfContrastivePairSource(16, 4, 3, 1, 9);
        int shifted = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            source.Next(x, 0);
            foreach (short[] view in new[] { source.View1, source.View2 })
            {
                Assert.IsTrue(IsShiftOf(x, view, 4, 4, 1), "view is not a shift of the image");
                if (!IsShiftOf(x, view, 4, 4, 0))
                {
                    shifted++;
                }
            }
        }

        Assert.IsTrue(shifted > 10, $"only {shifted} of 40 views were shifted");
    }

    [TestMethod]
    public void PairSource_FrameViews_AreJitteredAlongTheFrame()
    {
        // A frame of 10 samples (width 0): every view is the frame shifted by at most 2 samples, zero-filled.
        var x = new short[10];
        for (int i = 0; i < 10; i++)
        {
            x[i] = (short)(1000 + i);
        }

        var source = new SelfContrastivePairSource(10, 0, 4, 2, 21);
        var seen = new bool[5];
        for (int trial = 0; trial < 40; trial++)
        {
            source.Next(x, 0);
            int shift = int.MinValue;
            for (int dx = -2; dx <= 2 && shift == int.MinValue; dx++)
            {
                bool match = true;
                for (int c = 0; c < 10; c++)
                {
                    int sc = c - dx;
                    match &= source.View1[c] == (sc >= 0 && sc < 10 ? x[sc] : (short)0);
                }

                if (match)
                {
                    shift = dx;
                }
            }

            Assert.AreNotEqual(int.MinValue, shift, $"trial {trial}: view 1 is not a shift of the frame by at most 2");
            seen[shift + 2] = true;
        }

        Assert.IsTrue(Array.TrueForAll(seen, v => v), "every shift in [-2, 2] should occur in 40 draws");
    }

    [TestMethod]
    public void PairSource_Ring_FirstInputHasNoNegativeAndNegativesComeFromEarlierInputs()
    {
        var source = new SelfContrastivePairSource(3, 0, 2, 0, 1);
        source.Next(new short[] { 1, 1, 1 }, 0);
        Assert.IsFalse(source.HasNegative);
        source.Next(new short[] { 2, 2, 2 }, 0);
        Assert.IsTrue(source.HasNegative);
        CollectionAssert.AreEqual(new short[] { 1, 1, 1 }, source.NegativeView);
        for (int i = 3; i < 30; i++)
        {
            source.Next(new short[] { (short)i, (short)i, (short)i }, 0);
            Assert.IsTrue(source.NegativeView[0] == i - 1 || source.NegativeView[0] == i - 2, $"input {i}: negative {source.NegativeView[0]} is not among the two before it");
        }

        Assert.AreEqual(2, source.Count);
    }

    [TestMethod]
    public void Readout_LinearlySeparableProblem_LearnsAndPredicts()
    {
        var data = new SyntheticClusters(16, 3, 300, 0.15, 12);
        var readout = new FixedPointReadout(16, 3, 10, 1.0 / 128, KernelSet.Reference);
        var f = new short[16];
        for (int e = 0; e < 4; e++)
        {
            for (int i = 0; i < 200; i++)
            {
                NormalizationKernels.StandardizeS16(data.Inputs, i * 16, 16, 10, f, 0);
                readout.TrainSample(f, 0, data.Labels[i]);
            }
        }

        int correct = 0;
        for (int i = 200; i < 300; i++)
        {
            NormalizationKernels.StandardizeS16(data.Inputs, i * 16, 16, 10, f, 0);
            correct += readout.Predict(f, 0) == data.Labels[i] ? 1 : 0;
        }

        Assert.IsTrue(correct >= 90, $"{correct} of 100");
        Assert.AreEqual(800, readout.SamplesSeen);
    }

    /// <summary>
    /// The fixed-point readout against its float64 oracle for 40 steps from zero weights on the same features. Bound on the
    /// largest weight difference E, step by step: E' = E + lr max|f| (dp + L ((D + 1) max|f| E + D max|f| 2^-15)) + 2^-30
    /// (max|f| &gt; 1 here, so (D + 1) max|f| E covers the bias too), with dp the probability error of the tables (one-vs-rest:
    /// 11 2^-15 from the logistic table plus 2^-15 from the score's rounding to Q.12; softmax: the two lookups of
    /// e^d = sigma(d) / sigma(-d) give a relative error below 4 (11 / 16384) on every term, twice that on p, plus 2^-14
    /// for the two divisions), L = 1/4
    /// (one-vs-rest) or 1/2 (softmax) the Lipschitz constant of p in the scores, and 2^-15 the rounding of the s16
    /// weights the scores use; the scores themselves are exact sums.
    /// </summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Readout_FortySteps_TrackFloatOracleWithinDerivedBound(bool softmax)
    {
        const int d = 24;
        const int classes = 4;
        var rng = new Random(4);
        var readout = new FixedPointReadout(d, classes, 10, 1.0 / 128, KernelSet.Reference) { Softmax = softmax };
        var oracle = new EdgeLearn.HostSim.Oracles.SelfContrastiveReadoutOracle(d, classes) { LearningRate = 1.0 / 128, Softmax = softmax };
        var f = new short[d];
        var real = new double[d];
        double lr = readout.EffectiveLearningRate;
        double dp = softmax ? 8 * 11.0 / 16384 + Math.Pow(2, -14) : 11.0 / 32768 + Math.Pow(2, -15);
        double lipschitz = softmax ? 0.5 : 0.25;
        double bound = 0;
        for (int step = 0; step < 40; step++)
        {
            double fmax = 0;
            for (int j = 0; j < d; j++)
            {
                f[j] = (short)rng.Next(-3000, 3000);
                real[j] = f[j] / 1024.0;
                fmax = Math.Max(fmax, Math.Abs(real[j]));
            }

            int label = rng.Next(classes);
            readout.TrainSample(f, 0, label);
            oracle.TrainSample(real, 0, label);
            bound += lr * fmax * (dp + lipschitz * ((d + 1) * fmax * bound + d * fmax * Math.Pow(2, -15))) + Math.Pow(2, -30);
            double[] w = oracle.GetWeights();
            for (int k = 0; k < w.Length; k++)
            {
                Assert.AreEqual(w[k], readout.WeightValue(k / d, k % d), bound + Math.Pow(2, -15), $"step {step}, weight {k}");
            }
        }
    }

    [TestMethod]
    public void Readout_BadArguments_ThrowClearErrors()
    {
        var readout = new FixedPointReadout(4, 3, 10, 1.0 / 64, KernelSet.Reference);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => readout.TrainSample(new short[4], 0, 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => readout.LearningRateShift = 4);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FixedPointReadout(4, 3, 10, 0.5, KernelSet.Reference));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FixedPointReadout(0, 3, 10, 0.01, KernelSet.Reference));
        Assert.AreEqual(6, readout.LearningRateShift);
        Assert.AreEqual(1.0 / 64, readout.EffectiveLearningRate);
    }

    [TestMethod]
    public void FeatureExtractor_HostKernels_GiveTheReferenceFeatures()
    {
        var network = NewNetwork(new[] { 50, 37, 21 }, 6);
        var data = new SyntheticClusters(50, 3, 10, 0.3, 6);
        var reference = new SelfContrastiveFeatureExtractor(network, KernelSet.Reference, true);
        var host = new SelfContrastiveFeatureExtractor(network, EdgeLearn.Kernels.Host.HostKernels.Fastest, true);
        var a = new short[reference.FeatureCount];
        var b = new short[host.FeatureCount];
        for (int i = 0; i < data.Count; i++)
        {
            reference.Compute(data.Inputs, i * 50, a, 0);
            host.Compute(data.Inputs, i * 50, b, 0);
            CollectionAssert.AreEqual(a, b);
        }

        Assert.AreEqual(58, reference.FeatureCount);
        Assert.AreEqual(0L, reference.Memory.LearnerState);
    }

    private static SelfContrastiveForwardForwardNetwork NewNetwork(int[] sizes, uint seed)
    {
        var network = new SelfContrastiveForwardForwardNetwork(new NetworkDescription(sizes, 1));
        network.Initialize(seed);
        return network;
    }

    private static bool IsShiftOf(short[] x, short[] view, int width, int height, int maxShift)
    {
        for (int dy = -maxShift; dy <= maxShift; dy++)
        {
            for (int dx = -maxShift; dx <= maxShift; dx++)
            {
                bool match = true;
                for (int r = 0; r < height && match; r++)
                {
                    for (int c = 0; c < width && match; c++)
                    {
                        int sr = r - dy;
                        int sc = c - dx;
                        short expected = sr >= 0 && sr < height && sc >= 0 && sc < width ? x[sr * width + sc] : (short)0;
                        match = view[r * width + c] == expected;
                    }
                }

                if (match)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
