using System;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Oracles;

/// Learning sanity, determinism, the estimate's formula and the BOP rule of the float64 EP oracle.
[TestClass]
public sealed class EquilibriumPropagationOracleTests
{
    public TestContext TestContext { get; set; } = null!;

    private static EpOracleOptions ContinuousXorOptions() => new()
    {
        LayerSizes = new[] { 4, 8, 2 },
        FreeSteps = 30,
        NudgedSteps = 10,
        Beta = 0.5,
        WeightLearningRates = new[] { 0.2, 0.1 },
        BiasLearningRates = new[] { 0.2, 0.1 },
    };

    private static EpOracleOptions BinaryXorOptions() => new()
    {
        LayerSizes = new[] { 4, 32, 2 },
        FreeSteps = 30,
        NudgedSteps = 10,
        Beta = 0.5,
        WeightMode = EpWeightMode.BinaryBop,
        BinaryScales = new[] { 0.5 / Math.Sqrt(4), 0.5 / Math.Sqrt(32) },
        BopGammas = new[] { 0.02, 0.02 },
        BopThresholds = new[] { 1e-3, 1e-3 },
        BiasLearningRates = new[] { 0.05, 0.025 },
    };

    private static EpOracleOptions BinWNBarsOptions(EpNudging nudging = EpNudging.Symmetric) => new()
    {
        LayerSizes = new[] { 12, 32, 3 * 4 },
        GroupSize = 4,
        FreeSteps = 30,
        NudgedSteps = 10,
        Beta = 1.0,
        Nudging = nudging,
        WeightMode = EpWeightMode.BinaryBop,
        ActivationMode = EpActivationMode.BinaryThreshold,
        BinaryScales = new[] { 0.5 / Math.Sqrt(12), 0.5 / Math.Sqrt(32) },
        BopGammas = new[] { 0.02, 0.02 },
        BopThresholds = new[] { 1e-2, 1e-2 },
        BiasLearningRates = new[] { 0.01, 0.005 },
    };

    // ---- learning sanity -------------------------------------------------------------------------------

