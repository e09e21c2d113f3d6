using System;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Oracles;

/// The BPTT yardstick checked on its own: against central finite differences of the loss after T free
/// steps, and against the oracle's free phase.
[TestClass]
public sealed class EquilibriumPropagationBpttTests
{
    private static readonly int[] Sizes = { 5, 8, 6, 3 };
    private const int FreeSteps = 40;

    private static (double[][] W, double[][] B, double[] X, double[] Y) Fixture()
    {
        var (w, b) = EpOracleTestNets.RandomParameters(Sizes, 0.8, -0.2, 0.6, 11);
        var rng = new Xoshiro128(11, 3);
        double[] x = EpOracleTestNets.UniformVector(rng, Sizes[0]);
        double[] y = { 0.0, 1.0, 0.0 };
        return (w, b, x, y);
    }

    [TestMethod]
    public void Bptt_FullTruncation_MatchesCentralFiniteDifferences()
    {
        var (w, b, x, y) = Fixture();
        EpBpttResult result = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, FreeSteps);
        const double h = 1e-6;
        double worst = 0.0;
        int checkedCount = 0;
        for (int l = 0; l < w.Length; l++)
        {
            for (int q = 0; q < w[l].Length; q++)
            {
                double saved = w[l][q];
                w[l][q] = saved + h;
                double up = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 1).Loss;
                w[l][q] = saved - h;
                double down = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 1).Loss;
                w[l][q] = saved;
                worst = Math.Max(worst, Math.Abs((up - down) / (2 * h) - result.LossGradient.Weights[l][q]));
                checkedCount++;
            }

            for (int q = 0; q < b[l].Length; q++)
            {
                double saved = b[l][q];
                b[l][q] = saved + h;
                double up = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 1).Loss;
                b[l][q] = saved - h;
                double down = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 1).Loss;
                b[l][q] = saved;
                worst = Math.Max(worst, Math.Abs((up - down) / (2 * h) - result.LossGradient.Biases[l][q]));
                checkedCount++;
            }
        }

        Console.WriteLine($"{checkedCount} parameters, worst |finite difference - BPTT| = {worst:E2}, loss {result.Loss:F6}");
        Assert.IsGreaterThan(1e-3, result.Loss, "fixture must have a non-trivial loss");
        Assert.IsLessThan(1e-7, worst);
    }

    [TestMethod]
    public void Bptt_TruncationBelowDepth_InputWeightsGetNoGradient()
    {
        // The output error needs one step per layer to travel down: through k = 2 steps of a 3-weight-layer
        // net it reaches layer 2 but not layer 1, so dW_0 is exactly zero; through k = 3 it is not.
        var (w, b, x, y) = Fixture();
        EpBpttResult two = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 2);
        EpBpttResult three = EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, 3);
        Assert.IsTrue(Array.TrueForAll(two.LossGradient.Weights[0], v => v == 0.0));
        Assert.IsFalse(Array.TrueForAll(two.LossGradient.Weights[1], v => v == 0.0));
        Assert.IsFalse(Array.TrueForAll(three.LossGradient.Weights[0], v => v == 0.0));
    }

    [TestMethod]
    public void Bptt_FinalState_MatchesOracleFreeState()
    {
        var (w, b, x, y) = Fixture();
        var options = new EpOracleOptions
        {
            LayerSizes = Sizes,
            FreeSteps = FreeSteps,
            WeightLearningRates = new double[3],
            BiasLearningRates = new double[3],
        };
        var oracle = new EquilibriumPropagationOracle(options, w, b);
        double[][] free = oracle.RelaxFree(x);
        EpBpttResult bptt = EquilibriumPropagationBptt.Compute(oracle, x, 1, 3);
        for (int l = 1; l < free.Length; l++)
        {
            for (int i = 0; i < free[l].Length; i++)
            {
                Assert.AreEqual(bptt.FinalState[l][i], free[l][i], 1e-14, $"layer {l} neuron {i}");
            }
        }
    }

    [TestMethod]
    public void Bptt_TruncationAboveT_ThrowsNamingTruncation()
    {
        var (w, b, x, y) = Fixture();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EquilibriumPropagationBptt.Compute(Sizes, w, b, x, y, FreeSteps, FreeSteps + 1));
        Assert.AreEqual("truncation", e.ParamName);
    }
}
