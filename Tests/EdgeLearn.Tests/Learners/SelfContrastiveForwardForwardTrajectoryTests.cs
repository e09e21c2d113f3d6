using System;
using System.Linq;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// <summary>
/// The fixed-point SCFF learner against its float64 oracle along a training trajectory: both layers of a 16-12-8 net,
/// the same initial weights, inputs, order and pairs (the test replays the learner's pair source). Before every
/// mini-batch the oracle is set to the learner's state (weights, biases, momentum), so each step is compared from
/// identical parameters and the bound below holds step by step; the trajectory itself is the fixed-point one.
///
/// Error bound of one step, per weight, derived from the formats (SelfContrastiveForwardForwardSettings):
///   ds   standardised input: half an LSB of Q.10 (2^-11) plus the relative error of sqrt and reciprocal (1/r + 2^-27)
///        (twice the half LSB when the two halves are standardised on their own and added);
///        on layer 1 also the error of z_0 carried through the centred relu (2 dz_0), the block-exponent rounding of
///        a (2^-15 max a), and the standardisation's sensitivity (2 + max|u|) da / std(a)
///   dz   = max_j ||W_j||_1 ds (products and sums exact, biases identical)
///   dG   = 2 max|z| (dz + 2^-13) + (dz + 2^-13)^2 + 2^-13 + 2^-24   (relu(z) to Q.12, G to Q.12, floor of the mean)
///   dgate = 11 2^-15 (logistic table, LookupTables header) + dG / 4 (sigma' &lt;= 1/4) + 2^-16 (lambda in Q0.15)
///   dH   = dgate (max relu z + dz) + dz + 2^-15 max|H| (block exponent: half an LSB of a value above 2^14)
///   dP   = dH (max|s| + ds) + max|H| ds per pair, plus 2^-(FM+1) for the one rounding of the contrastive product
///   SGD: |dW| &lt;= lr 2/(N B) sum_b (dP+ + dP-) + 2^-31 (latent rounding); Signum: the sign of M may differ only where
///   the oracle's |M| is within sum_b (dP+ + dP-) of zero (such weights are counted and re-synced).
/// </summary>
[TestClass]
public sealed class SelfContrastiveForwardForwardTrajectoryTests
{
    private const int Batch = 4;
    private const int StepsPerLayer = 12;

