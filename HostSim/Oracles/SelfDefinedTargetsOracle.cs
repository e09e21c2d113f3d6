// SelfDefinedTargetsOracle: the float64 reference of self-defined targets (ALGORITHMS.md section 4) and of the
// learners they drive, written plainly so the fixed-point runtime (Runtime/Learners/SelfDefinedTargets) can be
// measured against it: same initial parameters, same quantised inputs, same sample order, same nudge signs,
// and the hyperparameters as the integer rules apply them (rates rounded to what the integers can express).
// Host-only (System.Math allowed). Types, in the order of one learning step:
//   SelfDefinedTargetRuleOracle          d = kWTA(y - H) (ties: lower index), smoothing, homeostasis in real numbers
//   ITargetLearnerOracle                 Respond(x) -> y, LearnTowards(d), EndBatch()
//     DeltaRuleOracle                    y = clamp(W x + b, 0, 1); W += lr / B sum (d - y) x^T per mini-batch
//     EquilibriumPropagationTargetOracle EP towards d through EquilibriumPropagationOracle (free phase, nudged
//                                        phases from the free state, EP estimate, BOP or SGD once per batch)
//   SelfDefinedTargetsOracle             one learning step: respond, define the target, learn
//   DirectAssociationOracle              label neurons by their strongest class, predict by mean response
// Mini-batch scale: every update divides by the configured batch size B, also for a shorter last batch, as the
// fixed-point learners do (their shifts are fixed at construction).
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>How the oracle's homeostasis averages targets (mirrors the runtime's HomeostasisMode).</summary>
public enum SdtOracleHomeostasisMode
{
    /// <summary>H += gamma_H (mean of B targets - k / N) once per B self-defined targets.</summary>
    MiniBatch = 1,

    /// <summary>a += eta (d - a), H += gamma_H (a - k / N) after every self-defined target.</summary>
    Streaming = 2,
}

/// <summary>Configuration of <see cref="SelfDefinedTargetRuleOracle"/>.</summary>
public sealed record SdtOracleTargetOptions
{
    /// <summary>N, output neurons.</summary>
    public int Outputs { get; init; }

    /// <summary>k, winners of the k-WTA.</summary>
    public int Winners { get; init; } = 1;

    /// <summary>Output neurons per class G of supervised targets (labelled samples).</summary>
    public int NeuronsPerClass { get; init; } = 1;

    /// <summary>Smoothing s in [0, 1).</summary>
    public double Smoothing { get; init; }

    /// <summary>gamma_H &gt;= 0.</summary>
    public double HomeostasisRate { get; init; }

    /// <summary>Mini-batch or streaming homeostasis.</summary>
    public SdtOracleHomeostasisMode Mode { get; init; } = SdtOracleHomeostasisMode.MiniBatch;

    /// <summary>B of the mini-batch homeostasis.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>eta in (0, 1] of the streaming running average.</summary>
    public double AverageRate { get; init; } = 0.1;

    /// <summary>Leak H -= H 2^-LeakShift after every update; 0 = none.</summary>
    public int LeakShift { get; init; }
}

/// <summary>Self-defined (and supervised) targets with homeostasis in float64.</summary>
public sealed class SelfDefinedTargetRuleOracle
{
    private readonly SdtOracleTargetOptions _o;
    private readonly double[] _h;        // [N] homeostasis H
    private readonly double[] _average;  // [N] running average a (streaming)
    private readonly double[] _sum;      // [N] target sums of the current batch (mini-batch)
    private readonly double[] _scores;   // [N] y - H of the last choice
    private readonly int[] _winners;     // [k] last winners, largest score first
    private int _observed;

    /// <summary>Creates the rule; H = 0, a = k / N.</summary>
    public SelfDefinedTargetRuleOracle(SdtOracleTargetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Outputs < 1 || options.Winners < 1 || options.Winners > options.Outputs)
        {
            throw new ArgumentException($"Outputs = {options.Outputs} and Winners = {options.Winners}: need 1 <= k <= N.", nameof(options));
        }

