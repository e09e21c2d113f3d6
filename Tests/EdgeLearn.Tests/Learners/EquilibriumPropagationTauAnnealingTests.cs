using System;
using EdgeLearn.HostSim.Cli;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Models;
using EdgeLearn.Tests.Oracles;
using EdgeLearn.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// Annealing of BOP's flip threshold tau (--tau-schedule): the fixed-point learner's ChangeTau, the oracle's
/// SetBopThresholds and the schedule parser.
[TestClass]
public sealed class EquilibriumPropagationTauAnnealingTests
{
    private static readonly int[] Sizes = { 32, 24, 4 };

    private static EquilibriumPropagationSettings Settings(int bits, params double[] tau) => new()
    {
        FreeSteps = 12,
        NudgedSteps = 4,
        BatchSize = 8,
        AccumulatorBits = bits,
        Gamma = new[] { 1e-3 },
        Tau = tau,
        BiasLearningRate = new[] { 0.02 },
        Seed = 5,
    };

    private static EquilibriumPropagationLearner NewLearner(EquilibriumPropagationSettings settings, WeightFormat weights = WeightFormat.B1)
    {
        settings.WeightFormat = weights;
        var network = new EquilibriumPropagationNetwork(new NetworkDescription(Sizes, 1), weights, ActivationFormat.MultiBit);
        network.Initialize(3);
        return new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
    }

    private static readonly SyntheticClusters Data = new(Sizes[0], Sizes[^1], 400, 0.25, 3);

    private static void Train(EquilibriumPropagationLearner learner, int from, int count)
    {
        for (int i = from; i < from + count; i++)
        {
            int k = i % Data.Count;
            learner.TrainSample(Data.Inputs, k * Data.Dimension, Data.Labels[k]);
        }
    }

    private static void AssertSameParameters(EquilibriumPropagationNetwork a, EquilibriumPropagationNetwork b)
    {
        for (int l = 0; l < Sizes.Length - 1; l++)
        {
            CollectionAssert.AreEqual(a.Signs[l], b.Signs[l], $"signs of layer {l}");
            CollectionAssert.AreEqual(a.Biases[l], b.Biases[l], $"biases of layer {l}");
        }
    }

    [TestMethod]
    [DataRow(8)]
    [DataRow(16)]
    [DataRow(32)]
    public void ChangeTau_BeforeTraining_TrainsLikeALearnerBuiltWithThatTau(int bits)
    {
        var changed = NewLearner(Settings(bits, 2e-5));
        changed.ChangeTau(new[] { 7e-5, 3e-5 });
        var built = NewLearner(Settings(bits, 7e-5, 3e-5));
        for (int l = 0; l < 2; l++)
        {
            Assert.AreEqual(built.UpdateShift(l), changed.UpdateShift(l), $"S of layer {l}");
            Assert.AreEqual(built.FlipThreshold(l), changed.FlipThreshold(l), $"Theta of layer {l}");
        }

        Train(changed, 0, 800);
        Train(built, 0, 800);
        Assert.IsTrue(built.Flips > 0, "nothing flipped: the comparison would be empty");
        Assert.AreEqual(built.Flips, changed.Flips);
        AssertSameParameters(built.Network, changed.Network);
    }

    [TestMethod]
    public void ChangeTau_ToTheSameTauMidTraining_ChangesNothing()
    {
        var steady = NewLearner(Settings(16, 2e-5));
        var touched = NewLearner(Settings(16, 2e-5));
        Train(steady, 0, 640);
        Train(touched, 0, 320);
        touched.ChangeTau(new[] { 2e-5 });
        Train(touched, 320, 320);
        Assert.IsTrue(steady.Flips > 0);
        AssertSameParameters(steady.Network, touched.Network);
    }

    [TestMethod]
    [DataRow(8, true)]
    [DataRow(16, true)]
    [DataRow(32, false)]
    public void ChangeTau_Doubled_KeepsTheAccumulatorsRealValue(int bits, bool narrow)
    {
        // Narrow accumulators have Theta at the top of their headroom: S grows by one, the accumulators halve
        // (rounded) and Theta stays. 32-bit ones have room (S = 0 here): Theta doubles and nothing is rescaled.
        var learner = NewLearner(Settings(bits, 2e-5));
        Train(learner, 0, 320);
        int[][] before = { LearnerState.Accumulators(learner, 0), LearnerState.Accumulators(learner, 1) };
        var shift = new[] { learner.UpdateShift(0), learner.UpdateShift(1) };
        var theta = new[] { learner.FlipThreshold(0), learner.FlipThreshold(1) };
        learner.ChangeTau(new[] { 4e-5 });
        bool anyNonZero = false;
        for (int l = 0; l < 2; l++)
        {
            Assert.AreEqual(narrow ? shift[l] + 1 : shift[l], learner.UpdateShift(l), $"S of layer {l}");
            Assert.AreEqual(narrow ? theta[l] : 2 * theta[l], learner.FlipThreshold(l), 1.0, $"Theta of layer {l}");
            int[] after = LearnerState.Accumulators(learner, l);
            for (int i = 0; i < after.Length; i++)
            {
                anyNonZero |= before[l][i] != 0;
                int expected = narrow ? FixedPoint.RoundingShiftRight(before[l][i], 1) : before[l][i];
                Assert.AreEqual(expected, after[i], $"layer {l} accumulator {i}");
            }
        }

        Assert.IsTrue(anyNonZero, "every accumulator was zero: the rescaling was not exercised");
        Assert.AreEqual(4e-5, learner.Settings.Tau[0]);
    }