    [TestMethod]
    [DataRow(ContrastiveOptimizer.SgdMomentum, false)]
    [DataRow(ContrastiveOptimizer.SgdMomentum, true)]
    [DataRow(ContrastiveOptimizer.Signum, false)]
    public void TwoLayers_TwelveStepsEach_TrackOracleWithinDerivedBound(ContrastiveOptimizer optimizer, bool standardizeHalves)
    {
        int[] sizes = { 16, 12, 8 };
        bool sgd = optimizer == ContrastiveOptimizer.SgdMomentum;
        var settings = new SelfContrastiveForwardForwardSettings
        {
            Optimizer = optimizer,
            AccumulatorBits = 32,
            LearningRate = new[] { sgd ? 0.5 : 1.0 / 512 },
            Momentum = 0.875,
            Threshold1 = new[] { 1.0 },
            Threshold2 = new[] { 2.0 },
            Lambda = new[] { 1e-3 },
            BatchSize = Batch,
            StandardizeHalves = standardizeHalves,
            RingSize = 6,
            ViewShift = 1,
            Seed = 17,
        };
        var description = new NetworkDescription(sizes, 1);
        var network = new SelfContrastiveForwardForwardNetwork(description);
        network.Initialize(settings.Seed);
        var (w0, b0) = SelfContrastiveOracleBridge.Capture(network);
        var learner = new SelfContrastiveForwardForwardLearner(network, settings, KernelSet.Reference, 4);
        SelfContrastiveForwardForwardOracle oracle = SelfContrastiveOracleBridge.Create(description, settings, w0, b0);
        var pairs = new SelfContrastivePairSource(16, 4, settings.RingSize, settings.ViewShift, settings.Seed);
        var data = new SyntheticClusters(16, 3, 2 * StepsPerLayer * Batch + 1, 0.3, 23);
        double fm = Math.Pow(2, -settings.AccumulatorFractionBits);

        int next = 0;
        double worstRatio = 0;
        int borderline = 0;
        int decisions = 0;
        for (int layer = 0; layer < 2; layer++)
        {
            learner.TrainingLayer = layer;
            oracle.TrainingLayer = layer;
            int rows = sizes[layer + 1];
            int cols = sizes[layer];
            for (int step = 0; step < StepsPerLayer; step++)
            {
                Sync(learner, oracle, layer, sgd);
                double[] wBefore = oracle.GetWeights(layer);
                double[] bBefore = oracle.GetBiases(layer);
                int[] latentBefore = Enumerable.Range(0, rows * cols).Select(learner.Latent).ToArray();
                int[] biasBefore = (int[])network.Biases[layer].Clone();
                double w1 = MaxRowL1(wBefore, rows, cols);
                double errorM = 0;
                double errorMb = 0;
                int pairsInBatch = 0;
                while (pairsInBatch < Batch)
                {
                    int i = next++;
                    learner.TrainSample(data.Inputs, i * 16);
                    pairs.Next(data.Inputs, i * 16);
                    if (!pairs.HasNegative)
                    {
                        continue;
                    }

                    double[] v1 = Real(pairs.View1);
                    double[] v2 = Real(pairs.View2);
                    double[] v3 = Real(pairs.NegativeView);
                    var pos = PairBound(oracle, pairs.View1, pairs.View2, v1, v2, layer, w1, settings, true);
                    var neg = PairBound(oracle, pairs.View1, pairs.NegativeView, v1, v3, layer, w1, settings, false);
                    double maxH = Math.Max(pos.MaxH, neg.MaxH);
                    double dPpos = PairProductError(pos, maxH);
                    double dPneg = PairProductError(neg, maxH);
                    errorM += dPpos + dPneg + fm / 2;
                    errorMb += (pos.DH - maxH * Math.Pow(2, -15)) + (neg.DH - maxH * Math.Pow(2, -15)) + fm / 2;
                    oracle.TrainPair(v1, v2, v3);
                    pairsInBatch++;

                    Assert.AreEqual(oracle.LastPositiveGoodness, learner.LastPositiveGoodness / 4096.0, pos.DG, $"layer {layer} step {step}: G+");
                    Assert.AreEqual(oracle.LastNegativeGoodness, learner.LastNegativeGoodness / 4096.0, neg.DG, $"layer {layer} step {step}: G-");
                }

                double[] wAfter = oracle.GetWeights(layer);
                double[] bAfter = oracle.GetBiases(layer);
                double[] mAfter = oracle.GetMomentum();
                double mu = settings.EffectiveMomentum;
                if (sgd)
                {
                    double c = settings.EffectiveSgdRate(layer, rows) * 2.0 / (rows * Batch);
                    double bound = c * errorM + Math.Pow(2, -31) + 1e-15;
                    for (int k = 0; k < rows * cols; k++)
                    {
                        double fixedStep = (learner.Latent(k) - latentBefore[k]) / Math.Pow(2, 30);
                        double oracleStep = wAfter[k] - wBefore[k];
                        double diff = Math.Abs(fixedStep - oracleStep);
                        worstRatio = Math.Max(worstRatio, diff / bound);
                        Assert.IsTrue(diff <= bound, $"layer {layer} step {step} weight {k}: step {fixedStep:E4} vs oracle {oracleStep:E4}, difference {diff:E3} above the bound {bound:E3}");
                    }

                    double cb = c * SelfContrastiveForwardForwardNetwork.BiasFactor(layer);
                    double biasBound = cb * errorMb + Math.Pow(2, -25) + 1e-15;
                    for (int j = 0; j < rows; j++)
                    {
                        double fixedStep = (network.Biases[layer][j] - biasBefore[j]) / Math.Pow(2, 24);
                        double diff = Math.Abs(fixedStep - (bAfter[j] - bBefore[j]));
                        Assert.IsTrue(diff <= biasBound, $"layer {layer} step {step} bias {j}: difference {diff:E3} above the bound {biasBound:E3}");
                    }
                }
                else
                {
                    for (int k = 0; k < rows * cols; k++)
                    {
                        double fixedStep = network.Weights[layer][k] / 16384.0 - wBefore[k];
                        double oracleStep = wAfter[k] - wBefore[k];
                        decisions++;
                        if (Math.Abs(fixedStep - oracleStep) > 1e-12)
                        {
                            // The oracle's M before the leak is mAfter / mu; a different sign is allowed only near zero.
                            double m = Math.Abs(mAfter[k] / mu);
                            Assert.IsTrue(m <= errorM, $"layer {layer} step {step} weight {k}: sign differs although the oracle's |M| = {m:E3} exceeds the error bound {errorM:E3}");
                            borderline++;
                        }
                    }
                }
            }
        }

        Console.WriteLine($"{optimizer}: worst |dW| / bound {worstRatio:F3}, {borderline} of {decisions} sign decisions borderline");
        Assert.IsTrue(borderline <= decisions / 20, $"{borderline} of {decisions} sign decisions differ");
    }

    private sealed record Bound(double Ds, double Dz, double DG, double DH, double MaxS, double MaxH, double MaxZ);

