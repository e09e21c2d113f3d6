// SelfContrastiveForwardForwardSettings: the hyperparameters of Self-Contrastive Forward-Forward (ALGORITHMS.md
// sections 3 and 6) in the units of the paper, and their one-time conversion to the integers the learner uses.
//
// Number formats (r = real value):
//   input x              Q0.15 (FixedPoint.UnitByteToQ15)
//   summed halves s      Q.10 s16: s = u1 + u2 of the standardised pair (NormalizationKernels), |s| < 32
//   weights W            Q.14 s16 (|W| < 2); SGD keeps a Q.30 latent copy (W = RoundingShiftRight(latent, 16))
//   biases b             Q.24 s32
//   pre-activation z     Q.24 s32: z = W s + c_b b, c_b = 2 on the first layer (z = W u1 + W u2 + 2 b), 1 above
//   goodness G           Q.12 (the logistic table's input format): G = mean_j relu(z_j)^2
// Gradient (descent direction; d+ and d- of ALGORITHMS.md without the 1/B and with the sign turned):
//   gate+ = sigma(th1 - G+) - lambda   for the positive pair,   gate- = sigma(G- - th2) for the negative pair
//   H_j   = gate+ relu(z+_j)  and  -gate- relu(z-_j);  descent  dW = 2/(N B) sum_b H_b s_b^T,  db = c_b 2/(N B) sum_b H_b
// H is formed exactly (gate Q0.15 x relu(z) Q.24 = Q.39 in 64 bits) and narrowed to s16 with a per-sample block
// exponent e (the smallest shift that fits the largest |H| of the pair), so small gates keep 15 significant bits.
// Accumulator M per weight (the momentum buffer; it also sums the mini-batch): units 2^-FM of sum_b H_b s_b^T,
//   FM = 16 for s32 accumulators (headroom |M| < 32768) and 8 for s16 (|M| < 128; only its sign is used by Signum),
//   one outer product per sample with shift 49 - e - FM (H' Q.(39-e) x s Q.10), rows with H+ = H- = 0 skipped (exact).
// Bias accumulators are s32 with the same FM: RoundingShiftRight(H, 39 - FM) per sample.
// Once per mini-batch, after the B samples:
//   SGD with momentum  latent += RoundingShiftRight(M x multiplier, shift), multiplier / 2^shift = lr 2/(N B) 2^(30 - FM)
//                      (one multiply per weight per batch; relative error of the rate below 2^-20)
//   Signum             W += step sign(M), step = round(lr 2^14) Q.14 LSB: exact, so no latent copy is needed
//   then the momentum leak M <- M - RoundingShiftRight(M, k) (mu = 1 - 2^-k; k = 0 clears M: no momentum).
using System;
using EdgeLearn.Kernels;

namespace EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward
{
    /// <summary>
    /// The integer optimizer that replaces the authors' AdamW. Measured (Fashion-MNIST 20k / 5k, 784-1000, 3 epochs;
    /// MNIST 8k / 2k, 784-1000, 5 epochs): SGD with momentum (lr 0.5) 85.96 % / 96.74 %, Signum (step 1e-4 .. 3e-4)
    /// 85.84 % / 96.49 %, so SGD is the default; Signum needs 4 bytes per weight instead of 10 and is the choice for
    /// small memories.
    /// </summary>
    public enum ContrastiveOptimizer
    {
        /// <summary>Signum: sign of the momentum buffer times a per-layer step, applied to the s16 weights directly (2 + 2 bytes per weight with 16-bit momentum).</summary>
        Signum = 1,

        /// <summary>SGD with momentum on a Q.30 latent copy of the weights (s32 accumulators; 2 + 4 + 4 bytes per weight). Default.</summary>
        SgdMomentum = 2,
    }

    /// <summary>
    /// Hyperparameters of SCFF. Per-layer arrays apply to layers 0 .. L-1; a shorter array repeats its last value.
    /// Defaults: the paper's MNIST thresholds (th1 4, th2 6, lambda 1e-4), batch 100, and the measured choices for the
    /// rest (SGD with momentum 0.875 and rate 0.5, views shifted by up to 1 pixel, each view standardised on its own).
    /// </summary>
    public sealed class SelfContrastiveForwardForwardSettings
    {
        /// <summary>Fractional bits of the summed standardised halves s (Q.10).</summary>
        public const int InputFractionBits = 10;

        /// <summary>Fractional bits of the s16 weights (Q.14).</summary>
        public const int WeightFractionBits = 14;

        /// <summary>Fractional bits of the biases and pre-activations (Q.24).</summary>
        public const int PreActivationFractionBits = 24;

        /// <summary>Extra fractional bits of the SGD latent weights over the s16 weights (latent Q.30).</summary>
        public const int LatentExtraBits = 16;