        if (options.NeuronsPerClass < 1 || options.Outputs % options.NeuronsPerClass != 0)
        {
            throw new ArgumentException($"NeuronsPerClass = {options.NeuronsPerClass} must divide Outputs = {options.Outputs}.", nameof(options));
        }

        if (!(options.Smoothing >= 0 && options.Smoothing < 1) || !(options.HomeostasisRate >= 0) || options.BatchSize < 1
            || !(options.AverageRate > 0 && options.AverageRate <= 1) || options.LeakShift is < 0 or > 30 || !Enum.IsDefined(options.Mode))
        {
            throw new ArgumentException("Smoothing in [0, 1), HomeostasisRate >= 0, BatchSize >= 1, AverageRate in (0, 1], LeakShift in [0, 30] and a defined Mode are required.", nameof(options));
        }

        _o = options;
        int n = options.Outputs;
        _h = new double[n];
        _average = new double[n];
        _sum = new double[n];
        _scores = new double[n];
        _winners = new int[options.Winners];
        Reset();
    }

    /// <summary>The options.</summary>
    public SdtOracleTargetOptions Options => _o;

    /// <summary>Activity each neuron is regulated to: k / N.</summary>
    public double SetPoint => (double)_o.Winners / _o.Outputs;

    /// <summary>Target of a winner: (1 - s) + s k / N.</summary>
    public double WinnerValue => 1 - _o.Smoothing + _o.Smoothing * _o.Winners / _o.Outputs;

    /// <summary>Target of a loser: s k / N.</summary>
    public double LoserValue => _o.Smoothing * _o.Winners / _o.Outputs;

    /// <summary>H (live array).</summary>
    public double[] Homeostasis => _h;

    /// <summary>Scores y - H of the last <see cref="ChooseWinners"/> (live array).</summary>
    public double[] LastScores => _scores;

    /// <summary>
    /// The k winners of y - H, largest first, equal scores ranked by lower index (live array, valid until the next
    /// call). Changes no state.
    /// </summary>
    public int[] ChooseWinners(double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Length != _o.Outputs)
        {
            throw new ArgumentException($"y has {y.Length} values; N = {_o.Outputs}.", nameof(y));
        }

        for (int j = 0; j < y.Length; j++)
        {
            _scores[j] = y[j] - _h[j];
        }

        for (int i = 0; i < _winners.Length; i++)
        {
            int best = -1;
            for (int j = 0; j < y.Length; j++)
            {
                if (Array.IndexOf(_winners, j, 0, i) >= 0)
                {
                    continue;
                }

                if (best < 0 || _scores[j] > _scores[best])
                {
                    best = j;
                }
            }

            _winners[i] = best;
        }

        return _winners;
    }

    /// <summary>
    /// Writes the self-defined target of the given winners into <paramref name="target"/> (N values) and lets the
    /// homeostasis observe it.
    /// </summary>
    public void ApplyWinners(int[] winners, double[] target)
    {
        ArgumentNullException.ThrowIfNull(winners);
        ArgumentNullException.ThrowIfNull(target);
        Array.Fill(target, LoserValue);
        foreach (int w in winners)
        {
            target[w] = WinnerValue;
        }

        Observe(target);
    }

    /// <summary>
    /// The target of a sample with response y: the label's (one-hot over groups of G, smoothed) when label &gt;= 0,
    /// else the self-defined one (winners chosen, homeostasis updated). Returns true when it came from the label.
    /// </summary>
    public bool FillTarget(double[] y, int label, double[] target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (label >= 0)
        {
            int g = _o.NeuronsPerClass;
            if (label >= _o.Outputs / g)
            {
                throw new ArgumentOutOfRangeException(nameof(label), label, $"label must be below {_o.Outputs / g}.");
            }

            double off = _o.Smoothing * g / _o.Outputs;
            for (int j = 0; j < target.Length; j++)
            {
                target[j] = j / g == label ? 1 - _o.Smoothing + off : off;
            }

            return true;
        }

        ApplyWinners(ChooseWinners(y), target);
        return false;
    }

    /// <summary>Mini-batch mode: H from the targets observed so far (none: nothing). Streaming: no-op.</summary>
    public void EndBatch()
    {
        if (_o.Mode == SdtOracleHomeostasisMode.Streaming || _observed == 0)
        {
            return;
        }

        for (int j = 0; j < _h.Length; j++)
        {
            Move(j, _sum[j] / _observed);
            _sum[j] = 0;
        }

        _observed = 0;
    }

    /// <summary>H = 0, a = k / N, partial batch dropped.</summary>
    public void Reset()
    {
        Array.Clear(_h);
        Array.Clear(_sum);
        Array.Fill(_average, SetPoint);
        _observed = 0;
    }

    private void Observe(double[] d)
    {
        if (_o.Mode == SdtOracleHomeostasisMode.Streaming)
        {
            for (int j = 0; j < _h.Length; j++)
            {
                _average[j] += _o.AverageRate * (d[j] - _average[j]);
                Move(j, _average[j]);
            }

            return;
        }

        for (int j = 0; j < _h.Length; j++)
        {
            _sum[j] += d[j];
        }

        if (++_observed >= _o.BatchSize)
        {
            EndBatch();
        }
    }

    private void Move(int j, double activity)
    {
        double h = _h[j] + _o.HomeostasisRate * (activity - SetPoint);
        if (_o.LeakShift > 0)
        {
            h -= h * Math.Pow(2, -_o.LeakShift);
        }

        _h[j] = h;
    }
}

