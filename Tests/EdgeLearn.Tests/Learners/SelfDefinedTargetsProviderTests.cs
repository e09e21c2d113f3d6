using System;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

[TestClass]
public sealed class SelfDefinedTargetsProviderTests
{
    private static SelfDefinedTargetSettings Settings(int k, double smoothing, double rate, int batch, HomeostasisMode mode = HomeostasisMode.MiniBatch, int leak = 0)
    {
        return new SelfDefinedTargetSettings { Winners = k, Smoothing = smoothing, HomeostasisRate = rate, BatchSize = batch, Mode = mode, AverageRate = 0.25, LeakShift = leak };
    }

    [TestMethod]
    public void SelfDefinedTarget_TwoWinners_LargestOutputsWinWithSmoothedValues()
    {
        var provider = new SelfDefinedTargetProvider(6, Settings(2, 0.3, 0.0, 4));
        short[] y = { 100, 9000, 50, 20000, 9000, 0 };
        var target = new short[8];

        bool fromLabel = provider.FillTarget(y, 0, 3, target, 1);

        Assert.IsFalse(fromLabel, "a self-defined target never comes from the label");
        // winners: 3 (20000) then the tie 9000 at 1 and 4, broken towards the lower index
        CollectionAssert.AreEqual(new[] { 3, 1 }, provider.LastWinners);
        short win = (short)Math.Round((0.7 + 0.3 * 2 / 6.0) * 32768);
        short lose = (short)Math.Round(0.3 * 2 / 6.0 * 32768);
        CollectionAssert.AreEqual(new short[] { 0, lose, win, lose, win, lose, lose, 0 }, target);
    }

    [TestMethod]
    public void SelfDefinedTarget_NoSmoothing_WinnersAreOneAndLosersZero()
    {
        var provider = new SelfDefinedTargetProvider(4, Settings(1, 0.0, 0.0, 1));
        var target = new short[4];

        provider.FillTarget(new short[] { 5, 7, 3, 1 }, 0, -1, target, 0);

        CollectionAssert.AreEqual(new short[] { 0, 32767, 0, 0 }, target);
    }

    [TestMethod]
    public void Homeostasis_NeuronThatAlwaysWins_LosesTheCompetitionUntilWinsAreFair()
    {
        // One fixed response in which neuron 0 dominates: without homeostasis it would win every time.
        const int n = 8;
        const int k = 2;
        var provider = new SelfDefinedTargetProvider(n, Settings(k, 0.3, 0.5, 8));
        short[] y = { 30000, 20000, 15000, 12000, 9000, 6000, 3000, 0 };
        var target = new short[n];
        var wins = new int[n];
        const int samples = 4000;
        for (int s = 0; s < samples; s++)
        {
            provider.FillTarget(y, 0, -1, target, 0);
            if (s >= samples / 2)
            {
                foreach (int w in provider.LastWinners)
                {
                    wins[w]++;
                }
            }
        }

        double fair = (samples / 2) * (double)k / n;
        for (int j = 0; j < n; j++)
        {
            Assert.IsTrue(Math.Abs(wins[j] - fair) <= 0.1 * fair, $"neuron {j} won {wins[j]} times, fair share {fair}");
        }

        int[] h = provider.Homeostasis.Values;
        Assert.IsTrue(h[0] > h[n - 1], "the strongest neuron must carry the highest threshold");
    }

    [TestMethod]
    public void Homeostasis_MiniBatch_UpdatesOncePerBatchByRateTimesActivityError()
    {
        var settings = Settings(1, 0.0, 0.3, 4);
        var provider = new SelfDefinedTargetProvider(4, settings);
        var target = new short[4];
        short[] y = { 100, 200, 300, 400 };

        for (int s = 0; s < 3; s++)
        {
            provider.FillTarget(y, 0, -1, target, 0);
            CollectionAssert.AreEqual(new int[4], provider.Homeostasis.Values, "H must not move inside a batch");
        }

        provider.FillTarget(y, 0, -1, target, 0);

        // Neuron 3 won all four samples: mean activity 32767/32768, set point = mean target = 32767 / 4 / 32768.
        double gamma = settings.EffectiveHomeostasisRate;
        double setPoint = 32767 / 4.0 / 32768;
        double[] expected = { gamma * -setPoint, gamma * -setPoint, gamma * -setPoint, gamma * (32767 / 32768.0 - setPoint) };
        for (int j = 0; j < 4; j++)
        {
            double actual = provider.Homeostasis.Values[j] / (double)(1 << 24);
            Assert.AreEqual(expected[j], actual, 1.0 / (1 << 24), $"H[{j}]");
        }

        Assert.AreEqual(1L, provider.Homeostasis.Updates);
    }

    [TestMethod]
    public void Homeostasis_Streaming_FollowsRunningAverageFormulaAndLeak()
    {
        var settings = Settings(1, 0.2, 0.4, 1, HomeostasisMode.Streaming, leak: 3);
        var provider = new SelfDefinedTargetProvider(3, settings);
        var target = new short[3];
        double eta = settings.EffectiveAverageRate;
        double gamma = settings.EffectiveHomeostasisRate;
        double setPoint = provider.Homeostasis.SetPoint / (double)(1 << 24);
        var a = new[] { setPoint, setPoint, setPoint };
        var h = new double[3];
        var rng = new EdgeLearn.Kernels.Xoshiro128(4, 9);
        for (int s = 0; s < 200; s++)
        {
            var y = new short[] { (short)rng.NextBelow(32768), (short)rng.NextBelow(32768), (short)rng.NextBelow(32768) };
            provider.FillTarget(y, 0, -1, target, 0);
            for (int j = 0; j < 3; j++)
            {
                a[j] += eta * (target[j] / 32768.0 - a[j]);
                h[j] += gamma * (a[j] - setPoint);
                h[j] -= h[j] / 8;
                // a rounds once per update (<= 2^-25), so its error stays below 2^-25 / eta; H adds gamma times that and
                // two roundings (product, leak) per update, and the leak 1/8 keeps the sum below 8 times one update's share.
                double bound = 8 * (gamma / eta + 2) / (1 << 25);
                Assert.AreEqual(h[j], provider.Homeostasis.Values[j] / (double)(1 << 24), bound, $"sample {s}, H[{j}]");
            }
        }

        Assert.AreEqual(200L, provider.Homeostasis.Updates);
    }

