// EquilibriumPropagationOracle: the float64 reference of discrete-time Equilibrium Propagation (EP) and of
// binary-weight EP (bin-W, bin-W-N), as specified in ALGORITHMS.md sections 1 and 2. It is slow and plain on
// purpose: the fixed-point learner in Runtime is measured against it (same initial weights, same sample
// order, same nudge signs, same quantised inputs), so every choice it makes is explicit and documented, and
// it never invents data of its own: initial weights, biases, sample order and the random-sign generator all
// come from the caller. Host-only (System.Math allowed).
//
// Glossary (dimensions):
//   L        number of weight layers; layers are 0 (input) .. L (output)
//   n_l      neurons in layer l; n_0 = input size, n_L = classes * G
//   G        output neurons per class (GroupSize); the target repeats the one-hot label G times
//   W_l      weight layer l = 0 .. L-1, n_{l+1} x n_l, row-major: W_l[i * n_l + j] links s_l[j] to s_{l+1}[i]
//   b_l      bias of layer l+1, n_{l+1}
//   s_l      state of layer l; s_0 = x (the input, never changes)
//   h_l      what layer l passes to its neighbours: s_l (hard sigmoid) or (s_l >= 0.5 ? 1 : 0) (bin-W-N); h_0 = x
//   B        mini-batch size; T free steps; K nudged steps; beta > 0 the nudging strength
//
// Dynamics (one synchronous step: every layer reads the previous step's states; rho(u) = clamp(u, 0, 1)):
//   pre_l = W_{l-1} h_{l-1} + b_{l-1} + [l < L] W_l^T h_{l+1}           (W_0 x + b_0 computed once per sample)
//   hard sigmoid:  s_l <- rho(pre_l)                                     states start at 0
//   bin-W-N:       s_l <- clamp(0.5 s_l + 0.5 pre_l, 0, 1)               states start at 1
//   output nudge (signed beta; e = y - s_L(t) on the previous step's continuous output, or with
//   NudgeError FreeOutput e = y - s0_L on the state the nudged phase started from, the bin-W-N default):
//     OutsideRho:  s_L <- clamp(update(pre_L) + beta e, 0, 1)
//     InsideRho:   s_L <- update(pre_L + beta e)
//   The step derives from the primitive Phi(x, s) = sum_l s_{l+1} . (W_l s_l + b_l): pre_l = dPhi/ds_l.
//
// EP estimate (descent direction, i.e. it approximates -dL/dtheta for L = 1/2 ||s_L - y||^2):
//   symmetric:  g_W_l = 1/(2 beta B) sum_b ( h+_{l+1} h+_l^T - h-_{l+1} h-_l^T ),  g_b_l likewise with h_{l+1}
//   one-sided:  g_W_l = 1/(sigma beta B) sum_b ( h^_{l+1} h^_l^T - h0_{l+1} h0_l^T ), sigma = +1 or the drawn sign
//
// Why InsideRho satisfies GDU exactly and OutsideRho does not (Ernoult et al. 2019, "GDU"). Near the free
// fixed point s*, with D = diag(rho'(pre*)) in {0,1} and H = d2Phi/ds2 (symmetric), one free step has
// Jacobian D H. Inside the nudge is masked by D like everything else, so the nudged deviation obeys
// ds_{k+1} = D H ds_k - beta D e (e = s*_L - y, padded with zeros), giving per nudged step k
//   EP_k = -Phi_theta,s (D H)^k D e,     while BPTT's step T-k term is  Phi_theta,s D (H D)^k e,
// and (D H)^k D = D (H D)^k, so EP_k = -BPTT_k to first order in beta. Outside, the nudge is not masked by
// D: an output unit saturated on the wrong side (s = 0 with y = 1, or s = 1 with y = 0) moves by beta in
// the nudged phase, although BPTT sends nothing through it (rho' = 0). The two placements agree whenever no
// output unit is saturated against its target. The GDU test measures both.
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>
/// Float64 reference of discrete-time Equilibrium Propagation: continuous weights with SGD, binary weights
/// with BOP (bin-W), optional binary activations (bin-W-N), symmetric or one-sided nudging, nudge inside or
/// outside the hard sigmoid. Deterministic: the same options, initial parameters, batches and generator give
/// bit-identical weights. Not thread-safe (one set of scratch buffers per instance).
/// </summary>
public sealed class EquilibriumPropagationOracle
{
    private readonly EpOracleOptions _options;
    private readonly Xoshiro128? _signSource;
    private readonly int _layers;             // L
    private readonly int[] _n;                // n_0 .. n_L
    private readonly int _classes;
    private readonly bool _binaryActivations;
    private readonly bool _inside;
    private readonly bool _errorOnFreeOutput;

    private readonly double[][] _w;           // [L][n_{l+1} * n_l]
    private readonly double[][] _b;           // [L][n_{l+1}]
    private readonly double[][]? _bopM;       // [L][n_{l+1} * n_l], BOP accumulators m (BinaryBop only)