    [TestMethod]
    public void ChangeTau_ThenFullImage_ResumesExactlyWithTheNewTau()
    {
        var learner = NewLearner(Settings(16, 2e-5));
        Train(learner, 0, 320);
        learner.ChangeTau(new[] { 5e-5 });
        byte[] image = EquilibriumPropagationImage.WriteFull(learner, null);
        Assert.IsTrue(ModelImage.TryParse(image, ImageLimits.Default, out ModelImage parsed, out ImageError parseError), parseError?.ToString());
        Assert.IsTrue(EquilibriumPropagationImage.TryCreateLearner(parsed, KernelSet.Reference, out EquilibriumPropagationLearner resumed, out ImageError error), error?.ToString());
        Assert.AreEqual(learner.FlipThreshold(0), resumed.FlipThreshold(0));
        Assert.AreEqual(learner.UpdateShift(0), resumed.UpdateShift(0));
        Train(learner, 320, 480);
        Train(resumed, 320, 480);
        AssertSameParameters(learner.Network, resumed.Network);
    }

    [TestMethod]
    public void ChangeTau_MisusedOrInvalid_ThrowsAndChangesNothing()
    {
        var learner = NewLearner(Settings(16, 2e-5));
        Train(learner, 0, 3); // an open mini-batch of 3 samples
        Assert.ThrowsExactly<InvalidOperationException>(() => learner.ChangeTau(new[] { 4e-5 }));
        learner.EndBatch();
        int theta = learner.FlipThreshold(0);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.ChangeTau(new[] { 4e-5, -1.0 }));
        Assert.AreEqual(2e-5, learner.Settings.Tau[0]);
        Assert.AreEqual(theta, learner.FlipThreshold(0));

        var s8 = NewLearner(Settings(16, 2e-5), WeightFormat.S8);
        Assert.ThrowsExactly<InvalidOperationException>(() => s8.ChangeTau(new[] { 4e-5 }));
    }

    [TestMethod]
    public void Oracle_SetBopThresholds_TrainsLikeAnOracleBuiltWithThem()
    {
        var (train, labels) = EpOracleTestData.Xor(1, 64);
        var options = new EpOracleOptions
        {
            LayerSizes = new[] { 4, 16, 2 },
            FreeSteps = 20,
            NudgedSteps = 6,
            Beta = 0.5,
            WeightMode = EpWeightMode.BinaryBop,
            BinaryScales = new[] { 0.25, 0.125 },
            BopGammas = new[] { 0.02, 0.02 },
            BopThresholds = new[] { 1e-3, 1e-3 },
            BiasLearningRates = new[] { 0.05, 0.025 },
        };
        var (w, b) = EpOracleTestNets.RandomParameters(options.LayerSizes, 1.0, -0.1, 0.3, 3);
        var changed = new EquilibriumPropagationOracle(options, w, b);
        changed.SetBopThresholds(new[] { 3e-3, 2e-3 });
        var built = new EquilibriumPropagationOracle(options with { BopThresholds = new[] { 3e-3, 2e-3 } }, w, b);
        int flips = 0;
        for (int step = 0; step < 16; step++)
        {
            changed.TrainBatch(train, labels);
            int[] f = built.TrainBatch(train, labels).Flips;
            flips += f[0] + f[1];
        }

        Assert.IsTrue(flips > 0, "nothing flipped: the comparison would be empty");
        CollectionAssert.AreEqual(built.GetWeights(0), changed.GetWeights(0));
        CollectionAssert.AreEqual(built.GetWeights(1), changed.GetWeights(1));
        Assert.ThrowsExactly<ArgumentException>(() => changed.SetBopThresholds(new[] { 1e-3 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => changed.SetBopThresholds(new[] { 1e-3, double.NaN }));
    }

    [TestMethod]
    public void TauSchedule_Parse_StepsFromTheirEpochOn()
    {
        TauSchedule schedule = TauSchedule.Parse("11:2, 16:4", "--tau-schedule");
        Assert.IsNull(schedule.StepAt(1, new[] { 1e-6 }, 2));
        Assert.IsNull(schedule.StepAt(12, new[] { 1e-6 }, 2));
        CollectionAssert.AreEqual(new[] { 2e-6, 6e-6 }, schedule.StepAt(11, new[] { 1e-6, 3e-6 }, 2));
        CollectionAssert.AreEqual(new[] { 4e-6, 4e-6 }, schedule.StepAt(16, new[] { 1e-6 }, 2));
        Assert.AreEqual("11:2,16:4", schedule.ToString());
        Assert.IsTrue(TauSchedule.Parse(null, "--tau-schedule").IsEmpty);
    }

    [TestMethod]
    [DataRow("11")]
    [DataRow("11:x")]
    [DataRow("0:2")]
    [DataRow("11:2,11:4")]
    [DataRow("16:4,11:2")]
    [DataRow("11:0")]
    [DataRow("11:-2")]
    [DataRow("11:Infinity")]
    public void TauSchedule_Parse_RejectsMalformedSchedules(string text)
    {
        var e = Assert.ThrowsExactly<CommandLineUsageException>(() => TauSchedule.Parse(text, "--tau-schedule"));
        StringAssert.Contains(e.Message, "--tau-schedule");
    }
}