    [TestMethod]
    public void Homeostasis_SetPointIsMeanTarget_SumOfThresholdsDoesNotDrift()
    {
        const int n = 50;
        var provider = new SelfDefinedTargetProvider(n, Settings(3, 0.3, 0.3, 16));
        var target = new short[n];
        var y = new short[n];
        var rng = new EdgeLearn.Kernels.Xoshiro128(8, 1);
        for (int s = 0; s < 16 * 500; s++)
        {
            for (int j = 0; j < n; j++)
            {
                y[j] = (short)rng.NextBelow(32768);
            }

            provider.FillTarget(y, 0, -1, target, 0);
        }

        long sum = 0;
        foreach (int v in provider.Homeostasis.Values)
        {
            sum += v;
        }

        // Every batch moves the sum by the rounding of n means and n products only (< 2 LSB each).
        Assert.IsTrue(Math.Abs(sum) <= 2L * n * 500, $"sum of H drifted to {sum} (Q8.24)");
        Assert.AreNotEqual(0, provider.Homeostasis.Values[0], "H must have moved");
    }

    [TestMethod]
    public void Homeostasis_Reset_ClearsThresholdsAndPartialBatch()
    {
        var provider = new SelfDefinedTargetProvider(4, Settings(1, 0.0, 0.3, 2));
        var target = new short[4];
        provider.FillTarget(new short[] { 1, 2, 3, 4 }, 0, -1, target, 0);
        provider.FillTarget(new short[] { 1, 2, 3, 4 }, 0, -1, target, 0);
        provider.FillTarget(new short[] { 1, 2, 3, 4 }, 0, -1, target, 0);
        Assert.AreEqual(1, provider.Homeostasis.PendingCount);

        provider.Homeostasis.Reset();

        CollectionAssert.AreEqual(new int[4], provider.Homeostasis.Values);
        Assert.AreEqual(0, provider.Homeostasis.PendingCount);
    }

    [TestMethod]
    public void SupervisedTarget_GroupsOfThree_LabelGroupIsOn()
    {
        var provider = new SupervisedTargetProvider(6, 3, 0.0);
        var target = new short[6];

        Assert.IsTrue(provider.FillTarget(new short[6], 0, 1, target, 0));

        CollectionAssert.AreEqual(new short[] { 0, 0, 0, 32767, 32767, 32767 }, target);
    }

    [TestMethod]
    public void SupervisedTarget_MissingOrBadLabel_ThrowsNamingTheLabel()
    {
        var provider = new SupervisedTargetProvider(4, 1, 0.0);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => provider.FillTarget(new short[4], 0, -1, new short[4], 0));
        StringAssert.Contains(e.Message, "label -1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => provider.FillTarget(new short[4], 0, 4, new short[4], 0));
    }

    [TestMethod]
    public void SemiSupervised_LabelPresentOrAbsent_PicksTheRightProviderAndOnlySelfDefinedTargetsReachHomeostasis()
    {
        var self = new SelfDefinedTargetProvider(4, Settings(1, 0.0, 0.3, 1));
        var semi = new SemiSupervisedTargetProvider(new SupervisedTargetProvider(4, 1, 0.0), self);
        var target = new short[4];
        short[] y = { 10, 20, 30, 40 };

        Assert.IsTrue(semi.FillTarget(y, 0, 0, target, 0));
        CollectionAssert.AreEqual(new short[] { 32767, 0, 0, 0 }, target);
        Assert.AreEqual(0L, self.Homeostasis.Updates, "a labelled target must not reach the homeostasis");

        Assert.IsFalse(semi.FillTarget(y, 0, -1, target, 0));
        CollectionAssert.AreEqual(new short[] { 0, 0, 0, 32767 }, target);
        Assert.AreEqual(1L, self.Homeostasis.Updates);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => semi.FillTarget(y, 0, -2, target, 0));
    }

    [TestMethod]
    [DataRow(0, 0.3, 0.3, 16, 0.1, 0, "Winners")]
    [DataRow(5, 0.3, 0.3, 16, 0.1, 0, "Winners")]
    [DataRow(1, 1.0, 0.3, 16, 0.1, 0, "Smoothing")]
    [DataRow(1, 0.3, -1.0, 16, 0.1, 0, "HomeostasisRate")]
    [DataRow(1, 0.3, 0.3, 0, 0.1, 0, "BatchSize")]
    [DataRow(1, 0.3, 0.3, 16, 0.0, 0, "AverageRate")]
    [DataRow(1, 0.3, 0.3, 16, 0.1, 31, "LeakShift")]
    public void Settings_OutOfRange_ThrowNamingTheSetting(int k, double smoothing, double rate, int batch, double eta, int leak, string name)
    {
        var s = new SelfDefinedTargetSettings { Winners = k, Smoothing = smoothing, HomeostasisRate = rate, BatchSize = batch, AverageRate = eta, LeakShift = leak };

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelfDefinedTargetProvider(4, s));

        Assert.AreEqual(name, e.ParamName);
    }
}