    // Scratch, one set per instance. Index 0 of every state array is the input x of the current sample.
    private readonly double[] _projection;    // [n_1]  W_0 x + b_0 of the current sample
    private readonly double[][] _stepA;       // [L+1][n_l]  ping-pong buffers of the relaxation
    private readonly double[][] _stepB;       // [L+1][n_l]
    private readonly double[][] _h;           // [L+1][n_l]  binary outputs h (bin-W-N)
    private readonly double[][] _free;        // [L+1][n_l]  free state s0
    private readonly double[][] _plus;        // [L+1][n_l]  nudged state s+ (or the one-sided nudged state)
    private readonly double[][] _minus;       // [L+1][n_l]  nudged state s-
    private readonly double[][] _hPos;        // [L+1][n_l]  h of the positive side of the estimate
    private readonly double[][] _hNeg;        // [L+1][n_l]  h of the negative side of the estimate
    private readonly double[] _target;        // [n_L]
    private readonly double[] _nudgeFrom;     // [n_L]  output state the nudged phase started from (FreeOutput)

    /// <summary>
    /// Builds the network from the caller's initial parameters (copied). In <see cref="EpWeightMode.BinaryBop"/>
    /// each initial weight w becomes alpha_l * (w &gt;= 0 ? +1 : -1).
    /// </summary>
    /// <param name="options">Configuration; validated here.</param>
    /// <param name="initialWeights">Per layer l = 0 .. L-1: n_{l+1} x n_l finite values, row-major.</param>
    /// <param name="initialBiases">Per layer l = 0 .. L-1: n_{l+1} finite values.</param>
    /// <param name="signSource">Generator of the nudge signs; required for <see cref="EpNudging.OneSidedRandomSign"/>
    /// (one <c>NextBit()</c> per mini-batch), ignored otherwise.</param>
    public EquilibriumPropagationOracle(EpOracleOptions options, double[][] initialWeights, double[][] initialBiases, Xoshiro128? signSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initialWeights);
        ArgumentNullException.ThrowIfNull(initialBiases);
        ValidateOptions(options);
        // A private copy: later changes to the caller's arrays must not change a running oracle.
        _options = options with
        {
            LayerSizes = (int[])options.LayerSizes.Clone(),
            WeightLearningRates = (double[]?)options.WeightLearningRates?.Clone(),
            BiasLearningRates = (double[]?)options.BiasLearningRates?.Clone(),
            BinaryScales = (double[]?)options.BinaryScales?.Clone(),
            BopGammas = (double[]?)options.BopGammas?.Clone(),
            BopThresholds = (double[]?)options.BopThresholds?.Clone(),
        };
        _n = (int[])options.LayerSizes.Clone();
        _layers = _n.Length - 1;
        _classes = _n[_layers] / options.GroupSize;
        _binaryActivations = options.ActivationMode == EpActivationMode.BinaryThreshold;
        _inside = options.NudgePlacement == EpNudgePlacement.InsideRho;
        _errorOnFreeOutput = options.NudgeError == EpNudgeError.FreeOutput
            || (options.NudgeError == EpNudgeError.Auto && _binaryActivations);
        if (options.Nudging == EpNudging.OneSidedRandomSign && signSource is null)
        {
            throw new ArgumentNullException(nameof(signSource), "Nudging OneSidedRandomSign draws the sign of beta from signSource; pass a Xoshiro128.");
        }

        _signSource = signSource;

        if (initialWeights.Length != _layers || initialBiases.Length != _layers)
        {
            throw new ArgumentException($"Expected {_layers} weight and bias layers for {_n.Length} layer sizes, got {initialWeights.Length} weight and {initialBiases.Length} bias layers.", nameof(initialWeights));
        }

        _w = new double[_layers][];
        _b = new double[_layers][];
        for (int l = 0; l < _layers; l++)
        {
            double[] w = initialWeights[l] ?? throw new ArgumentNullException(nameof(initialWeights), $"initialWeights[{l}] is null.");
            double[] b = initialBiases[l] ?? throw new ArgumentNullException(nameof(initialBiases), $"initialBiases[{l}] is null.");
            if (w.Length != _n[l + 1] * _n[l])
            {
                throw new ArgumentException($"initialWeights[{l}] has {w.Length} values; W_{l} is n_{l + 1} x n_{l} = {_n[l + 1]} x {_n[l]} = {_n[l + 1] * _n[l]}.", nameof(initialWeights));
            }

            if (b.Length != _n[l + 1])
            {
                throw new ArgumentException($"initialBiases[{l}] has {b.Length} values; b_{l} needs n_{l + 1} = {_n[l + 1]}.", nameof(initialBiases));
            }

            CheckFinite(w, nameof(initialWeights), l);
            CheckFinite(b, nameof(initialBiases), l);
            _w[l] = (double[])w.Clone();
            _b[l] = (double[])b.Clone();
            if (options.WeightMode == EpWeightMode.BinaryBop)
            {
                double alpha = options.BinaryScales![l];
                for (int k = 0; k < _w[l].Length; k++)
                {
                    _w[l][k] = _w[l][k] >= 0.0 ? alpha : -alpha;
                }
            }
        }