    private static Bound PairBound(SelfContrastiveForwardForwardOracle oracle, short[] q1, short[] q2, double[] h1, double[] h2, int layer, double w1, SelfContrastiveForwardForwardSettings settings, bool positive)
    {
        double[] s0 = oracle.InputOf(h1, h2, 0);
        double ds;
        if (settings.StandardizeHalves)
        {
            // Two standardisations, each within half an LSB plus its relative error, then an exact addition.
            uint r1 = NormalizationKernels.StandardizeS16(q1, 0, 16, 10, new short[16], 0);
            uint r2 = NormalizationKernels.StandardizeS16(q2, 0, 16, 10, new short[16], 0);
            var u1 = new double[16];
            var u2 = new double[16];
            SelfContrastiveForwardForwardOracle.Standardize(h1, 16, u1, 0);
            SelfContrastiveForwardForwardOracle.Standardize(h2, 16, u2, 0);
            double magnitude = Enumerable.Range(0, 16).Max(i => Math.Abs(u1[i]) + Math.Abs(u2[i]));
            ds = 2 * Math.Pow(2, -11) + magnitude * (1.0 / Math.Min(r1, r2) + Math.Pow(2, -27));
        }
        else
        {
            uint r = NormalizationKernels.StandardizePairSumS16(q1, 0, q2, 0, 16, 10, new short[16], 0);
            ds = Math.Pow(2, -11) + s0.Max(Math.Abs) * (1.0 / r + Math.Pow(2, -27));
        }

        if (layer == 1)
        {
            double dz0 = ds * MaxRowL1(oracle.GetWeights(0), 12, 16);
            double[] z0 = oracle.PreActivationOf(h1, h2, 0);
            var a = new double[z0.Length];
            SelfContrastiveForwardForwardOracle.CenteredRelu(z0, a);
            double mean = a.Average();
            double std = Math.Sqrt(a.Select(v => (v - mean) * (v - mean)).Average());
            double[] s1 = oracle.InputOf(h1, h2, 1);
            double da = 2 * dz0 + a.Max() * Math.Pow(2, -15);
            // The centred relu has a zero and a maximum of at least 2^14 after its block exponent, so r = n std >= 2^13 sqrt(n)
            // and the relative error of sqrt and reciprocal stays below 2^-13.
            ds = Math.Pow(2, -11) + (2 + s1.Max(Math.Abs)) * da / std + s1.Max(Math.Abs) * Math.Pow(2, -13);
            s0 = s1;
        }

        double[] z = oracle.PreActivationOf(h1, h2, layer);
        double dz = w1 * ds;
        double maxZ = z.Max(Math.Abs);
        double q = Math.Pow(2, -13);
        double dG = 2 * maxZ * (dz + q) + (dz + q) * (dz + q) + q + Math.Pow(2, -24);
        double g = SelfContrastiveForwardForwardOracle.Goodness(z);
        double lambda = settings.LambdaQ15(layer) / 32768.0;
        double gate = positive
            ? SelfContrastiveForwardForwardOracle.Sigmoid(settings.Threshold1Q12(layer) / 4096.0 - g) - lambda
            : SelfContrastiveForwardForwardOracle.Sigmoid(g - settings.Threshold2Q12(layer) / 4096.0);
        double dGate = 11 * Math.Pow(2, -15) + dG / 4 + Math.Pow(2, -16);
        double maxRelu = z.Max(v => Math.Max(v, 0));
        double maxH = Math.Abs(gate) * maxRelu;
        double dH = dGate * (maxRelu + dz) + dz;
        return new Bound(ds, dz, dG, dH, s0.Max(Math.Abs), maxH, maxZ);
    }

    // dP = dH (max|s| + ds) + max|H| ds, with the block-exponent rounding (2^-15 of the pair's largest |H|) in dH.
    private static double PairProductError(Bound b, double maxHOfPair)
    {
        double dH = b.DH + maxHOfPair * Math.Pow(2, -15);
        return dH * (b.MaxS + b.Ds) + (b.MaxH + dH) * b.Ds;
    }

    private static void Sync(SelfContrastiveForwardForwardLearner learner, SelfContrastiveForwardForwardOracle oracle, int layer, bool sgd)
    {
        var network = learner.Network;
        int count = network.Weights[layer].Length;
        int rows = network.Biases[layer].Length;
        double fm = Math.Pow(2, -learner.Settings.AccumulatorFractionBits);
        var w = new double[count];
        var m = new double[count];
        for (int k = 0; k < count; k++)
        {
            w[k] = network.Weights[layer][k] / 16384.0;
            m[k] = learner.Accumulator(k) * fm;
        }

        var b = new double[rows];
        var mb = new double[rows];
        for (int j = 0; j < rows; j++)
        {
            b[j] = network.BiasValue(layer, j);
            mb[j] = learner.BiasAccumulator(j) * fm;
        }

        oracle.SetTrainingState(w, b, m, mb);
        if (layer == 1)
        {
            // The frozen layer below must be the learner's too.
            oracle.TrainingLayer = 0;
            var w0 = network.Weights[0].Select(v => v / 16384.0).ToArray();
            var b0 = Enumerable.Range(0, network.Biases[0].Length).Select(j => network.BiasValue(0, j)).ToArray();
            oracle.SetTrainingState(w0, b0, new double[w0.Length], new double[b0.Length]);
            oracle.TrainingLayer = 1;
            oracle.SetTrainingState(w, b, m, mb);
        }
    }

    private static double MaxRowL1(double[] w, int rows, int cols)
    {
        double max = 0;
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++)
            {
                sum += Math.Abs(w[r * cols + c]);
            }

            max = Math.Max(max, sum);
        }

        return max;
    }

    private static double[] Real(short[] q) => q.Select(v => v / 32768.0).ToArray();
}