    [TestMethod]
    public void TrainEpoch_ContinuousSgdOnXor_ReachesHighTestAccuracyIn200Steps()
    {
        var (train, trainLabels) = EpOracleTestData.Xor(1, 64);
        var (test, testLabels) = EpOracleTestData.Xor(2, 200);
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 8, 2 }, 1.0, -0.1, 0.3, 3);
        var oracle = new EquilibriumPropagationOracle(ContinuousXorOptions(), w, b);
        double before = oracle.Evaluate(test, testLabels);
        for (int epoch = 0; epoch < 25; epoch++)
        {
            oracle.TrainEpoch(train, trainLabels, EpOracleTestData.Identity(64), 8); // 8 steps per epoch
        }

        double after = oracle.Evaluate(test, testLabels);
        TestContext.WriteLine($"XOR 4-8-2 continuous SGD: test accuracy {before:F3} -> {after:F3} after 200 steps");
        Assert.IsLessThan(0.75, before);
        Assert.IsGreaterThanOrEqualTo(0.95, after);
    }

    [TestMethod]
    public void TrainBatch_BinaryBopOnXor_ReachesHighTestAccuracyAndKeepsWeightsBinary()
    {
        var (train, trainLabels) = EpOracleTestData.Xor(1, 64);
        var (test, testLabels) = EpOracleTestData.Xor(2, 200);
        EpOracleOptions options = BinaryXorOptions();
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, -0.1, 0.3, 3);
        var oracle = new EquilibriumPropagationOracle(options, w, b);
        double before = oracle.Evaluate(test, testLabels);
        int flips = 0;
        for (int epoch = 0; epoch < 30; epoch++)
        {
            for (int start = 0; start < 64; start += 8)
            {
                EpBatchResult r = oracle.TrainBatch(train[start..(start + 8)], trainLabels[start..(start + 8)]);
                flips += r.Flips[0] + r.Flips[1];
            }
        }

        double after = oracle.Evaluate(test, testLabels);
        TestContext.WriteLine($"XOR 4-32-2 binary weights + BOP: test accuracy {before:F3} -> {after:F3} after 240 steps, {flips} flips");
        Assert.IsLessThan(0.75, before);
        Assert.IsGreaterThanOrEqualTo(0.95, after);
        Assert.IsGreaterThan(0, flips);
        for (int l = 0; l < 2; l++)
        {
            double alpha = options.BinaryScales![l];
            Assert.IsTrue(Array.TrueForAll(oracle.GetWeights(l), v => v == alpha || v == -alpha), $"layer {l} weights must stay +/- alpha");
        }
    }

    [TestMethod]
    public void TrainBatch_BinWNOnBars_ReachesHighTestAccuracy()
    {
        var (train, trainLabels) = EpOracleTestData.Bars(1, 96);
        var (test, testLabels) = EpOracleTestData.Bars(2, 300);
        EpOracleOptions options = BinWNBarsOptions();
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, 0.2, 0.8, 3);
        var oracle = new EquilibriumPropagationOracle(options, w, b);
        double before = oracle.Evaluate(test, testLabels);
        for (int epoch = 0; epoch < 10; epoch++)
        {
            oracle.TrainEpoch(train, trainLabels, EpOracleTestData.Identity(96), 8); // 12 steps per epoch
        }

        double after = oracle.Evaluate(test, testLabels);
        TestContext.WriteLine($"Bars 12-32-12 (G = 4) bin-W-N: test accuracy {before:F3} -> {after:F3} after 120 steps");
        Assert.IsLessThan(0.5, before);
        Assert.IsGreaterThanOrEqualTo(0.95, after);
    }

    // ---- determinism -----------------------------------------------------------------------------------

    private static double[][] TrainTwice(EpOracleOptions options, double biasLow, double biasHigh, bool bars, out double[][] initial)
    {
        var (train, labels) = bars ? EpOracleTestData.Bars(5, 48) : EpOracleTestData.Xor(5, 48);
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, biasLow, biasHigh, 9);
        initial = w;
        var runs = new double[2][][];
        for (int run = 0; run < 2; run++)
        {
            var oracle = new EquilibriumPropagationOracle(options, w, b, new Xoshiro128(42, 0));
            for (int epoch = 0; epoch < 3; epoch++)
            {
                oracle.TrainEpoch(train, labels, EpOracleTestData.Identity(48), 8);
            }

            runs[run] = new double[oracle.LayerCount * 2][];
            for (int l = 0; l < oracle.LayerCount; l++)
            {
                runs[run][2 * l] = oracle.GetWeights(l);
                runs[run][2 * l + 1] = oracle.GetBiases(l);
            }
        }

        for (int k = 0; k < runs[0].Length; k++)
        {
            CollectionAssert.AreEqual(runs[0][k], runs[1][k], $"parameter block {k} differs between runs");
        }

        return runs[0];
    }

    [TestMethod]
    public void TrainEpoch_ContinuousTwoRuns_IdenticalWeightsAndWeightsMoved()
    {
        EpOracleOptions options = ContinuousXorOptions() with { };
        double[][] weights = TrainTwice(options, -0.1, 0.3, false, out double[][] initial);
        CollectionAssert.AreNotEqual(initial[0], weights[0]);
    }

    [TestMethod]
    public void TrainEpoch_BinaryBopRandomSignTwoRuns_IdenticalWeights()
    {
        EpOracleOptions options = BinaryXorOptions() with { Nudging = EpNudging.OneSidedRandomSign };
        TrainTwice(options, -0.1, 0.3, false, out _);
    }

    [TestMethod]
    public void TrainEpoch_BinWNRandomSignTwoRuns_IdenticalWeights()
    {
        TrainTwice(BinWNBarsOptions(EpNudging.OneSidedRandomSign), 0.2, 0.8, true, out _);
    }

    [TestMethod]
    public void EstimateGradient_RandomSign_OneNextBitPerBatchTrueIsPlus()
    {
        EpOracleOptions options = ContinuousXorOptions() with { Nudging = EpNudging.OneSidedRandomSign };
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, -0.1, 0.3, 3);
        var oracle = new EquilibriumPropagationOracle(options, w, b, new Xoshiro128(7, 1));
        var mirror = new Xoshiro128(7, 1);
        var (xs, ys) = EpOracleTestData.Xor(3, 4);
        int plus = 0;
        for (int batch = 0; batch < 16; batch++)
        {
            double expected = mirror.NextBit() ? options.Beta : -options.Beta;
            plus += expected > 0 ? 1 : 0;
            Assert.AreEqual(expected, oracle.EstimateGradient(xs, ys).SignedBeta, $"batch {batch}");
        }

        Assert.IsTrue(plus > 0 && plus < 16, "the fixture must see both signs");
    }

    // ---- the estimate's formula ------------------------------------------------------------------------

    [TestMethod]
    public void EstimateGradient_Symmetric_EqualsOuterProductsOfPublicRelaxations()
    {
        EpOracleOptions options = ContinuousXorOptions();
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, -0.1, 0.3, 3);
        var oracle = new EquilibriumPropagationOracle(options, w, b);
        var (xs, ys) = EpOracleTestData.Xor(4, 3);
        EpGradient estimate = oracle.EstimateGradient(xs, ys).Update;

        var expected = new EpGradient(options.LayerSizes);
        double c = 1.0 / (2.0 * options.Beta * xs.Length);
        for (int s = 0; s < xs.Length; s++)
        {
            double[][] free = oracle.RelaxFree(xs[s]);
            double[] y = oracle.Target(ys[s]);
            double[][] plus = oracle.Relax(free, options.NudgedSteps, options.Beta, y);
            double[][] minus = oracle.Relax(free, options.NudgedSteps, -options.Beta, y);
            for (int l = 0; l < 2; l++)
            {
                for (int i = 0; i < plus[l + 1].Length; i++)
                {
                    expected.Biases[l][i] += c * (plus[l + 1][i] - minus[l + 1][i]);
                    for (int j = 0; j < plus[l].Length; j++)
                    {
                        expected.Weights[l][i * plus[l].Length + j] += c * (plus[l + 1][i] * plus[l][j] - minus[l + 1][i] * minus[l][j]);
                    }
                }
            }
        }

        double[] got = estimate.Flatten();
        double[] want = expected.Flatten();
        Assert.IsTrue(Array.Exists(want, v => v != 0.0), "fixture must produce a non-zero update");
        for (int k = 0; k < got.Length; k++)
        {
            Assert.AreEqual(want[k], got[k], 1e-12, $"value {k}");
        }
    }

    [TestMethod]
    public void ApplyUpdate_Bop_FlipsOnlyAboveThresholdAndKeepsAccumulator()
    {
        // One weight layer 2 -> 2, alpha 0.5, gamma 0.5, tau 0.1. Initial weights +, +, -, -.
        var options = new EpOracleOptions
        {
            LayerSizes = new[] { 2, 2 },
            WeightMode = EpWeightMode.BinaryBop,
            BinaryScales = new[] { 0.5 },
            BopGammas = new[] { 0.5 },
            BopThresholds = new[] { 0.1 },
            BiasLearningRates = new[] { 1.0 },
        };
        var oracle = new EquilibriumPropagationOracle(options, new[] { new[] { 0.3, 0.0, -0.2, -0.7 } }, new[] { new double[2] });
        CollectionAssert.AreEqual(new[] { 0.5, 0.5, -0.5, -0.5 }, oracle.GetWeights(0));

        var update = new EpGradient(options.LayerSizes);
        // m = 0.5 g: -0.3 (against +, flips), -0.1 (against +, equals tau: no flip), +0.15 (against -, flips), -0.4 (agrees with -).
        update.Weights[0] = new[] { -0.6, -0.2, 0.3, -0.8 };
        update.Biases[0] = new[] { 0.25, -0.5 };
        int[] flips = oracle.ApplyUpdate(update);
        Assert.AreEqual(2, flips[0]);
        CollectionAssert.AreEqual(new[] { -0.5, 0.5, 0.5, -0.5 }, oracle.GetWeights(0));
        CollectionAssert.AreEqual(new[] { -0.3, -0.1, 0.15, -0.4 }, oracle.GetBopAccumulators(0));
        CollectionAssert.AreEqual(new[] { 0.25, -0.5 }, oracle.GetBiases(0));

        // Zero update: m halves and is not reset; -sign(W) m = -0.15 / 0.05 / -0.075 / ... nothing exceeds tau.
        update.Weights[0] = new double[4];
        update.Biases[0] = new double[2];
        flips = oracle.ApplyUpdate(update);
        Assert.AreEqual(0, flips[0]);
        CollectionAssert.AreEqual(new[] { -0.15, -0.05, 0.075, -0.2 }, oracle.GetBopAccumulators(0));
    }

    [TestMethod]
    public void ClassScores_GroupOfTwo_AveragesEachGroup()
    {
        var options = new EpOracleOptions
        {
            LayerSizes = new[] { 1, 6 },
            GroupSize = 2,
            WeightLearningRates = new[] { 0.1 },
            BiasLearningRates = new[] { 0.1 },
        };
        var oracle = new EquilibriumPropagationOracle(options, new[] { new double[6] }, new[] { new double[6] });
        double[] scores = oracle.ClassScores(new[] { 0.2, 0.4, 0.9, 0.1, 0.5, 0.6 });
        Assert.AreEqual(3, oracle.ClassCount);
        Assert.AreEqual(0.3, scores[0], 1e-15);
        Assert.AreEqual(0.5, scores[1], 1e-15);
        Assert.AreEqual(0.55, scores[2], 1e-15);
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 1.0, 1.0, 0.0, 0.0 }, oracle.Target(1));
    }

    // ---- inputs ----------------------------------------------------------------------------------------

    [TestMethod]
    public void ScaleGreyLevel_Q15_IsExactlyTheFixedPointInput()
    {
        for (int g = 0; g <= 255; g++)
        {
            Assert.AreEqual(FixedPoint.UnitByteToQ15((byte)g) / 32768.0, EquilibriumPropagationOracle.ScaleGreyLevel((byte)g, EpInputScaling.Q15));
            Assert.AreEqual(g / 255.0, EquilibriumPropagationOracle.ScaleGreyLevel((byte)g, EpInputScaling.UnitInterval));
        }

        Assert.AreEqual(32767.0 / 32768.0, EquilibriumPropagationOracle.ScaleGreyLevel(255, EpInputScaling.Q15));
    }

    [TestMethod]
    public void TrainBatch_ByteAndFlatOverloads_EqualJaggedOverloadOnScaledInputs()
    {
        EpOracleOptions options = ContinuousXorOptions() with { InputScaling = EpInputScaling.Q15 };
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, -0.1, 0.3, 3);
        byte[] grey = { 0, 255, 255, 0, 250, 10, 3, 240, 128, 127, 1, 254 };
        int[] labels = { 1, 1, 0 };
        var jagged = new double[3][];
        var flat = new double[12];
        for (int s = 0; s < 3; s++)
        {
            jagged[s] = new double[4];
            for (int j = 0; j < 4; j++)
            {
                jagged[s][j] = EquilibriumPropagationOracle.ScaleGreyLevel(grey[s * 4 + j], EpInputScaling.Q15);
                flat[s * 4 + j] = jagged[s][j];
            }
        }

        var a = new EquilibriumPropagationOracle(options, w, b);
        var f = new EquilibriumPropagationOracle(options, w, b);
        var g = new EquilibriumPropagationOracle(options, w, b);
        a.TrainBatch(jagged, labels);
        f.TrainBatch(flat, labels);
        g.TrainBatch(grey, labels);
        for (int l = 0; l < 2; l++)
        {
            CollectionAssert.AreEqual(a.GetWeights(l), f.GetWeights(l));
            CollectionAssert.AreEqual(a.GetWeights(l), g.GetWeights(l));
            CollectionAssert.AreEqual(a.GetBiases(l), g.GetBiases(l));
        }

        Assert.AreEqual(a.Predict(jagged[1]), g.Predict(new byte[] { 250, 10, 3, 240 }));
    }

    // ---- validation ------------------------------------------------------------------------------------

    [TestMethod]
    public void Constructor_WeightLayerOfWrongLength_ThrowsNamingTheLayer()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 8, 2 }, 1.0, 0.0, 0.1, 1);
        w[1] = new double[15];
        var e = Assert.ThrowsExactly<ArgumentException>(() => new EquilibriumPropagationOracle(ContinuousXorOptions(), w, b));
        StringAssert.Contains(e.Message, "initialWeights[1]");
        StringAssert.Contains(e.Message, "16");
    }

    [TestMethod]
    public void Constructor_RandomSignWithoutGenerator_ThrowsArgumentNull()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 8, 2 }, 1.0, 0.0, 0.1, 1);
        EpOracleOptions options = ContinuousXorOptions() with { Nudging = EpNudging.OneSidedRandomSign };
        var e = Assert.ThrowsExactly<ArgumentNullException>(() => new EquilibriumPropagationOracle(options, w, b));
        Assert.AreEqual("signSource", e.ParamName);
    }

    [TestMethod]
    public void Constructor_BinaryModeWithoutScales_ThrowsNamingTheOption()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 32, 2 }, 1.0, 0.0, 0.1, 1);
        EpOracleOptions options = BinaryXorOptions() with { BinaryScales = null };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new EquilibriumPropagationOracle(options, w, b));
        StringAssert.Contains(e.Message, "BinaryScales");
    }

    [TestMethod]
    public void TrainBatch_LabelOutOfRange_ThrowsArgumentOutOfRange()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 8, 2 }, 1.0, 0.0, 0.1, 1);
        var oracle = new EquilibriumPropagationOracle(ContinuousXorOptions(), w, b);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => oracle.TrainBatch(new[] { new double[4] }, new[] { 2 }));
        Assert.AreEqual("labels", e.ParamName);
    }

    [TestMethod]
    public void TrainBatch_NaNInput_ThrowsArgument()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(new[] { 4, 8, 2 }, 1.0, 0.0, 0.1, 1);
        var oracle = new EquilibriumPropagationOracle(ContinuousXorOptions(), w, b);
        var e = Assert.ThrowsExactly<ArgumentException>(() => oracle.TrainBatch(new[] { new[] { 0.0, double.NaN, 0.0, 0.0 } }, new[] { 0 }));
        StringAssert.Contains(e.Message, "NaN");
    }
}