        /// <summary>Creates settings with the documented defaults.</summary>
        public SelfContrastiveForwardForwardSettings()
        {
            Threshold1 = new double[] { 4 };
            Threshold2 = new double[] { 6 };
            Lambda = new double[] { 1e-4 };
            LearningRate = new double[] { 0.5 };
            Optimizer = ContrastiveOptimizer.SgdMomentum;
            Momentum = 0.875;
            AccumulatorBits = 32;
            BatchSize = 100;
            RingSize = 100;
            ViewShift = 1;
            StandardizeHalves = true;
            Seed = 1;
        }

        /// <summary>Positive threshold th1 per layer (goodness of positive pairs is pushed above it).</summary>
        public double[] Threshold1 { get; set; }

        /// <summary>Negative threshold th2 per layer (goodness of negative pairs is pushed below it).</summary>
        public double[] Threshold2 { get; set; }

        /// <summary>Weight lambda of the positive goodness penalty per layer, in [0, 1).</summary>
        public double[] Lambda { get; set; }

        /// <summary>Learning rate (SGD) or step (Signum) per layer.</summary>
        public double[] LearningRate { get; set; }

        /// <summary>Integer optimizer.</summary>
        public ContrastiveOptimizer Optimizer { get; set; }

        /// <summary>Momentum mu in [0, 1); applied as 1 - 2^-k with the nearest k (<see cref="EffectiveMomentum"/>).</summary>
        public double Momentum { get; set; }

        /// <summary>Width of the weight accumulators: 16 (Signum only) or 32 bits.</summary>
        public int AccumulatorBits { get; set; }

        /// <summary>Mini-batch size B (1 = streaming: update after every sample).</summary>
        public int BatchSize { get; set; }

        /// <summary>Recent inputs kept for negative pairs (at least 1).</summary>
        public int RingSize { get; set; }

        /// <summary>Largest random shift of a view, in pixels (images) or samples (frames); 0 = identical views.</summary>
        public int ViewShift { get; set; }

        /// <summary>
        /// Standardise each half of a pair on its own before the pair (the authors' pre-standardisation of every view)
        /// instead of the concatenation only; the pair (x, x) of the readout is the same either way.
        /// </summary>
        public bool StandardizeHalves { get; set; }

        /// <summary>Seed of initialisation, views and negatives.</summary>
        public uint Seed { get; set; }

        /// <summary>Value of a per-layer array for layer <paramref name="layer"/> (the last value repeats).</summary>
        public static double ForLayer(double[] values, int layer)
        {
            return values[layer < values.Length ? layer : values.Length - 1];
        }

        /// <summary>Checks every setting; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
        public void Validate()
        {
            CheckPerLayer(Threshold1, nameof(Threshold1), -1000, 1000);
            CheckPerLayer(Threshold2, nameof(Threshold2), -1000, 1000);
            CheckPerLayer(Lambda, nameof(Lambda), 0, 1);
            CheckPerLayer(LearningRate, nameof(LearningRate), 1e-12, 1000);
            if (Optimizer != ContrastiveOptimizer.Signum && Optimizer != ContrastiveOptimizer.SgdMomentum)
            {
                throw new ArgumentOutOfRangeException(nameof(Optimizer), "unknown optimizer " + (int)Optimizer);
            }

            if (!(Momentum >= 0 && Momentum < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(Momentum), "momentum must be in [0, 1), got " + Momentum);
            }

            if (AccumulatorBits != 16 && AccumulatorBits != 32)
            {
                throw new ArgumentOutOfRangeException(nameof(AccumulatorBits), "accumulator width must be 16 or 32 bits, got " + AccumulatorBits);
            }

            if (Optimizer == ContrastiveOptimizer.SgdMomentum && AccumulatorBits != 32)
            {
                throw new ArgumentOutOfRangeException(nameof(AccumulatorBits), "SGD with momentum needs 32-bit accumulators (16-bit ones only keep a sign), got " + AccumulatorBits);
            }

            if (BatchSize < 1 || BatchSize > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(BatchSize), "batch size must be in [1, 65536], got " + BatchSize);
            }

            if (RingSize < 1 || RingSize > 65536)
            {
                throw new ArgumentOutOfRangeException(nameof(RingSize), "ring size must be in [1, 65536], got " + RingSize);
            }

            if (ViewShift < 0 || ViewShift > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(ViewShift), "view shift must be in [0, 64], got " + ViewShift);
            }

            for (int l = 0; l < LearningRate.Length; l++)
            {
                if (Optimizer == ContrastiveOptimizer.Signum && SignStep(l) < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(LearningRate), "Signum step " + ForLayer(LearningRate, l) + " of layer " + l + " is below one weight LSB (2^-14)");
                }

