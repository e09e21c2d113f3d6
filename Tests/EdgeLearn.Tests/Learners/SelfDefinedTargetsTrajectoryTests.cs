using System;
using System.Linq;
using EdgeLearn.HostSim.Oracles;
using EdgeLearn.HostSim.Training;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Runtime.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Learners;

/// <summary>
/// Self-defined targets in fixed point against the float64 oracle of the same rules, sample by sample, from the same
/// initial parameters, inputs and order. The k-WTA may legitimately pick different winners where two scores are closer
/// than the fixed-point error: such choices must be borderline (asserted), and the oracle then takes the fixed-point
/// winners so the comparison goes on (counted).
/// </summary>
[TestClass]
public sealed class SelfDefinedTargetsTrajectoryTests
{
    private const double Q15 = 1.0 / 32768;
    private const double Q24 = 1.0 / (1 << 24);

    /// <summary>
    /// Delta rule, 16 inputs, 10 outputs, k = 2, smoothing, mini-batch homeostasis, 40 batches of 4.
    /// Bound derivation, per output row r, with D_r = (latent W_r - W_r, b_r - b_r) in real units and u = (x, 1):
    ///   the response error is dy = lambda (D_r . u + q), lambda in [0, 1] (the clamp is monotone and 1-Lipschitz),
    ///   q the forward rounding: |q| &lt;= 2^-13 ||x||_1 (s16 weights rounded from the latent) + 2^-16 (bias to Q0.15)
    ///   + 2^-16 (pre-activation to Q0.15) + 2^-15 (outputs stop at 1 - 2^-15);
    ///   one mini-batch changes D_r by c sum_b (dd_b - dy_b) u_b plus the per-product rounding (&lt;= 2^-25 each), with
    ///   c = lr / B the same for weights and biases here and dd the target rounding (&lt;= 2^-15). Since
    ///   c sum_b ||u_b||^2 &lt;= 2, the map D -> D (I - c sum_b lambda_b u_b u_b^T) does not expand the 2-norm, so
    ///   ||D_r|| grows by at most c sum_b (|dd_b| + |q_b|) ||u_b|| + B sqrt(M + 1) 2^-25 per batch, and
    ///   |dy| &lt;= ||D_r|| ||u|| + |q| for every sample.
    ///   Homeostasis: per batch H moves by gamma (mean d - set point); both means and set points differ by target
    ///   rounding (2^-15) plus 2^-25, so |dH| grows by at most gamma (2^-14 + 2^-24) + 2^-25 per batch.
    ///   Scores y - H differ by at most |dy| + |dH| + 2^-16 (H rounded to Q0.15): winners may differ only where the
    ///   oracle's scores of the two neurons lie within twice that.
    /// </summary>
    [TestMethod]
    public void DeltaRule_FortyBatches_TrackOracleWithinDerivedBound()
    {
        const int m = 16;
        const int n = 10;
        const int batch = 4;
        const int batches = 40;
        var settings = new DeltaRuleSettings { BatchSize = batch, LearningRate = 0.0625, BiasLearningRate = 0.0625, Seed = 9 };
        var targets = new SelfDefinedTargetSettings { Winners = 2, Smoothing = 0.3, HomeostasisRate = 0.3, BatchSize = batch };
        var learner = new DeltaRuleLearner(m, n, settings, KernelSet.Reference);
        var provider = new SelfDefinedTargetProvider(n, targets);
        DeltaRuleOracle oracle = SelfDefinedTargetsAlgorithm.DeltaOracle(new DeltaRuleLearner(m, n, settings, KernelSet.Reference), settings);
        var rule = new SelfDefinedTargetRuleOracle(SelfDefinedTargetsAlgorithm.OracleTargets(targets, n, 1));
        double[] initialW = (double[])oracle.Weights.Clone();
        Assert.AreEqual(0.0625, settings.EffectiveLearningRate, "the derivation needs equal weight and bias rates");
        Assert.AreEqual(0.0625, settings.EffectiveBiasLearningRate, 1e-12);
        double c = settings.EffectiveLearningRate / batch;
        Assert.IsTrue(c * batch * (m + 1) <= 2, "the update must not expand the error");

        var data = new SyntheticClusters(m, 4, batch * batches, 0.3, 31);
        var targetF = new short[n];
        var targetO = new double[n];
        double rowBound = 0;     // bound on ||D_r|| for every row, valid for the parameters in use
        double growth = 0;       // growth of the bound collected during the current batch
        double hBound = 0;
        double worstY = 0;
        double worstW = 0;
        int borderline = 0;
        int distinctWinnerSets = 0;
        int[] previous = Array.Empty<int>();
        for (int s = 0; s < data.Count; s++)
        {
            double[] x = Real(data, s);
            double norm = Math.Sqrt(x.Sum(v => v * v) + 1);
            double q = Math.Pow(2, -13) * x.Sum() + 2 * Math.Pow(2, -16) + Q15;
            short[] yF = learner.Respond(data.Inputs, s * m);
            double[] yO = oracle.Respond(x);
            double yBound = rowBound * norm + q;
            for (int j = 0; j < n; j++)
            {
                double error = Math.Abs(yF[j] * Q15 - yO[j]);
                worstY = Math.Max(worstY, error);
                Assert.IsTrue(error <= yBound, $"sample {s}, output {j}: |dy| = {error:E3} above the bound {yBound:E3}");
            }

            provider.FillTarget(yF, 0, -1, targetF, 0);
            int[] fixedWinners = (int[])provider.LastWinners.Clone();
            int[] oracleWinners = (int[])rule.ChooseWinners(yO).Clone();
            if (!SameSet(fixedWinners, oracleWinners))
            {
                double scoreBound = yBound + hBound + Math.Pow(2, -16);
                foreach (int a in oracleWinners.Except(fixedWinners))
                {
                    foreach (int b in fixedWinners.Except(oracleWinners))
                    {
                        double gap = Math.Abs(rule.LastScores[a] - rule.LastScores[b]);
                        Assert.IsTrue(gap <= 2 * scoreBound, $"sample {s}: winners {string.Join(",", fixedWinners)} against the oracle's {string.Join(",", oracleWinners)} with a score gap {gap:E3} above {2 * scoreBound:E3}");
                    }
                }

                borderline++;
            }

            if (!SameSet(fixedWinners, previous))
            {
                distinctWinnerSets++;
            }

            previous = fixedWinners;
            rule.ApplyWinners(fixedWinners, targetO);
            for (int j = 0; j < n; j++)
            {
                Assert.AreEqual(targetO[j], targetF[j] * Q15, Q15, "targets of the same winners");
            }

            learner.LearnTowards(targetF, 0);
            oracle.LearnTowards(targetO);
            growth += c * (Q15 + q) * norm + Math.Sqrt(m + 1) * Math.Pow(2, -25);
            if ((s + 1) % batch == 0)
            {
                rowBound += growth;
                growth = 0;
                hBound += targets.EffectiveHomeostasisRate * (Math.Pow(2, -14) + Math.Pow(2, -24)) + Math.Pow(2, -25);
                for (int r = 0; r < n; r++)
                {
                    double sq = Math.Pow(learner.Biases[r] * Q24 - oracle.Biases[r], 2);
                    for (int k = 0; k < m; k++)
                    {
                        double d = learner.LatentWeights[r * m + k] * Q24 - oracle.Weights[r * m + k];
                        sq += d * d;
                        worstW = Math.Max(worstW, Math.Abs(d));
                    }

                    Assert.IsTrue(Math.Sqrt(sq) <= rowBound, $"batch {s / batch}: row {r} parameter error {Math.Sqrt(sq):E3} above {rowBound:E3}");
                    double dh = Math.Abs(provider.Homeostasis.Values[r] * Q24 - rule.Homeostasis[r]);
                    Assert.IsTrue(dh <= hBound, $"batch {s / batch}: H[{r}] error {dh:E3} above {hBound:E3}");
                }
            }
        }

        double moved = 0;
        for (int k = 0; k < initialW.Length; k++)
        {
            moved = Math.Max(moved, Math.Abs(oracle.Weights[k] - initialW[k]));
        }

        Console.WriteLine($"delta rule: worst |dy| {worstY:E3}, worst |dW| {worstW:E3} (row bound {rowBound:E3}), weights moved up to {moved:E3}, {distinctWinnerSets} winner changes, {borderline} borderline choices");
        Assert.IsTrue(moved > 50 * worstW && moved > 0.05, $"the trajectory must learn: weights moved {moved:E3}");
        Assert.IsTrue(distinctWinnerSets > 20, "the winners must change along the trajectory");
        Assert.IsTrue(rule.Homeostasis.Max() > 0.01, "the homeostasis must act");
    }