/// <summary>A float64 learner that trains towards targets given after its response.</summary>
public interface ITargetLearnerOracle
{
    /// <summary>n_out.</summary>
    int OutputSize { get; }

    /// <summary>Response to x (a copy the caller may keep).</summary>
    double[] Respond(double[] x);

    /// <summary>Accumulates the update towards target for the sample of the last <see cref="Respond"/>; applies it per batch.</summary>
    void LearnTowards(double[] target);

    /// <summary>Applies a partial batch now.</summary>
    void EndBatch();
}

/// <summary>Single-layer delta rule in float64: y = clamp(W x + b, 0, 1), W += lr / B sum (d - y) x^T.</summary>
public sealed class DeltaRuleOracle : ITargetLearnerOracle
{
    private readonly int _m;           // inputs
    private readonly int _n;           // outputs
    private readonly double[] _w;      // [n * m] row-major
    private readonly double[] _b;      // [n]
    private readonly double[] _gw;     // [n * m] sum of e x^T of the batch
    private readonly double[] _gb;     // [n]
    private readonly double _lr;
    private readonly double _lrBias;
    private readonly int _batch;
    private double[] _x = Array.Empty<double>();
    private double[] _y = Array.Empty<double>();
    private int _inBatch;

    /// <summary>Creates the layer from its initial parameters (copied).</summary>
    public DeltaRuleOracle(int inputs, int outputs, double[] weights, double[] biases, double learningRate, double biasLearningRate, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (inputs < 1 || outputs < 1 || weights.Length != inputs * outputs || biases.Length != outputs || batchSize < 1)
        {
            throw new ArgumentException($"Need {outputs} x {inputs} weights, {outputs} biases and a batch >= 1; got {weights.Length}, {biases.Length}, {batchSize}.", nameof(weights));
        }

        _m = inputs;
        _n = outputs;
        _w = (double[])weights.Clone();
        _b = (double[])biases.Clone();
        _gw = new double[_w.Length];
        _gb = new double[outputs];
        _lr = learningRate;
        _lrBias = biasLearningRate;
        _batch = batchSize;
    }

    /// <inheritdoc />
    public int OutputSize => _n;

    /// <summary>W (live array, row-major n x m).</summary>
    public double[] Weights => _w;

    /// <summary>b (live array).</summary>
    public double[] Biases => _b;

    /// <inheritdoc />
    public double[] Respond(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != _m)
        {
            throw new ArgumentException($"x has {x.Length} values; M = {_m}.", nameof(x));
        }

        var y = new double[_n];
        for (int r = 0; r < _n; r++)
        {
            double pre = _b[r];
            int row = r * _m;
            for (int c = 0; c < _m; c++)
            {
                pre += _w[row + c] * x[c];
            }

            y[r] = pre < 0 ? 0 : pre > 1 ? 1 : pre;
        }

