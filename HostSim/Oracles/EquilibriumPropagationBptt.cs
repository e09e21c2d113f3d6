// EquilibriumPropagationBptt: the independent yardstick for the EP oracle. It runs the free phase of the
// hard-sigmoid network (ALGORITHMS.md section 1, beta = 0, states from 0) for T steps, recording every
// pre-activation, and computes by reverse mode through the last k steps the gradient of
// L = 1/2 ||s^T_L - y||^2 with respect to every W_l and b_l (truncated BPTT: s^{T-k} is held constant).
// The forward step is written here again, not borrowed from the oracle, so that a test comparing the two
// free states also checks the oracle's dynamics.
//
// Glossary: as in EquilibriumPropagationOracle (L weight layers, n_0 .. n_L, W_l n_{l+1} x n_l row-major).
//   s^t_l  state of layer l after step t (s^0_l = 0 for l >= 1, s^t_0 = x)
//   p^t_l  pre-activation of layer l at step t: W_{l-1} s^{t-1}_{l-1} + b_{l-1} + [l < L] W_l^T s^{t-1}_{l+1}
//   s^t_l = rho(p^t_l), rho'(u) = 1 for 0 < u < 1 (exclusive), 0 elsewhere
//
// Backward (delta^t_l = dL/ds^t_l, g^t_l = delta^t_l * rho'(p^t_l)), for t = T down to T-k+1:
//   dW_{l-1} += g^t_l s^{t-1}_{l-1}^T,  db_{l-1} += g^t_l              (forward path of p_l)
//   dW_l     += s^{t-1}_{l+1} g^t_l^T                 for l < L        (feedback path W_l^T s_{l+1} of p_l)
//   delta^{t-1}_m = [m < L] W_m^T g^t_{m+1} + [m >= 2] W_{m-1} g^t_{m-1}   for m = 1 .. L
// Because each W_l is used both ways (the step is dPhi/ds of one primitive), the gradient has the
// symmetric structure that makes the EP update equal to -dL/dtheta (see the oracle's header).
using System;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>
/// Truncated backpropagation through time of the hard-sigmoid EP free phase: the reference gradient for the
/// GDU test of <see cref="EquilibriumPropagationOracle"/>. Sign convention: returns the loss gradient
/// dL/dtheta (ascent direction); the EP estimate approximates its negation.
/// </summary>
public static class EquilibriumPropagationBptt
{
    /// <summary>
    /// Runs T = <paramref name="freeSteps"/> free steps from s = 0 and returns dL/dtheta through the last
    /// <paramref name="truncation"/> steps (1 &lt;= k &lt;= T), for L = 1/2 ||s^T_L - y||^2.
    /// </summary>
    /// <param name="layerSizes">n_0 .. n_L (at least two entries, each &gt;= 1).</param>
    /// <param name="weights">Per layer l: n_{l+1} x n_l, row-major.</param>
    /// <param name="biases">Per layer l: n_{l+1}.</param>
    /// <param name="input">x, n_0 values.</param>
    /// <param name="target">y, n_L values.</param>
    /// <param name="freeSteps">T &gt;= 1.</param>
    /// <param name="truncation">k in [1, T].</param>
    public static EpBpttResult Compute(int[] layerSizes, double[][] weights, double[][] biases, double[] input, double[] target, int freeSteps, int truncation)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var gradient = new EpGradient(layerSizes); // validates the sizes
        int layers = layerSizes.Length - 1;
        int[] n = layerSizes;
        if (weights.Length != layers || biases.Length != layers)
        {
            throw new ArgumentException($"Expected {layers} weight and bias layers, got {weights.Length} and {biases.Length}.", nameof(weights));
        }

        for (int l = 0; l < layers; l++)
        {
            if (weights[l] is null || weights[l].Length != n[l + 1] * n[l])
            {
                throw new ArgumentException($"weights[{l}] must hold n_{l + 1} x n_{l} = {n[l + 1] * n[l]} values.", nameof(weights));
            }

            if (biases[l] is null || biases[l].Length != n[l + 1])
            {
                throw new ArgumentException($"biases[{l}] must hold n_{l + 1} = {n[l + 1]} values.", nameof(biases));
            }
        }