        if (options.WeightMode == EpWeightMode.BinaryBop)
        {
            _bopM = new double[_layers][];
            for (int l = 0; l < _layers; l++)
            {
                _bopM[l] = new double[_w[l].Length];
            }
        }

        _projection = new double[_n[1]];
        _stepA = NewState();
        _stepB = NewState();
        _h = NewState();
        _free = NewState();
        _plus = NewState();
        _minus = NewState();
        _hPos = NewState();
        _hNeg = NewState();
        _target = new double[_n[_layers]];
        _nudgeFrom = new double[_n[_layers]];
    }

    /// <summary>The configuration this oracle was built with (its own copy).</summary>
    public EpOracleOptions Options => _options;

    /// <summary>
    /// Changes BOP's flip threshold tau per weight layer (an annealing step, between mini-batches): later flips
    /// compare -sign(W) m with the new value. Binary weights only; every value positive and finite.
    /// </summary>
    public void SetBopThresholds(double[] tau)
    {
        ArgumentNullException.ThrowIfNull(tau);
        double[] current = _options.BopThresholds ?? throw new InvalidOperationException("tau is a BOP setting: this oracle trains continuous weights");
        if (tau.Length != current.Length)
        {
            throw new ArgumentException($"tau needs one value per weight layer ({current.Length}), got {tau.Length}", nameof(tau));
        }

        foreach (double t in tau)
        {
            if (!(t > 0) || double.IsInfinity(t))
            {
                throw new ArgumentOutOfRangeException(nameof(tau), t, "tau must be positive and finite");
            }
        }

        Array.Copy(tau, current, tau.Length);
    }

    /// <summary>L, the number of weight layers.</summary>
    public int LayerCount => _layers;

    /// <summary>n_0 .. n_L (a copy).</summary>
    public int[] LayerSizes => (int[])_n.Clone();

    /// <summary>Number of classes, n_L / G.</summary>
    public int ClassCount => _classes;

    /// <summary>A copy of W_l (n_{l+1} x n_l, row-major).</summary>
    public double[] GetWeights(int layer)
    {
        CheckLayer(layer);
        return (double[])_w[layer].Clone();
    }

    /// <summary>A copy of b_l (n_{l+1}).</summary>
    public double[] GetBiases(int layer)
    {
        CheckLayer(layer);
        return (double[])_b[layer].Clone();
    }

    /// <summary>A copy of the BOP accumulators m of layer l (n_{l+1} x n_l); null unless <see cref="EpWeightMode.BinaryBop"/>.</summary>
    public double[]? GetBopAccumulators(int layer)
    {
        CheckLayer(layer);
        return _bopM is null ? null : (double[])_bopM[layer].Clone();
    }

    /// <summary>x = g / 255 or, with <see cref="EpInputScaling.Q15"/>, FixedPoint.UnitByteToQ15(g) / 32768.</summary>
    public static double ScaleGreyLevel(byte grey, EpInputScaling scaling)
    {
        return scaling switch
        {
            EpInputScaling.UnitInterval => grey / 255.0,
            EpInputScaling.Q15 => FixedPoint.UnitByteToQ15(grey) / 32768.0,
            _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown input scaling."),
        };
    }

    /// <summary>Scales n_0 grey levels with the configured <see cref="EpOracleOptions.InputScaling"/>.</summary>
    public double[] ScaleInput(byte[] grey)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (grey.Length != _n[0])
        {
            throw new ArgumentException($"Input has {grey.Length} grey levels; n_0 = {_n[0]}.", nameof(grey));
        }

        var x = new double[grey.Length];
        for (int j = 0; j < grey.Length; j++)
        {
            x[j] = ScaleGreyLevel(grey[j], _options.InputScaling);
        }

        return x;
    }

    /// <summary>The target y of a label: the one-hot vector over classes repeated G times (n_L values, group c = neurons c*G .. c*G+G-1).</summary>
    public double[] Target(int label)
    {
        CheckLabel(label, nameof(label));
        var y = new double[_n[_layers]];
        FillTarget(label, y);
        return y;
    }

    /// <summary>
    /// The state a relaxation starts from: s_0 = a copy of <paramref name="input"/>, every other layer 0
    /// (hard sigmoid) or 1 (bin-W-N). Shape [L+1][n_l].
    /// </summary>
    public double[][] InitialState(double[] input)
    {
        CheckInput(input, nameof(input));
        double[][] s = NewState();
        Array.Copy(input, s[0], _n[0]);
        double start = _binaryActivations ? 1.0 : 0.0;
        for (int l = 1; l <= _layers; l++)
        {
            Array.Fill(s[l], start);
        }

        return s;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> synchronous steps from <paramref name="state"/> (not modified) with the
    /// signed nudging strength <paramref name="signedBeta"/> toward <paramref name="target"/> (may be null
    /// when signedBeta is 0) and returns the new state, shape [L+1][n_l]. The input is state[0]. With
    /// <see cref="EpNudgeError.FreeOutput"/> the nudge's error is measured on state[L] as passed in (the
    /// free state, when this call is a nudged phase).
    /// </summary>
    public double[][] Relax(double[][] state, int steps, double signedBeta, double[]? target)
    {
        CheckState(state, nameof(state));
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 0.");
        }

        if (!double.IsFinite(signedBeta))
        {
            throw new ArgumentOutOfRangeException(nameof(signedBeta), signedBeta, "signedBeta must be finite.");
        }

        if (signedBeta != 0.0)
        {
            ArgumentNullException.ThrowIfNull(target);
            if (target.Length != _n[_layers])
            {
                throw new ArgumentException($"target has {target.Length} values; n_L = {_n[_layers]}.", nameof(target));
            }
        }

        ComputeProjection(state[0]);
        CopyState(state, _stepA);
        double[][] result = RelaxInPlace(_stepA, _stepB, steps, signedBeta, target ?? _target);
        double[][] copy = NewState();
        CopyState(result, copy);
        return copy;
    }

    /// <summary>The free state s0 of <paramref name="input"/>: T steps with beta = 0 from <see cref="InitialState"/>. Shape [L+1][n_l].</summary>
    public double[][] RelaxFree(double[] input)
    {
        return Relax(InitialState(input), _options.FreeSteps, 0.0, null);
    }

    /// <summary>Per-class scores of an output state s_L (n_L values): the mean of each group of G neurons.</summary>
    public double[] ClassScores(double[] outputState)
    {
        ArgumentNullException.ThrowIfNull(outputState);
        if (outputState.Length != _n[_layers])
        {
            throw new ArgumentException($"outputState has {outputState.Length} values; n_L = {_n[_layers]}.", nameof(outputState));
        }

        var scores = new double[_classes];
        int g = _options.GroupSize;
        for (int c = 0; c < _classes; c++)
        {
            double sum = 0.0;
            for (int k = 0; k < g; k++)
            {
                sum += outputState[c * g + k];
            }

            scores[c] = sum / g;
        }

        return scores;
    }

    /// <summary>The predicted class: argmax of the group-averaged free output s0_L (the first maximum on ties).</summary>
    public int Predict(double[] input)
    {
        double[][] s = RelaxFree(input);
        return ArgMaxClass(s[_layers]);
    }

    /// <summary><see cref="Predict(double[])"/> of grey levels scaled by <see cref="ScaleInput"/>.</summary>
    public int Predict(byte[] grey)
    {
        return Predict(ScaleInput(grey));
    }

    /// <summary>Fraction of <paramref name="inputs"/> whose prediction equals the label, in [0, 1].</summary>
    public double Evaluate(double[][] inputs, int[] labels)
    {
        CheckBatch(inputs, labels);
        int correct = 0;
        for (int k = 0; k < inputs.Length; k++)
        {
            if (Predict(inputs[k]) == labels[k])
            {
                correct++;
            }
        }

        return inputs.Length == 0 ? 0.0 : (double)correct / inputs.Length;
    }

    /// <summary>
    /// The EP estimate of one mini-batch (descent direction; see the file header) without changing the
    /// parameters. For <see cref="EpNudging.OneSidedRandomSign"/> it draws the batch's sign first (one
    /// <c>NextBit()</c>, true = +beta). Samples are used in the order given.
    /// </summary>
    public EpBatchResult EstimateGradient(double[][] inputs, int[] labels)
    {
        CheckBatch(inputs, labels);
        if (inputs.Length == 0)
        {
            throw new ArgumentException("A mini-batch needs at least one sample.", nameof(inputs));
        }

        double beta = _options.Beta;
        double signedBeta = beta;
        if (_options.Nudging == EpNudging.OneSidedRandomSign)
        {
            signedBeta = _signSource!.NextBit() ? beta : -beta;
        }

        bool symmetric = _options.Nudging == EpNudging.Symmetric;
        var sums = new EpGradient(_n);    // raw sums of (positive - negative) co-activations
        int correct = 0;
        double freeLoss = 0.0;
        int batch = inputs.Length;
        for (int s = 0; s < batch; s++)
        {
            double[] x = inputs[s];
            FillTarget(labels[s], _target);
            ComputeProjection(x);

            // Free phase: T steps from the initial state.
            SetInitial(x, _stepA);
            CopyState(RelaxInPlace(_stepA, _stepB, _options.FreeSteps, 0.0, _target), _free);
            if (ArgMaxClass(_free[_layers]) == labels[s])
            {
                correct++;
            }

            freeLoss += HalfSquaredError(_free[_layers], _target);

            // Nudged phase(s): K steps from the free state. Positive side | negative side of the estimate.
            CopyState(_free, _stepA);
            CopyState(RelaxInPlace(_stepA, _stepB, _options.NudgedSteps, signedBeta, _target), _plus);
            if (symmetric)
            {
                CopyState(_free, _stepA);
                CopyState(RelaxInPlace(_stepA, _stepB, _options.NudgedSteps, -beta, _target), _minus);
                AccumulateCoactivation(_plus, _minus, sums);  //  s+ s+^T - s- s-^T
            }
            else
            {
                AccumulateCoactivation(_plus, _free, sums);   //  s^ s^^T - s0 s0^T
            }
        }

        // 1/(2 beta B) symmetric, 1/(sigma beta B) one-sided: applied once to the batch sums.
        double c = symmetric ? 1.0 / (2.0 * beta * batch) : 1.0 / (signedBeta * batch);
        Scale(sums, c);
        return new EpBatchResult(sums, symmetric ? beta : signedBeta, correct, freeLoss, new int[_layers]);
    }

    /// <summary>
    /// Applies an EP update (descent direction): SGD W_l += lr_l g_W_l, or BOP on binary weights
    /// (m &lt;- (1 - gamma_l) m + gamma_l g; flip W when -sign(W) m &gt; tau_l, m kept); biases b_l += lr_b,l g_b_l.
    /// Returns the number of flipped weights per layer (zeros for SGD).
    /// </summary>
    public int[] ApplyUpdate(EpGradient update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Weights.Length != _layers)
        {
            throw new ArgumentException($"update has {update.Weights.Length} layers; the network has {_layers}.", nameof(update));
        }

        for (int l = 0; l < _layers; l++)
        {
            if (update.Weights[l].Length != _w[l].Length || update.Biases[l].Length != _b[l].Length)
            {
                throw new ArgumentException($"update layer {l} has {update.Weights[l].Length} weights and {update.Biases[l].Length} biases; expected {_w[l].Length} and {_b[l].Length}.", nameof(update));
            }
        }

        var flips = new int[_layers];
        for (int l = 0; l < _layers; l++)
        {
            double[] w = _w[l];
            double[] g = update.Weights[l];
            if (_bopM is null)
            {
                double lr = _options.WeightLearningRates![l];
                for (int k = 0; k < w.Length; k++)
                {
                    w[k] += lr * g[k];
                }
            }
            else
            {
                double[] m = _bopM[l];
                double gamma = _options.BopGammas![l];
                double tau = _options.BopThresholds![l];
                for (int k = 0; k < w.Length; k++)
                {
                    m[k] = (1.0 - gamma) * m[k] + gamma * g[k];
                    double against = w[k] > 0.0 ? -m[k] : m[k]; // -sign(W) m; W is +/- alpha, never 0
                    if (against > tau)
                    {
                        w[k] = -w[k];
                        flips[l]++;
                    }
                }
            }

            double lrBias = _options.BiasLearningRates![l];
            double[] b = _b[l];
            double[] gb = update.Biases[l];
            for (int i = 0; i < b.Length; i++)
            {
                b[i] += lrBias * gb[i];
            }
        }

        return flips;
    }

    /// <summary>One training step: <see cref="EstimateGradient"/> then <see cref="ApplyUpdate"/> (flips recorded in the result).</summary>
    public EpBatchResult TrainBatch(double[][] inputs, int[] labels)
    {
        EpBatchResult result = EstimateGradient(inputs, labels);
        int[] flips = ApplyUpdate(result.Update);
        Array.Copy(flips, result.Flips, flips.Length);
        return result;
    }

    /// <summary>
    /// <see cref="TrainBatch(double[][], int[])"/> on a flat batch: <paramref name="flatInputs"/> holds
    /// labels.Length samples of n_0 values each, sample after sample.
    /// </summary>
    public EpBatchResult TrainBatch(double[] flatInputs, int[] labels)
    {
        return TrainBatch(SplitFlat(flatInputs, labels, _n[0], x => x), labels);
    }

    /// <summary>
    /// <see cref="TrainBatch(double[][], int[])"/> on flat grey levels (labels.Length samples of n_0 bytes
    /// each), scaled with the configured <see cref="EpOracleOptions.InputScaling"/>.
    /// </summary>
    public EpBatchResult TrainBatch(byte[] flatGrey, int[] labels)
    {
        return TrainBatch(SplitFlat(flatGrey, labels, _n[0], g => ScaleGreyLevel(g, _options.InputScaling)), labels);
    }

    /// <summary>
    /// One pass over the samples in the caller's <paramref name="order"/> (indices into inputs), in
    /// consecutive mini-batches of <paramref name="batchSize"/> (the last one may be shorter). Returns the
    /// fraction of free-phase predictions that were correct during the pass.
    /// </summary>
    public double TrainEpoch(double[][] inputs, int[] labels, int[] order, int batchSize)
    {
        CheckBatch(inputs, labels);
        ArgumentNullException.ThrowIfNull(order);
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be >= 1.");
        }

        for (int k = 0; k < order.Length; k++)
        {
            if ((uint)order[k] >= (uint)inputs.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(order), order[k], $"order[{k}] is not an index into the {inputs.Length} inputs.");
            }
        }

        int correct = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            var xs = new double[count][];
            var ys = new int[count];
            for (int k = 0; k < count; k++)
            {
                xs[k] = inputs[order[start + k]];
                ys[k] = labels[order[start + k]];
            }

            correct += TrainBatch(xs, ys).CorrectFree;
        }

        return order.Length == 0 ? 0.0 : (double)correct / order.Length;
    }

    // ---- relaxation ----------------------------------------------------------------------------------

    /// Runs steps synchronous steps ping-ponging between a and b (a holds the start) and returns the buffer
    /// holding the result. The input projection of a[0] must be current.
    private double[][] RelaxInPlace(double[][] a, double[][] b, int steps, double signedBeta, double[] target)
    {
        double[][] cur = a;
        double[][] next = b;
        Array.Copy(a[_layers], _nudgeFrom, _n[_layers]);
        for (int t = 0; t < steps; t++)
        {
            Step(cur, next, signedBeta, target);
            (cur, next) = (next, cur);
        }

        return cur;
    }

    /// One synchronous step: next[l] (l = 1 .. L) from cur only. next[0] receives the input.
    private void Step(double[][] cur, double[][] next, double signedBeta, double[] target)
    {
        double[][] outputs = cur;                      // h_l = s_l (hard sigmoid)
        if (_binaryActivations)
        {
            Outputs(cur, _h);                          // h_l = (s_l >= 0.5), h_0 = x
            outputs = _h;
        }

        Array.Copy(cur[0], next[0], _n[0]);
        double leak = _binaryActivations ? 0.5 : 0.0;  // bin-W-N: s <- 0.5 s + 0.5 pre
        double gain = _binaryActivations ? 0.5 : 1.0;
        for (int l = 1; l <= _layers; l++)
        {
            double[] pre = next[l];                    // [n_l], becomes the new state in place
            if (l == 1)
            {
                Array.Copy(_projection, pre, _n[1]);   // W_0 x + b_0, constant during the sample
            }
            else
            {
                FeedForward(l - 1, outputs[l - 1], pre); // W_{l-1} h_{l-1} + b_{l-1}
            }

            if (l < _layers)
            {
                AddFeedback(l, outputs[l + 1], pre);   // + W_l^T h_{l+1}
            }

            double[] s = cur[l];
            bool nudged = l == _layers && signedBeta != 0.0;
            double[] errorFrom = _errorOnFreeOutput ? _nudgeFrom : s;
            for (int i = 0; i < pre.Length; i++)
            {
                double nudge = nudged ? signedBeta * (target[i] - errorFrom[i]) : 0.0;
                pre[i] = _inside
                    ? Clamp01(leak * s[i] + gain * (pre[i] + nudge))
                    : Clamp01(Clamp01(leak * s[i] + gain * pre[i]) + nudge);
            }
        }
    }

    /// pre[i] = b_l[i] + sum_j W_l[i, j] v[j]; v is [n_l], pre is [n_{l+1}].
    private void FeedForward(int l, double[] v, double[] pre)
    {
        double[] w = _w[l];
        double[] b = _b[l];
        int cols = _n[l];
        for (int i = 0; i < _n[l + 1]; i++)
        {
            double acc = b[i];
            int row = i * cols;
            for (int j = 0; j < cols; j++)
            {
                acc += w[row + j] * v[j];
            }

            pre[i] = acc;
        }
    }

    /// pre[j] += sum_i W_l[i, j] v[i]; v is [n_{l+1}], pre is [n_l].
    private void AddFeedback(int l, double[] v, double[] pre)
    {
        double[] w = _w[l];
        int cols = _n[l];
        for (int i = 0; i < _n[l + 1]; i++)
        {
            double vi = v[i];
            int row = i * cols;
            for (int j = 0; j < cols; j++)
            {
                pre[j] += w[row + j] * vi;
            }
        }
    }

    private void ComputeProjection(double[] x)
    {
        FeedForward(0, x, _projection);
    }

    /// h of a state: itself (hard sigmoid) or (s >= 0.5 ? 1 : 0) per neuron (bin-W-N); h_0 = x.
    private void Outputs(double[][] state, double[][] h)
    {
        Array.Copy(state[0], h[0], _n[0]);
        for (int l = 1; l <= _layers; l++)
        {
            if (_binaryActivations)
            {
                for (int i = 0; i < _n[l]; i++)
                {
                    h[l][i] = state[l][i] >= 0.5 ? 1.0 : 0.0;
                }
            }
            else
            {
                Array.Copy(state[l], h[l], _n[l]);
            }
        }
    }

    // ---- EP estimate ---------------------------------------------------------------------------------

    /// sums.W_l += hp_{l+1} hp_l^T - hn_{l+1} hn_l^T and sums.b_l += hp_{l+1} - hn_{l+1}, with h the outputs
    /// of the positive and negative states.
    private void AccumulateCoactivation(double[][] positive, double[][] negative, EpGradient sums)
    {
        Outputs(positive, _hPos);
        Outputs(negative, _hNeg);
        for (int l = 0; l < _layers; l++)
        {
            double[] gw = sums.Weights[l];
            double[] gb = sums.Biases[l];
            double[] pUp = _hPos[l + 1];
            double[] pDown = _hPos[l];
            double[] nUp = _hNeg[l + 1];
            double[] nDown = _hNeg[l];
            int cols = _n[l];
            for (int i = 0; i < _n[l + 1]; i++)
            {
                gb[i] += pUp[i] - nUp[i];
                int row = i * cols;
                for (int j = 0; j < cols; j++)
                {
                    gw[row + j] += pUp[i] * pDown[j] - nUp[i] * nDown[j];
                }
            }
        }
    }

    private static void Scale(EpGradient g, double c)
    {
        for (int l = 0; l < g.Weights.Length; l++)
        {
            for (int k = 0; k < g.Weights[l].Length; k++)
            {
                g.Weights[l][k] *= c;
            }

            for (int k = 0; k < g.Biases[l].Length; k++)
            {
                g.Biases[l][k] *= c;
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static double Clamp01(double u)
    {
        return u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    }

    private static double HalfSquaredError(double[] s, double[] y)
    {
        double sum = 0.0;
        for (int i = 0; i < s.Length; i++)
        {
            double d = s[i] - y[i];
            sum += d * d;
        }

        return 0.5 * sum;
    }

    private int ArgMaxClass(double[] output)
    {
        double[] scores = ClassScores(output);
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (scores[c] > scores[best])
            {
                best = c;
            }
        }

        return best;
    }

    private void FillTarget(int label, double[] y)
    {
        Array.Clear(y);
        int g = _options.GroupSize;
        for (int k = 0; k < g; k++)
        {
            y[label * g + k] = 1.0;
        }
    }

    private void SetInitial(double[] x, double[][] s)
    {
        Array.Copy(x, s[0], _n[0]);
        double start = _binaryActivations ? 1.0 : 0.0;
        for (int l = 1; l <= _layers; l++)
        {
            Array.Fill(s[l], start);
        }
    }

    private double[][] NewState()
    {
        var s = new double[_layers + 1][];
        for (int l = 0; l <= _layers; l++)
        {
            s[l] = new double[_n[l]];
        }

        return s;
    }

    private static void CopyState(double[][] from, double[][] to)
    {
        for (int l = 0; l < from.Length; l++)
        {
            Array.Copy(from[l], to[l], from[l].Length);
        }
    }

    private static double[][] SplitFlat<TValue>(TValue[] flat, int[] labels, int width, Func<TValue, double> convert)
    {
        ArgumentNullException.ThrowIfNull(flat);
        ArgumentNullException.ThrowIfNull(labels);
        if (flat.Length != labels.Length * width)
        {
            throw new ArgumentException($"Flat batch has {flat.Length} values; {labels.Length} labels x n_0 = {width} need {labels.Length * width}.", nameof(flat));
        }

        var rows = new double[labels.Length][];
        for (int s = 0; s < labels.Length; s++)
        {
            rows[s] = new double[width];
            for (int j = 0; j < width; j++)
            {
                rows[s][j] = convert(flat[s * width + j]);
            }
        }

        return rows;
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)_layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {_layers - 1}].");
        }
    }

    private void CheckLabel(int label, string name)
    {
        if ((uint)label >= (uint)_classes)
        {
            throw new ArgumentOutOfRangeException(name, label, $"label must be in [0, {_classes - 1}].");
        }
    }

    private void CheckInput(double[] input, string name)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (input.Length != _n[0])
        {
            throw new ArgumentException($"Input has {input.Length} values; n_0 = {_n[0]}.", name);
        }

        for (int j = 0; j < input.Length; j++)
        {
            if (!double.IsFinite(input[j]))
            {
                throw new ArgumentException($"Input value {j} is {input[j]}; inputs must be finite (expected in [0, 1]).", name);
            }
        }
    }

    private void CheckBatch(double[][] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Length != labels.Length)
        {
            throw new ArgumentException($"{inputs.Length} inputs but {labels.Length} labels.", nameof(labels));
        }

        for (int s = 0; s < inputs.Length; s++)
        {
            CheckInput(inputs[s], nameof(inputs));
            CheckLabel(labels[s], nameof(labels));
        }
    }

    private void CheckState(double[][] state, string name)
    {
        ArgumentNullException.ThrowIfNull(state, name);
        if (state.Length != _layers + 1)
        {
            throw new ArgumentException($"State has {state.Length} layers; expected L + 1 = {_layers + 1}.", name);
        }

        CheckInput(state[0], name);
        for (int l = 1; l <= _layers; l++)
        {
            if (state[l] is null || state[l].Length != _n[l])
            {
                throw new ArgumentException($"State layer {l} has {state[l]?.Length ?? 0} values; n_{l} = {_n[l]}.", name);
            }
        }
    }

    private static void CheckFinite(double[] values, string name, int layer)
    {
        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                throw new ArgumentException($"{name}[{layer}][{k}] is {values[k]}; parameters must be finite.", name);
            }
        }
    }

    private static void ValidateOptions(EpOracleOptions o)
    {
        int[] n = o.LayerSizes ?? throw new ArgumentException("LayerSizes is null.", nameof(o));
        if (n.Length < 2)
        {
            throw new ArgumentException($"LayerSizes needs at least 2 entries (input and output), got {n.Length}.", nameof(o));
        }

        for (int l = 0; l < n.Length; l++)
        {
            if (n[l] < 1)
            {
                throw new ArgumentException($"LayerSizes[{l}] = {n[l]}; every layer needs >= 1 neuron.", nameof(o));
            }
        }

        int layers = n.Length - 1;
        if (o.GroupSize < 1 || n[layers] % o.GroupSize != 0 || n[layers] / o.GroupSize < 2)
        {
            throw new ArgumentException($"GroupSize = {o.GroupSize} must be >= 1 and divide n_L = {n[layers]} into at least 2 classes.", nameof(o));
        }

        if (o.FreeSteps < 1 || o.NudgedSteps < 1)
        {
            throw new ArgumentException($"FreeSteps = {o.FreeSteps} and NudgedSteps = {o.NudgedSteps} must both be >= 1.", nameof(o));
        }

        if (!(o.Beta > 0.0) || !double.IsFinite(o.Beta))
        {
            throw new ArgumentException($"Beta = {o.Beta} must be finite and > 0.", nameof(o));
        }

        if (!Enum.IsDefined(o.NudgePlacement) || !Enum.IsDefined(o.NudgeError) || !Enum.IsDefined(o.Nudging) || !Enum.IsDefined(o.WeightMode)
            || !Enum.IsDefined(o.ActivationMode) || !Enum.IsDefined(o.InputScaling))
        {
            throw new ArgumentException("An enum option has an undefined value.", nameof(o));
        }

        CheckPerLayer(o.BiasLearningRates, nameof(o.BiasLearningRates), layers, 0.0, double.MaxValue);
        if (o.WeightMode == EpWeightMode.ContinuousSgd)
        {
            CheckPerLayer(o.WeightLearningRates, nameof(o.WeightLearningRates), layers, 0.0, double.MaxValue);
        }
        else
        {
            CheckPerLayer(o.BinaryScales, nameof(o.BinaryScales), layers, double.Epsilon, double.MaxValue);
            CheckPerLayer(o.BopGammas, nameof(o.BopGammas), layers, 0.0, 1.0);
            CheckPerLayer(o.BopThresholds, nameof(o.BopThresholds), layers, 0.0, double.MaxValue);
        }
    }

    private static void CheckPerLayer(double[]? values, string name, int layers, double min, double max)
    {
        if (values is null || values.Length != layers)
        {
            throw new ArgumentException($"{name} needs one value per weight layer ({layers}), got {(values is null ? "null" : values.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.", name);
        }

        for (int l = 0; l < layers; l++)
        {
            if (!(values[l] >= min && values[l] <= max))
            {
                throw new ArgumentException($"{name}[{l}] = {values[l]} is outside [{min}, {max}].", name);
            }
        }
    }
}