        _x = x;
        _y = y;
        return (double[])y.Clone();
    }

    /// <inheritdoc />
    public void LearnTowards(double[] target)
    {
        ArgumentNullException.ThrowIfNull(target);
        for (int r = 0; r < _n; r++)
        {
            double e = target[r] - _y[r];
            if (e == 0)
            {
                continue; // adds exactly nothing (a loser at 0 without smoothing: most rows)
            }

            _gb[r] += e;
            int row = r * _m;
            for (int c = 0; c < _m; c++)
            {
                _gw[row + c] += e * _x[c];
            }
        }

        if (++_inBatch >= _batch)
        {
            EndBatch();
        }
    }

    /// <inheritdoc />
    public void EndBatch()
    {
        if (_inBatch == 0)
        {
            return;
        }

        _inBatch = 0;
        double cw = _lr / _batch;
        double cb = _lrBias / _batch;
        for (int k = 0; k < _w.Length; k++)
        {
            _w[k] += cw * _gw[k];
            _gw[k] = 0;
        }

        for (int r = 0; r < _n; r++)
        {
            _b[r] += cb * _gb[r];
            _gb[r] = 0;
        }
    }
}

/// <summary>
/// Equilibrium Propagation towards arbitrary targets through <see cref="EquilibriumPropagationOracle"/> (multi-bit
/// activations): free phase, nudged phase(s) from the free state, the EP estimate summed over the batch, scaled by
/// 1/(2 beta B) (symmetric) or 1/(sigma beta B) (one-sided, sigma drawn once per batch with NextBit), and applied
/// with the oracle's own BOP or SGD.
/// </summary>
public sealed class EquilibriumPropagationTargetOracle : ITargetLearnerOracle
{
    private readonly EquilibriumPropagationOracle _ep;
    private readonly Xoshiro128? _signs;
    private readonly int _batch;
    private readonly int _layers;
    private readonly int[] _sizes;
    private EpGradient _sums;
    private double[][]? _free;
    private int _inBatch;
    private double _sign = 1;

    /// <summary>
    /// Wraps <paramref name="ep"/> (hard-sigmoid activations only); <paramref name="signs"/> is required for one-sided
    /// random-sign nudging (one NextBit per batch, true = +beta).
    /// </summary>
    public EquilibriumPropagationTargetOracle(EquilibriumPropagationOracle ep, int batchSize, Xoshiro128? signs)
    {
        ArgumentNullException.ThrowIfNull(ep);
        if (ep.Options.ActivationMode != EpActivationMode.HardSigmoid)
        {
            throw new NotSupportedException("The self-defined target oracle supports multi-bit (hard sigmoid) activations only.");
        }

        if (ep.Options.Nudging == EpNudging.OneSidedRandomSign && signs is null)
        {
            throw new ArgumentNullException(nameof(signs), "random-sign nudging draws its signs from a generator.");
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be >= 1.");
        }

        _ep = ep;
        _signs = signs;
        _batch = batchSize;
        _layers = ep.LayerCount;
        _sizes = ep.LayerSizes;
        _sums = new EpGradient(_sizes);
    }

    /// <summary>The wrapped EP oracle.</summary>
    public EquilibriumPropagationOracle Network => _ep;

    /// <inheritdoc />
    public int OutputSize => _sizes[^1];

    /// <inheritdoc />
    public double[] Respond(double[] x)
    {
        _free = _ep.RelaxFree(x);
        return (double[])_free[_layers].Clone();
    }

    /// <inheritdoc />
    public void LearnTowards(double[] target)
    {
        double[][] free = _free ?? throw new InvalidOperationException("LearnTowards needs Respond first.");
        _free = null;
        EpOracleOptions o = _ep.Options;
        if (_inBatch == 0 && o.Nudging == EpNudging.OneSidedRandomSign)
        {
            _sign = _signs!.NextBit() ? 1 : -1;
        }

        if (o.Nudging == EpNudging.Symmetric)
        {
            Accumulate(_ep.Relax(free, o.NudgedSteps, o.Beta, target), _ep.Relax(free, o.NudgedSteps, -o.Beta, target));
        }
        else
        {
            double sign = o.Nudging == EpNudging.OneSidedPositive ? 1 : _sign;
            double[][] nudged = _ep.Relax(free, o.NudgedSteps, sign * o.Beta, target);
            if (sign > 0)
            {
                Accumulate(nudged, free);
            }
            else
            {
                Accumulate(free, nudged);
            }
        }

        if (++_inBatch >= _batch)
        {
            EndBatch();
        }
    }

