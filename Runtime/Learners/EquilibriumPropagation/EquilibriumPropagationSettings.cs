// EquilibriumPropagationSettings: the hyperparameters of binary-weight EP (ALGORITHMS.md sections 1, 2, 6)
// in the units of the papers, and their one-time conversion to the integers the learner uses.
//
// Integer BOP (exact derivation, per weight layer l, symmetric nudging):
//   real EP update of one mini-batch   g = 1/(2 beta B) sum_b (s+ s+^T - s- s-^T)        (descent direction)
//   BOP                                 m <- (1 - gamma) m + gamma g ; flip when -sign(W) m > tau
//   raw co-activation difference        C = sum_b (s+_q s+_q^T - s-_q s-_q^T), states in Q0.15, so C = 2^30 * 2 beta B g
//   integer accumulator                 M = RoundingShiftRight(C, S) summed per sample, i.e. M = m 2 beta B 2^(30-S) / gamma
//   leak once per batch                 M <- M - RoundingShiftRight(M, k), 2^-k the nearest power of two to gamma
//   flip threshold                      Theta = tau / gamma * 2 beta B * 2^(30-S), with gamma = 2^-k (EffectiveGamma),
//                                       so the integer learner is exactly BOP with gamma rounded to a power of two
// One-sided nudging replaces 2 beta by beta. S is the smallest shift that keeps Theta at most half the
// accumulator's range, so the accumulator has headroom above the threshold; every width saturates.
// Biases keep a Q8.24 latent value (2^24 = 1.0) and learn by plain SGD: b += lr / (2 beta B) (s+ - s-).
// s8 weights keep a Q16 latent copy in units of alpha / 32 and learn by SGD with the learning rate folded
// into the shift S (so the rate is rounded to a power of two: EffectiveLearningRate says which).
using System;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.Runtime.Learners.EquilibriumPropagation
{
    /// <summary>How the nudged phase is run.</summary>
    public enum NudgingMode
    {
        /// <summary>Two nudged phases, +beta and -beta, from the free state (Laborieux et al. 2021). Default.</summary>
        Symmetric = 1,

        /// <summary>One nudged phase with the sign of beta drawn once per mini-batch.</summary>
        RandomSign = 2,
    }

    /// <summary>Where the output nudge beta (y - s_L) enters the output update (multi-bit activations).</summary>
    public enum NudgePlacement
    {
        /// <summary>Binary EP (Laydevant et al.): s_L = clamp(rho(pre) + beta (y - s_L)). Revives outputs saturated on the wrong side. Default.</summary>
        OutsideRho = 1,

        /// <summary>Laborieux et al.: s_L = rho(pre + beta (y - s_L)); the update then matches BPTT exactly as beta -&gt; 0 (GDU).</summary>
        InsideRho = 2,
    }

    /// <summary>
    /// Hyperparameters of binary-weight Equilibrium Propagation. Per-layer arrays apply to weight layers
    /// 0 .. L-1; a shorter array repeats its last value. Defaults are the tuned Fashion-MNIST bin-W recipe of
    /// ALGORITHMS.md (symmetric nudging, beta 0.3, tau 2e-6, gamma 1e-4 / 1e-5, batch 64), with the input
    /// layer's scale alpha_0 three times 1 / (2 sqrt(fan_in)) (see <see cref="AlphaScale"/>).
    /// </summary>
    public sealed class EquilibriumPropagationSettings
    {
        /// <summary>Creates settings with the documented defaults.</summary>
        public EquilibriumPropagationSettings()
        {
            WeightFormat = WeightFormat.B1;
            ActivationFormat = ActivationFormat.MultiBit;
            FreeSteps = 30;
            NudgedSteps = 10;
            Beta = 0.3;
            Nudging = NudgingMode.Symmetric;
            NudgePlacement = NudgePlacement.OutsideRho;
            BatchSize = 64;
            AccumulatorBits = 16;
            Gamma = new double[] { 1e-4, 1e-5 };
            Tau = new double[] { 2e-6 };
            BiasLearningRate = new double[] { 0.05, 0.025 };
            LearningRate = new double[] { 0.05, 0.025 };
            AlphaScale = new double[] { 3, 1 };
            Seed = 1;
        }

        /// <summary>
        /// Settings for binary activations (bin-W-N) with the published recipe of Laydevant et al. (ALGORITHMS.md
        /// section 2): beta 2, T 20, K 10, gamma 2e-6, tau 2.5e-7 / 2e-7, bias rate 1e-7 (biases all but frozen),
        /// with symmetric nudging (measured better than the paper's random sign). The multi-bit defaults do not
        /// suit binary activations (47 % against 79 % after one Fashion-MNIST epoch at 784-256-100).
        /// </summary>
        public static EquilibriumPropagationSettings ForBinaryActivations()
        {
            var s = new EquilibriumPropagationSettings();
            s.ActivationFormat = ActivationFormat.Binary;
            s.FreeSteps = 20;
            s.NudgedSteps = 10;
            s.Beta = 2;
            s.Gamma = new double[] { 2e-6 };
            s.Tau = new double[] { 2.5e-7, 2e-7 };
            s.BiasLearningRate = new double[] { 1e-7 };
            return s;
        }

        /// <summary>Weight storage (binary by default; s8 is the comparison mode).</summary>
        public WeightFormat WeightFormat { get; set; }

        /// <summary>Multi-bit (bin-W) or binary (bin-W-N) activations.</summary>
        public ActivationFormat ActivationFormat { get; set; }

        /// <summary>Free-phase relaxation steps T.</summary>
        public int FreeSteps { get; set; }

        /// <summary>Nudged-phase relaxation steps K.</summary>
        public int NudgedSteps { get; set; }

        /// <summary>Nudging strength beta (real), in (0, 8).</summary>
        public double Beta { get; set; }

        /// <summary>Symmetric or random-sign nudging.</summary>
        public NudgingMode Nudging { get; set; }

        /// <summary>Nudge outside (default) or inside the hard sigmoid, or for binary activations after or inside their leaky average.</summary>
        public NudgePlacement NudgePlacement { get; set; }

        /// <summary>Mini-batch size B (1 = streaming: flips checked after every sample).</summary>
        public int BatchSize { get; set; }

        /// <summary>Width of each BOP accumulator: 8, 16 or 32 bits.</summary>
        public int AccumulatorBits { get; set; }

        /// <summary>BOP adaptivity gamma per weight layer, in (0, 1).</summary>
        public double[] Gamma { get; set; }

        /// <summary>BOP flip threshold tau per weight layer, &gt; 0.</summary>
        public double[] Tau { get; set; }

        /// <summary>Bias SGD learning rate per weight layer, &gt;= 0.</summary>
        public double[] BiasLearningRate { get; set; }

        /// <summary>Weight SGD learning rate per layer (s8 weights only), &gt; 0.</summary>
        public double[] LearningRate { get; set; }

        /// <summary>
        /// Multiplier of each weight layer's scale alpha_l over 1 / (2 sqrt(fan_in)), in (0, 64); used when a
        /// network is created from these settings (see <see cref="LayerAlphaQ15"/>); a model image carries the
        /// scales themselves. Default 3 for the input layer and 1 above it: pixel inputs in [0, 1] are
        /// non-negative and mostly dark, so 1 / (2 sqrt(784)) leaves the first hidden layer's pre-activations a
        /// few tenths wide, in the lower half of the hard sigmoid. Measured on Fashion-MNIST (784-256-10, 8-bit
        /// accumulators, 20 epochs): 85.37 % with 1, 1 and 87.57 % with 3, 1; with binary activations
        /// (784-1024-100, 2 epochs) 83.33 % and 84.77 %. Inputs of another scale may want another value.
        /// </summary>
        public double[] AlphaScale { get; set; }

        /// <summary>Seed of initialisation, nudging signs and stochastic rounding.</summary>
        public uint Seed { get; set; }

        /// <summary>A copy whose per-layer arrays are copies too, so changing one never changes the other.</summary>
        public EquilibriumPropagationSettings Clone()
        {
            var c = (EquilibriumPropagationSettings)MemberwiseClone();
            c.Gamma = CopyOf(Gamma);
            c.Tau = CopyOf(Tau);
            c.BiasLearningRate = CopyOf(BiasLearningRate);
            c.LearningRate = CopyOf(LearningRate);
            c.AlphaScale = CopyOf(AlphaScale);
            return c;
        }

        private static double[] CopyOf(double[] values)
        {
            return values == null ? null : (double[])values.Clone();
        }

        /// <summary>Value of a per-layer array for weight layer <paramref name="layer"/> (the last value repeats).</summary>
        public static double ForLayer(double[] values, int layer)
        {
            return values[layer < values.Length ? layer : values.Length - 1];
        }

        /// <summary>Checks every setting; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
        public void Validate()
        {
            if (FreeSteps < 1 || FreeSteps > 10000)
            {
                throw new ArgumentOutOfRangeException(nameof(FreeSteps), "free steps must be in [1, 10000], got " + FreeSteps);
            }

            if (NudgedSteps < 1 || NudgedSteps > 10000)
            {
                throw new ArgumentOutOfRangeException(nameof(NudgedSteps), "nudged steps must be in [1, 10000], got " + NudgedSteps);
            }

            if (!(Beta > 0 && Beta < 8))
            {
                throw new ArgumentOutOfRangeException(nameof(Beta), "beta must be in (0, 8), got " + Beta);
            }

            if (BatchSize < 1 || BatchSize > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(BatchSize), "batch size must be in [1, 65536], got " + BatchSize);
            }

            if (AccumulatorBits != 8 && AccumulatorBits != 16 && AccumulatorBits != 32)
            {
                throw new ArgumentOutOfRangeException(nameof(AccumulatorBits), "accumulator width must be 8, 16 or 32 bits, got " + AccumulatorBits);
            }

            if (WeightFormat != WeightFormat.B1 && WeightFormat != WeightFormat.S8)
            {
                throw new ArgumentOutOfRangeException(nameof(WeightFormat), "unknown weight format " + (int)WeightFormat);
            }

            if (ActivationFormat != ActivationFormat.MultiBit && ActivationFormat != ActivationFormat.Binary)
            {
                throw new ArgumentOutOfRangeException(nameof(ActivationFormat), "unknown activation format " + (int)ActivationFormat);
            }

            if (Nudging != NudgingMode.Symmetric && Nudging != NudgingMode.RandomSign)
            {
                throw new ArgumentOutOfRangeException(nameof(Nudging), "unknown nudging mode " + (int)Nudging);
            }

            if (NudgePlacement != NudgePlacement.OutsideRho && NudgePlacement != NudgePlacement.InsideRho)
            {
                throw new ArgumentOutOfRangeException(nameof(NudgePlacement), "unknown nudge placement " + (int)NudgePlacement);
            }

            CheckPerLayer(Gamma, nameof(Gamma), 0, 1, false);
            CheckPerLayer(Tau, nameof(Tau), 0, 1e6, false);
            CheckPerLayer(BiasLearningRate, nameof(BiasLearningRate), 0, 100, true);
            CheckPerLayer(LearningRate, nameof(LearningRate), 0, 100, false);
            CheckPerLayer(AlphaScale, nameof(AlphaScale), 0, 64, false);
        }

        /// <summary>beta in Q.12 (4096 = 1.0), rounded.</summary>
        public int BetaQ12
        {
            get { return (int)(Beta * 4096 + 0.5); }
        }

        /// <summary>
        /// Per-sample scale of the EP estimate: 2 beta for symmetric nudging, beta for one-sided.
        /// </summary>
        public double NudgeDivisor
        {
            get { return Nudging == NudgingMode.Symmetric ? 2 * Beta : Beta; }
        }

        /// <summary>
        /// The layer scale alpha_l = 1 / (2 sqrt(fanIn)) in Q0.15, computed with the integer square root so
        /// every target gets the same integer.
        /// </summary>
        public static int AlphaQ15(int fanIn)
        {
            ulong root = ActivationKernels.SqrtU64((ulong)fanIn << 40); // sqrt(fanIn) * 2^20
            return (int)(((1UL << 34) + root / 2) / root);
        }

        /// <summary>
        /// The scale of weight layer <paramref name="layer"/> in Q0.15: <see cref="AlphaQ15"/> of
        /// <paramref name="fanIn"/> times that layer's <see cref="AlphaScale"/>, rounded. Throws
        /// <see cref="ArgumentOutOfRangeException"/> when the result leaves [1, 32767] (alpha in (0, 1)).
        /// </summary>
        public int LayerAlphaQ15(int layer, int fanIn)
        {
            double a = AlphaQ15(fanIn) * ForLayer(AlphaScale, layer);
            if (!(a >= 0.5 && a < 32767.5))
            {
                throw new ArgumentOutOfRangeException(nameof(AlphaScale), "alpha scale " + ForLayer(AlphaScale, layer) + " of weight layer " + layer + " (fan-in " + fanIn + ") gives alpha " + (a / 32768) + "; alpha must be in [2^-15, 1)");
            }

            return (int)(a + 0.5);
        }

        /// <summary>Largest value of a signed accumulator of <paramref name="bits"/> bits.</summary>
        public static long AccumulatorMax(int bits)
        {
            return bits == 8 ? 127 : bits == 16 ? 32767 : int.MaxValue;
        }

        /// <summary>
        /// Chooses the product shift S of weight layer <paramref name="layer"/> for binary weights: the smallest
        /// S in [0, 60] with Theta(S) at most half the accumulator range. See the file header.
        /// </summary>
        public int BopShift(int layer)
        {
            double factor = ForLayer(Tau, layer) / EffectiveGamma(layer) * NudgeDivisor * BatchSize;
            long limit = AccumulatorMax(AccumulatorBits) / 2;
            for (int s = 0; s <= 60; s++)
            {
                if (factor * Pow2(30 - s) <= limit)
                {
                    return s;
                }
            }

            return 60;
        }

        /// <summary>Integer flip threshold Theta of weight layer <paramref name="layer"/> for shift <see cref="BopShift"/> (at least 1).</summary>
        public int BopThreshold(int layer)
        {
            double factor = ForLayer(Tau, layer) / EffectiveGamma(layer) * NudgeDivisor * BatchSize;
            double theta = factor * Pow2(30 - BopShift(layer));
            return theta < 1 ? 1 : (int)(theta + 0.5);
        }

        /// <summary>
        /// The gamma the integer BOP actually applies, 2^-k with k = <see cref="BopLeakShift"/>: the leak can only
        /// be a shift, so gamma is rounded to the nearest power of two (in log scale), and the flip threshold is
        /// computed with this value so that the learner is exactly BOP with gamma = EffectiveGamma.
        /// </summary>
        public double EffectiveGamma(int layer)
        {
            return Pow2(-BopLeakShift(layer));
        }

        /// <summary>Leak shift k of weight layer <paramref name="layer"/>: 2^-k nearest to gamma (in log scale).</summary>
        public int BopLeakShift(int layer)
        {
            double gamma = ForLayer(Gamma, layer);
            int k = 0;
            while (k < 31 && Pow2(-k) > gamma * 1.41421356)
            {
                k++;
            }

            return k;
        }

        /// <summary>
        /// Bias step multiplier (Q16) of weight layer <paramref name="layer"/>: a Q0.15 state difference d moves the
        /// Q8.24 bias by RoundingShiftRight(d * multiplier, 16).
        /// </summary>
        public int BiasMultiplier(int layer)
        {
            double m = ForLayer(BiasLearningRate, layer) / (NudgeDivisor * BatchSize) * Pow2(24 - 15 + 16);
            return m > int.MaxValue ? int.MaxValue : (int)(m + 0.5);
        }

        /// <summary>
        /// Shift S of weight layer <paramref name="layer"/> for s8 weights: the Q16 latent (units alpha / 32)
        /// moves by RoundingShiftRight(C, S) per sample, which is SGD with a rate rounded to a power of two.
        /// </summary>
        public int LatentShift(int layer, int alphaQ15)
        {
            double f = LatentFactor(layer, alphaQ15);
            int s = 0;
            while (s < 60 && Pow2(14 - s) > f * 1.41421356)
            {
                s++;
            }

            return s;
        }

        /// <summary>The s8 learning rate actually applied after rounding the shift (see <see cref="LatentShift"/>).</summary>
        public double EffectiveLearningRate(int layer, int alphaQ15)
        {
            double f = LatentFactor(layer, alphaQ15);
            return ForLayer(LearningRate, layer) * Pow2(14 - LatentShift(layer, alphaQ15)) / f;
        }

        private double LatentFactor(int layer, int alphaQ15)
        {
            double alpha = alphaQ15 / 32768.0;
            return ForLayer(LearningRate, layer) * 32 / (NudgeDivisor * BatchSize * alpha);
        }

        private static double Pow2(int e)
        {
            double r = 1;
            if (e >= 0)
            {
                for (int i = 0; i < e; i++)
                {
                    r *= 2;
                }
            }
            else
            {
                for (int i = 0; i < -e; i++)
                {
                    r *= 0.5;
                }
            }

            return r;
        }

        private static void CheckPerLayer(double[] values, string name, double low, double high, bool allowLow)
        {
            if (values == null || values.Length == 0)
            {
                throw new ArgumentOutOfRangeException(name, name + " needs at least one value");
            }

            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                bool ok = allowLow ? v >= low && v < high : v > low && v < high;
                if (!ok)
                {
                    throw new ArgumentOutOfRangeException(name, name + "[" + i + "] = " + v + " is outside " + (allowLow ? "[" : "(") + low + ", " + high + ")");
                }
            }
        }
    }
}
