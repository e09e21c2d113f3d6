using System;

namespace EdgeLearn.HostSim.Oracles;

/// <summary>Where the output nudge beta (y - s_L) enters the output layer's update.</summary>
public enum EpNudgePlacement
{
    /// <summary>
    /// Binary EP (Laydevant et al.): s_L &lt;- clamp(rho(pre_L) + beta (y - s_L), 0, 1). A saturated output
    /// that sits on the wrong side still moves; this breaks the exact EP/BPTT match on such units (see the
    /// oracle's file header).
    /// </summary>
    OutsideRho = 0,

    /// <summary>
    /// Laborieux et al.: s_L &lt;- rho(pre_L + beta (y - s_L)). The step is rho of the gradient of
    /// Phi - beta * 1/2 ||s_L - y||^2, so the EP update matches BPTT exactly as beta -&gt; 0.
    /// </summary>
    InsideRho = 1,
}

/// <summary>Which output state the nudge's error y - s_L is measured on.</summary>
public enum EpNudgeError
{
    /// <summary>
    /// <see cref="CurrentOutput"/> for <see cref="EpActivationMode.HardSigmoid"/>, <see cref="FreeOutput"/> for
    /// <see cref="EpActivationMode.BinaryThreshold"/>.
    /// </summary>
    Auto = 0,

    /// <summary>ALGORITHMS.md section 1: the output state of the previous step, beta (y - s_L(t)).</summary>
    CurrentOutput = 1,

    /// <summary>
    /// The output state the nudged phase started from (the free state), beta (y - s0_L), constant during the
    /// phase: the published bin-W-N form. With the leaky bin-W-N step, <see cref="CurrentOutput"/> feeds the
    /// error back with gain 0.5 + beta (outside rho) or 0.5 (1 + beta) (inside), so the -beta phase runs away
    /// to a clamp for beta &gt; 0.5 (outside) or beta &gt; 1 (inside); with a small beta hardly any binary
    /// output flips and learning stalls.
    /// </summary>
    FreeOutput = 2,
}

/// <summary>How the nudged phase(s) of one mini-batch are run.</summary>
public enum EpNudging
{
    /// <summary>Two nudged phases, +beta and -beta, from the free state (first-order bias removed).</summary>
    Symmetric = 0,

    /// <summary>One nudged phase with +beta; the estimate compares it with the free state.</summary>
    OneSidedPositive = 1,

    /// <summary>
    /// One nudged phase with sign * beta, the sign drawn once per mini-batch from the caller's generator:
    /// <c>NextBit()</c> true gives +beta, false gives -beta.
    /// </summary>
    OneSidedRandomSign = 2,
}

/// <summary>How weights are stored and learnt.</summary>
public enum EpWeightMode
{
    /// <summary>Real weights, plain SGD with a learning rate per layer: W_l += lr_l g_W_l.</summary>
    ContinuousSgd = 0,

    /// <summary>
    /// Weights +/- alpha_l learnt by BOP in float form: m &lt;- (1 - gamma_l) m + gamma_l g;
    /// flip W when -sign(W) m &gt; tau_l; m is never reset.
    /// </summary>
    BinaryBop = 1,
}

/// <summary>What a neuron passes to its neighbours.</summary>
public enum EpActivationMode
{
    /// <summary>bin-W / full precision: the state itself, s &lt;- rho(pre), states start at 0.</summary>
    HardSigmoid = 0,

    /// <summary>
    /// bin-W-N: a continuous state s in [0, 1] (starts at 1) with binary output h = (s &gt;= 0.5 ? 1 : 0);
    /// step s &lt;- clamp(0.5 s + 0.5 pre, 0, 1) with pre computed from the neighbours' h; the EP update
    /// uses h. The input stays multi-bit.
    /// </summary>
    BinaryThreshold = 1,
}

/// <summary>How a grey level byte g becomes an input value in [0, 1].</summary>
public enum EpInputScaling
{
    /// <summary>x = g / 255.</summary>
    UnitInterval = 0,

    /// <summary>
    /// x = FixedPoint.UnitByteToQ15(g) / 32768 = round(g * 32767 / 255) / 2^15: exactly the value the
    /// fixed-point learner sees.
    /// </summary>
    Q15 = 1,
}

/// <summary>
/// Configuration of <see cref="EquilibriumPropagationOracle"/>. Per-layer arrays have one entry per weight
/// layer l = 0 .. L-1 (W_l maps layer l to layer l+1). Validated by the oracle's constructor.
/// </summary>
public sealed record EpOracleOptions
{
    /// <summary>n_0 (input) .. n_L (output); n_L = classes * <see cref="GroupSize"/>. At least two entries.</summary>
    public int[] LayerSizes { get; init; } = Array.Empty<int>();

    /// <summary>G, output neurons per class (bin-W-N widens the output); 1 for one neuron per class.</summary>
    public int GroupSize { get; init; } = 1;

    /// <summary>T, free-phase steps (from the initial state).</summary>
    public int FreeSteps { get; init; } = 20;

    /// <summary>K, nudged-phase steps (from the free state).</summary>
    public int NudgedSteps { get; init; } = 10;

    /// <summary>beta &gt; 0, the nudging strength (its sign is set by <see cref="Nudging"/>).</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>Where the nudge enters the output update; Binary EP's <see cref="EpNudgePlacement.OutsideRho"/> by default.</summary>
    public EpNudgePlacement NudgePlacement { get; init; } = EpNudgePlacement.OutsideRho;

    /// <summary>Which output state the nudge's error is measured on (by default chosen from <see cref="ActivationMode"/>).</summary>
    public EpNudgeError NudgeError { get; init; } = EpNudgeError.Auto;

    /// <summary>Symmetric (default) or one-sided nudging.</summary>
    public EpNudging Nudging { get; init; } = EpNudging.Symmetric;

    /// <summary>Continuous weights with SGD (default) or binary weights with BOP.</summary>
    public EpWeightMode WeightMode { get; init; } = EpWeightMode.ContinuousSgd;

    /// <summary>Hard-sigmoid states (default) or bin-W-N binary outputs.</summary>
    public EpActivationMode ActivationMode { get; init; } = EpActivationMode.HardSigmoid;

    /// <summary>Scaling of grey level bytes in the byte overloads.</summary>
    public EpInputScaling InputScaling { get; init; } = EpInputScaling.UnitInterval;

    /// <summary>SGD learning rate per weight layer (length L, each &gt;= 0). Required for <see cref="EpWeightMode.ContinuousSgd"/>.</summary>
    public double[]? WeightLearningRates { get; init; }

    /// <summary>SGD learning rate of the biases per layer (length L, each &gt;= 0). Required in every mode.</summary>
    public double[]? BiasLearningRates { get; init; }

    /// <summary>alpha_l &gt; 0, the magnitude of the binary weights of each layer. Required for <see cref="EpWeightMode.BinaryBop"/>.</summary>
    public double[]? BinaryScales { get; init; }

    /// <summary>BOP gamma_l in [0, 1], the accumulator's averaging rate. Required for <see cref="EpWeightMode.BinaryBop"/>.</summary>
    public double[]? BopGammas { get; init; }

    /// <summary>BOP tau_l &gt;= 0, the flip threshold. Required for <see cref="EpWeightMode.BinaryBop"/>.</summary>
    public double[]? BopThresholds { get; init; }
}