    /// <inheritdoc />
    public void EndBatch()
    {
        if (_inBatch == 0)
        {
            return;
        }

        _inBatch = 0;
        EpOracleOptions o = _ep.Options;
        // (p p^T - m m^T) was summed with p the positive side, so the one-sided estimate divides by |sigma| beta.
        double c = o.Nudging == EpNudging.Symmetric ? 1.0 / (2 * o.Beta * _batch) : 1.0 / (o.Beta * _batch);
        for (int l = 0; l < _layers; l++)
        {
            double[] w = _sums.Weights[l];
            for (int k = 0; k < w.Length; k++)
            {
                w[k] *= c;
            }

            double[] b = _sums.Biases[l];
            for (int k = 0; k < b.Length; k++)
            {
                b[k] *= c;
            }
        }

        _ep.ApplyUpdate(_sums);
        _sums = new EpGradient(_sizes);
    }

    // sums.W_l += p_{l+1} p_l^T - m_{l+1} m_l^T and sums.b_l += p_{l+1} - m_{l+1} (states are the outputs; index 0 is x).
    private void Accumulate(double[][] p, double[][] m)
    {
        for (int l = 0; l < _layers; l++)
        {
            double[] gw = _sums.Weights[l];
            double[] gb = _sums.Biases[l];
            int cols = _sizes[l];
            for (int i = 0; i < _sizes[l + 1]; i++)
            {
                double pi = p[l + 1][i];
                double mi = m[l + 1][i];
                gb[i] += pi - mi;
                if (pi == 0 && mi == 0)
                {
                    continue;
                }

                int row = i * cols;
                double[] pd = p[l];
                double[] md = m[l];
                for (int j = 0; j < cols; j++)
                {
                    gw[row + j] += pi * pd[j] - mi * md[j];
                }
            }
        }
    }
}

/// <summary>One learning step of self-defined targets in float64: respond, define the target, learn.</summary>
public sealed class SelfDefinedTargetsOracle
{
    private readonly double[] _target;

    /// <summary>Pairs a learner with a target rule of the same width.</summary>
    public SelfDefinedTargetsOracle(ITargetLearnerOracle learner, SelfDefinedTargetRuleOracle rule)
    {
        Learner = learner ?? throw new ArgumentNullException(nameof(learner));
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        if (learner.OutputSize != rule.Options.Outputs)
        {
            throw new ArgumentException($"learner has {learner.OutputSize} outputs, the rule {rule.Options.Outputs}.", nameof(rule));
        }

        _target = new double[learner.OutputSize];
    }

    /// <summary>The learner.</summary>
    public ITargetLearnerOracle Learner { get; }

    /// <summary>The target rule.</summary>
    public SelfDefinedTargetRuleOracle Rule { get; }

    /// <summary>The last target (live array).</summary>
    public double[] LastTarget => _target;

    /// <summary>Trains on x with <paramref name="label"/> (-1 = unlabelled); returns the most active output before learning.</summary>
    public int TrainSample(double[] x, int label)
    {
        double[] y = Learner.Respond(x);
        int winner = 0;
        for (int j = 1; j < y.Length; j++)
        {
            if (y[j] > y[winner])
            {
                winner = j;
            }
        }

        Rule.FillTarget(y, label, _target);
        Learner.LearnTowards(_target);
        return winner;
    }

    /// <summary>Ends the partial batch of the homeostasis and of the learner.</summary>
    public void EndBatch()
    {
        Rule.EndBatch();
        Learner.EndBatch();
    }
}

/// <summary>Direct association in float64 (see the runtime's DirectAssociation for the rule).</summary>
public sealed class DirectAssociationOracle
{
    private readonly int _n;
    private readonly int _classes;
    private readonly double[] _sums;   // [classes * n]
    private readonly int[] _counts;    // [classes]
    private readonly int[] _assigned;  // [n]
    private readonly int[] _perClass;  // [classes]