    /// <summary>
    /// Binary-weight EP (8-6-3, symmetric nudging) driven by k = 1 self-defined targets, 25 batches of 4. The state
    /// bound is the one of EquilibriumPropagationTrajectoryTests: with the same weights the output state error stays
    /// below (3 2^-15 + max |db|) sqrt(n) / (1 - rho); BOP flips must agree except where the oracle's |m| / tau is within
    /// 10 % of 1 (then re-synced); winners as in the delta-rule test; biases move by lr / (2 beta B) (s+ - s-) per sample.
    /// </summary>
    [TestMethod]
    public void BinaryEp_TwentyFiveBatches_TrackOracleWithinDerivedBound()
    {
        int[] sizes = { 8, 6, 3 };
        const int batch = 4;
        const int batches = 25;
        var settings = new EquilibriumPropagationSettings
        {
            FreeSteps = 20,
            NudgedSteps = 8,
            Beta = 0.25,
            BatchSize = batch,
            AccumulatorBits = 32,
            Gamma = new[] { 1.0 / 64 },
            Tau = new[] { 2e-3 },
            BiasLearningRate = new[] { 0.05 },
            Seed = 13,
        };
        var targets = new SelfDefinedTargetSettings { Winners = 1, Smoothing = 0.3, HomeostasisRate = 0.3, BatchSize = batch };
        var description = new NetworkDescription(sizes, 1);
        var network = new EquilibriumPropagationNetwork(description, WeightFormat.B1, ActivationFormat.MultiBit);
        network.Initialize(settings.Seed);
        EquilibriumPropagationInitialState initial = EquilibriumPropagationOracleBridge.CaptureInitialState(network);
        var epLearner = new EquilibriumPropagationLearner(network, settings, KernelSet.Reference);
        var learner = new EquilibriumPropagationTargetLearner(epLearner);
        var provider = new SelfDefinedTargetProvider(3, targets);
        EquilibriumPropagationOracle ep = EquilibriumPropagationOracleBridge.Create(description, settings, initial);
        var oracle = new EquilibriumPropagationTargetOracle(ep, batch, null);
        var rule = new SelfDefinedTargetRuleOracle(SelfDefinedTargetsAlgorithm.OracleTargets(targets, 3, 1));
        var data = new SyntheticClusters(8, 3, batch * batches, 0.3, 41);

        int relaxing = 6 + 3;
        double rho = initial.Alphas[1] * Math.Sqrt(sizes[1] * sizes[2]);
        Assert.IsTrue(rho < 1, $"test net must contract, rho = {rho}");
        var targetF = new short[3];
        var targetO = new double[3];
        double hBound = 0;
        double worstState = 0;
        int borderlineWinners = 0;
        int borderlineFlips = 0;
        int winnerChanges = 0;
        int last = -1;
        for (int s = 0; s < data.Count; s++)
        {
            double[] x = Real(data, s);
            double stateBound = (3 * Q15 + WorstBiasDifference(ep, network)) * Math.Sqrt(relaxing) / (1 - rho);
            short[] yF = learner.Respond(data.Inputs, s * 8);
            double[] yO = oracle.Respond(x);
            for (int j = 0; j < 3; j++)
            {
                double error = Math.Abs(yF[j] * Q15 - yO[j]);
                worstState = Math.Max(worstState, error);
                Assert.IsTrue(error <= stateBound, $"sample {s}: output state error {error:E3} above {stateBound:E3}");
            }

            provider.FillTarget(yF, 0, -1, targetF, 0);
            int fixedWinner = provider.LastWinners[0];
            int oracleWinner = rule.ChooseWinners(yO)[0];
            if (fixedWinner != oracleWinner)
            {
                double gap = Math.Abs(rule.LastScores[fixedWinner] - rule.LastScores[oracleWinner]);
                double scoreBound = stateBound + hBound + Math.Pow(2, -16);
                Assert.IsTrue(gap <= 2 * scoreBound, $"sample {s}: winner {fixedWinner} against the oracle's {oracleWinner}, score gap {gap:E3} above {2 * scoreBound:E3}");
                borderlineWinners++;
            }

            winnerChanges += fixedWinner != last ? 1 : 0;
            last = fixedWinner;
            rule.ApplyWinners(new[] { fixedWinner }, targetO);
            learner.LearnTowards(targetF, 0);
            oracle.LearnTowards(targetO);
            if ((s + 1) % batch == 0)
            {
                hBound += targets.EffectiveHomeostasisRate * (Math.Pow(2, -14) + Math.Pow(2, -24)) + Math.Pow(2, -25);
                for (int r = 0; r < 3; r++)
                {
                    double dh = Math.Abs(provider.Homeostasis.Values[r] * Q24 - rule.Homeostasis[r]);
                    Assert.IsTrue(dh <= hBound, $"batch {s / batch}: H[{r}] error {dh:E3} above {hBound:E3}");
                }

                borderlineFlips += CompareAndResyncSigns(ep, network, sizes, settings.Tau[0], s / batch);
            }
        }

        double samples = batch * batches;
        double stateWorst = 3 * Math.Sqrt(relaxing) * Q15 / (1 - rho);
        double biasBound = samples * 0.05 / (2 * settings.Beta * batch) * 2 * (stateWorst + WorstBiasDifference(ep, network) * Math.Sqrt(relaxing) / (1 - rho)) + samples / (1 << 25);
        Console.WriteLine($"binary EP: worst output-state error {worstState:E3}, {epLearner.Flips} flips, {borderlineFlips} borderline flips, {borderlineWinners} borderline winners, {winnerChanges} winner changes, worst bias error {WorstBiasDifference(ep, network):E3} (bound {biasBound:E3})");
        Assert.IsTrue(epLearner.Flips > 0, "the trajectory must flip weights");
        Assert.IsTrue(winnerChanges > 10, "the winner must change along the trajectory");
        Assert.IsTrue(WorstBiasDifference(ep, network) <= biasBound, "bias error above its bound");
    }

