// DeltaRuleSettings: hyperparameters of the single-layer delta rule and their one-time integer conversion.
//
// Real rule (per mini-batch of B samples):  W += lr / B * sum_b (d - y) x^T,   b += lr_b / B * sum_b (d - y)
// Integer form: the latent weight is Q8.24 (2^24 = 1.0); one sample adds RoundingShiftRight(e_q x_q, S) with
// e_q = (d - y) and x_q both Q0.15, so e_q x_q = e x 2^30 and the step is lr / B * e x 2^24 when
// 2^-S = lr / (64 B): S = log2(64 B / lr), rounded to the nearest integer in log scale. The learning rate is
// therefore rounded to a power of two over 64 B: EffectiveLearningRate says which rate is applied (the
// float64 oracle uses that one). The bias keeps a Q8.24 value and moves by RoundingShiftRight(e_q m, 16) with
// the Q16 multiplier m = lr_b / B 2^(24 - 15 + 16), so its rate is not rounded to a power of two.
using System;

namespace EdgeLearn.Runtime.Learners.SelfDefinedTargets
{
    /// <summary>Settings of <see cref="DeltaRuleLearner"/>.</summary>
    public sealed class DeltaRuleSettings
    {
        /// <summary>Creates the defaults: batch 16, learning rate 0.03 (weights and biases), seed 1.</summary>
        public DeltaRuleSettings()
        {
            BatchSize = 16;
            LearningRate = 0.03;
            BiasLearningRate = 0.03;
            Seed = 1;
        }

        /// <summary>Mini-batch size B in [1, 65535] (1 = streaming: the update is applied after every sample).</summary>
        public int BatchSize { get; set; }

        /// <summary>Weight learning rate lr in (0, 100).</summary>
        public double LearningRate { get; set; }

        /// <summary>Bias learning rate lr_b in [0, 100).</summary>
        public double BiasLearningRate { get; set; }

        /// <summary>Seed of the initial weights.</summary>
        public uint Seed { get; set; }

        /// <summary>Checks every setting; throws naming the first bad one.</summary>
        public void Validate()
        {
            if (BatchSize < 1 || BatchSize > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(BatchSize), "batch size must be in [1, 65535], got " + BatchSize);
            }

            if (!(LearningRate > 0 && LearningRate < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), "learning rate must be in (0, 100), got " + LearningRate);
            }

            if (!(BiasLearningRate >= 0 && BiasLearningRate < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(BiasLearningRate), "bias learning rate must be in [0, 100), got " + BiasLearningRate);
            }
        }

        /// <summary>Product shift S of the weight update (see the file header), in [0, 62].</summary>
        public int UpdateShift
        {
            get
            {
                double f = LearningRate / (64.0 * BatchSize);
                int s = 0;
                while (s < 62 && Pow2(-s) > f * 1.41421356)
                {
                    s++;
                }

                return s;
            }
        }

        /// <summary>The weight learning rate the integer rule applies: 64 B 2^-S.</summary>
        public double EffectiveLearningRate
        {
            get { return 64.0 * BatchSize * Pow2(-UpdateShift); }
        }

        /// <summary>Q16 multiplier of the bias step: a Q0.15 error e moves the Q8.24 bias by RoundingShiftRight(e m, 16).</summary>
        public int BiasMultiplier
        {
            get
            {
                double m = BiasLearningRate / BatchSize * Pow2(24 - 15 + 16);
                return m > int.MaxValue ? int.MaxValue : (int)(m + 0.5);
            }
        }

        /// <summary>The bias learning rate the integer rule applies.</summary>
        public double EffectiveBiasLearningRate
        {
            get { return BiasMultiplier * BatchSize / Pow2(24 - 15 + 16); }
        }

        private static double Pow2(int e)
        {
            double r = 1;
            for (int i = 0; i < (e >= 0 ? e : -e); i++)
            {
                r = e >= 0 ? r * 2 : r * 0.5;
            }

            return r;
        }
    }
}