    /// <summary>Creates an empty association.</summary>
    public DirectAssociationOracle(int neurons, int classes)
    {
        if (neurons < 1 || classes < 1)
        {
            throw new ArgumentException($"neurons = {neurons} and classes = {classes} must be >= 1.");
        }

        _n = neurons;
        _classes = classes;
        _sums = new double[neurons * classes];
        _counts = new int[classes];
        _assigned = new int[neurons];
        _perClass = new int[classes];
        Array.Fill(_assigned, -1);
    }

    /// <summary>Class of each neuron after <see cref="Assign"/> (-1 none; live array).</summary>
    public int[] Assigned => _assigned;

    /// <summary>Forgets every observation and assignment.</summary>
    public void Clear()
    {
        Array.Clear(_sums);
        Array.Clear(_counts);
        Array.Clear(_perClass);
        Array.Fill(_assigned, -1);
    }

    /// <summary>Adds one labelled response.</summary>
    public void Observe(double[] y, int label)
    {
        ArgumentNullException.ThrowIfNull(y);
        if ((uint)label >= (uint)_classes || y.Length != _n)
        {
            throw new ArgumentException($"label {label} must be in [0, {_classes}) and y must have {_n} values (has {y.Length}).");
        }

        for (int j = 0; j < _n; j++)
        {
            _sums[label * _n + j] += y[j];
        }

        _counts[label]++;
    }

    /// <summary>Each neuron gets the class of its largest mean response (first on ties); -1 when that mean is 0. Returns the neurons assigned.</summary>
    public int Assign()
    {
        int assigned = 0;
        Array.Clear(_perClass);
        for (int j = 0; j < _n; j++)
        {
            int best = -1;
            double bestMean = 0;
            for (int c = 0; c < _classes; c++)
            {
                if (_counts[c] == 0)
                {
                    continue;
                }

                double mean = _sums[c * _n + j] / _counts[c];
                if (best < 0 || mean > bestMean)
                {
                    best = c;
                    bestMean = mean;
                }
            }

            _assigned[j] = best >= 0 && bestMean > 0 ? best : -1;
            if (_assigned[j] >= 0)
            {
                _perClass[best]++;
                assigned++;
            }
        }

        return assigned;
    }

    /// <summary>Class with the largest mean response of its neurons (first on ties), -1 when no neuron has a class.</summary>
    public int Predict(double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var scores = new double[_classes];
        for (int j = 0; j < _n; j++)
        {
            if (_assigned[j] >= 0)
            {
                scores[_assigned[j]] += y[j];
            }
        }

        int best = -1;
        double bestMean = 0;
        for (int c = 0; c < _classes; c++)
        {
            if (_perClass[c] == 0)
            {
                continue;
            }

            double mean = scores[c] / _perClass[c];
            if (best < 0 || mean > bestMean)
            {
                best = c;
                bestMean = mean;
            }
        }

        return best;
    }
}

/// <summary>A frozen lower oracle learner feeding an upper one that trains (mirrors the runtime's StackedTargetLearner).</summary>
public sealed class StackedTargetOracle : ITargetLearnerOracle
{
    /// <summary>Stacks <paramref name="upper"/> on <paramref name="lower"/>.</summary>
    public StackedTargetOracle(ITargetLearnerOracle lower, ITargetLearnerOracle upper)
    {
        Lower = lower ?? throw new ArgumentNullException(nameof(lower));
        Upper = upper ?? throw new ArgumentNullException(nameof(upper));
    }

    /// <summary>The frozen lower learner.</summary>
    public ITargetLearnerOracle Lower { get; }

    /// <summary>The learning upper learner.</summary>
    public ITargetLearnerOracle Upper { get; }

    /// <inheritdoc />
    public int OutputSize => Upper.OutputSize;

    /// <inheritdoc />
    public double[] Respond(double[] x) => Upper.Respond(Lower.Respond(x));

    /// <inheritdoc />
    public void LearnTowards(double[] target) => Upper.LearnTowards(target);

    /// <inheritdoc />
    public void EndBatch() => Upper.EndBatch();
}