/// <summary>What one mini-batch of <see cref="EquilibriumPropagationOracle"/> produced.</summary>
public sealed class EpBatchResult
{
    /// <summary>Creates a result (the oracle builds these).</summary>
    public EpBatchResult(EpGradient update, double signedBeta, int correctFree, double freeLoss, int[] flips)
    {
        Update = update ?? throw new ArgumentNullException(nameof(update));
        SignedBeta = signedBeta;
        CorrectFree = correctFree;
        FreeLoss = freeLoss;
        Flips = flips ?? throw new ArgumentNullException(nameof(flips));
    }

    /// <summary>The EP estimate, a descent direction (about -dL/dtheta), already scaled by 1/(2 beta B) or 1/(sigma beta B).</summary>
    public EpGradient Update { get; }

    /// <summary>+beta for symmetric nudging; sigma * beta (the sign used) for one-sided nudging.</summary>
    public double SignedBeta { get; }

    /// <summary>Samples of the batch whose free-phase prediction (before the update) was correct.</summary>
    public int CorrectFree { get; }

    /// <summary>Sum over the batch of 1/2 ||s0_L - y||^2 at the free state (before the update).</summary>
    public double FreeLoss { get; }

    /// <summary>Weights flipped per layer by BOP (zeros for SGD or before the update is applied).</summary>
    public int[] Flips { get; }
}