        if (input.Length != n[0])
        {
            throw new ArgumentException($"input has {input.Length} values; n_0 = {n[0]}.", nameof(input));
        }

        if (target.Length != n[layers])
        {
            throw new ArgumentException($"target has {target.Length} values; n_L = {n[layers]}.", nameof(target));
        }

        if (freeSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(freeSteps), freeSteps, "freeSteps must be >= 1.");
        }

        if (truncation < 1 || truncation > freeSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(truncation), truncation, $"truncation must be in [1, freeSteps = {freeSteps}].");
        }

        // Forward: states[t][l] = s^t_l ([T+1][L+1][n_l]), pre[t][l] = p^t_l (t >= 1, l >= 1).
        var states = new double[freeSteps + 1][][];
        var pre = new double[freeSteps + 1][][];
        for (int t = 0; t <= freeSteps; t++)
        {
            states[t] = new double[layers + 1][];
            pre[t] = new double[layers + 1][];
            states[t][0] = input;
            for (int l = 1; l <= layers; l++)
            {
                states[t][l] = new double[n[l]];
                pre[t][l] = new double[n[l]];
            }
        }

        for (int t = 1; t <= freeSteps; t++)
        {
            double[][] prev = states[t - 1];
            for (int l = 1; l <= layers; l++)
            {
                double[] p = pre[t][l];
                double[] w = weights[l - 1];
                for (int i = 0; i < n[l]; i++)
                {
                    double acc = biases[l - 1][i];
                    for (int j = 0; j < n[l - 1]; j++)
                    {
                        acc += w[i * n[l - 1] + j] * prev[l - 1][j];
                    }

                    if (l < layers)
                    {
                        double[] wUp = weights[l];
                        for (int r = 0; r < n[l + 1]; r++)
                        {
                            acc += wUp[r * n[l] + i] * prev[l + 1][r];
                        }
                    }

                    p[i] = acc;
                    states[t][l][i] = acc <= 0.0 ? 0.0 : (acc >= 1.0 ? 1.0 : acc);
                }
            }
        }

        double[] output = states[freeSteps][layers];
        double loss = 0.0;
        var delta = new double[layers + 1][];   // [L+1][n_l], delta^t_l = dL/ds^t_l; delta[0] unused
        var g = new double[layers + 1][];       // [L+1][n_l], g^t_l = delta^t_l * rho'(p^t_l)
        for (int l = 0; l <= layers; l++)
        {
            delta[l] = new double[n[l]];
            g[l] = new double[n[l]];
        }

        for (int i = 0; i < n[layers]; i++)
        {
            double d = output[i] - target[i];
            loss += 0.5 * d * d;
            delta[layers][i] = d;
        }

        // Backward through steps T .. T-k+1.
        for (int t = freeSteps; t > freeSteps - truncation; t--)
        {
            double[][] prev = states[t - 1];
            for (int l = 1; l <= layers; l++)
            {
                for (int i = 0; i < n[l]; i++)
                {
                    double u = pre[t][l][i];
                    g[l][i] = u > 0.0 && u < 1.0 ? delta[l][i] : 0.0;
                }
            }

            for (int l = 1; l <= layers; l++)
            {
                // Forward path: p_l depends on W_{l-1} s_{l-1} + b_{l-1}.
                double[] dw = gradient.Weights[l - 1];
                double[] db = gradient.Biases[l - 1];
                for (int i = 0; i < n[l]; i++)
                {
                    db[i] += g[l][i];
                    for (int j = 0; j < n[l - 1]; j++)
                    {
                        dw[i * n[l - 1] + j] += g[l][i] * prev[l - 1][j];
                    }
                }

                // Feedback path: p_l depends on W_l^T s_{l+1}, i.e. on W_l[r, i] through s_{l+1}[r].
                if (l < layers)
                {
                    double[] dwUp = gradient.Weights[l];
                    for (int r = 0; r < n[l + 1]; r++)
                    {
                        for (int i = 0; i < n[l]; i++)
                        {
                            dwUp[r * n[l] + i] += prev[l + 1][r] * g[l][i];
                        }
                    }
                }
            }

            // delta^{t-1}: every pre-activation of step t that read s^{t-1}_m.
            for (int m = 1; m <= layers; m++)
            {
                double[] dm = delta[m];
                Array.Clear(dm);
                if (m < layers)
                {
                    double[] w = weights[m];              // p_{m+1} = W_m s_m + ...
                    for (int r = 0; r < n[m + 1]; r++)
                    {
                        for (int i = 0; i < n[m]; i++)
                        {
                            dm[i] += w[r * n[m] + i] * g[m + 1][r];
                        }
                    }
                }

                if (m >= 2)
                {
                    double[] w = weights[m - 1];          // p_{m-1} = ... + W_{m-1}^T s_m
                    for (int i = 0; i < n[m]; i++)
                    {
                        double acc = 0.0;
                        for (int j = 0; j < n[m - 1]; j++)
                        {
                            acc += w[i * n[m - 1] + j] * g[m - 1][j];
                        }

                        dm[i] += acc;
                    }
                }
            }
        }

        var finalState = new double[layers + 1][];
        var residual = 0.0;
        for (int l = 0; l <= layers; l++)
        {
            finalState[l] = (double[])states[freeSteps][l].Clone();
            if (l >= 1)
            {
                for (int i = 0; i < n[l]; i++)
                {
                    residual = Math.Max(residual, Math.Abs(states[freeSteps][l][i] - states[freeSteps - 1][l][i]));
                }
            }
        }

        return new EpBpttResult(gradient, loss, finalState, residual);
    }

    /// <summary>
    /// <see cref="Compute(int[], double[][], double[][], double[], double[], int, int)"/> on the current
    /// parameters of a hard-sigmoid oracle, with its target for <paramref name="label"/> and its T.
    /// </summary>
    public static EpBpttResult Compute(EquilibriumPropagationOracle oracle, double[] input, int label, int truncation)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        if (oracle.Options.ActivationMode != EpActivationMode.HardSigmoid)
        {
            throw new NotSupportedException("BPTT needs the hard-sigmoid dynamics; bin-W-N's threshold has no useful derivative.");
        }

        int layers = oracle.LayerCount;
        var weights = new double[layers][];
        var biases = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            weights[l] = oracle.GetWeights(l);
            biases[l] = oracle.GetBiases(l);
        }

        return Compute(oracle.LayerSizes, weights, biases, input, oracle.Target(label), oracle.Options.FreeSteps, truncation);
    }
}

/// <summary>Result of <see cref="EquilibriumPropagationBptt.Compute(int[], double[][], double[][], double[], double[], int, int)"/>.</summary>
public sealed class EpBpttResult
{
    /// <summary>Creates a result (the BPTT routine builds these).</summary>
    public EpBpttResult(EpGradient lossGradient, double loss, double[][] finalState, double lastStepChange)
    {
        LossGradient = lossGradient;
        Loss = loss;
        FinalState = finalState;
        LastStepChange = lastStepChange;
    }

    /// <summary>dL/dtheta through the last k steps (ascent direction; EP estimates its negation).</summary>
    public EpGradient LossGradient { get; }

    /// <summary>L = 1/2 ||s^T_L - y||^2.</summary>
    public double Loss { get; }

    /// <summary>s^T, shape [L+1][n_l] (index 0 is the input).</summary>
    public double[][] FinalState { get; }

    /// <summary>max |s^T - s^{T-1}| over non-input neurons: how far the free phase is from a fixed point.</summary>
    public double LastStepChange { get; }
}