                if (Optimizer == ContrastiveOptimizer.Signum && LearningRate[l] > 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(LearningRate), "Signum step " + LearningRate[l] + " of layer " + l + " is above 1 (weights live in [-2, 2))");
                }
            }
        }

        /// <summary>Fractional bits FM of the accumulators: 16 for s32, 8 for s16 (see the file header).</summary>
        public int AccumulatorFractionBits
        {
            get { return AccumulatorBits == 32 ? 16 : 8; }
        }

        /// <summary>Momentum leak shift k: 1 - 2^-k nearest to mu in log scale of (1 - mu); 0 means no momentum.</summary>
        public int MomentumShift
        {
            get
            {
                double oneMinus = 1 - Momentum;
                int k = 0;
                while (k < 30 && Pow2(-k) > oneMinus * 1.41421356)
                {
                    k++;
                }

                return k;
            }
        }

        /// <summary>The momentum the integer leak applies, 1 - 2^-k (0 for k = 0).</summary>
        public double EffectiveMomentum
        {
            get { return 1 - Pow2(-MomentumShift); }
        }

        /// <summary>Threshold th1 of layer <paramref name="layer"/> in Q.12, rounded.</summary>
        public int Threshold1Q12(int layer)
        {
            return ToQ12(ForLayer(Threshold1, layer));
        }

        /// <summary>Threshold th2 of layer <paramref name="layer"/> in Q.12, rounded.</summary>
        public int Threshold2Q12(int layer)
        {
            return ToQ12(ForLayer(Threshold2, layer));
        }

        /// <summary>lambda of layer <paramref name="layer"/> in Q0.15, rounded (values below 2^-16 vanish: a documented trap).</summary>
        public int LambdaQ15(int layer)
        {
            return (int)(ForLayer(Lambda, layer) * 32768 + 0.5);
        }

        /// <summary>Signum step of layer <paramref name="layer"/> in Q.14 weight LSB, round(lr 2^14).</summary>
        public int SignStep(int layer)
        {
            return (int)(ForLayer(LearningRate, layer) * (1 << WeightFractionBits) + 0.5);
        }

        /// <summary>The Signum step actually applied (a multiple of 2^-14).</summary>
        public double EffectiveSignStep(int layer)
        {
            return SignStep(layer) / (double)(1 << WeightFractionBits);
        }

        /// <summary>
        /// SGD update of layer <paramref name="layer"/> of width <paramref name="width"/>: the Q.30 latent moves by
        /// RoundingShiftRight(M multiplier, shift) per batch, multiplier / 2^shift = lr 2 / (N B) 2^(30 - FM), with the
        /// multiplier kept in [2^20, 2^21) (shift at most 62; a rate too small for that gives multiplier 0).
        /// </summary>
        public int SgdMultiplier(int layer, int width, out int shift)
        {
            double f = ForLayer(LearningRate, layer) * 2.0 / ((double)width * BatchSize) * Pow2(30 - AccumulatorFractionBits);
            return Normalize(f, out shift);
        }

        /// <summary>
        /// SGD update of the Q.24 biases: RoundingShiftRight(MB multiplier, shift) per batch with
        /// multiplier / 2^shift = lr c_b 2 / (N B) 2^(24 - FM).
        /// </summary>
        public int SgdBiasMultiplier(int layer, int width, int biasFactor, out int shift)
        {
            double f = ForLayer(LearningRate, layer) * biasFactor * 2.0 / ((double)width * BatchSize) * Pow2(24 - AccumulatorFractionBits);
            return Normalize(f, out shift);
        }

        /// <summary>The SGD rate actually applied (multiplier and shift rounded), for the oracle.</summary>
        public double EffectiveSgdRate(int layer, int width)
        {
            int shift;
            int m = SgdMultiplier(layer, width, out shift);
            return m * Pow2(-shift) / (2.0 / ((double)width * BatchSize) * Pow2(30 - AccumulatorFractionBits));
        }

        /// <summary>2^e for integer e (exact; no System.Math).</summary>
        public static double Pow2(int e)
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

        /// <summary>
        /// Uniform initialisation bound 1/sqrt(fanIn) (PyTorch's default for linear layers) in Q.14, with the integer
        /// square root so every target gets the same integer.
        /// </summary>
        public static int InitBoundQ14(int fanIn)
        {
            ulong root = ActivationKernels.SqrtU64((ulong)fanIn << 40); // sqrt(fanIn) * 2^20
            return (int)(((1UL << 34) + root / 2) / root);
        }

        private static int Normalize(double f, out int shift)
        {
            shift = 0;
            if (!(f > 0))
            {
                return 0;
            }

            while (shift < 62 && f * Pow2(shift) < (1 << 20))
            {
                shift++;
            }

            while (shift > 0 && f * Pow2(shift) >= (1 << 21))
            {
                shift--;
            }

            double m = f * Pow2(shift) + 0.5;
            return m >= int.MaxValue ? int.MaxValue : (int)m;
        }

        private static int ToQ12(double v)
        {
            double q = v * 4096;
            return (int)(q >= 0 ? q + 0.5 : q - 0.5);
        }

        private static void CheckPerLayer(double[] values, string name, double low, double high)
        {
            if (values == null || values.Length == 0)
            {
                throw new ArgumentOutOfRangeException(name, name + " needs at least one value");
            }

            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                if (!(v >= low && v < high))
                {
                    throw new ArgumentOutOfRangeException(name, name + "[" + i + "] = " + v + " is outside [" + low + ", " + high + ")");
                }
            }
        }
    }
}