    private static int CompareAndResyncSigns(EquilibriumPropagationOracle ep, EquilibriumPropagationNetwork network, int[] sizes, double tau, int batch)
    {
        int borderline = 0;
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            double[] w = ep.GetWeights(l);
            double[] acc = ep.GetBopAccumulators(l)!;
            for (int r = 0; r < sizes[l + 1]; r++)
            {
                for (int col = 0; col < sizes[l]; col++)
                {
                    int k = r * sizes[l] + col;
                    if (Math.Sign(w[k]) != Math.Sign(network.WeightValue(l, r, col)))
                    {
                        double margin = Math.Abs(Math.Abs(acc[k]) / tau - 1);
                        Assert.IsTrue(margin <= 0.10, $"batch {batch}: weight ({l},{r},{col}) differs although the oracle's |m|/tau is {margin:F3} from the threshold");
                        BinaryKernels.SetBit(network.Signs[l], 0, sizes[l], r, col, w[k] > 0);
                        borderline++;
                    }
                }
            }
        }

        return borderline;
    }

    private static double WorstBiasDifference(EquilibriumPropagationOracle ep, EquilibriumPropagationNetwork network)
    {
        double worst = 0;
        for (int l = 0; l < network.Description.WeightLayerCount; l++)
        {
            double[] b = ep.GetBiases(l);
            for (int r = 0; r < b.Length; r++)
            {
                worst = Math.Max(worst, Math.Abs(b[r] - network.Biases[l][r] * Q24));
            }
        }

        return worst;
    }

    private static bool SameSet(int[] a, int[] b) => a.Length == b.Length && !a.Except(b).Any();

    private static double[] Real(SyntheticClusters data, int s)
    {
        var x = new double[data.Dimension];
        for (int j = 0; j < x.Length; j++)
        {
            x[j] = data.Inputs[s * data.Dimension + j] * Q15;
        }

        return x;
    }
}
